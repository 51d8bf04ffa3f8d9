internal import ArgumentParser
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import Foundation

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write <out>/reports/<TEMPLATE>.csv for any scenario, without sealing.",
        discussion: """
            Runs the scenario's month (or --month) and writes its report files, without sealing anything and \
            without the PDF. On a terminal, progress goes to stderr (--quiet: none).

            Examples:
              $ backup-evidence simulate --out simulated
              $ backup-evidence simulate --scenario scenarios/job-lists --out job-lists

            Exit status: 0 written; 2 unreadable or invalid input, or an I/O error; 64 usage error.
            """
    )

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Output folder; its reports/ subfolder is replaced.")
    var out: String

    @OptionGroup var monthOptions: MonthOptions

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        try withExitStatuses {
            let progress = progressOptions.line("reading the scenario")
            defer { progress?.finish() }
            let (month, asOf) = try monthOptions.parse()
            var pipeline = try MonthPipeline(scenario: scenario.path, month: month, asOf: asOf)
            pipeline.progress = progress?.monthHandler
            try AtomicFolder.fill(URL(fileURLWithPath: out).appendingPathComponent("reports"), replace: true) {
                try pipeline.writeReports(to: $0)
            }
        }
    }
}
