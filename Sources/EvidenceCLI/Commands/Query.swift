internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceReports
internal import EvidenceSQLite
internal import EvidenceStore
internal import Foundation

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run SQL over the sealed months that verify, loaded into SQLite (derived, never evidence).",
        discussion: """
            Tables: backup_jobs, backup_copy_jobs, backup_restore_jobs, backup_resources_compliance, \
            backup_control_compliance, backup_windows (--schema prints each with its columns). A column is its \
            CSV header in lowercase with each run of characters other than ASCII letters and digits turned into \
            one underscore (Backup Job ID: backup_job_id), except that both compliance statuses are \
            compliance_status (resource_compliance_status and control_compliance_status are read as it); then \
            year (INTEGER) and month (TEXT, '03'). The chain is verified first: a month with an INVALID or \
            MISSING finding is refused. The database is kept in --cache-folder, outside the evidence folder, and \
            reused only while it records the seals of the chain that has just verified; otherwise it is rebuilt. \
            It is a derived copy, never evidence. --format text is the table.

            Examples:
              $ backup-evidence query --schema
              $ backup-evidence query --evidence golden/org-estate --trusted-key \\
                  golden/org-estate/keys/ea41648116e302f5.pub.pem \\
                  "SELECT control_name, COUNT(*) AS non_compliant
                  FROM backup_resources_compliance
                  WHERE compliance_status = 'NON_COMPLIANT' GROUP BY control_name"
              $ backup-evidence query --evidence golden/org-estate --format csv \\
                  "SELECT month, job_status, COUNT(*) FROM backup_jobs GROUP BY 1, 2"

            Exit status: 0 done; 1 the chain does not verify; 2 unreadable input, no sealed month, or a \
            statement SQLite refuses (an unknown column lists the table's columns); 64 usage error.
            """
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    @OptionGroup var keys: KeyOptions

    @OptionGroup var output: FormatOptions<RowFormat>

    @Option(help: "Folder of the derived databases kept between runs (outside the evidence folder).")
    var cacheFolder = ".backup-evidence/query-cache"

    @Flag(help: "Build the database in memory for this run only; keep nothing.")
    var noCache = false

    @Flag(help: "Print every table and its columns (table, column, type) instead of running a statement.")
    var schema = false

    @OptionGroup var progressOptions: ProgressOptions

    @Argument(help: "The SQL statement.")
    var sql: String?

    func validate() throws {
        if schema && sql != nil { throw ValidationError("give the SQL statement or --schema, not both") }
        if !schema && sql == nil { throw ValidationError("give the SQL statement, or --schema for the tables") }
    }

    func run() throws {
        try withExitStatuses {
            guard let sql else {
                let rows = EvidenceStore.schema().flatMap { table, columns in
                    columns.map { column in
                        [table, column, column == "year" ? "INTEGER" : "TEXT"].map(SQLiteValue.text)
                    }
                }
                try print(columns: ["table", "column", "type"], rows: rows)
                return
            }
            let evidence = evidenceOptions.path
            let progress = progressOptions.line("verifying the chain")
            defer { progress?.finish() }
            let (ledger, entries) = try verifiedChain(evidence: evidence, keys: keys)
            progress?.update("loading the sealed reports and running the statement")
            guard !entries.isEmpty else {
                throw IOFailure(description: "\(evidence): no sealed month to query (seal one with monthly)")
            }
            let result = try EvidenceStore.query(
                sql,
                ledger: ledger,
                entries: entries,
                cacheFile: noCache ? nil : Query.cacheFile(folder: cacheFolder, evidence: evidence)
            )
            progress?.finish()
            if let unavailable = result.unavailable { printNote("query cache not kept: \(unavailable)") }
            try print(columns: result.columns, rows: result.rows)
        }
    }

    /// Prints a result in the chosen format.
    func print(columns: [String], rows: [[SQLiteValue]]) throws {
        let text = rows.map { $0.map(Query.text) }
        switch output.format {
        case .csv:
            try StandardOutput.write(Rows.csv(columns: columns, rows: text))
        case .json:
            let objects = rows.map { row in
                "{"
                    + zip(columns, row).map { "\(MonthlyReports.jsonString($0)):\(Query.json($1))" }.joined(
                        separator: ","
                    ) + "}"
            }
            try StandardOutput.line("[" + objects.joined(separator: ",") + "]")
        case .table, .text:
            try StandardOutput.lines(Rows.table(columns: columns, rows: text))
        }
    }

    /// The database file of an evidence folder: named by the SHA-256 of the folder's absolute path, so each
    /// evidence folder has its own.
    static func cacheFile(folder: String, evidence: String) -> URL {
        let path = URL(fileURLWithPath: evidence).standardizedFileURL.path
        let name = SHA256.hash(Array(path.utf8)).hex.prefix(32)
        return URL(fileURLWithPath: folder).appendingPathComponent("\(name).sqlite")
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
