public import EvidenceLedger
internal import EvidenceModel
public import EvidenceReports
internal import Foundation

/// The SQL engine an export's table statements are written for.
public enum ExportEngine: String, CaseIterable, Sendable {
    /// Amazon Athena: `CREATE EXTERNAL TABLE` with OpenCSVSerde and partition projection.
    case athena
    /// Apache Spark SQL: `CREATE TABLE ... USING CSV`, partitions recovered from the folders.
    case spark

    /// The file holding the statements: `athena-tables.sql` or `spark-tables.sql`.
    public var sqlFileName: String { "\(rawValue)-tables.sql" }
}

/// The sealed reports laid out for Athena, Trino or Spark: Hive partitions and `CREATE TABLE` statements.
///
/// Each report goes to `<folder>/year=YYYY/month=MM/<TEMPLATE>.csv`, byte for byte as sealed (the newest entry of
/// each month, as `query` loads them). For Athena, `athena-tables.sql` creates one table per report, named and with
/// columns as `query`'s tables, read through OpenCSVSerde with its header skipped, partitioned by `year` (int) and
/// `month` (string, `03`) and located by partition projection, so no crawler and no `MSCK REPAIR` are needed. For
/// Spark, `spark-tables.sql` creates the same tables over Spark's own CSV source (``sparkStatements(location:)``).
public enum AthenaExport {
    /// The file holding Athena's `CREATE EXTERNAL TABLE` statements.
    public static let sqlFileName = ExportEngine.athena.sqlFileName

    /// The location written when none is given, to be replaced before the statements are run.
    public static let placeholderLocation = "s3://BUCKET/PREFIX"

    /// The last year the `year` partition projects, unless a sealed month is later.
    static let lastProjectedYear = 2099

    /// The folder of a report's partitions.
    public static func folder(_ template: ReportTemplate) -> String {
        switch template {
        case .backupJob: "jobs"
        case .copyJob: "copy-jobs"
        case .restoreJob: "restore-jobs"
        case .resourceCompliance: "resources-compliance"
        case .controlCompliance: "control-compliance"
        case .backupWindow: "backup-windows"
        }
    }

    /// The table of a report: `query`'s table name.
    public static func table(_ template: ReportTemplate) -> String {
        EvidenceStore.table(template.fileName) ?? template.rawValue.lowercased()
    }

    /// A report's column names: its headers (ReportTemplate) in `query`'s snake case.
    public static func columns(_ template: ReportTemplate) -> [String] {
        template.columns.map { EvidenceStore.column($0.header) }
    }

    /// Every file of the export, keyed by its path inside the output folder.
    ///
    /// - Parameters:
    ///   - location: The S3 URL the output folder is uploaded to, without a trailing slash.
    ///   - engine: The engine the table statements are written for; only the statements' file differs.
    /// - Throws: ``StoreError`` when a sealed report cannot be read or its header is not the template's.
    public static func files(
        ledger: Ledger,
        entries: [ChainEntry],
        location: String,
        engine: ExportEngine = .athena
    ) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var years: [Int] = []
        for report in try SealedReport.newest(ledger: ledger, entries: entries) {
            guard let template = ReportTemplate(rawValue: String(report.fileName.dropLast(".csv".count))),
                report.fileName.hasSuffix(".csv")
            else { continue }
            let bytes = try report.bytes()
            let header: [String]
            do {
                var line = Array(bytes.prefix(while: { $0 != 10 }))
                if line.last == 13 { line.removeLast() }
                header = try CSVReader.records(line).first ?? []
            } catch {
                throw StoreError(.unreadableReport, "\(report.location): \(error)")
            }
            let expected = template.columns.map(\.header)
            guard header == expected else {
                throw StoreError(
                    .unreadableReport,
                    "\(report.location): line 1: the header is not \(template.rawValue)'s columns; "
                        + "expected \(expected.joined(separator: ","))"
                )
            }
            let partition = "year=\(report.period.year)/month=\(report.monthText)"
            files["\(folder(template))/\(partition)/\(report.fileName)"] = bytes
            years.append(report.period.year)
        }
        guard let first = years.min(), let last = years.max() else {
            throw StoreError(.nothingSealed, "\(ledger.root.path): no sealed month to export")
        }
        switch engine {
        case .athena:
            files[engine.sqlFileName] = Array(
                statements(location: location, years: first...max(last, lastProjectedYear)).utf8
            )
        case .spark:
            files[engine.sqlFileName] = Array(sparkStatements(location: location).utf8)
        }
        return files
    }

    /// The `CREATE EXTERNAL TABLE` statements, one per report, in ReportTemplate order.
    public static func statements(location: String, years: ClosedRange<Int>) -> String {
        var text = """
            -- Tables over the sealed reports of backup-evidence, exported with `backup-evidence export --athena`.
            -- Upload the export folder to \(location)/ and run each statement (Athena, or Trino/Spark with
            -- a Hive metastore). Partitions are projected from year and month: no crawler, no MSCK REPAIR TABLE.
            -- Every column is a string, as the CSV holds it; cast in queries (CAST(x AS bigint)).

            """
        let months = (1...12).map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ",")
        for template in ReportTemplate.allCases {
            let base = "\(location)/\(folder(template))"
            let columns = columns(template).map { "  `\($0)` string" }.joined(separator: ",\n")
            text += """

                CREATE EXTERNAL TABLE IF NOT EXISTS \(table(template)) (
                \(columns)
                )
                PARTITIONED BY (`year` int, `month` string)
                ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
                WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '\\\\')
                STORED AS TEXTFILE
                LOCATION '\(base)/'
                TBLPROPERTIES (
                  'skip.header.line.count' = '1',
                  'projection.enabled' = 'true',
                  'projection.year.type' = 'integer',
                  'projection.year.range' = '\(years.lowerBound),\(years.upperBound)',
                  'projection.month.type' = 'enum',
                  'projection.month.values' = '\(months)',
                  'storage.location.template' = '\(base)/year=${year}/month=${month}/'
                );

                """
        }
        return text
    }

    /// The CSV options of Spark's tables: the sealed files as written (RFC 4180, Docs/REPORTS.md).
    ///
    /// The header line is skipped and the columns are taken by position; a quote inside a quoted field is doubled;
    /// a quoted field may span lines; a row that does not parse fails the query instead of becoming nulls.
    static let sparkCSVOptions = [
        ("header", "true"), ("sep", ","), ("quote", "\""), ("escape", "\""), ("multiLine", "true"),
        ("encoding", "UTF-8"), ("mode", "FAILFAST"),
    ]

    /// Spark SQL's statements: per report a table over its folder, and a view named as `query`'s table.
    ///
    /// `<table>_csv` reads `<location>/<folder>/` through Spark's CSV source (``sparkCSVOptions``), every column a
    /// `STRING`, partitioned by the `year=`/`month=` folders (`year` INT, `month` STRING, `03`); `ALTER TABLE ...
    /// RECOVER PARTITIONS` registers the months found there. Spark reads an empty CSV field as NULL, where `query` and
    /// Athena read an empty string, so the view `<table>` gives every column back as `query` has it (`COALESCE`),
    /// and the seed's query, or any other, runs unchanged.
    public static func sparkStatements(location: String) -> String {
        var text = """
            -- Tables over the sealed reports of backup-evidence, exported with `backup-evidence export --engine spark`.
            -- Upload the export folder to \(location)/ and run the statements in order with Spark SQL
            -- (`spark-sql -f spark-tables.sql`, or one spark.sql() call per statement); with open-source Spark and
            -- hadoop-aws the URL scheme is s3a://. Each report is a CSV table <table>_csv partitioned by year and
            -- month, and a view <table> named and with columns as backup-evidence query's tables, in which an
            -- empty field is an empty string, as the CSV holds it (Spark's CSV source reads it as NULL).
            -- After uploading a new month, run ALTER TABLE <table>_csv RECOVER PARTITIONS again.
            -- Every column is a string, as the CSV holds it; cast in queries (CAST(x AS bigint)).

            """
        let options = sparkCSVOptions.map { "'\($0.0)' = '\($0.1)'" }.joined(separator: ", ")
        for template in ReportTemplate.allCases {
            let table = table(template)
            let columns = columns(template)
            let definitions = columns.map { "  `\($0)` STRING," }.joined(separator: "\n")
            let selections = columns.map { "  COALESCE(`\($0)`, '') AS `\($0)`," }.joined(separator: "\n")
            text += """

                CREATE TABLE IF NOT EXISTS \(table)_csv (
                \(definitions)
                  `year` INT,
                  `month` STRING
                )
                USING CSV
                OPTIONS (\(options))
                PARTITIONED BY (`year`, `month`)
                LOCATION '\(location)/\(folder(template))/';

                ALTER TABLE \(table)_csv RECOVER PARTITIONS;

                CREATE OR REPLACE VIEW \(table) AS SELECT
                \(selections)
                  `year`,
                  `month`
                FROM \(table)_csv;

                """
        }
        return text
    }
}
