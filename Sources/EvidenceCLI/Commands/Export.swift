internal import ArgumentParser
internal import EvidenceReports
internal import EvidenceStore
internal import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lay the sealed months that verify out for Athena, Trino or Spark, with CREATE TABLE statements.",
        discussion: """
            Writes <OUT>/<report>/year=YYYY/month=MM/<TEMPLATE>.csv (report folders jobs, copy-jobs, restore-jobs, \\
            resources-compliance, control-compliance, backup-windows) from the newest entry of each month, and \\
            <OUT>/athena-tables.sql: one CREATE EXTERNAL TABLE per report, named and with columns as query's \\
            tables, partitioned by year and month with partition projection. The chain is verified first, as for \\
            query: a month with an INVALID or MISSING finding is refused (exit 1). OUT is replaced only when it holds \\
            a previous export.
            """
    )

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    @OptionGroup var keys: KeyOptions

    @Option(help: "Output folder for the partitioned reports and athena-tables.sql.")
    var athena: String

    @Option(help: "The s3:// URL OUT is uploaded to, written into the LOCATION clauses (default: s3://BUCKET/PREFIX).")
    var location: String?

    func validate() throws {
        if let location {
            let bucket = location.dropFirst("s3://".count).split(separator: "/").first ?? ""
            guard location.hasPrefix("s3://"), !bucket.isEmpty,
                !location.contains(where: { $0 == "'" || $0 == "\\" || $0.isWhitespace })
            else {
                throw ValidationError("--location: expected an S3 URL such as s3://bucket/prefix, found '\(location)'")
            }
        }
    }

    func run() throws {
        try withExitStatuses {
            let (ledger, entries) = try verifiedChain(evidence: evidence, keys: keys)
            var base = location ?? AthenaExport.placeholderLocation
            while base.hasSuffix("/") { base.removeLast() }
            let files = try AthenaExport.files(ledger: ledger, entries: entries, location: base)
            let out = URL(fileURLWithPath: athena)
            let manager = FileManager.default
            let previous = out.appendingPathComponent(AthenaExport.sqlFileName).path
            if manager.fileExists(atPath: out.path) && !manager.fileExists(atPath: previous) {
                throw IOFailure(
                    description: "\(out.path): already exists and holds no previous export; refusing to replace it"
                )
            }
            try AtomicFolder.write(files, to: out, replace: true)
            try StandardOutput.line(
                "exported \(files.count - 1) report files and \(AthenaExport.sqlFileName) to \(out.path)"
            )
        }
    }
}
