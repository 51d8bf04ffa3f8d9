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

    @Option(
        help: """
            Also write an RFC 3161 time-stamp request (DER) for the checkpoint line, as printed with its line feed, \
            to this file, for a time-stamping authority.
            """
    )
    var timestampRequest: String?

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            guard let tip = ledger.entries().last else {
                throw IOFailure(description: "\(evidence): no sealed month with a readable MANIFEST.json")
            }
            let line = Ledger.checkpoint(tip)
            if let timestampRequest {
                let request = try TimeStamp.request(for: Array((line + "\n").utf8))
                try Data(request).write(to: URL(fileURLWithPath: timestampRequest), options: .atomic)
            }
            try StandardOutput.line(line)
        }
    }
}
