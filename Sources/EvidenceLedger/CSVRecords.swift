internal import Foundation

/// Splits RFC 4180 CSV bytes into records.
///
/// A record is the exact bytes of each record without its line terminator. A line
/// break inside a quoted field belongs to the record. Both `\n` and `\r\n` end a record.
public enum CSVRecords {
    /// The byte ranges of every record, header first.
    public static func ranges(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBytes { ranges($0) }
    }

    /// The byte ranges of every record of a buffer, header first.
    ///
    /// Scans line by line with `memchr`, counting quotes in each line to know whether a line break is inside a
    /// quoted field.
    public static func ranges(_ buffer: UnsafeRawBufferPointer) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let base = buffer.baseAddress, buffer.count > 0 else { return out }
        out.reserveCapacity(buffer.count / 256)
        var start = 0
        var position = 0
        var quoted = false
        while position < buffer.count {
            let remaining = buffer.count - position
            guard let found = memchr(base + position, 10, remaining) else { break }
            let newline = base.distance(to: UnsafeRawPointer(found))
            // Count quotes between position and the newline.
            var scan = position
            while scan < newline, let quote = memchr(base + scan, 34, newline - scan) {
                quoted.toggle()
                scan = base.distance(to: UnsafeRawPointer(quote)) + 1
            }
            if !quoted {
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                out.append(start..<end)
                start = newline + 1
            }
            position = newline + 1
        }
        if start < buffer.count { out.append(start..<buffer.count) }
        return out
    }
}
