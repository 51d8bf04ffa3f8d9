/// Reads RFC 4180 CSV, the dialect ``CSVWriter`` writes: quoted fields may hold commas, quotes and line breaks.
public enum CSVReader {
    /// Why CSV text could not be read.
    public struct Failure: Error, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String

        public var description: String { "line \(line): \(message)" }
    }

    /// Every record, header first; a final line break is optional; `\r\n` and `\n` both end records.
    public static func records(_ bytes: [UInt8]) throws(Failure) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var index = 0
        var line = 1
        var quoted = false
        var fieldStarted = false
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 34 {
                    if index + 1 < bytes.count, bytes[index + 1] == 34 {
                        field.append(34)
                        index += 2
                        continue
                    }
                    quoted = false
                    index += 1
                    guard index >= bytes.count || bytes[index] == 44 || bytes[index] == 10 || bytes[index] == 13 else {
                        throw Failure(line: line, message: "text after a closing quote")
                    }
                    continue
                }
                if byte == 10 { line += 1 }
                field.append(byte)
                index += 1
                continue
            }
            switch byte {
            case 34 where field.isEmpty && !fieldStarted:
                quoted = true
                fieldStarted = true
            case 44:
                endField()
            case 13 where index + 1 < bytes.count && bytes[index + 1] == 10:
                break
            case 10:
                endField()
                records.append(record)
                record = []
                line += 1
            default:
                field.append(byte)
                fieldStarted = true
            }
            index += 1
        }
        if quoted { throw Failure(line: line, message: "a quoted field is not closed; the file may be truncated") }
        if fieldStarted || !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}
