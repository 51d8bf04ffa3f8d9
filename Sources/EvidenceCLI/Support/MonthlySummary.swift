internal import EvidenceLedger
internal import EvidenceModel

/// What `monthly` prints once the month is sealed.
struct MonthlySummary {
    var entry: ChainEntry
    /// The sealed month's folder, as the user named the evidence folder.
    var folder: String

    /// The text form: the sealed folder, the checkpoint line and the signing key's fingerprint, the line an auditor
    /// pins; or all of it as one JSON object.
    func print(_ format: TextOrJSON) throws(OutputFailure) {
        let checkpoint = Ledger.checkpoint(entry)
        switch format {
        case .text:
            try StandardOutput.lines([
                "sealed \(Printable.value(folder)) (seq \(entry.manifest.seq))", checkpoint,
                "signing-key-sha256 \(entry.manifest.signingKeySHA256)",
            ])
        case .json:
            try JSONOutput.print(
                .object([
                    "checkpoint": .string(checkpoint), "folder": .string(folder),
                    "month": .string("\(entry.manifest.period)"),
                    "seq": .int(entry.manifest.seq), "signing_key_sha256": .string(entry.manifest.signingKeySHA256),
                ])
            )
        }
    }
}
