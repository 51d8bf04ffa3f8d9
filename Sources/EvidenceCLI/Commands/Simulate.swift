internal import ArgumentParser
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write <out>/reports/<TEMPLATE>.csv for any scenario, without sealing."
    )

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Output folder; its reports/ subfolder is replaced.")
    var out: String

    @OptionGroup var monthOptions: MonthOptions

    func run() throws {
        try withExitStatuses {
            let (month, asOf) = try monthOptions.parse()
            let pipeline = try MonthPipeline(scenario: scenario.path, month: month, asOf: asOf)
            try AtomicFolder.fill(URL(fileURLWithPath: out).appendingPathComponent("reports"), replace: true) {
                try pipeline.writeReports(to: $0)
            }
        }
    }
}
