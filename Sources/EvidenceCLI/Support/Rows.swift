internal import EvidenceReports

/// Rows of text as the `csv` and `table` formats print them.
enum Rows {
    /// RFC 4180 CSV with a header row.
    static func csv(columns: [String], rows: [[String]]) -> [UInt8] {
        var writer = CSVWriter(header: columns)
        for row in rows { writer.append(row: row) }
        return writer.bytes
    }

    /// Aligned columns: the header, a rule of dashes, then the rows, cells two spaces apart, no trailing spaces.
    static func table(columns: [String], rows: [[String]]) -> [String] {
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                .joined(separator: "  ")
            while let last = text.last, last.isWhitespace { text.removeLast() }
            return text
        }
        return [line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }
}
