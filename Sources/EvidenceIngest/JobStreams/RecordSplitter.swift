internal import EvidenceModel

/// Splits a file whose JSON is an object holding an array (a CloudTrail log file's `{"Records": [...]}`, a job
/// list's `{"BackupJobs": [...]}`), handed over in pieces as it is read or inflated, into the array's elements (its
/// records), so that memory holds one record, never the file.
///
/// The file's frame (`{`, the key, `:`, `[`, the commas, `]`, `}`) is checked here; each record's own syntax is
/// checked by ``JSONParser`` when it is complete, and errors in it are located in the whole file. A record longer
/// than `ReadLimits.recordBytes` (a CloudTrail record with the white space before it), or nested deeper than
/// ``JSONParser/maximumDepth``, is refused as soon as it is, however much of the file follows. White space before
/// the file's JSON counts against nothing. A CloudTrail log file holds `Records` alone; a job list is an object that
/// may hold other members (the CLI's `NextToken`) before or after its array: each is read and checked for syntax
/// within the same limit and then dropped, or passed over unread when longer, unless the frame keeps them
/// (``Frame/keepMembers``, within bounds). A job list that is not an object is refused at its first byte; a
/// CloudTrail file whose JSON does not start its frame is kept whole, up to the same limit, for the full reader
/// (``EventReaders/cloudTrail(json:file:)``) to name what is wrong.
struct RecordSplitter {
    /// The object a file holds: the member whose array holds the records, and whether other members may come with
    /// it.
    struct Frame {
        /// The member whose elements are the records: `Records`, `BackupJobs`.
        var key: String
        /// Whether the object may hold members other than `key`; if not, the file must start `{"key": [`.
        var otherMembers: Bool
        /// What such a file is, for the error when one is not and is too large to read whole.
        var name: String
        /// Whether the other members' values are kept (``RecordSplitter/otherMembers``), within
        /// ``RecordSplitter/maximumMembers`` and the limit; if not, each is checked and dropped, and one longer
        /// than the limit is passed over unread.
        var keepMembers = false

        static let cloudTrail = Frame(
            key: "Records",
            otherMembers: false,
            name: "a CloudTrail log file ({\"Records\": [...]})"
        )
    }

    /// One complete record: its place in `Records`, its bytes, and the line and column where it starts.
    struct Record {
        var position: Int
        var bytes: [UInt8]
        var line: Int
        var column: Int

        /// Where a syntax error in the record is in the file: `line:column`.
        func location(of error: JSONSyntaxError) -> String {
            let column = error.line == 1 ? error.column + self.column - 1 : error.column
            return "\(error.line + line - 1):\(column)"
        }
    }

    private enum Phase {
        /// Before `[`: the bytes so far are in `head`.
        case head
        /// Before a record, or before `]` when `first`.
        case beforeRecord(first: Bool)
        /// Inside a record.
        case record
        /// After a record: `,` or `]`.
        case afterRecord
        /// After `]`: `}`.
        case afterArray
        /// After `}`: white space only.
        case done
        /// Before a member's key, or before `}` when `first` (frames with other members).
        case member(first: Bool)
        /// After a member's key: `:`.
        case colon(String)
        /// Before a member's value.
        case value(String)
        /// After a member: `,` or `}`.
        case afterMember
        /// Not in the frame: every byte is kept for the full reader.
        case whole
    }

    /// What a value being read whole is: a record, a member's key, or the value of a member other than the
    /// records'.
    private enum Scanned {
        case record
        case key
        case member(String)
    }

    let file: String
    let limit: Int
    let frame: Frame
    private var phase = Phase.head
    private var scanned = Scanned.record
    /// Whether the records' array has been read (frames with other members).
    private var arraySeen = false
    /// Whether the records' member has been read holding null (frames with other members).
    private var nullSeen = false
    /// The members other than the records' read so far, by key (a repeated key keeps its last value, as the
    /// parser's objects do), when the frame keeps them: at most ``maximumMembers``, together (keys and values as
    /// written) at most the limit.
    private(set) var otherMembers: [String: JSONValue] = [:]
    /// The bytes of the members kept so far, as written.
    private var keptBytes = 0
    /// Whether the value being read is passed over: another member's, longer than the limit.
    private var skipping = false
    /// The first byte of the value being read.
    private var valueStart: UInt8 = 0
    /// Why the other members could not be kept, thrown once the file has been read (so that a missing records'
    /// member is named first, as the full reader names it).
    private var keepError: ImportError?
    /// Whether the byte order mark has been looked for, and whether there was one.
    private var markChecked = false
    private var hasMark = false

    /// The most members other than the records' a frame that keeps them may hold.
    static let maximumMembers = 1000

    /// The members other than the records' are beyond what a frame that keeps them may hold: the file is a job
    /// list, too large to keep them, not a file to read whole instead.
    struct MembersBeyondBounds: Error, CustomStringConvertible {
        var error: ImportError
        var description: String { error.description }
    }
    private var head: [UInt8] = []
    private var buffer: [UInt8] = []
    /// Bytes since the previous record ended: white space, then the record.
    private var pending = 0
    private var position = 0
    // The record being read: its start, the nesting of arrays and objects, and the string and escape state.
    private var recordLine = 1
    private var recordColumn = 1
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var isScalar = false
    /// The nesting around the value being read, counted against ``JSONParser/maximumDepth`` as the whole file's
    /// parser counts it: the object and the array around a job of a job list, the object around another member.
    /// (A CloudTrail record's own nesting is counted alone.)
    private var enclosing = 0
    /// Where the next byte is: line from 1, column in characters from 1.
    private var line = 1
    private var column = 1

    init(file: String, limit: Int, frame: Frame = .cloudTrail) {
        self.file = file
        self.limit = limit
        self.frame = frame
    }

    /// The JSON of a file not in the frame, for the full reader; nil when the frame held.
    var wholeDocument: [UInt8]? {
        if case .whole = phase { return buffer }
        return nil
    }

    /// Reads the next piece of the file, handing each record completed in it to `body`.
    mutating func feed(_ bytes: ArraySlice<UInt8>, _ body: (Record) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { raw in
            var index = 0
            while index < raw.count {
                switch phase {
                case .head:
                    head.append(raw[index])
                    index += 1
                    try matchHead()
                case .whole:
                    guard buffer.count + (raw.count - index) <= limit else { throw tooLargeWhole() }
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: raw[index...]))
                    return
                case .beforeRecord(let first):
                    let start = index
                    index = skipWhitespace(raw, from: index)
                    if !frame.otherMembers {
                        // Padding counts against the record after it (a job list's white space does not).
                        pending += index - start
                        try checkSize()
                    }
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: "]") {
                        guard first else { throw syntax("expected a JSON value") }
                        step(byte)
                        index += 1
                        phase = frame.otherMembers ? .afterMember : .afterArray
                    } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") {
                        throw syntax("expected a JSON value")
                    } else {
                        startRecord(byte, .record)
                    }
                case .record:
                    index = try scanRecord(raw, from: index)
                    if case .afterRecord = phase { try completed(body) }
                case .afterRecord:
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: ",") {
                        phase = .beforeRecord(first: false)
                    } else if byte == UInt8(ascii: "]") {
                        phase = frame.otherMembers ? .afterMember : .afterArray
                    } else {
                        throw syntax("expected ',' or ']'")
                    }
                    step(byte)
                    index += 1
                case .afterArray:
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    guard raw[index] == UInt8(ascii: "}") else {
                        throw syntax("expected '}' after the Records array (a CloudTrail log file holds only Records)")
                    }
                    step(raw[index])
                    index += 1
                    phase = .done
                case .done:
                    index = skipWhitespace(raw, from: index)
                    guard index == raw.count else { throw syntax("unexpected text after the JSON value") }
                case .member(let first):
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: "\"") {
                        startRecord(byte, .key)
                    } else if first, byte == UInt8(ascii: "}") {
                        step(byte)
                        index += 1
                        phase = .done
                    } else {
                        throw syntax("expected a string key")
                    }
                case .colon(let key):
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    guard raw[index] == UInt8(ascii: ":") else { throw syntax("expected ':'") }
                    step(raw[index])
                    index += 1
                    phase = .value(key)
                case .value(let key):
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if key == frame.key, byte == UInt8(ascii: "[") {
                        guard !arraySeen, !nullSeen else { throw twice() }
                        arraySeen = true
                        step(byte)
                        index += 1
                        pending = 0
                        phase = .beforeRecord(first: true)
                    } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                        throw syntax("expected a JSON value")
                    } else {
                        startRecord(byte, .member(key))
                    }
                case .afterMember:
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: ",") {
                        phase = .member(first: false)
                    } else if byte == UInt8(ascii: "}") {
                        phase = .done
                    } else {
                        throw syntax("expected ',' or '}'")
                    }
                    step(byte)
                    index += 1
                }
            }
        }
    }

    /// Moves past white space from `start`, returning where it ends.
    private mutating func skipWhitespace(_ raw: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        var line = self.line
        var column = self.column
        while index < raw.count {
            let byte = raw[index]
            // Eight equal bytes at a time: padding is where a file built to be slow spends its bytes.
            if index + 8 <= raw.count, isWhitespace(byte), let base = UnsafeRawPointer(raw.baseAddress) {
                let word = UInt64(byte) &* 0x0101_0101_0101_0101
                let before = index
                while index + 8 <= raw.count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) == word {
                    index += 8
                }
                if index > before {
                    if byte == 10 {
                        line += index - before
                        column = 1
                    } else {
                        column += index - before
                    }
                    continue
                }
            }
            if byte == 32 || byte == 9 || byte == 13 {
                column += 1
            } else if byte == 10 {
                line += 1
                column = 1
            } else {
                break
            }
            index += 1
        }
        self.line = line
        self.column = column
        return index
    }

    /// A value read whole: a record is handed to `body`; a key starts its member; another member's value is
    /// checked for syntax, and the records' member given anything but an array is refused as the full reader
    /// refuses it.
    private mutating func completed(_ body: (Record) throws -> Void) throws {
        defer {
            buffer.removeAll(keepingCapacity: true)
            pending = 0
        }
        switch scanned {
        case .record:
            let record = Record(position: position, bytes: buffer, line: recordLine, column: recordColumn)
            position += 1
            try body(record)
        case .key:
            guard case .string(let key) = try parsed() else { throw syntax("expected a string key") }
            phase = .colon(key)
        case .member(let key):
            phase = .afterMember
            if skipping {
                skipping = false
                guard key == frame.key else { return }
                // The records' member, longer than the limit and not an array: named as the full reader names it.
                guard !arraySeen, !nullSeen else { throw twice() }
                let found = Self.kind(startingWith: valueStart) ?? .null
                throw JSONNode(value: found, file: file, path: "$.\(key)").expected("an array")
            }
            let value = try parsed()
            guard key == frame.key else {
                keep(key, value)
                return
            }
            guard !arraySeen, !nullSeen else { throw twice() }
            // Null is a missing member, as the full reader reads it, unless the member comes again.
            if case .null = value {
                nullSeen = true
                return
            }
            throw JSONNode(value: value, file: file, path: "$.\(key)").expected("an array")
        }
    }

    /// Keeps another member's value when the frame keeps them, within the bounds.
    private mutating func keep(_ key: String, _ value: JSONValue) {
        guard frame.keepMembers, keepError == nil else { return }
        keptBytes += key.utf8.count + buffer.count
        otherMembers[key] = value
        if otherMembers.count > Self.maximumMembers {
            keepError = ImportError(
                file: file,
                location: "$",
                message: "the object holds more than \(Self.maximumMembers) members other than \(frame.key)"
            )
        } else if keptBytes > limit {
            keepError = membersTooLong()
        }
        if keepError != nil { otherMembers = [:] }
    }

    private func membersTooLong() -> ImportError {
        ImportError(
            file: file,
            location: "$",
            message: "the members other than \(frame.key) are longer than \(limit) bytes together "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
    }

    private func twice() -> ImportError {
        ImportError(
            file: file,
            location: "$.\(frame.key)",
            message: "the member appears twice; the file holds one \(frame.key) array"
        )
    }

    /// The value just read whole, parsed; a syntax error is located in the file.
    private func parsed() throws -> JSONValue {
        do {
            return try JSONParser.parse(buffer)
        } catch {
            let column = error.line == 1 ? error.column + recordColumn - 1 : error.column
            throw ImportError(
                file: file,
                location: "\(error.line + recordLine - 1):\(column)",
                message: "invalid JSON: \(error.message)"
            )
        }
    }

    /// Checks that the file ended where its JSON does.
    mutating func finish() throws {
        switch phase {
        case .done where frame.otherMembers && !arraySeen:
            throw ImportError(file: file, location: "$.\(frame.key)", message: "missing required field")
        case .done:
            if let keepError { throw MembersBeyondBounds(error: keepError) }
        case .whole:
            return
        case .head where head.isEmpty:
            // White space only, passed over: the parser names what is missing, where the file ends.
            recordLine = line
            recordColumn = column
            _ = try parsed()
            throw syntax("unexpected end of input")
        case .head:
            // Too short to hold the frame: the full reader names what is wrong.
            buffer = passedHead() + head
            head = []
            phase = .whole
        case .record where skipping:
            throw syntax("unexpected end of input; the file may be truncated")
        case .record:
            // The parser names what the value lacks (an unterminated string, a literal cut short).
            _ = try parsed()
            throw syntax("unexpected end of input; the file may be truncated")
        default:
            throw syntax("unexpected end of input; the file may be truncated")
        }
    }

    // MARK: The frame

    /// Matches `head` against `{"Records":[` (a frame without other members: the key given) or `{` (with them),
    /// with white space anywhere between, moving on once it holds, and keeping the file whole once it cannot.
    private mutating func matchHead() throws {
        if !markChecked {
            // A byte order mark not yet whole.
            if head.count < 3, [0xEF, 0xBB, 0xBF].starts(with: head) { return }
            markChecked = true
            if head.starts(with: [0xEF, 0xBB, 0xBF]) {
                hasMark = true
                step(0xEF)
                head.removeFirst(3)
            }
        }
        // White space before the JSON is passed over, not kept: it counts against no limit.
        while let first = head.first, isWhitespace(first) {
            step(first)
            head.removeFirst()
        }
        guard let first = head.first else { return }
        if frame.otherMembers {
            // An object, or what the full reader would refuse as not one (a bare array: `jq .BackupJobs`).
            guard first == UInt8(ascii: "{") else {
                guard let found = Self.kind(startingWith: first) else { throw syntax("expected a JSON value") }
                throw JSONNode(value: found, file: file, path: "$").expected("an object")
            }
            step(first)
            head = []
            phase = .member(first: true)
            return
        }
        var index = 0
        var expected: [[UInt8]] = [[UInt8(ascii: "{")]]
        if !frame.otherMembers {
            expected += [Array("\"\(frame.key)\"".utf8), [UInt8(ascii: ":")], [UInt8(ascii: "[")]]
        }
        for token in expected {
            while index < head.count, isWhitespace(head[index]) { index += 1 }
            let available = min(token.count, head.count - index)
            guard head[index..<(index + available)].elementsEqual(token[0..<available]) else {
                return try keepWhole()
            }
            guard available == token.count else {
                if head.count > 4096 { try keepWhole() }
                return
            }
            index += token.count
        }
        for byte in head { step(byte) }
        head = []
        phase = frame.otherMembers ? .member(first: true) : .beforeRecord(first: true)
    }

    /// Leaves the frame: the bytes so far, and all that follow, go to the full reader, up to the limit.
    ///
    /// A file whose first byte cannot start JSON at all (such as inflated zeros) is refused at once.
    private mutating func keepWhole() throws {
        let first = head.drop { isWhitespace($0) || [0xEF, 0xBB, 0xBF].contains($0) }.first
        if let first, !Array("{[\"tfn-0123456789".utf8).contains(first) {
            for byte in head.prefix(while: { $0 != first }) { step(byte) }
            throw syntax("expected a JSON value")
        }
        // The white space passed over counts here, as the full reader reads it.
        guard line - 1 + column - 1 + head.count <= limit else { throw tooLargeWhole() }
        buffer = passedHead() + head
        head = []
        phase = .whole
    }

    private func tooLargeWhole() -> ImportError {
        ImportError(
            file: file,
            message: "not \(frame.name) and larger than \(limit) bytes "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
    }

    /// A value of the kind a JSON value starting with `byte` is, nil when none starts so.
    private static func kind(startingWith byte: UInt8) -> JSONValue? {
        switch byte {
        case UInt8(ascii: "{"): .object([:])
        case UInt8(ascii: "["): .array([])
        case UInt8(ascii: "\""): .string("")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool(true)
        case UInt8(ascii: "n"): .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): .number("0")
        default: nil
        }
    }

    /// What stands, for the full reader, for the byte order mark and white space passed over: the mark, and the
    /// line breaks and spaces that put the next byte where it is.
    private func passedHead() -> [UInt8] {
        let mark: [UInt8] = hasMark ? [0xEF, 0xBB, 0xBF] : []
        let spaces = column - 1 - (hasMark && line == 1 ? 1 : 0)
        return mark + [UInt8](repeating: 10, count: line - 1) + [UInt8](repeating: 32, count: max(spaces, 0))
    }

    // MARK: Records

    private mutating func startRecord(_ byte: UInt8, _ kind: Scanned) {
        scanned = kind
        if case .record = kind {} else { pending = 0 }
        recordLine = line
        recordColumn = column
        valueStart = byte
        depth = 0
        inString = false
        escaped = false
        isScalar = byte != UInt8(ascii: "{") && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "\"")
        switch (frame.otherMembers, kind) {
        case (true, .record): enclosing = 2
        case (true, .member): enclosing = 1
        default: enclosing = 0
        }
        phase = .record
    }

    /// Reads record bytes from `start`, returning where it stopped: at the end of the piece, or just after the
    /// record (phase `afterRecord`).
    private mutating func scanRecord(_ raw: UnsafeBufferPointer<UInt8>, from start: Int) throws -> Int {
        var index = start
        var depth = self.depth
        var inString = self.inString
        var escaped = self.escaped
        var line = self.line
        var column = self.column
        var ended = false
        scan: while index < raw.count {
            let byte = raw[index]
            if isScalar {
                // A number or literal ends at the first byte that cannot be part of it.
                if isWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")
                    || byte == UInt8(ascii: "}")
                {
                    ended = true
                    break scan
                }
            } else if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    ended = depth == 0
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth + enclosing > JSONParser.maximumDepth {
                        self.line = line
                        self.column = column
                        throw syntax("nesting deeper than \(JSONParser.maximumDepth) levels")
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    ended = depth == 0
                default:
                    break
                }
            }
            if byte == 10 {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
            if ended { break scan }
        }
        self.depth = depth
        self.inString = inString
        self.escaped = escaped
        self.line = line
        self.column = column
        pending += index - start
        if !skipping, pending > limit, case .member(let key) = scanned {
            // A member's value longer than the limit: passed over unread (the records' member, not an array, is
            // refused once it is read; a frame that keeps other members refuses them once the file is read).
            skipping = true
            buffer = []
            if key != frame.key, frame.keepMembers, keepError == nil {
                keepError = membersTooLong()
                otherMembers = [:]
            }
        }
        if !skipping {
            try checkSize()
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: raw[start..<index]))
        }
        if ended { phase = .afterRecord }
        return index
    }

    private func checkSize() throws {
        guard pending > limit else { return }
        switch (phase, scanned) {
        case (.record, .key):
            throw ImportError(
                file: file,
                location: "$",
                message: "a key is longer than \(limit) bytes (limits.record_bytes in scenario.json raises the limit)"
            )
        default:
            throw ImportError(
                file: file,
                location: "$.\(frame.key)[\(position)]",
                message: "the record, with the white space before it, is longer than \(limit) bytes "
                    + "(limits.record_bytes in scenario.json raises the limit)"
            )
        }
    }

    private mutating func step(_ byte: UInt8) {
        if byte == 10 {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func isWhitespace(_ byte: UInt8) -> Bool { byte == 32 || byte == 10 || byte == 13 || byte == 9 }

    /// A syntax error where the next byte is.
    private func syntax(_ message: String) -> ImportError {
        ImportError(file: file, location: "\(line):\(column)", message: "invalid JSON: \(message)")
    }
}
