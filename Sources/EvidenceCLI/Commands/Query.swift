internal import ArgumentParser
internal import EvidenceLedger
internal import EvidenceReports
internal import EvidenceSQLite
internal import EvidenceStore
internal import Foundation

/// Table output formats of `query`.
enum QueryFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case csv
    case json
}

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run SQL over the sealed months that verify, loaded into SQLite (derived, never evidence).",
        discussion: """
            Tables: backup_jobs, backup_copy_jobs, backup_restore_jobs, backup_resources_compliance, \\
            backup_control_compliance, backup_windows; columns are the CSV headers in snake_case (the compliance \\
            statuses are compliance_status), plus year (INTEGER) and month (TEXT, '03'). The chain is verified \\
            first: a month with an INVALID or MISSING finding is refused (exit 1).
            """
    )

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    @OptionGroup var keys: KeyOptions

    @Option(help: "Output format: table, csv or json.")
    var format: QueryFormat = .table

    @Argument(help: "The SQL statement.")
    var sql: String

    func run() throws {
        try withExitStatuses {
            let (ledger, entries) = try verifiedChain(evidence: evidence, keys: keys)
            guard !entries.isEmpty else {
                throw IOFailure(description: "\(evidence): no sealed month to query (seal one with monthly)")
            }
            let store = try EvidenceStore(ledger: ledger, entries: entries)
            let (columns, rows) = try store.query(sql)
            let text = rows.map { $0.map(Query.text) }
            switch format {
            case .csv:
                var writer = CSVWriter(header: columns)
                for row in text { writer.append(row: row) }
                try StandardOutput.write(writer.bytes)
            case .json:
                let objects = rows.map { row in
                    "{"
                        + zip(columns, row).map { "\(MonthlyReports.jsonString($0)):\(Query.json($1))" }.joined(
                            separator: ","
                        ) + "}"
                }
                try StandardOutput.line("[" + objects.joined(separator: ",") + "]")
            case .table:
                var widths = columns.map(\.count)
                for row in text {
                    for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
                }
                func line(_ cells: [String]) -> String {
                    zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                        .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
                }
                try StandardOutput.lines(
                    [line(columns), line(widths.map { String(repeating: "-", count: $0) })] + text.map(line)
                )
            }
        }
    }

    static func text(_ value: SQLiteValue) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        }
    }

    static func json(_ value: SQLiteValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): MonthlyReports.jsonString(v)
        }
    }
}
