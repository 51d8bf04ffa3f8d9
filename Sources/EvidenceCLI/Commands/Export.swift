internal import ArgumentParser
internal import EvidenceModel
internal import EvidenceReports
internal import EvidenceStore
internal import Foundation

/// `--engine`: the SQL engine the table statements are written for.
enum EngineOption: String, ExpressibleByArgument, CaseIterable {
    case athena
    case spark

    var engine: ExportEngine {
        switch self {
        case .athena: .athena
        case .spark: .spark
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lay the sealed months that verify out for Athena, Trino or Spark, with CREATE TABLE statements.",
        discussion: """
            Writes <OUT>/<report>/year=YYYY/month=MM/<TEMPLATE>.csv (report folders jobs, copy-jobs, \
            restore-jobs, resources-compliance, control-compliance, backup-windows) from the newest entry of \
            each month, and the table statements for --engine: <OUT>/athena-tables.sql (athena, the default): \
            one CREATE EXTERNAL TABLE per report, named and with columns as query's tables, partitioned by year \
            and month with partition projection; or <OUT>/spark-tables.sql (spark): per report a CSV table \
            partitioned by year and month, ALTER TABLE ... RECOVER PARTITIONS, and a view named and with columns \
            as query's table. The chain is verified first, as for query. OUT is replaced only when it holds a \
            previous export.

            Examples:
              $ backup-evidence export --evidence golden/org-estate \\
                  --athena athena-export --location s3://evidence-bucket/athena
              $ backup-evidence export --evidence golden/org-estate \\
                  --athena spark-export --engine spark \\
                  --location s3a://evidence-bucket/spark

            Exit status: 0 exported; 1 the chain does not verify; 2 unreadable input, an OUT that holds \
            something else, or an I/O error; 64 usage error.
            """
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var keys: KeyOptions

    @Option(help: "Output folder for the partitioned reports and the table statements.")
    var athena: String

    @Option(
        help: "The engine the table statements are written for: athena (athena-tables.sql) or spark (spark-tables.sql)."
    )
    var engine: EngineOption = .athena

    @Option(
        help: """
            The S3 URL OUT is uploaded to, written into the LOCATION clauses (default: s3://BUCKET/PREFIX); \
            with --engine spark, s3a:// too.
            """
    )
    var location: String?

    @OptionGroup var output: FormatOptions<TextOrJSON>

    func validate() throws {
        if let location {
            let schemes = engine == .spark ? ["s3://", "s3a://"] : ["s3://"]
            let scheme = schemes.first { location.hasPrefix($0) }
            let bucket = location.dropFirst(scheme?.count ?? 0).split(separator: "/").first ?? ""
            guard scheme != nil, !bucket.isEmpty,
                !location.contains(where: { $0 == "'" || $0 == "\\" || $0 == "`" || $0.isWhitespace })
            else {
                let example = schemes.map { "\($0)bucket/prefix" }.joined(separator: " or ")
                throw ValidationError("--location: expected an S3 URL such as \(example), found '\(location)'")
            }
        }
    }

    func run() throws {
        try withExitStatuses {
            // An OUT that would be refused is refused before the chain is verified.
            let out = URL(fileURLWithPath: athena)
            let manager = FileManager.default
            let previous = ExportEngine.allCases.contains {
                manager.fileExists(atPath: out.appendingPathComponent($0.sqlFileName).path)
            }
            if manager.fileExists(atPath: out.path) && !previous {
                throw IOFailure(
                    description: "\(out.path): already exists and holds no previous export; refusing to replace it"
                )
            }
            let (ledger, entries) = try verifiedChain(evidence: evidence, keys: keys)
            var base = location ?? AthenaExport.placeholderLocation
            while base.hasSuffix("/") { base.removeLast() }
            let files = try AthenaExport.files(ledger: ledger, entries: entries, location: base, engine: engine.engine)
            try AtomicFolder.write(files, to: out, replace: true)
            switch output.format {
            case .text:
                try StandardOutput.line(
                    "exported \(files.count - 1) report files and \(engine.engine.sqlFileName) to \(out.path)"
                )
            case .json:
                try JSONOutput.print(
                    .object([
                        "out": .string(out.path), "report_files": .int(files.count - 1),
                        "statements": .string(engine.engine.sqlFileName),
                    ])
                )
            }
        }
    }
}
