internal import ArgumentParser
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write row proofs for the report rows holding a backup job, checkable with verify-row or openssl.",
        discussion: """
            Each proof holds the row, its leaf hash, the audit path to the report's Merkle root in \
            MANIFEST.json, and the month it is sealed in; verify-row checks it, and so can sha256sum and openssl \
            alone (Docs/VERIFYING.md).

            Examples:
              $ backup-evidence prove --evidence golden/org-estate \\
                  --job-id 0AB8A941-AD67-3D51-20FB-BA2A8B1E2E1B
              $ backup-evidence prove --evidence golden/org-estate \\
                  --job-id 0AB8A941-AD67-3D51-20FB-BA2A8B1E2E1B --out proofs.txt

            Exit status: 0 written; 2 no sealed row holds the job, unreadable evidence, or an I/O error; 64 \
            usage error.
            """
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
            // A missing evidence folder, or one with no sealed month, is said as such, before anything is read.
            try ledger.requireSealedEntry()
            if let out { try requireParentFolder(of: out, for: "--out") }
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
