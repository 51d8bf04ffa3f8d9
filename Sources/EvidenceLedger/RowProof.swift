public import EvidenceCrypto
internal import EvidenceModel
internal import Foundation

/// A proof that one CSV record is a row of a sealed report (evidence-chain.md §6.5).
///
/// The format is modelled on C2SP tlog-proof:
///
/// ```
/// backup-evidence.rowproof/v1
/// chain <chain_id>
/// period <entry folder>
/// file reports/BACKUP_JOB_REPORT.csv
/// index <0-based data row>
/// size <data rows>
/// row <base64 record>
/// <base64 hash>      (the audit path, leaf to root, one per line)
/// ```
public struct RowProof: Hashable, Sendable {
    public static let header = "backup-evidence.rowproof/v1"

    public var chainID: String
    public var entry: String
    public var file: String
    public var index: Int
    public var size: Int
    public var record: [UInt8]
    public var path: [[UInt8]]

    public var text: String {
        var out = "\(RowProof.header)\nchain \(chainID)\nperiod \(entry)\nfile \(file)\nindex \(index)\nsize \(size)\n"
        out += "row \(Data(record).base64EncodedString())\n"
        for hash in path { out += Data(hash).base64EncodedString() + "\n" }
        return out
    }

    /// Reads every proof of a file; proofs are separated by blank lines.
    public static func parse(_ text: String) throws(LedgerError) -> [RowProof] {
        var out: [RowProof] = []
        for block in text.components(separatedBy: "\n\n")
        where !block.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let lines = block.split(separator: "\n").map(String.init)
            guard lines.count >= 7, lines[0] == header else {
                throw LedgerError(.malformedProof, "not a \(header) proof")
            }
            func value(_ line: Int, _ key: String) throws(LedgerError) -> String {
                guard lines[line].hasPrefix(key + " ") else {
                    throw LedgerError(.malformedProof, "line \(line + 1): expected '\(key) …'")
                }
                return String(lines[line].dropFirst(key.count + 1))
            }
            guard let index = Int(try value(4, "index")), let size = Int(try value(5, "size")),
                let record = Data(base64Encoded: try value(6, "row"))
            else { throw LedgerError(.malformedProof, "malformed index, size or row") }
            var path: [[UInt8]] = []
            for line in lines.dropFirst(7) {
                guard let hash = Data(base64Encoded: line), hash.count == 32 else {
                    throw LedgerError(.malformedProof, "malformed path hash: \(line)")
                }
                path.append([UInt8](hash))
            }
            out.append(
                RowProof(
                    chainID: try value(1, "chain"),
                    entry: try value(2, "period"),
                    file: try value(3, "file"),
                    index: index,
                    size: size,
                    record: [UInt8](record),
                    path: path
                )
            )
        }
        return out
    }
}

extension Ledger {
    /// Proofs for every row of the entry's CSV reports that holds `field` as one of its fields, such as a job id.
    public func prove(field: String, in entry: ChainEntry) throws -> [RowProof] {
        var out: [RowProof] = []
        let base = root.appendingPathComponent(entry.folder)
        for file in entry.manifest.files where file.rows != nil {
            guard let data = FileManager.default.contents(atPath: base.appendingPathComponent(file.path).path) else {
                continue
            }
            let bytes = [UInt8](data)
            let records = Array(CSVRecords.ranges(bytes).dropFirst())
            var matches: [Int] = []
            let needle = Array(field.utf8)
            for (index, range) in records.enumerated() where Ledger.holdsField(bytes[range], needle) {
                matches.append(index)
            }
            guard !matches.isEmpty else { continue }
            let leaves = Merkle.leaves(bytes, records)
            for index in matches {
                out.append(
                    RowProof(
                        chainID: entry.manifest.chainID,
                        entry: entry.folder,
                        file: file.path,
                        index: index,
                        size: records.count,
                        record: Array(bytes[records[index]]),
                        path: Merkle.auditPath(index: index, leaves: leaves)
                    )
                )
            }
        }
        return out
    }

    /// Whether a record has `needle` as a whole unquoted field.
    static func holdsField(_ record: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        var start = record.startIndex
        for index in record.indices where record[index] == 44 {
            if record[start..<index].elementsEqual(needle) { return true }
            start = index + 1
        }
        return record[start...].elementsEqual(needle)
    }

    /// Checks a row proof against its month alone: the signature over SHA256SUMS, MANIFEST.json's hash in it, and
    /// the rebuilt Merkle root against the manifest's entry for the file.
    public func verifyRow(_ proof: RowProof, key: Ed25519PublicKey) throws -> Finding {
        let base = root.appendingPathComponent(proof.entry)
        let subject = "\(proof.entry)/\(proof.file)#\(proof.index)"
        guard let sums = FileManager.default.contents(atPath: base.appendingPathComponent("SHA256SUMS").path),
            let signature = FileManager.default.contents(atPath: base.appendingPathComponent("SHA256SUMS.sig").path),
            let manifestData = FileManager.default.contents(atPath: base.appendingPathComponent("MANIFEST.json").path)
        else {
            return Finding(.row, subject, .missing, "the month's MANIFEST.json, SHA256SUMS or signature is absent")
        }
        guard key.verify([UInt8](signature), of: [UInt8](sums)) else {
            return Finding(.row, subject, .invalid, "signature verification failed")
        }
        let manifestHash = SHA256.hash([UInt8](manifestData)).hex
        guard String(decoding: sums, as: UTF8.self).contains("\(manifestHash)  MANIFEST.json\n") else {
            return Finding(.row, subject, .invalid, "MANIFEST.json does not match SHA256SUMS")
        }
        let manifest = try Manifest.decode([UInt8](manifestData))
        guard manifest.chainID == proof.chainID, let file = manifest.files.first(where: { $0.path == proof.file }),
            let root = file.merkleRoot, file.rows == proof.size
        else { return Finding(.row, subject, .invalid, "the manifest has no such file of that size") }
        let rebuilt = Merkle.rootFromProof(
            leaf: Merkle.leaf(proof.record),
            index: proof.index,
            size: proof.size,
            path: proof.path
        )
        guard let rebuilt, SHA256Digest(bytes: rebuilt).hex == root else {
            return Finding(.row, subject, .invalid, "the row and path do not lead to the sealed Merkle root")
        }
        return Finding(.row, subject, .ok, "row included in the sealed report")
    }
}

extension Ledger {
    /// Checks a row proof as `verify` checks the month it names.
    ///
    /// Under a pinned key (`pinned`, its fingerprint, with
    /// `trustedKey` when the key itself was given), the month must be signed by that key or by one handed over to
    /// from it through the sealed `next_signing_key_sha256` of the entries before it; a month signed by any other key
    /// is INVALID, and a key of the handover that is not in `keys/` is UNVERIFIED, as `verify` reports them. With no
    /// pinned key the month's own key from `keys/` is used; the caller reports that as inconclusive.
    public func verifyRow(_ proof: RowProof, pinned: String?, trustedKey: Ed25519PublicKey?) throws -> Finding {
        let subject = "\(proof.entry)/\(proof.file)#\(proof.index)"
        let entries = entries()
        guard let target = entries.firstIndex(where: { $0.folder == proof.entry }) else {
            return Finding(.row, subject, .missing, "the month's MANIFEST.json, SHA256SUMS or signature is absent")
        }
        func key(_ fingerprint: String) -> Ed25519PublicKey? {
            trustedKey.flatMap { (try? $0.fingerprint().hex) == fingerprint ? $0 : nil }
                ?? publicKey(fingerprint: fingerprint)
        }
        guard var expected = pinned?.lowercased() else {
            let fingerprint = entries[target].manifest.signingKeySHA256
            guard let found = key(fingerprint) else {
                return Finding(.row, subject, .unverified, "key \(fingerprint.prefix(16)) not found in keys/")
            }
            return try verifyRow(proof, key: found)
        }
        for entry in entries[...target] {
            let fingerprint = entry.manifest.signingKeySHA256
            guard fingerprint == expected else {
                return Finding(
                    .row,
                    subject,
                    .invalid,
                    "\(entry.folder) signed by key \(fingerprint.prefix(16)), expected \(expected.prefix(16))"
                )
            }
            guard let found = key(fingerprint) else {
                return Finding(.row, subject, .unverified, "key \(fingerprint.prefix(16)) not found in keys/")
            }
            if entry.folder == proof.entry { return try verifyRow(proof, key: found) }
            // An earlier entry hands the key over only if its manifest is the one its signature covers.
            let base = root.appendingPathComponent(entry.folder)
            let sums = [UInt8](
                FileManager.default.contents(atPath: base.appendingPathComponent("SHA256SUMS").path) ?? Data()
            )
            let signature = [UInt8](
                FileManager.default.contents(atPath: base.appendingPathComponent("SHA256SUMS.sig").path) ?? Data()
            )
            let manifest = [UInt8](
                FileManager.default.contents(atPath: base.appendingPathComponent("MANIFEST.json").path) ?? Data()
            )
            guard found.verify(signature, of: sums),
                String(decoding: sums, as: UTF8.self).contains("\(SHA256.hash(manifest).hex)  MANIFEST.json\n")
            else {
                return Finding(
                    .row,
                    subject,
                    .invalid,
                    "\(entry.folder), which hands the signing key on, does not verify (run verify)"
                )
            }
            expected = entry.manifest.nextSigningKeySHA256 ?? fingerprint
        }
        return Finding(.row, subject, .missing, "the month's MANIFEST.json, SHA256SUMS or signature is absent")
    }
}
