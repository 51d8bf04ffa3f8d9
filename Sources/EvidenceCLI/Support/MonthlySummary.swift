internal import EvidenceControls
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidenceReports
internal import Foundation

/// What `monthly` prints once the month is sealed.
///
/// The first three lines are the contract scripts read: the sealed folder, the checkpoint line and
/// `signing-key-sha256 <fingerprint>`. A short summary for people follows: the month's place in the chain, the
/// non-compliant count of each control, where the PDF is, and what the checkpoint line and the fingerprint are for.
struct MonthlySummary {
    var entry: ChainEntry
    /// The sealed month's folder, as the user named the evidence folder.
    var folder: String

    /// A control's tally over every account and Region it is deployed in.
    struct Tally {
        var control: String
        var nonCompliant = 0
        var evaluated = 0
    }

    var pdf: String { "\(folder)/reports/\(ComplianceReport.fileName)" }

    /// The tallies of the sealed CONTROL_COMPLIANCE_REPORT.csv, in the catalog's order; empty when it cannot be read.
    func tallies() -> [Tally] {
        let path = "\(folder)/reports/\(ReportTemplate.controlCompliance.fileName)"
        guard let data = FileManager.default.contents(atPath: path),
            let records = try? CSVReader.records([UInt8](data)), let header = records.first,
            let name = header.firstIndex(of: "Control Name"),
            let compliant = header.firstIndex(of: "Num Resources Compliant"),
            let nonCompliant = header.firstIndex(of: "Num Resources Non Compliant")
        else { return [] }
        var tallies: [String: Tally] = [:]
        for record in records.dropFirst() where record.count == header.count {
            let bad = Int(record[nonCompliant]) ?? 0
            tallies[record[name], default: Tally(control: record[name])].nonCompliant += bad
            tallies[record[name], default: Tally(control: record[name])].evaluated +=
                bad + (Int(record[compliant]) ?? 0)
        }
        return tallies.values.sorted {
            (ControlCatalog.order(of: $0.control), $0.control) < (ControlCatalog.order(of: $1.control), $1.control)
        }
    }

    /// The month's place in the chain, in words.
    var place: String {
        let manifest = entry.manifest
        var text = "\(manifest.period): entry \(manifest.seq) of chain \(Printable.value(manifest.chainID))"
        if manifest.kind == .amendment {
            text += ", an amendment of \(manifest.supersedesPeriod ?? "\(manifest.period)")"
            if let reason = manifest.reason { text += " (\(Printable.value(reason)))" }
        }
        if let period = manifest.prevPeriod, let seq = manifest.prevSeq {
            text += ", linked to \(period) (entry \(seq))"
        } else {
            text += ", its first"
        }
        return text + "."
    }

    /// The text form, or all of it as one JSON object.
    func print(_ format: TextOrJSON) throws(OutputFailure) {
        let checkpoint = Ledger.checkpoint(entry)
        let fingerprint = entry.manifest.signingKeySHA256
        let tallies = tallies()
        switch format {
        case .text:
            var lines = [
                "sealed \(Printable.value(folder)) (seq \(entry.manifest.seq))", checkpoint,
                "signing-key-sha256 \(fingerprint)", "", place,
            ]
            if !tallies.isEmpty {
                lines.append("Non-compliant of evaluated, by control:")
                let width = tallies.map(\.control.count).max() ?? 0
                let counts = tallies.map { "\($0.nonCompliant) of \($0.evaluated)" }
                let countWidth = counts.map(\.count).max() ?? 0
                for (tally, count) in zip(tallies, counts) {
                    let name = Printable.value(tally.control)
                    lines.append(
                        "  " + name + String(repeating: " ", count: max(0, width - name.count) + 2)
                            + String(repeating: " ", count: countWidth - count.count) + count
                    )
                }
            }
            lines += [
                "PDF for people: \(Printable.value(pdf))",
                "Checkpoint (line 2): save it where the operator cannot rewrite it (a ticket, an email to the "
                    + "auditor); verify --checkpoint FILE later proves the chain still holds this month.",
                "Signing key (line 3): give the fingerprint to the auditor out of band; verify "
                    + "--expect-key-sha256 with it exits 0 only for a chain this key signed.",
            ]
            try StandardOutput.lines(lines)
        case .json:
            let manifest = entry.manifest
            var previous = JSONValue.null
            if let period = manifest.prevPeriod, let seq = manifest.prevSeq {
                previous = .object(["month": .string(period), "seq": .int(seq)])
            }
            let controls = tallies.map { tally in
                JSONValue.object([
                    "control": .string(tally.control), "evaluated": .int(tally.evaluated),
                    "non_compliant": .int(tally.nonCompliant),
                ])
            }
            try JSONOutput.print(
                .object([
                    "chain_id": .string(manifest.chainID), "checkpoint": .string(checkpoint),
                    "controls": .array(controls), "folder": .string(folder), "kind": .string(manifest.kind.rawValue),
                    "month": .string("\(manifest.period)"), "pdf": .string(pdf), "previous": previous,
                    "seq": .int(manifest.seq), "signing_key_sha256": .string(fingerprint),
                ])
            )
        }
    }
}
