/// Reads chosen columns of a report CSV in one pass, without building the other fields.
///
/// The dialect is the one ``CSVWriter`` writes (RFC 4180, `\n` line ends). Month reports hold tens of
/// thousands of rows, so only the fields asked for are turned into strings.
struct ReportColumns {
    let file: String
    let names: [String]

    /// Calls `body` for every data row, in file order, with a function giving the n-th named field.
    ///
    /// Fields are decoded only when asked for, so a row can be skipped after looking at one column.
    func forEachRow(_ bytes: [UInt8], _ body: ((Int) -> String) -> Void) throws(ComplianceReportError) {
        var header: [String: Int] = [:]
        var wanted: [Int] = []
        var row = 0
        try bytes.withUnsafeBufferPointer { (buffer) throws(ComplianceReportError) in
            var fields: [Range<Int>] = []
            var quotedFields: Set<Int> = []
            var index = 0
            let count = buffer.count
            while index < count {
                // One record.
                fields.removeAll(keepingCapacity: true)
                quotedFields.removeAll(keepingCapacity: true)
                var start = index
                var quoted = false
                var ended = false
                while index < count && !ended {
                    let byte = buffer[index]
                    if quoted {
                        if byte == 0x22 {
                            if index + 1 < count && buffer[index + 1] == 0x22 {
                                index += 2
                                continue
                            }
                            quoted = false
                        }
                        index += 1
                        continue
                    }
                    switch byte {
                    case 0x22 where index == start:
                        quoted = true
                        quotedFields.insert(fields.count)
                    case 0x2C:
                        fields.append(start..<index)
                        start = index + 1
                    case 0x0A:
                        let end = index > start && buffer[index - 1] == 0x0D ? index - 1 : index
                        fields.append(start..<end)
                        ended = true
                    default:
                        break
                    }
                    index += 1
                }
                if quoted { throw ComplianceReportError("\(file): a quoted field is not closed in record \(row + 1)") }
                if !ended { fields.append(start..<index) }
                func text(_ position: Int) -> String {
                    guard position < fields.count else { return "" }
                    let range = fields[position]
                    guard quotedFields.contains(position), range.count >= 2 else {
                        return String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
                    }
                    var inner: [UInt8] = []
                    var position = range.lowerBound + 1
                    while position < range.upperBound - 1 {
                        inner.append(buffer[position])
                        position += buffer[position] == 0x22 ? 2 : 1
                    }
                    return String(decoding: inner, as: UTF8.self)
                }
                if row == 0 {
                    for position in fields.indices { header[text(position)] = position }
                    for name in names {
                        guard let position = header[name] else {
                            throw ComplianceReportError("\(file): no column '\(name)' in the header")
                        }
                        wanted.append(position)
                    }
                } else {
                    body { text(wanted[$0]) }
                }
                row += 1
            }
        }
        if row == 0 { throw ComplianceReportError("\(file): empty; expected a header row") }
    }
}

/// Why the PDF could not be built from the month's report files.
public struct ComplianceReportError: Error, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
