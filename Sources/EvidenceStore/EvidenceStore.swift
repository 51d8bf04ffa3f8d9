public import EvidenceLedger
internal import EvidenceModel
internal import EvidenceReports
public import EvidenceSQLite
public import Foundation

/// Why the query store could not be built or queried.
///
/// The ``code`` says what kind of failure it is, for callers and tests to match; the message says it in words.
public struct StoreError: Error, Hashable, CustomStringConvertible {
    /// The kinds of store failure.
    public enum Code: String, Hashable, Sendable {
        /// A sealed report file cannot be read, or is not the CSV of its report.
        case unreadableReport
        /// SQLite could not open, set up or write the store.
        case database
        /// The SQL statement given failed.
        case statement
        /// There is no sealed month to build from.
        case nothingSealed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A SQLite database of sealed reports, built from months that verify; derived, never itself evidence.
///
/// Tables (ARCHITECTURE.md §6), one row per report row, with `year` (INTEGER) and `month` (TEXT, `03`):
/// `backup_jobs`, `backup_copy_jobs`, `backup_restore_jobs`, `backup_resources_compliance`,
/// `backup_control_compliance`, `backup_windows`. Columns are named by ``column(_:)``: the CSV header in lowercase,
/// each run of characters other than ASCII letters and digits one underscore, except the two compliance-status
/// headers, which are `compliance_status` (their own names, `resource_compliance_status` and
/// `control_compliance_status`, are read as it: ``resolvingColumnAliases(_:)``). One more table, `backup_evidence_store`, holds one
/// row: ``provenance(entries:tables:)``, what the store was built from. The database is read-only once built.
///
/// Every table exists (its columns from its first file's header), but only the tables a statement names are loaded
/// with rows: ``tables(in:)`` over-approximates them by looking for each table's name in the statement's text, so a
/// statement never sees an unloaded table it reads.
///
/// A store lives in memory, or in a file outside the evidence folder (``cached(ledger:entries:file:tables:)``) that a
/// later run reuses when it was built from the same verified entries. Such a file is as trusted as the folder it is
/// in: it is a copy of verified rows for speed, and nothing in it is evidence.
public final class EvidenceStore {
    public let database: SQLiteConnection

    /// The first line of ``provenance(entries:tables:)``: the store's layout; a store of another layout is rebuilt.
    public static let layout = "backup-evidence query store 1"

    /// Every report table.
    public static let allTables: Set<String> = [
        "backup_jobs", "backup_copy_jobs", "backup_restore_jobs", "backup_resources_compliance",
        "backup_control_compliance", "backup_windows",
    ]

    /// The report tables whose names occur in `sql`, ignoring case: every table the statement can read rows of
    /// (quoted or not, a name is spelled out; there are no views), and perhaps a few more.
    public static func tables(in sql: String) -> Set<String> {
        let text = sql.lowercased()
        return allTables.filter { text.contains($0) }
    }

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

    /// The snake-case names of the two compliance-status headers, each read as the column `compliance_status`.
    public static let columnAliases: [String: String] = [
        "resource_compliance_status": "compliance_status", "control_compliance_status": "compliance_status",
    ]

    /// Every report table with its columns, in report order: the headers of its template by ``column(_:)``, then
    /// `year` and `month`.
    public static func schema() -> [(table: String, columns: [String])] {
        ReportTemplate.allCases.compactMap { template in
            table(template.fileName).map { ($0, template.columns.map { column($0.header) } + ["year", "month"]) }
        }
    }

    /// `sql` with every identifier that is a key of ``columnAliases`` (bare, or quoted with `"`, `` ` `` or `[]`, in
    /// any case) replaced by its column; string literals and comments are left as they are.
    public static func resolvingColumnAliases(_ sql: String) -> String {
        let text = Array(sql.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isWord(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c == "$" || (c.isASCII && CharacterSet.alphanumerics.contains(c)) || !c.isASCII
        }
        func copy(until end: Int) {
            out.append(contentsOf: text[index..<min(end, text.count)])
            index = min(end, text.count)
        }
        func position(of closing: Unicode.Scalar, from start: Int) -> Int {
            var at = start
            while at < text.count && text[at] != closing { at += 1 }
            return at + 1
        }
        func identifier(_ name: String) -> String { columnAliases[name.lowercased()] ?? name }
        while index < text.count {
            let c = text[index]
            let next: Unicode.Scalar? = index + 1 < text.count ? text[index + 1] : nil
            switch c {
            case "'":
                // A string literal: '' inside is a quote, not its end.
                var end = index + 1
                while end < text.count {
                    if text[end] == "'" {
                        if end + 1 < text.count && text[end + 1] == "'" {
                            end += 2
                            continue
                        }
                        break
                    }
                    end += 1
                }
                copy(until: end + 1)
            case "-" where next == "-":
                copy(until: position(of: "\n", from: index + 2))
            case "/" where next == "*":
                var end = index + 2
                while end + 1 < text.count && !(text[end] == "*" && text[end + 1] == "/") { end += 1 }
                copy(until: end + 2)
            case "\"", "`", "[":
                let closing: Unicode.Scalar = c == "[" ? "]" : c
                let end = position(of: closing, from: index + 1)
                let inner = String(String.UnicodeScalarView(text[(index + 1)..<min(end - 1, text.count)]))
                if end <= text.count, columnAliases[inner.lowercased()] != nil {
                    out.append(c)
                    out.append(contentsOf: identifier(inner).unicodeScalars)
                    out.append(closing)
                    index = end
                } else {
                    copy(until: end)
                }
            default:
                guard isWord(c) else {
                    copy(until: index + 1)
                    continue
                }
                var end = index
                while end < text.count && isWord(text[end]) { end += 1 }
                out.append(contentsOf: identifier(String(String.UnicodeScalarView(text[index..<end]))).unicodeScalars)
                index = end
            }
        }
        return String(out)
    }

    /// A failed statement as the store reports it: an unknown column is followed by the columns of each report table
    /// the statement names (or by where to find them all).
    static func explained(_ error: any Error, sql: String) -> StoreError {
        guard let failure = error as? SQLiteError else { return StoreError(.statement, "\(error)") }
        guard failure.message.hasPrefix("no such column") else {
            return StoreError(.statement, "\(SQLiteError(code: failure.code, message: failure.message, sql: sql))")
        }
        let named = tables(in: sql)
        let listed = schema().filter { named.contains($0.table) }
        let columns =
            listed.isEmpty
            ? "query --schema lists every table and its columns"
            : listed.map { "columns of \($0.table): \($0.columns.joined(separator: ", "))" }.joined(separator: "; ")
        return StoreError(.statement, "\(failure.message) in `\(sql)`; \(columns)")
    }

    /// What a store built from `entries` with rows in `tables` records: the layout line, `tables` and the loaded
    /// tables' names in byte order, then one line per entry of the chain, in chain order: its folder and its seal
    /// (the SHA-256 of its SHA256SUMS).
    public static func provenance(entries: [ChainEntry], tables: Set<String>) -> String {
        let names = tables.intersection(allTables).sorted()
        return ([layout, (["tables"] + names).joined(separator: " ")] + entries.map { "\($0.folder) \($0.seal)" })
            .joined(separator: "\n")
    }

    /// The loaded tables a provenance records, if it records `entries` in this layout.
    static func recordedTables(_ provenance: String, entries: [ChainEntry]) -> Set<String>? {
        let lines = provenance.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 2, lines[0] == layout, lines[1].hasPrefix("tables") else { return nil }
        let tables = Set(lines[1].split(separator: " ").dropFirst().map(String.init))
        guard provenance == self.provenance(entries: entries, tables: tables) else { return nil }
        return tables
    }

    private init(database: SQLiteConnection) { self.database = database }

    /// Builds an in-memory store from the newest entry of each sealed month of `entries`, with rows in `tables`.
    public convenience init(ledger: Ledger, entries: [ChainEntry], tables: Set<String> = allTables) throws {
        let database: SQLiteConnection
        do {
            database = try SQLiteConnection(path: ":memory:")
        } catch {
            throw StoreError(.database, "cannot open SQLite: \(error)")
        }
        try EvidenceStore.load(into: database, ledger: ledger, entries: entries, tables: tables)
        self.init(database: database)
        try settle()
    }

    /// How a store kept in a file was obtained.
    public enum CacheOutcome: Hashable, Sendable {
        /// The file was built from the same entries and was used as it is.
        case reused
        /// The file was (re)built; the reason says why: absent, built from other entries, without a table the
        /// statement names, or unreadable.
        case built(reason: String)
    }

    /// The file could not be written (a read-only folder, a full disk); the caller may build in memory instead.
    public struct CacheUnavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The store kept in `file`, reused when it records exactly `entries` and has rows in every one of `tables`,
    /// built otherwise.
    ///
    /// Call it only with the entries of a chain that has just verified. A file that is absent, records other entries
    /// or another layout, lacks rows of one of `tables`, or cannot be read as SQLite is rebuilt (with the tables it
    /// had and `tables`): into a new temporary file beside it, renamed over it
    /// when complete, so a concurrent run sees the old file or the new one, never a part. Files are never changed in
    /// place, and are opened read-only and immutable.
    /// - Throws: ``CacheUnavailable`` when the file cannot be written, ``StoreError`` when a report cannot be loaded.
    public static func cached(
        ledger: Ledger,
        entries: [ChainEntry],
        file: URL,
        tables: Set<String> = allTables
    ) throws -> (store: EvidenceStore, outcome: CacheOutcome) {
        let reason: String
        var wanted = tables
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let database = try SQLiteConnection(path: file.path, immutable: true)
                let rows = try database.query("SELECT provenance FROM backup_evidence_store").rows
                if rows.count == 1, case .text(let recorded) = rows[0].first,
                    let loaded = recordedTables(recorded, entries: entries)
                {
                    if tables.isSubset(of: loaded) {
                        let store = EvidenceStore(database: database)
                        try store.settle()
                        return (store, .reused)
                    }
                    wanted.formUnion(loaded)
                    reason = "without rows of \(tables.subtracting(loaded).sorted().joined(separator: ", "))"
                } else {
                    reason = "built from other entries"
                }
            } catch {
                reason = "unreadable (\(error))"
            }
        } else {
            reason = "absent"
        }
        return (try build(ledger: ledger, entries: entries, file: file, tables: wanted), .built(reason: reason))
    }

    /// Builds the store into a temporary file beside `file`, renames it over `file` and opens it.
    public static func build(
        ledger: Ledger,
        entries: [ChainEntry],
        file: URL,
        tables: Set<String> = allTables
    ) throws -> EvidenceStore {
        let folder = file.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            ".\(file.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp"
        )
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let database = try SQLiteConnection(path: temporary.path)
            // A new file that nobody else sees until it is renamed: no journal, no syncs, large pages for scans.
            for pragma in [
                "page_size = 65536", "journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
                "cache_size = -65536",
            ] {
                try database.execute("PRAGMA \(pragma)")
            }
            try load(into: database, ledger: ledger, entries: entries, tables: tables)
        } catch let error as StoreError {
            throw error
        } catch {
            throw CacheUnavailable(description: "cannot write \(temporary.path): \(error)")
        }
        // The connection is closed here: the file is complete on disk.
        if rename(temporary.path, file.path) != 0 {
            throw CacheUnavailable(description: "cannot rename \(temporary.path) to \(file.path): errno \(errno)")
        }
        do {
            let store = EvidenceStore(database: try SQLiteConnection(path: file.path, immutable: true))
            try store.settle()
            return store
        } catch {
            throw CacheUnavailable(description: "cannot open \(file.path): \(error)")
        }
    }

    /// Makes the connection read-only for queries, with the file mapped into memory for scans.
    private func settle() throws {
        do {
            try database.execute("PRAGMA mmap_size = 4294967296")
            try database.execute("PRAGMA query_only = 1")
        } catch {
            throw StoreError(.database, "cannot set up SQLite: \(error)")
        }
    }

    /// Loads the newest entry of each month of `entries` into an empty database, in one transaction: every table,
    /// with rows only in `tables`.
    ///
    /// Fields are bound straight from the file's bytes into one prepared insert per file (a field with doubled
    /// quotes is unescaped first); no row is built as strings. A table without rows is made from its first file's
    /// header line alone.
    static func load(
        into database: SQLiteConnection,
        ledger: Ledger,
        entries: [ChainEntry],
        tables: Set<String>
    ) throws {
        do {
            try database.execute("BEGIN")
            try database.execute("CREATE TABLE backup_evidence_store (provenance TEXT NOT NULL) STRICT")
            try database.execute(
                "INSERT INTO backup_evidence_store (provenance) VALUES (?)",
                [.text(provenance(entries: entries, tables: tables))]
            )
        } catch {
            throw StoreError(.database, "cannot set up SQLite: \(error)")
        }
        var created = Set<String>()
        for report in try SealedReport.newest(ledger: ledger, entries: entries) {
            guard let table = EvidenceStore.table(report.fileName) else { continue }
            guard tables.contains(table) || !created.contains(table) else { continue }
            let data = tables.contains(table) ? try report.data() : try report.headerLine()
            do {
                try data.withUnsafeBytes { buffer in
                    try load(buffer, table: table, report: report, into: database, created: &created)
                }
            } catch let failure as CSVReader.Failure {
                throw StoreError(.unreadableReport, "\(report.location): \(failure)")
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.database, "\(report.location): \(error)")
            }
        }
        do {
            try database.execute("COMMIT")
        } catch {
            throw StoreError(.database, "cannot write SQLite: \(error)")
        }
    }

    /// Inserts one report file's rows into its table, creating the table from the first header seen.
    private static func load(
        _ buffer: UnsafeRawBufferPointer,
        table: String,
        report: SealedReport,
        into database: SQLiteConnection,
        created: inout Set<String>
    ) throws {
        var insert: SQLiteStatement?
        var width = 0
        try CSVReader.forEachRecord(in: buffer) { record in
            guard let statement = insert else {
                let columns = (0..<record.count).map { EvidenceStore.column(record.string($0)) }
                if created.insert(table).inserted {
                    let definitions = columns.map { "\"\($0)\" TEXT" } + ["year INTEGER", "month TEXT"]
                    try database.execute("CREATE TABLE \(table) (\(definitions.joined(separator: ", "))) STRICT")
                }
                let names = (columns + ["year", "month"]).map { "\"\($0)\"" }.joined(separator: ", ")
                let marks = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
                let statement = try database.prepare("INSERT INTO \(table) (\(names)) VALUES (\(marks))")
                width = columns.count
                // Bindings outlive each step: the partition columns are bound once per file.
                try statement.bind(integer: Int64(report.period.year), at: Int32(width + 1))
                try statement.bind(text: report.monthText, at: Int32(width + 2))
                insert = statement
                return
            }
            guard record.count == width else {
                throw StoreError(
                    .unreadableReport,
                    "\(report.location): line \(record.line): \(record.count) fields; the header has \(width)"
                )
            }
            for field in 0..<width {
                try record.withBytes(field) { bytes in
                    try statement.bind(text: bytes, at: Int32(field + 1), stable: !record.isEscaped(field))
                }
            }
            try statement.step()
        }
    }

    /// Runs one SQL statement; returns the column names and rows.
    public func query(_ sql: String) throws -> (columns: [String], rows: [[SQLiteValue]]) {
        do {
            return try database.query(Self.resolvingColumnAliases(sql))
        } catch {
            throw Self.explained(error, sql: sql)
        }
    }

    /// Runs one SQL statement over the store kept in `cacheFile` (see ``cached(ledger:entries:file:tables:)``), or over an
    /// in-memory store when `cacheFile` is nil or cannot be written.
    ///
    /// A reused file that SQLite finds damaged while running the statement is rebuilt and the statement run again;
    /// an error in the statement itself is the caller's.
    /// - Returns: the result, how the file was obtained (nil for memory) and, when the file could not be written,
    ///   why.
    public static func query(
        _ sql: String,
        ledger: Ledger,
        entries: [ChainEntry],
        cacheFile: URL?
    ) throws -> (columns: [String], rows: [[SQLiteValue]], cache: CacheOutcome?, unavailable: String?) {
        var unavailable: String?
        let tables = tables(in: sql)
        if let cacheFile {
            do {
                let (store, outcome) = try cached(ledger: ledger, entries: entries, file: cacheFile, tables: tables)
                do {
                    let (columns, rows) = try store.database.query(resolvingColumnAliases(sql))
                    return (columns, rows, outcome, nil)
                } catch  where outcome == .reused && SQLiteConnection.isDamage(error.code) {
                    let rebuilt = try build(ledger: ledger, entries: entries, file: cacheFile, tables: tables)
                    let (columns, rows) = try rebuilt.query(sql)
                    return (columns, rows, .built(reason: "damaged (\(error))"), nil)
                } catch {
                    throw explained(error, sql: sql)
                }
            } catch let error as CacheUnavailable {
                unavailable = error.description
            }
        }
        let (columns, rows) = try EvidenceStore(ledger: ledger, entries: entries, tables: tables).query(sql)
        return (columns, rows, nil, unavailable)
    }
}
