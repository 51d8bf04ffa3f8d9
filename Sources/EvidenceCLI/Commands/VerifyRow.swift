internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

struct VerifyRow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-row",
        abstract: "Check row proofs with only the month's MANIFEST.json, SHA256SUMS, signature and public key.",
        discussion: """
            Under a pinned key the month must be signed by it, or by a key handed over to from it by the sealed \
            entries before it, as verify checks.

            Examples:
              $ backup-evidence prove --evidence golden/org-estate \\
                  --job-id 0AB8A941-AD67-3D51-20FB-BA2A8B1E2E1B --out proofs.txt
              $ backup-evidence verify-row proofs.txt --evidence golden/org-estate \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem
              $ backup-evidence verify-row proofs.txt --evidence golden/org-estate \\
                  --expect-key-sha256 \\
                  ea41648116e302f500f60670aaa6099d1a9a88b6c78a57adfb361884e1355fbe \\
                  --format json

            Exit status: 0 every row is in its sealed report under the pinned key; 1 INVALID or MISSING (a month \
            signed by another key is INVALID); 2 an unreadable proof or nothing to verify; 3 no pinned key, or a \
            key not found in keys/; 64 usage error.
            """
    )

    @Argument(help: "The proof file.")
    var proof: String

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var keys: KeyOptions

    @OptionGroup var output: FormatOptions<TextOrJSON>

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
            // The statuses `verify` gives the same faults.
            status = ExitStatus.of(Verdict(findings))
            switch output.format {
            case .text: try StandardOutput.lines(findings.map(\.description))
            case .json:
                let items = findings.map { finding in
                    JSONValue.object([
                        "detail": .string(finding.detail), "scope": .string(finding.scope.rawValue),
                        "status": .string(finding.status.rawValue), "subject": .string(finding.subject),
                    ])
                }
                try JSONOutput.print(.object(["exit": .int(Int(status)), "findings": .array(items)]))
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
