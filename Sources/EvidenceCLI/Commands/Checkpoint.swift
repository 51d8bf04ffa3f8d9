internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the one-line checkpoint of the chain's newest entry, to keep outside the operator's control.",
        discussion: """
            The line names the chain, the month, the entry's sequence number and its seal. Keep it somewhere the \
            operator cannot rewrite (a ticket, an email to the auditor): verify --checkpoint later proves the \
            chain still holds that entry, so a chain cut back to an earlier month is caught.

            Examples:
              $ backup-evidence checkpoint --evidence golden/org-estate
              $ backup-evidence checkpoint --evidence golden/org-estate > checkpoint.txt
              $ backup-evidence verify --evidence golden/org-estate \\
                  --checkpoint checkpoint.txt \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem

            Exit status: 0 printed; 2 an evidence folder that is missing, not a folder, or holds no sealed \
            month; 64 usage error.
            """
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var output: FormatOptions<TextOrJSON>

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
            switch output.format {
            case .text: try StandardOutput.line(line)
            case .json: try JSONOutput.print(.object(["checkpoint": .string(line), "folder": .string(tip.folder)]))
            }
        }
    }
}
