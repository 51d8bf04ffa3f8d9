#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The one reader of RFC 4180 CSV: the sealed reports, AWS's report files, golden copies, the PDF and `query`.
///
/// It works on bytes and hands out byte ranges of the input; a field becomes a `String` only when asked for.
///
/// Two layers, so that the ledger's row boundaries never depend on field rules:
/// - Records: a record ends at a line feed outside quotes, found by quote parity (every `"` toggles); its bytes
///   exclude the line feed and a carriage return just before it. A final record without a line break counts. This
///   is the ledger's definition of a row (MANIFEST.json's row counts and Merkle leaves), and it never fails.
/// - Fields: each record is split strictly: a field is either unquoted (no `"` in it) or wholly quoted, with `""`
///   standing for one quote, and a closing quote followed by a comma or the end of the record. Anything else is a
///   ``Failure`` naming the line. On text that follows those rules the two layers agree.
public enum CSVReader {
    /// Why CSV text could not be read: the 1-based line and what was expected.
    public struct Failure: Error, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    /// Every record as strings, header first; a final line break is optional; `\r\n` and `\n` both end records.
    public static func records(_ bytes: [UInt8]) throws(Failure) -> [[String]] {
        var result: Result<[[String]], Failure> = .success([])
        bytes.withUnsafeBytes { buffer in result = Result { () throws(Failure) in try records(buffer) } }
        return try result.get()
    }

    /// Every record of a buffer as strings, header first.
    public static func records(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> [[String]] {
        var out: [[String]] = []
        var cursor = CSVRecordCursor(buffer)
        var record = CSVRecord(buffer: buffer)
        while let (range, line) = cursor.next() {
            try record.split(range, line: line)
            out.append((0..<record.count).map { record.string($0) })
        }
        return out
    }

    /// The byte ranges of every record, header first (the ledger's rows, see the type's description).
    public static func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBytes { recordRanges($0) }
    }

    /// The byte ranges of every record of a buffer, header first.
    public static func recordRanges(_ buffer: UnsafeRawBufferPointer) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(buffer.count / 256)
        var cursor = CSVRecordCursor(buffer)
        while let (range, _) = cursor.next() { out.append(range) }
        return out
    }

    /// Calls `body` with every record of the buffer, header first, its fields split; the record is a view into
    /// the buffer, valid only during the call.
    ///
    /// - Throws: ``Failure`` for text that breaks the field rules, or what `body` throws.
    public static func forEachRecord(
        in buffer: UnsafeRawBufferPointer,
        _ body: (borrowing CSVRecord) throws -> Void
    ) throws {
        var cursor = CSVRecordCursor(buffer)
        var record = CSVRecord(buffer: buffer)
        while let (range, line) = cursor.next() {
            try record.split(range, line: line)
            try body(record)
            record.index += 1
        }
    }

    /// Calls `body` with every record of the bytes `read` hands out a chunk at a time, header first: the
    /// streaming form of ``forEachRecord(in:_:)``, for inputs larger than memory (a report CSV on disk).
    ///
    /// Only the record being read and the chunk it sits in are held: a record is handed to `body` once its line
    /// feed (or the end of the input) has been read, so its fields, lines and index are those the in-memory form
    /// gives for the same bytes. A record longer than the buffer grows it.
    ///
    /// - Parameters:
    ///   - chunkSize: the buffer's starting size in bytes.
    ///   - read: writes the next bytes of the input at the start of the buffer it is given (never empty) and
    ///     returns how many it wrote; 0 means the input has ended.
    /// - Throws: ``Failure`` for text that breaks the field rules, or what `read` or `body` throws.
    public static func forEachRecord(
        chunkSize: Int = 1 << 20,
        reading read: (UnsafeMutableRawBufferPointer) throws -> Int,
        _ body: (borrowing CSVRecord) throws -> Void
    ) throws {
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1), alignment: 1)
        defer { storage.deallocate() }
        var held = 0  // bytes in the buffer
        var start = 0  // where the first record not yet handed out begins
        var line = 1
        var index = 0
        var ended = false
        while true {
            let buffer = UnsafeRawBufferPointer(rebasing: storage[0..<held])
            var cursor = CSVRecordCursor(buffer, position: start, line: line, inputEnds: ended)
            var record = CSVRecord(buffer: buffer)
            record.index = index
            while let (range, recordLine) = cursor.next() {
                try record.split(range, line: recordLine)
                try body(record)
                record.index += 1
            }
            if ended { return }
            (start, line, index) = (cursor.position, cursor.line, record.index)
            // Keep the unfinished record at the front, with room after it for the next chunk.
            if start > 0 {
                if let base = storage.baseAddress, held > start { memmove(base, base + start, held - start) }
                held -= start
                start = 0
            }
            if held == storage.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 1)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<held]))
                storage.deallocate()
                storage = larger
            }
            let count = try read(UnsafeMutableRawBufferPointer(rebasing: storage[held...]))
            precondition(count >= 0 && count <= storage.count - held, "read returned \(count) bytes")
            if count == 0 { ended = true } else { held += count }
        }
    }
}

/// Finds record boundaries by quote parity, one record at a time, with `memchr` over line feeds and quotes.
struct CSVRecordCursor {
    let buffer: UnsafeRawBufferPointer
    /// Whether the input ends with the buffer, so that bytes after the last line feed are a record; when more
    /// input follows, they are the start of one not yet read whole.
    let inputEnds: Bool
    /// Where the next record begins.
    private(set) var position: Int
    /// The line the next record begins on.
    private(set) var line: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0, line: Int = 1, inputEnds: Bool = true) {
        self.buffer = buffer
        self.position = position
        self.line = line
        self.inputEnds = inputEnds
    }

    /// The next record's byte range and the line it starts on.
    mutating func next() -> (Range<Int>, Int)? {
        guard position < buffer.count, let base = buffer.baseAddress else { return nil }
        let start = position
        let startLine = line
        var lines = 0
        var quoted = false
        var scan = start
        while true {
            guard let found = memchr(base + scan, 10, buffer.count - scan) else {
                guard inputEnds else { return nil }
                position = buffer.count
                line += lines
                return (start..<buffer.count, startLine)
            }
            let newline = base.distance(to: UnsafeRawPointer(found))
            var quote = scan
            while quote < newline, let next = memchr(base + quote, 34, newline - quote) {
                quoted.toggle()
                quote = base.distance(to: UnsafeRawPointer(next)) + 1
            }
            lines += 1
            scan = newline + 1
            if !quoted {
                position = scan
                line += lines
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                return (start..<end, startLine)
            }
        }
    }
}

/// One record of a CSV buffer with its fields split: byte ranges into the buffer, decoded only when asked.
public struct CSVRecord: ~Copyable {
    /// The whole buffer the record is part of (in the streaming form, the chunk held when it was read).
    public let buffer: UnsafeRawBufferPointer
    /// The record's bytes, without its line break.
    public private(set) var range: Range<Int> = 0..<0
    /// The line the record starts on, from 1.
    public private(set) var line = 1
    /// The record's position in the file: 0 for the header.
    public internal(set) var index = 0
    /// Each field's content (inside its quotes, if quoted).
    private var fields: [Range<Int>] = []
    /// The fields whose content holds doubled quotes, which reading turns into one.
    private var escaped: [Bool] = []
    /// Where an escaped field's bytes are rebuilt.
    private var scratch: [UInt8] = []

    init(buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// How many fields the record has (an empty record has one, empty).
    public var count: Int { fields.count }

    /// The field as a string.
    public func string(_ field: Int) -> String {
        withBytes(field) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the field's bytes: a slice of the buffer, or, for a field with doubled quotes, a
    /// temporary copy with each pair made one (valid only during the call).
    public func withBytes<Result>(_ field: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let range = fields[field]
        guard escaped[field] else { return try body(UnsafeRawBufferPointer(rebasing: buffer[range])) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = buffer[position]
            bytes.append(byte)
            position += byte == 34 ? 2 : 1
        }
        return try bytes.withUnsafeBytes(body)
    }

    /// Whether the field holds doubled quotes (its bytes are then not a slice of the buffer).
    public func isEscaped(_ field: Int) -> Bool { escaped[field] }

    /// The line of a byte of this record.
    func line(at offset: Int) -> Int {
        var line = self.line
        for position in range.lowerBound..<min(offset, range.upperBound) where buffer[position] == 10 { line += 1 }
        return line
    }

    /// Splits the record at `range` into fields under RFC 4180's rules.
    mutating func split(_ range: Range<Int>, line: Int) throws(CSVReader.Failure) {
        self.range = range
        self.line = line
        fields.removeAll(keepingCapacity: true)
        escaped.removeAll(keepingCapacity: true)
        let end = range.upperBound
        var position = range.lowerBound
        while true {
            if position < end && buffer[position] == 34 {
                let base = buffer.baseAddress.unsafelyUnwrapped
                var scan = position + 1
                var doubled = false
                while true {
                    guard scan < end, let quote = memchr(base + scan, 34, end - scan) else {
                        throw CSVReader.Failure(
                            line: self.line(at: end),
                            message: "a quoted field is not closed; the file may be truncated"
                        )
                    }
                    scan = base.distance(to: quote)
                    guard scan + 1 < end && buffer[scan + 1] == 34 else { break }
                    doubled = true
                    scan += 2
                }
                fields.append(position + 1..<scan)
                escaped.append(doubled)
                scan += 1
                if scan == end { return }
                guard buffer[scan] == 44 else {
                    throw CSVReader.Failure(line: self.line(at: scan), message: "text after a closing quote")
                }
                position = scan + 1
            } else {
                let base = buffer.baseAddress.unsafelyUnwrapped
                let scan = memchr(base + position, 44, end - position).map { base.distance(to: $0) } ?? end
                if scan > position, let quote = memchr(base + position, 34, scan - position) {
                    throw CSVReader.Failure(
                        line: self.line(at: base.distance(to: quote)),
                        message: "a quote inside an unquoted field (a field with quotes must be quoted whole)"
                    )
                }
                fields.append(position..<scan)
                escaped.append(false)
                if scan == end { return }
                position = scan + 1
            }
        }
    }
}
