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

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            guard let tip = ledger.entries().last else {
                throw IOFailure(description: "\(evidence): no sealed month with a readable MANIFEST.json")
            }
            try StandardOutput.line(Ledger.checkpoint(tip))
        }
    }
}
