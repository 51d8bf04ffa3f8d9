import EvidenceLedger
import EvidenceSQLite
import EvidenceStore
import EvidenceTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Query over sealed months", .serialized)
struct QueryTests {
    static let seedQuery = """
        SELECT control_name, SUM(CASE WHEN compliance_status='NON_COMPLIANT' THEN 1 ELSE 0 END) AS non_compliant,
        COUNT(*) AS total FROM backup_resources_compliance WHERE year=2028 AND month='03' GROUP BY control_name
        ORDER BY non_compliant DESC;
        """

    @Test("The seed's query runs unchanged over a sealed chain; every report is a table with year and month")
    func seedQuery() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let ledger = Ledger(root: chain.folder.url)
        let store = try EvidenceStore(ledger: ledger, entries: ledger.entries())
        let (columns, rows) = try store.query(Self.seedQuery)
        #expect(columns == ["control_name", "non_compliant", "total"])
        #expect(
            rows == [
                [.text("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"), .integer(1), .integer(5)],
                [.text("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"), .integer(0), .integer(2)],
            ]
        )
        let months = try store.query("SELECT DISTINCT year, month FROM backup_jobs ORDER BY month").rows
        #expect(months == [[.integer(2028), .text("03")], [.integer(2028), .text("04")]])
        for table in ["backup_copy_jobs", "backup_restore_jobs", "backup_control_compliance", "backup_windows"] {
            #expect((try? store.query("SELECT COUNT(*) FROM \(table)")) != nil)
        }
        let job = try store.query("SELECT backup_job_id, job_status FROM backup_jobs LIMIT 1").columns
        #expect(job == ["backup_job_id", "job_status"])
        let cache = try TemporaryFolder()
        let arguments = ["query", "--evidence", chain.path, "--cache-folder", cache.path, "--format", "csv"]
        #expect(await CLITests.run(arguments + [Self.seedQuery]) == 0)
        #expect(cache.files().count == 1 && cache.files().allSatisfy { $0.hasSuffix(".sqlite") })
        let memory = try TemporaryFolder()
        #expect(
            await CLITests.run(
                ["query", "--evidence", chain.path, "--cache-folder", memory.path, "--no-cache", Self.seedQuery]
            ) == 0
        )
        #expect(memory.files().isEmpty)
    }

    @Test("A chain that does not verify is refused")
    func refused() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        try chain.write("2028-03/reports/BACKUP_JOB_REPORT.csv", Array("tampered\n".utf8))
        let cache = try TemporaryFolder()
        #expect(
            await CLITests.run(["query", "--evidence", chain.path, "--cache-folder", cache.path, Self.seedQuery]) == 1
        )
        #expect(cache.files().isEmpty)
    }

    /// Every row of every table, in insertion order, and the seed query: what a store answers.
    static func answers(_ store: EvidenceStore) throws -> [[[SQLiteValue]]] {
        let tables = try store.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").rows
        var out = [tables]
        for case .text(let table) in tables.flatMap({ $0 }) {
            out.append(try store.query("SELECT * FROM \(table) ORDER BY rowid").rows)
        }
        out.append(try store.query(Self.seedQuery).rows)
        return out
    }

    @Test("The kept database is reused while it records the verified chain's seals, and answers as memory does")
    func cacheReused() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let ledger = Ledger(root: chain.folder.url)
        let cache = try TemporaryFolder()
        let file = cache.url.appendingPathComponent("store.sqlite")
        let memory = try Self.answers(EvidenceStore(ledger: ledger, entries: ledger.entries()))
        let first = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        #expect(first.outcome == .built(reason: "absent"))
        #expect(try Self.answers(first.store) == memory)
        let second = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        #expect(second.outcome == .reused)
        #expect(try Self.answers(second.store) == memory)
        let provenance = try second.store.query("SELECT provenance FROM backup_evidence_store").rows
        let seals = ledger.entries().map { "\($0.folder) \($0.seal)" }
        let tables = "tables " + EvidenceStore.allTables.sorted().joined(separator: " ")
        #expect(provenance == [[.text(([EvidenceStore.layout, tables] + seals).joined(separator: "\n"))]])
        #expect(cache.files() == ["store.sqlite"])
        // The database is read-only: a statement that writes is refused.
        #expect(throws: StoreError.self) { try second.store.query("DELETE FROM backup_jobs") }
    }

    @Test("Rows are loaded for the tables a statement names; a statement naming another table rebuilds with both")
    func tablesNamed() async throws {
        #expect(EvidenceStore.tables(in: Self.seedQuery) == ["backup_resources_compliance"])
        #expect(
            EvidenceStore.tables(in: "select 1 from \"BACKUP_JOBS\", [backup_windows]") == [
                "backup_jobs", "backup_windows",
            ]
        )
        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let entries = ledger.entries()
        let cache = try TemporaryFolder()
        let file = cache.url.appendingPathComponent("store.sqlite")
        let memory = try EvidenceStore(ledger: ledger, entries: entries)
        let jobs = "SELECT backup_job_id, job_status FROM backup_jobs ORDER BY rowid"
        let first = try EvidenceStore.query(Self.seedQuery, ledger: ledger, entries: entries, cacheFile: file)
        #expect(first.cache == .built(reason: "absent"))
        #expect(first.rows == (try memory.query(Self.seedQuery).rows))
        let only = try EvidenceStore.cached(ledger: ledger, entries: entries, file: file, tables: [])
        #expect(only.outcome == .reused)
        #expect(try only.store.query("SELECT COUNT(*) FROM backup_jobs").rows == [[.integer(0)]])
        #expect(
            try only.store.query("SELECT * FROM backup_jobs").columns
                == (try memory.query("SELECT * FROM backup_jobs").columns)
        )
        let second = try EvidenceStore.query(jobs, ledger: ledger, entries: entries, cacheFile: file)
        #expect(second.cache == .built(reason: "without rows of backup_jobs"))
        #expect(second.rows == (try memory.query(jobs).rows) && !second.rows.isEmpty)
        let third = try EvidenceStore.query(Self.seedQuery, ledger: ledger, entries: entries, cacheFile: file)
        #expect(third.cache == .reused && third.rows == first.rows)
        let inMemory = try EvidenceStore.query(jobs, ledger: ledger, entries: entries, cacheFile: nil)
        #expect(inMemory.cache == nil && inMemory.rows == second.rows)
    }

    @Test("A month added to the chain, or a kept database of other seals, is rebuilt")
    func cacheStale() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let cache = try TemporaryFolder()
        let file = cache.url.appendingPathComponent("store.sqlite")
        _ = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        #expect(
            await CLITests.run([
                "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path,
                "--month", "2028-04", "--key", RepositoryPaths.testKey,
            ]) == 0
        )
        let added = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        #expect(added.outcome == .built(reason: "built from other entries"))
        #expect(try Self.answers(added.store) == Self.answers(EvidenceStore(ledger: ledger, entries: ledger.entries())))
        let months = try added.store.query("SELECT DISTINCT month FROM backup_jobs ORDER BY month").rows
        #expect(months == [[.text("03")], [.text("04")]])
        // A kept database whose recorded seals were changed is not trusted to match.
        do {
            let writable = try SQLiteConnection(path: file.path)
            try writable.execute("UPDATE backup_evidence_store SET provenance = provenance || 'x'")
        }
        let edited = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        #expect(edited.outcome == .built(reason: "built from other entries"))
        #expect(try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file).outcome == .reused)
    }

    @Test("A damaged kept database is rebuilt: unreadable at open, or malformed pages found by the query")
    func cacheDamaged() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let cache = try TemporaryFolder()
        let file = cache.url.appendingPathComponent("store.sqlite")
        let expected = try EvidenceStore(ledger: ledger, entries: ledger.entries()).query(Self.seedQuery).rows
        _ = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        let good = try Data(contentsOf: file)

        try Data("not a database".utf8).write(to: file)
        let garbage = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file)
        guard case .built(let reason) = garbage.outcome else { throw StoreError(.database, "expected a rebuild") }
        #expect(reason.hasPrefix("unreadable"))
        #expect(try garbage.store.query(Self.seedQuery).rows == expected)

        // Keep the header, the schema and the provenance (pages 1 and 2 of 64 KiB), break every report page.
        var broken = good
        broken.replaceSubrange(131_072..<good.count, with: [UInt8](repeating: 0xA5, count: good.count - 131_072))
        try broken.write(to: file)
        let result = try EvidenceStore.query(
            Self.seedQuery,
            ledger: ledger,
            entries: ledger.entries(),
            cacheFile: file
        )
        guard case .built(let damaged) = result.cache else { throw StoreError(.database, "expected a rebuild") }
        #expect(damaged.hasPrefix("damaged"))
        #expect(result.rows == expected)
        #expect(try Data(contentsOf: file) != broken)
        let tables = EvidenceStore.tables(in: Self.seedQuery)
        let again = try EvidenceStore.cached(ledger: ledger, entries: ledger.entries(), file: file, tables: tables)
        #expect(again.outcome == .reused)
    }

    @Test("Concurrent builds each rename a whole file; no temporary file stays")
    func cacheConcurrent() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let cache = try TemporaryFolder()
        let file = cache.url.appendingPathComponent("store.sqlite")
        let entries = ledger.entries()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                _ = try EvidenceStore.build(ledger: ledger, entries: entries, file: file)
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(cache.files() == ["store.sqlite"])
        #expect(try EvidenceStore.cached(ledger: ledger, entries: entries, file: file).outcome == .reused)
    }

    @Test("A folder that cannot be written leaves query in memory")
    func cacheUnwritable() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let cache = try TemporaryFolder()
        try Data("a file, not a folder".utf8).write(to: cache.url.appendingPathComponent("blocked"))
        let file = cache.url.appendingPathComponent("blocked/store.sqlite")
        let result = try EvidenceStore.query(Self.seedQuery, ledger: ledger, entries: ledger.entries(), cacheFile: file)
        #expect(result.cache == nil && result.unavailable != nil)
        #expect(
            result.rows == (try EvidenceStore(ledger: ledger, entries: ledger.entries()).query(Self.seedQuery).rows)
        )
    }

    @Test("Column names are the CSV headers in snake_case")
    func columns() {
        #expect(EvidenceStore.column("Backup Job ID") == "backup_job_id")
        #expect(EvidenceStore.column("Backup Size in Bytes") == "backup_size_in_bytes")
        #expect(EvidenceStore.column("Resource Compliance Status") == "compliance_status")
        #expect(EvidenceStore.column("Control Compliance Status") == "compliance_status")
        #expect(EvidenceStore.column("Move to Cold After Days") == "move_to_cold_after_days")
    }

    @Test("The compliance statuses' own snake-case names are read as compliance_status; literals and comments are not")
    func aliases() {
        #expect(
            EvidenceStore.resolvingColumnAliases(
                "SELECT Control_Compliance_Status, r.resource_compliance_status, \"control_compliance_status\", "
                    + "[resource_compliance_status] FROM t -- control_compliance_status\nWHERE x = 'control_compliance_status'"
            )
                == "SELECT compliance_status, r.compliance_status, \"compliance_status\", [compliance_status] FROM t "
                + "-- control_compliance_status\nWHERE x = 'control_compliance_status'"
        )
        #expect(
            EvidenceStore.resolvingColumnAliases("SELECT my_control_compliance_status /* 'x */ FROM t")
                == "SELECT my_control_compliance_status /* 'x */ FROM t"
        )
    }

    @Test("query --schema prints every table and its columns; an unknown column lists its table's columns")
    func schema() async throws {
        let schema = EvidenceStore.schema()
        #expect(Set(schema.map(\.table)) == EvidenceStore.allTables)
        #expect(schema.allSatisfy { $0.columns.suffix(2) == ["year", "month"] })
        let compliance = try #require(schema.first { $0.table == "backup_control_compliance" })
        #expect(compliance.columns.contains("compliance_status") && compliance.columns.contains("control_name"))
        let printed = try ValidateDefinitionsTests.run(["query", "--schema", "--format", "csv"])
        #expect(printed.status == 0 && printed.err.isEmpty)
        let lines = printed.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "table,column,type")
        #expect(lines.count == 1 + schema.map(\.columns.count).reduce(0, +))
        #expect(lines.contains("backup_jobs,year,INTEGER") && lines.contains("backup_jobs,backup_job_id,TEXT"))
        #expect(try ValidateDefinitionsTests.run(["query", "--schema", "SELECT 1"]).status == 64)
        #expect(try ValidateDefinitionsTests.run(["query"]).status == 64)

        let chain = try await SealedChain(months: ["2028-03"])
        let ledger = Ledger(root: chain.folder.url)
        let store = try EvidenceStore(ledger: ledger, entries: ledger.entries())
        let statuses = "SELECT control_compliance_status FROM backup_control_compliance ORDER BY control_name"
        #expect(
            try store.query(statuses).rows
                == (try store.query("SELECT compliance_status FROM backup_control_compliance ORDER BY control_name")
                    .rows)
        )
        let unknown = try ValidateDefinitionsTests.run([
            "query", "--evidence", chain.path, "--no-cache", "SELECT nope FROM backup_control_compliance",
        ])
        #expect(unknown.status == 2)
        let error = try #require(unknown.err.split(separator: "\n").last.map(String.init))
        #expect(error.hasPrefix("error: no such column: nope in `SELECT nope FROM backup_control_compliance`; "))
        #expect(error.hasSuffix("columns of backup_control_compliance: " + compliance.columns.joined(separator: ", ")))
    }
}
