import ArgumentParser  // MemberImportVisibility: main() is declared there

/// `backup-evidence-bench`: measurements of backup-evidence, kept out of the product's command line.
@main
struct BackupEvidenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup-evidence-bench",
        abstract: "Measure backup-evidence: verify throughput, the CloudTrail reader, and simulate against DuckDB.",
        discussion: "Run from the repository root with a release build: \(releaseBuild).",
        subcommands: [VerifyBenchmark.self, StreamsBenchmark.self, OrgBenchmark.self]
    )
}

/// The release build the README gives, for the benchmarks' help and hints.
let releaseBuild =
    "swift build -c release --static-swift-stdlib --product backup-evidence, then the same with --product "
    + "backup-evidence-bench"
