internal import EvidenceModel

/// Splits a CloudTrail log file's JSON (`{"Records": [...]}`), handed over in pieces as it inflates, into its
/// records, so that memory holds one record, never the file.
///
/// The file's frame (`{`, `"Records"`, `:`, `[`, the commas, `]`, `}`) is checked here; each record's own syntax is
/// checked by ``JSONParser`` when it is complete, and errors in it are located in the whole file. A record, with
/// the white space before it, longer than `ReadLimits.recordBytes`, or nested deeper than
/// ``JSONParser/maximumDepth``, is refused as soon as it is, however much of the file follows. A file whose JSON is
/// not in this frame is kept whole, up to the same limit, for ``EventReaders/cloudTrail(json:file:)`` to name what is
/// wrong.
struct RecordSplitter {
    /// One complete record: its place in `Records`, its bytes, and the line and column where it starts.
    struct Record {
        var position: Int
        var bytes: [UInt8]
        var line: Int
        var column: Int
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
        /// Not in the frame: every byte is kept for the full reader.
        case whole
    }

    let file: String
    let limit: Int
    private var phase = Phase.head
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
    /// Where the next byte is: line from 1, column in characters from 1.
    private var line = 1
    private var column = 1

    init(file: String, limit: Int) {
        self.file = file
        self.limit = limit
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
                    guard buffer.count + (raw.count - index) <= limit else {
                        throw ImportError(
                            file: file,
                            message: "not a CloudTrail log file ({\"Records\": [...]}) and larger than \(limit) "
                                + "bytes (limits.record_bytes in scenario.json raises the limit)"
                        )
                    }
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: raw[index...]))
                    return
                case .beforeRecord(let first):
                    let start = index
                    index = skipWhitespace(raw, from: index)
                    pending += index - start
                    try checkSize()
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: "]") {
                        guard first else { throw syntax("expected a JSON value") }
                        step(byte)
                        index += 1
                        phase = .afterArray
                    } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") {
                        throw syntax("expected a JSON value")
                    } else {
                        startRecord(byte)
                    }
                case .record:
                    index = try scanRecord(raw, from: index)
                    if case .afterRecord = phase {
                        let record = Record(position: position, bytes: buffer, line: recordLine, column: recordColumn)
                        buffer.removeAll(keepingCapacity: true)
                        position += 1
                        pending = 0
                        try body(record)
                    }
                case .afterRecord:
                    index = skipWhitespace(raw, from: index)
                    guard index < raw.count else { return }
                    let byte = raw[index]
                    if byte == UInt8(ascii: ",") {
                        phase = .beforeRecord(first: false)
                    } else if byte == UInt8(ascii: "]") {
                        phase = .afterArray
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

    /// Checks that the file ended where its JSON does.
    mutating func finish() throws {
        switch phase {
        case .done, .whole:
            return
        case .head:
            // Too short to hold the frame: the full reader names what is wrong.
            buffer = head
            phase = .whole
        default:
            throw syntax("unexpected end of input; the file may be truncated")
        }
    }

    // MARK: The frame

    /// Matches `head` against `{"Records":[` with white space anywhere between, moving on once it holds, and
    /// keeping the file whole once it cannot.
    private mutating func matchHead() throws {
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var expected: [[UInt8]] = [[UInt8(ascii: "{")], Array("\"Records\"".utf8), [UInt8(ascii: ":")]]
        expected.append([UInt8(ascii: "[")])
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
        phase = .beforeRecord(first: true)
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
        buffer = head
        head = []
        phase = .whole
    }

    // MARK: Records

    private mutating func startRecord(_ byte: UInt8) {
        recordLine = line
        recordColumn = column
        depth = 0
        inString = false
        escaped = false
        isScalar = byte != UInt8(ascii: "{") && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "\"")
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
                    if depth > JSONParser.maximumDepth {
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
        try checkSize()
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: raw[start..<index]))
        if ended { phase = .afterRecord }
        return index
    }

    private func checkSize() throws {
        guard pending > limit else { return }
        throw ImportError(
            file: file,
            location: "$.Records[\(position)]",
            message: "the record, with the white space before it, is longer than \(limit) bytes "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
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
