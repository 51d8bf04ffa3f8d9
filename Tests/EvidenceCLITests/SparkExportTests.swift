import EvidenceLedger
import EvidenceSQLite
import EvidenceStore
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Export for Spark SQL", .serialized)
struct SparkExportTests {
    /// The tables of `query`, in ReportTemplate order, with the folders the export lays them out in.
    static let tables = [
        ("backup_jobs", "jobs"), ("backup_copy_jobs", "copy-jobs"), ("backup_restore_jobs", "restore-jobs"),
        ("backup_resources_compliance", "resources-compliance"),
        ("backup_control_compliance", "control-compliance"), ("backup_windows", "backup-windows"),
    ]

    @Test("--engine spark writes spark-tables.sql beside the same partitions; athena stays the default")
    func layout() async throws {
        let fixture = try ExportTests.Fixture()
        let spark = fixture.folder.url.appendingPathComponent("spark")
        #expect(
            await fixture.export(to: spark, ["--engine", "spark", "--location", "s3a://evidence-bucket/spark/"]) == 0
        )
        #expect(await fixture.export() == 0)
        let sparkFiles = TemporaryFolder.files(below: spark)
        let athenaFiles = TemporaryFolder.files(below: fixture.out)
        #expect(sparkFiles.filter { $0.hasSuffix(".csv") } == athenaFiles.filter { $0.hasSuffix(".csv") })
        #expect(sparkFiles.filter { !$0.hasSuffix(".csv") } == ["spark-tables.sql"])
        #expect(athenaFiles.filter { !$0.hasSuffix(".csv") } == ["athena-tables.sql"])
        for file in sparkFiles where file.hasSuffix(".csv") {
            let one = try Data(contentsOf: spark.appendingPathComponent(file))
            #expect(one == (try Data(contentsOf: fixture.out.appendingPathComponent(file))), "\(file)")
        }

        let sql = try String(contentsOf: spark.appendingPathComponent("spark-tables.sql"), encoding: .utf8)
        let statements = sql.components(separatedBy: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
            .components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        #expect(statements.count == 3 * Self.tables.count)
        let athena = try ExportTests.statements(
            String(contentsOf: fixture.out.appendingPathComponent("athena-tables.sql"), encoding: .utf8)
        )
        for (index, (table, folder)) in Self.tables.enumerated() {
            let create = statements[3 * index]
            let lines = create.components(separatedBy: "\n")
            #expect(lines.first == "CREATE TABLE IF NOT EXISTS \(table)_csv (")
            let columns = lines.dropFirst().prefix { $0.hasPrefix("  `") }.map {
                String($0.dropFirst(3).prefix { $0 != "`" })
            }
            // The CSV table's columns are the Athena table's (the CSV headers in query's names), then the partitions.
            #expect(columns == athena[index].columns + ["year", "month"])
            #expect(lines.contains("USING CSV"))
            #expect(lines.contains("PARTITIONED BY (`year`, `month`)"))
            #expect(lines.contains("LOCATION 's3a://evidence-bucket/spark/\(folder)/'"))
            #expect(create.contains("'escape' = '\"'") && create.contains("'mode' = 'FAILFAST'"))
            #expect(statements[3 * index + 1] == "ALTER TABLE \(table)_csv RECOVER PARTITIONS")
            #expect(statements[3 * index + 2].hasPrefix("CREATE OR REPLACE VIEW \(table) AS SELECT\n"))
            #expect(statements[3 * index + 2].hasSuffix("\nFROM \(table)_csv"))
        }

        // Each engine's export replaces the other's; s3a:// is Spark's scheme only.
        #expect(await fixture.export(to: spark) == 0)
        #expect(TemporaryFolder.files(below: spark) == athenaFiles)
        #expect(await fixture.export(to: spark, ["--location", "s3a://evidence-bucket/spark"]) == 64)
        #expect(await fixture.export(to: spark, ["--engine", "presto"]) == 64)
    }

    @Test("Spark SQL runs the statements the export wrote and answers the seed's query as query does")
    func sparkSQL() async throws {
        let fixture = try ExportTests.Fixture()
        #expect(await fixture.export(["--engine", "spark"]) == 0)

        let counts = Self.tables.map { table, _ in
            "SELECT '\(table)', year, month, COUNT(*) FROM \(table) GROUP BY year, month"
        }.joined(separator: " UNION ALL ")
        let queries = [
            QueryTests.seedQuery,
            counts,
            // Whole rows, every column: names, order and quoting as query reads them.
            "SELECT * FROM backup_control_compliance",
            "SELECT * FROM backup_restore_jobs",
            // Empty fields are empty strings, as in query, not NULL.
            """
            SELECT year, month, SUM(CASE WHEN parent_job_id = '' THEN 1 ELSE 0 END), SUM(LENGTH(status_message)),
            COUNT(expected_completion_date) FROM backup_jobs GROUP BY year, month
            """,
        ]
        let answers = try SparkOracle.run(export: fixture.out, queries: queries)

        let ledger = Ledger(root: fixture.evidence)
        let store = try EvidenceStore(ledger: ledger, entries: ledger.entries())
        for (query, answer) in zip(queries, answers) {
            let expected = try store.query(query).rows.map { $0.map(SparkOracle.cell) }
            #expect(answer.sorted(by: SparkOracle.precedes) == expected.sorted(by: SparkOracle.precedes), "\(query)")
        }
        // The seed's answer is in the order the query asks for (ties in either order), and is the seed's.
        let seed = try #require(answers.first)
        let nonCompliant = seed.compactMap { $0[1].flatMap { Int($0) } }
        #expect(nonCompliant.count > 3 && nonCompliant == nonCompliant.sorted(by: >))
        #expect(seed.contains(["BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN", "1", "396"]))
        // Every table was read, and both months of the jobs.
        let counted = try #require(answers.dropFirst().first)
        #expect(Set(counted.compactMap { $0[0] }) == Set(Self.tables.map(\.0)))
        #expect(counted.filter { $0[0] == "backup_jobs" }.map { $0[2] } == ["03", "04"])
        #expect(try #require(answers.last).allSatisfy { $0[2] != "0" })
    }
}

/// Runs `Tests/oracle/spark_export.py`: Apache Spark SQL from PyPI (pyspark) in local mode, on a Java runtime.
enum SparkOracle {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// A `query` cell as Spark's answer writes it: NULL is nil.
    static func cell(_ value: SQLiteValue) -> String? {
        switch value {
        case .null: nil
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        }
    }

    static func precedes(_ left: [String?], _ right: [String?]) -> Bool {
        left.map { $0 ?? "\u{0}NULL" }.lexicographicallyPrecedes(right.map { $0 ?? "\u{0}NULL" })
    }

    /// Runs every statement of `export`'s spark-tables.sql, its placeholder location made the folder's own, then
    /// `queries`; returns one answer per query.
    static func run(export: URL, queries: [String]) throws -> [[[String?]]] {
        let run = try Python.runOracle(
            "spark_export.py",
            spec: ["export": export.path, "placeholder": AthenaExport.placeholderLocation, "queries": queries]
        )
        let message = run.errors
        switch run.status {
        case 0: break
        case 3: throw Unavailable(description: "pyspark is not installed: \(Python.setupHint). \(message)")
        case 4:
            throw Unavailable(description: "Spark needs a Java runtime (17 or later): \(Python.setupHint). \(message)")
        default:
            throw Unavailable(description: "spark_export.py exited with \(run.status): \(message)")
        }
        guard let answer = try JSONSerialization.jsonObject(with: run.output) as? [String: Any],
            let results = answer["results"] as? [[[Any]]]
        else {
            throw Unavailable(description: "cannot read Spark's answer: \(message)")
        }
        return results.map { rows in rows.map { row in row.map { $0 as? String } } }
    }
}
