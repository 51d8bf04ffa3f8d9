internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write row proofs for the report rows holding a backup job, checkable with verify-row or openssl."
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @Option(help: "The backup job id.")
    var jobId: String

    @Option(help: "Write the proofs to this file instead of standard output.")
    var out: String?

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            var proofs: [RowProof] = []
            for entry in ledger.entries() { proofs += try ledger.prove(field: jobId, in: entry) }
            guard !proofs.isEmpty else {
                throw IOFailure(description: "\(evidence): no sealed report row holds job \(jobId)")
            }
            let text = proofs.map(\.text).joined(separator: "\n")
            if let out {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } else {
                try StandardOutput.write(text)
            }
        }
    }
}
