internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct VerifyRow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-row",
        abstract: "Check row proofs with only the month's MANIFEST.json, SHA256SUMS, signature and public key.",
        discussion: """
            Under a pinned key the month must be signed by it, or by a key handed over to from it by the sealed \
            entries before it, as verify checks. Exit 0 when every row is in its sealed report under the pinned \
            key, 1 on INVALID or MISSING (a month signed by another key is INVALID), 3 with no pinned key or a key \
            not found in keys/, 2 on an unreadable proof or nothing to verify.
            """
    )

    @Argument(help: "The proof file.")
    var proof: String

    @Option(help: "Evidence folder holding the month.")
    var evidence = "evidence"

    @OptionGroup var keys: KeyOptions

    func run() throws {
        var status: Int32 = 0
        try withExitStatuses {
            guard let data = FileManager.default.contents(atPath: proof) else {
                throw IOFailure(description: "\(proof): cannot read the proof")
            }
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            let proofs = try RowProof.parse(String(decoding: data, as: UTF8.self))
            guard !proofs.isEmpty else { throw IOFailure(description: "\(proof): no row proof in the file") }
            let trusted = try keys.trusted()
            let pinned = try trusted.map { try $0.fingerprint().hex } ?? keys.expectKeySHA256
            var findings: [Finding] = []
            for item in proofs {
                findings.append(try ledger.verifyRow(item, pinned: pinned, trustedKey: trusted))
            }
            if pinned == nil, let claimed = ledger.entries().first?.manifest.signingKeySHA256 {
                findings.append(Finding.unpinnedKey(claimed: claimed))
            }
            try StandardOutput.lines(findings.map(\.description))
            // The statuses `verify` gives the same faults.
            status = ExitStatus.of(Verdict(findings))
        }
        if status != 0 { throw ExitCode(status) }
    }
}
