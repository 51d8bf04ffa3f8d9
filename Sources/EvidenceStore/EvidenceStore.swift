public import EvidenceLedger
internal import EvidenceModel
internal import EvidenceReports
public import EvidenceSQLite
internal import Foundation

/// Why the query store could not be built or queried.
public struct StoreError: Error, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A SQLite database of sealed reports, rebuilt from months that verify; derived, never itself evidence.
///
/// Tables (ARCHITECTURE.md §6), one row per report row, with `year` (INTEGER) and `month` (TEXT, `03`):
/// `backup_jobs`, `backup_copy_jobs`, `backup_restore_jobs`, `backup_resources_compliance`,
/// `backup_control_compliance`, `backup_windows`. Columns are the CSV headers in snake_case, except the two
/// compliance-status headers, which are `compliance_status`.
public final class EvidenceStore {
    public let database: SQLiteConnection

    /// The table of a report template.
    public static func table(_ fileName: String) -> String? {
        switch fileName {
        case "BACKUP_JOB_REPORT.csv": "backup_jobs"
        case "COPY_JOB_REPORT.csv": "backup_copy_jobs"
        case "RESTORE_JOB_REPORT.csv": "backup_restore_jobs"
        case "RESOURCE_COMPLIANCE_REPORT.csv": "backup_resources_compliance"
        case "CONTROL_COMPLIANCE_REPORT.csv": "backup_control_compliance"
        case "BACKUP_WINDOW_REPORT.csv": "backup_windows"
        default: nil
        }
    }

    /// A CSV header as a column name: `Backup Job ID` → `backup_job_id`.
    public static func column(_ header: String) -> String {
        if header == "Resource Compliance Status" || header == "Control Compliance Status" {
            return "compliance_status"
        }
        var out = ""
        var pendingUnderscore = false
        for scalar in header.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                if pendingUnderscore && !out.isEmpty { out += "_" }
                pendingUnderscore = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }

    /// Builds an in-memory store from the newest entry of each sealed month of `entries`.
    public init(ledger: Ledger, entries: [ChainEntry]) throws {
        do {
            database = try SQLiteConnection(path: ":memory:")
        } catch {
            throw StoreError("cannot open SQLite: \(error)")
        }
        var created = Set<String>()
        for report in try SealedReport.newest(ledger: ledger, entries: entries) {
            guard let table = EvidenceStore.table(report.fileName) else { continue }
            let records = try report.records()
            guard let header = records.first else { continue }
            let columns = header.map(EvidenceStore.column)
            do {
                if created.insert(table).inserted {
                    let definitions = columns.map { "\"\($0)\" TEXT" } + ["year INTEGER", "month TEXT"]
                    try database.execute("CREATE TABLE \(table) (\(definitions.joined(separator: ", "))) STRICT")
                }
                let names = (columns + ["year", "month"]).map { "\"\($0)\"" }.joined(separator: ", ")
                let marks = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
                let insert = "INSERT INTO \(table) (\(names)) VALUES (\(marks))"
                try database.execute("BEGIN")
                let statement = try database.prepare(insert)
                for record in records.dropFirst() {
                    var values = record.map { SQLiteValue.text($0) }
                    values += [.integer(Int64(report.period.year)), .text(report.monthText)]
                    try statement.run(values)
                }
                try database.execute("COMMIT")
            } catch {
                throw StoreError("\(report.location): \(error)")
            }
        }
    }

    /// Runs one SQL statement; returns the column names and rows.
    public func query(_ sql: String) throws -> (columns: [String], rows: [[SQLiteValue]]) {
        do {
            return try database.query(sql)
        } catch {
            throw StoreError("\(error)")
        }
    }
}
