/// Writes RFC 4180 CSV.
///
/// One header row, comma-separated fields, `\n` line ends; a field holding a comma, a
/// double quote, CR or LF is quoted, with embedded quotes doubled. Output bytes depend only on the rows.
public struct CSVWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(header: [String]) {
        bytes.reserveCapacity(1 << 16)
        append(row: header)
    }

    public mutating func append(row: [String]) {
        for (index, field) in row.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVWriter.appendField(field, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends one field, quoted when RFC 4180 requires it.
    public static func appendField(_ field: String, to bytes: inout [UInt8]) {
        if let appended = field.utf8.withContiguousStorageIfAvailable({ append($0, to: &bytes) }) { return appended }
        var field = field
        field.withUTF8 { append($0, to: &bytes) }
    }

    private static func append(_ buffer: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard buffer.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else {
            bytes.append(contentsOf: buffer)
            return
        }
        bytes.append(34)
        for byte in buffer {
            if byte == 34 { bytes.append(34) }
            bytes.append(byte)
        }
        bytes.append(34)
    }

    /// The CSV text of one row, without its line end.
    public static func record(_ row: [String]) -> String {
        var out: [UInt8] = []
        for (index, field) in row.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendField(field, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
