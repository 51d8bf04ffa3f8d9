public import EvidenceModel

/// A JSON value with the file and JSON path it came from, so every read can report where it failed.
public struct JSONNode: Sendable {
    public let value: JSONValue
    public let file: String
    public let path: String

    init(value: JSONValue, file: String, path: String = "$") {
        self.value = value
        self.file = file
        self.path = path
    }

    /// Parses a whole file's bytes.
    static func parse(_ bytes: [UInt8], file: String) throws -> JSONNode {
        do {
            return JSONNode(value: try JSONParser.parse(bytes), file: file)
        } catch {
            throw ImportError(
                file: file,
                location: "\(error.line):\(error.column)",
                message: "invalid JSON: \(error.message)"
            )
        }
    }

    func failure(_ message: String) -> ImportError { ImportError(file: file, location: path, message: message) }

    func expected(_ what: String) -> ImportError {
        failure("expected \(what), found \(value.kindDescription)")
    }

    // MARK: Structure

    /// The member `key` of this object; nil when absent or null (AWS omits or nulls optional fields).
    func optional(_ key: String) throws -> JSONNode? {
        guard case .object(let members) = value else { throw expected("an object") }
        guard let member = members[key] else { return nil }
        if case .null = member { return nil }
        return JSONNode(value: member, file: file, path: "\(path).\(key)")
    }

    /// The member `key` of this object, which must be present.
    func required(_ key: String) throws -> JSONNode {
        guard let member = try optional(key) else {
            guard case .object = value else { throw expected("an object") }
            throw ImportError(file: file, location: "\(path).\(key)", message: "missing required field")
        }
        return member
    }

    func array() throws -> [JSONNode] {
        guard case .array(let items) = value else { throw expected("an array") }
        return items.enumerated().map { JSONNode(value: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// The array under `key`, or an empty list when the key is absent.
    func optionalArray(_ key: String) throws -> [JSONNode] {
        try optional(key)?.array() ?? []
    }

    /// The members of this object, sorted by key.
    func members() throws -> [(String, JSONNode)] {
        guard case .object(let members) = value else { throw expected("an object") }
        return members.keys.sorted().compactMap { key in
            guard let member = members[key] else { return nil }
            return (key, JSONNode(value: member, file: file, path: "\(path).\(key)"))
        }
    }

    // MARK: Scalars

    func string() throws -> String {
        guard case .string(let text) = value else { throw expected("a string") }
        return text
    }

    /// An opaque identifier: a non-empty string.
    func identifier() throws -> String {
        let text = try string()
        guard !text.isEmpty else { throw failure("expected a non-empty string") }
        return text
    }

    /// An integer given as a JSON number or as a numeric string (AWS's event streams do both).
    func int() throws -> Int {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string(let literal): text = literal
        default: throw expected("an integer")
        }
        guard let number = Int(text) else {
            if let double = Double(text), double.rounded() == double, abs(double) < 9e15 { return Int(double) }
            throw failure("expected an integer, found \(quoted(text))")
        }
        return number
    }

    /// A number (integer or fraction) given as a JSON number or a numeric string.
    func double() throws -> Double {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string(let literal): text = literal
        default: throw expected("a number")
        }
        guard let number = Double(text), number.isFinite else {
            throw failure("expected a number, found \(quoted(text))")
        }
        return number
    }

    /// A boolean given as JSON true/false or as the strings "true"/"false".
    func bool() throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string("true"), .string("True"): return true
        case .string("false"), .string("False"): return false
        default: throw expected("a boolean")
        }
    }

    /// An instant: an ISO-8601 string (`2028-03-01T05:00:00Z`, fractions and offsets allowed), epoch seconds
    /// as a number or numeric string (the AWS CLI prints either, by version and settings), CloudTrail's
    /// `{"seconds": …, "nanos": …}`, or the English `Jul 15, 2020 9:39:07 PM` of some event fields (UTC).
    func instant() throws -> Instant {
        switch value {
        case .string(let text):
            if let instant = Instant(iso8601: text) { return instant }
            if let instant = Instant(awsEnglish: text) { return instant }
            if let seconds = Double(text) { return try epoch(seconds) }
            throw failure("expected an ISO-8601 instant, found \(quoted(text))")
        case .number(let text):
            guard let seconds = Double(text) else { throw failure("expected an instant") }
            return try epoch(seconds)
        case .object:
            let seconds = try required("seconds").int()
            let nanos = try optional("nanos")?.int() ?? 0
            guard (0..<1_000_000_000).contains(nanos) else {
                throw failure("expected nanos from 0 to 999999999, found \(nanos)")
            }
            return try epoch(Double(seconds)).adding(milliseconds: Int64(nanos / 1_000_000))
        default:
            throw expected("an ISO-8601 instant")
        }
    }

    /// Epoch seconds as an instant, from 1970 up to the year 9999; anything else (negative, not finite, beyond) is
    /// no AWS Backup time and would overflow or print badly.
    private func epoch(_ seconds: Double) throws -> Instant {
        guard seconds.isFinite, (0...253_402_300_799).contains(seconds) else {
            throw failure("expected epoch seconds from 1970 up to the year 9999, found \(seconds)")
        }
        return Instant(milliseconds: Int64((seconds * 1000).rounded()))
    }

    func arn() throws -> ARN {
        let text = try string()
        guard let arn = ARN(text) else { throw failure("expected an ARN, found \(quoted(text))") }
        return arn
    }

    /// A value of a closed set, such as a job state; the error lists what is accepted.
    func enumeration<E: RawRepresentable & CaseIterable>(_ type: E.Type, named name: String) throws -> E
    where E.RawValue == String {
        let text = try string()
        guard let value = E(rawValue: text) else {
            let accepted = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure("\(quoted(text)) is not a \(name) (expected one of \(accepted))")
        }
        return value
    }

    /// A value of a closed set that one output shape narrows to `among` (AWS's model for that command), in that
    /// order in the error.
    func enumeration<E: RawRepresentable & CaseIterable & Equatable>(
        _ type: E.Type,
        named name: String,
        among allowed: [E]
    ) throws -> E where E.RawValue == String {
        let text = try string()
        guard let value = E(rawValue: text), allowed.contains(value) else {
            let accepted = allowed.map(\.rawValue).joined(separator: ", ")
            throw failure("\(quoted(text)) is not a \(name) (expected one of \(accepted))")
        }
        return value
    }

    /// A `{"Key": "Value"}` map of strings.
    func stringMap() throws -> [String: String] {
        var out: [String: String] = [:]
        for (key, member) in try members() { out[key] = try member.string() }
        return out
    }

    private func quoted(_ text: String) -> String {
        let short = text.count > 80 ? String(text.prefix(77)) + "..." : text
        return "\"\(short)\""
    }
}
