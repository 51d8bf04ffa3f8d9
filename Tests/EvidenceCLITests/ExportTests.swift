import EvidenceLedger
import EvidenceSQLite
import EvidenceStore
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Export for Athena", .serialized)
struct ExportTests {
    /// A copy of the golden org-estate chain (2028-03 and 2028-04) and a path for the export.
    final class Fixture {
        let folder: TemporaryFolder
        var evidence: URL { folder.url.appendingPathComponent("evidence") }
        var out: URL { folder.url.appendingPathComponent("athena") }

        init() throws {
            folder = try TemporaryFolder()
            try FileManager.default.copyItem(
                at: RepositoryPaths.golden.appendingPathComponent("org-estate"),
                to: evidence
            )
        }

        func export(to out: URL? = nil, _ extra: [String] = []) async -> Int32 {
            await CLITests.run(["export", "--evidence", evidence.path, "--athena", (out ?? self.out).path] + extra)
        }
    }

    /// One CREATE EXTERNAL TABLE statement of the export's SQL file.
    struct Statement {
        var table: String
        var columns: [String]
        var location: String
        var partitions: String
        var properties: [String: String]
    }

    /// Parses the statements back out of `athena-tables.sql`.
    static func statements(_ sql: String) throws -> [Statement] {
        var statements: [Statement] = []
        for chunk in sql.components(separatedBy: "CREATE EXTERNAL TABLE IF NOT EXISTS ").dropFirst() {
            let lines = chunk.components(separatedBy: "\n")
            let table = try #require(lines.first?.components(separatedBy: " ").first)
            let columns = lines.dropFirst().prefix { $0.hasPrefix("  `") }.map {
                String($0.dropFirst(3).prefix { $0 != "`" })
            }
            for line in lines.dropFirst().prefix(while: { $0.hasPrefix("  `") }) {
                #expect(line.hasSuffix("` string,") || line.hasSuffix("` string"))
            }
            let location = try #require(lines.first { $0.hasPrefix("LOCATION '") })
            let partitions = try #require(lines.first { $0.hasPrefix("PARTITIONED BY ") })
            var properties: [String: String] = [:]
            for line in lines where line.hasPrefix("  '") {
                let parts = line.trimmingCharacters(in: CharacterSet(charactersIn: " ,")).components(
                    separatedBy: "' = '"
                )
                if parts.count == 2 {
                    properties[String(parts[0].dropFirst())] = String(parts[1].dropLast())
                }
            }
            statements.append(
                Statement(
                    table: table,
                    columns: columns,
                    location: String(location.dropFirst("LOCATION '".count).dropLast()),
                    partitions: partitions,
                    properties: properties
                )
            )
        }
        return statements
    }

    /// A CSV header as a column name, written out here independently of EvidenceStore.
    static func snakeCase(_ header: String) -> String {
        if header.hasSuffix("Compliance Status") { return "compliance_status" }
        return header.lowercased().split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) })
            .joined(separator: "_")
    }

    @Test("Partitioned reports, and tables whose columns are the CSV headers in query's names")
    func layout() async throws {
        let fixture = try Fixture()
        #expect(await fixture.export(["--location", "s3://evidence-bucket/athena/"]) == 0)
        let out = fixture.out
        let months = ["year=2028/month=03", "year=2028/month=04"]
        let folders = [
            ("jobs", "BACKUP_JOB_REPORT"), ("copy-jobs", "COPY_JOB_REPORT"), ("restore-jobs", "RESTORE_JOB_REPORT"),
            ("resources-compliance", "RESOURCE_COMPLIANCE_REPORT"),
            ("control-compliance", "CONTROL_COMPLIANCE_REPORT"), ("backup-windows", "BACKUP_WINDOW_REPORT"),
        ]
        var expected = ["athena-tables.sql"]
        for (folder, template) in folders {
            for month in months { expected.append("\(folder)/\(month)/\(template).csv") }
        }
        #expect(TemporaryFolder.files(below: out) == expected.sorted())
        // The partition files are the sealed files, byte for byte.
        let sealed = try Data(
            contentsOf: fixture.evidence.appendingPathComponent("2028-04/reports/RESOURCE_COMPLIANCE_REPORT.csv")
        )
        let laidOut = try Data(
            contentsOf: out.appendingPathComponent("resources-compliance/\(months[1])/RESOURCE_COMPLIANCE_REPORT.csv")
        )
        #expect(sealed == laidOut)

        let sql = try String(contentsOf: out.appendingPathComponent("athena-tables.sql"), encoding: .utf8)
        let statements = try Self.statements(sql)
        #expect(
            statements.map(\.table) == [
                "backup_jobs", "backup_copy_jobs", "backup_restore_jobs", "backup_resources_compliance",
                "backup_control_compliance", "backup_windows",
            ]
        )
        for (statement, (folder, template)) in zip(statements, folders) {
            let base = "s3://evidence-bucket/athena/\(folder)"
            #expect(statement.location == "\(base)/")
            #expect(statement.partitions == "PARTITIONED BY (`year` int, `month` string)")
            #expect(
                statement.properties == [
                    "skip.header.line.count": "1", "projection.enabled": "true", "projection.year.type": "integer",
                    "projection.year.range": "2028,2099", "projection.month.type": "enum",
                    "projection.month.values": "01,02,03,04,05,06,07,08,09,10,11,12",
                    "storage.location.template": "\(base)/year=${year}/month=${month}/",
                ]
            )
            for month in months {
                let csv = try Data(contentsOf: out.appendingPathComponent("\(folder)/\(month)/\(template).csv"))
                let header = String(decoding: csv.prefix { $0 != 10 }, as: UTF8.self)
                    .components(separatedBy: ",").map(Self.snakeCase)
                #expect(statement.columns == header, "\(template) \(month)")
            }
        }
        #expect(sql.contains("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"))
    }

    @Test("DuckDB reads the export with Hive partitions and answers the seed's query as query does")
    func duckDB() async throws {
        let fixture = try Fixture()
        #expect(await fixture.export() == 0)
        let sql = try String(contentsOf: fixture.out.appendingPathComponent("athena-tables.sql"), encoding: .utf8)
        #expect(sql.contains("LOCATION 's3://BUCKET/PREFIX/jobs/'"))
        let statements = try Self.statements(sql)
        var views: [[String: Any]] = []
        for statement in statements {
            let folder = statement.location.dropFirst("s3://BUCKET/PREFIX/".count)
            views.append([
                "table": statement.table, "columns": statement.columns,
                "glob": fixture.out.appendingPathComponent("\(folder)*/*/*.csv").path,
            ])
        }
        let counts = statements.map {
            "SELECT year, month, COUNT(*) FROM \($0.table) GROUP BY year, month ORDER BY 1, 2"
        }
        let queries = [QueryTests.seedQuery] + counts
        let answers = try DuckDBOracle.run(views: views, queries: queries)

        let ledger = Ledger(root: fixture.evidence)
        let store = try EvidenceStore(ledger: ledger, entries: ledger.entries())
        for (query, answer) in zip(queries, answers) {
            let expected = try store.query(query).rows.map { $0.map(Self.text) }
            #expect(
                answer.sorted { $0.lexicographicallyPrecedes($1) }
                    == expected.sorted { $0.lexicographicallyPrecedes($1) }
            )
        }
        // The seed's answer is in non-increasing order of non-compliant resources, as the query asks.
        let nonCompliant = try #require(answers.first).compactMap { Int($0[1]) }
        #expect(nonCompliant.count > 3 && nonCompliant == nonCompliant.sorted(by: >))
        #expect(try #require(answers.first).contains(["BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN", "1", "396"]))
    }

    @Test("The export is deterministic; a folder that holds no export is not replaced; a broken chain is refused")
    func refusals() async throws {
        let fixture = try Fixture()
        let second = fixture.folder.url.appendingPathComponent("again")
        #expect(await fixture.export() == 0)
        #expect(await fixture.export(to: second) == 0)
        let files = TemporaryFolder.files(below: fixture.out)
        #expect(files == TemporaryFolder.files(below: second))
        for file in files {
            let first = try Data(contentsOf: fixture.out.appendingPathComponent(file))
            #expect(first == (try Data(contentsOf: second.appendingPathComponent(file))), "\(file)")
        }
        #expect(await fixture.export() == 0)  // a previous export is replaced

        let other = fixture.folder.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: other.appendingPathComponent("notes.txt"))
        #expect(await fixture.export(to: other) == 2)
        #expect(TemporaryFolder.files(below: other) == ["notes.txt"])

        #expect(await fixture.export(to: second, ["--location", "https://example.com"]) == 64)

        let tampered = fixture.evidence.appendingPathComponent("2028-03/reports/CONTROL_COMPLIANCE_REPORT.csv")
        try Data("tampered\n".utf8).write(to: tampered)
        let third = fixture.folder.url.appendingPathComponent("third")
        #expect(await fixture.export(to: third) == 1)
        #expect(!FileManager.default.fileExists(atPath: third.path))
    }

    static func text(_ value: SQLiteValue) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        }
    }
}

/// Runs `Tests/oracle/duckdb_export.py`: DuckDB, from PyPI (`Tools/setup test` installs it into `.venv/`).
enum DuckDBOracle {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func run(views: [[String: Any]], queries: [String]) throws -> [[[String]]] {
        let run = try Python.runOracle("duckdb_export.py", spec: ["views": views, "queries": queries])
        let message = run.errors
        guard run.status == 0 else {
            throw Unavailable(
                description: "duckdb_export.py exited with \(run.status) "
                    + "(needs duckdb: \(Python.setupHint)): \(message)"
            )
        }
        guard let answers = try JSONSerialization.jsonObject(with: run.output) as? [[[String]]] else {
            throw Unavailable(description: "cannot read DuckDB's answer: \(message)")
        }
        return answers
    }
}
