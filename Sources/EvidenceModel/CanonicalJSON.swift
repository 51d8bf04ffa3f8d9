/// Canonical JSON (RFC 8785 for the values used here: strings, integers, booleans, null, arrays and objects):
/// object keys sorted by their UTF-16 code units, no white space, strings escaped minimally, a final line feed.
///
/// Manifests come from this writer, never from `JSONEncoder`, whose key order and number formatting are not
/// promises.
public enum CanonicalJSON {
    /// The canonical bytes of `value`, followed by `\n`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        out.append(10)
        return out
    }

    /// A JSON string literal of `text`, escaped as RFC 8785 does.
    public static func string(_ text: String) -> String {
        var out: [UInt8] = []
        writeString(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical text of `value`, without the final line feed.
    public static func text(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let literal): out += Array(literal.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if let member = members[key] { write(member, into: &out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(34)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += [92, 34]
            case "\\": out += [92, 92]
            case "\u{08}": out += [92, UInt8(ascii: "b")]
            case "\u{0C}": out += [92, UInt8(ascii: "f")]
            case "\n": out += [92, UInt8(ascii: "n")]
            case "\r": out += [92, UInt8(ascii: "r")]
            case "\t": out += [92, UInt8(ascii: "t")]
            default:
                if scalar.value < 0x20 {
                    let hex = Array("0123456789abcdef".utf8)
                    out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(scalar.value >> 4)], hex[Int(scalar.value & 0xF)]]
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(34)
    }
}

extension JSONValue {
    /// A JSON integer.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A string, or null when nil.
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var intValue: Int? {
        if case .number(let literal) = self { return Int(literal) }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
