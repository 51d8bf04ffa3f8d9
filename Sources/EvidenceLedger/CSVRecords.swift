/// Splits RFC 4180 CSV bytes into records.
///
/// A record is the exact bytes of each record without its line terminator. A line
/// break inside a quoted field belongs to the record. Both `\n` and `\r\n` end a record.
public enum CSVRecords {
    /// The byte ranges of every record, header first.
    public static func ranges(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var quoted = false
        var index = 0
        bytes.withUnsafeBufferPointer { buffer in
            while index < buffer.count {
                let byte = buffer[index]
                if byte == 34 {
                    quoted.toggle()
                } else if byte == 10 && !quoted {
                    var end = index
                    if end > start && buffer[end - 1] == 13 { end -= 1 }
                    out.append(start..<end)
                    start = index + 1
                }
                index += 1
            }
        }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }
}
