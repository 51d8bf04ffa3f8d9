internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the one-line checkpoint of the chain's newest entry, to keep outside the operator's control."
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var output: FormatOptions<TextOrJSON>

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            guard let tip = ledger.entries().last else {
                throw IOFailure(description: "\(evidence): no sealed month with a readable MANIFEST.json")
            }
            switch output.format {
            case .text: try StandardOutput.line(Ledger.checkpoint(tip))
            case .json:
                try JSONOutput.print(
                    .object(["checkpoint": .string(Ledger.checkpoint(tip)), "folder": .string(tip.folder)])
                )
            }
        }
    }
}
