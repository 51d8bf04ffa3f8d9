internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

// The ledger's readers of sealed evidence: MANIFEST.json, SHA256SUMS and row proofs. Each target works on a small
// chain of one month sealed once per process with a fixed key, so that an input replacing one of its files, or a
// proof against it, reaches every check `verify` and `verify-row` make.

extension FuzzTarget {
    /// MANIFEST.json: decoded alone, then put in place of the sealed month's and verified.
    ///
    /// Invariants: a decoded manifest encodes to bytes that decode to it again; a chain whose MANIFEST.json is not the
    /// sealed one never verifies.
    static let manifest = FuzzTarget("manifest") { input in
        if let decoded = try? Manifest.decode(input) {
            invariant((try? Manifest.decode(decoded.encode())) == decoded, "the manifest does not read back")
        }
        manifestMonth.check(replacing: "MANIFEST.json", with: input)
    }
    private static let manifestMonth = SealedMonth("manifest")

    /// SHA256SUMS in place of the sealed month's, verified.
    ///
    /// Invariant: a chain whose SHA256SUMS is not the sealed one never verifies.
    static let sha256sums = FuzzTarget("sha256sums") { input in
        sha256sumsMonth.check(replacing: "SHA256SUMS", with: input)
    }
    private static let sha256sumsMonth = SealedMonth("sha256sums")

    /// Row proofs (`verify-row`), checked against the sealed month.
    ///
    /// Invariant: a proof that verifies holds a row of the sealed report, at the index it claims.
    static let rowProof = FuzzTarget("rowproof") { input in
        let month = rowProofMonth
        guard let proofs = try? RowProof.parse(String(decoding: input, as: UTF8.self)) else { return }
        for proof in proofs.prefix(8) {
            _ = Merkle.rootFromProof(
                leaf: Merkle.leaf(proof.record),
                index: proof.index,
                size: proof.size,
                path: proof.path
            )
            guard let finding = try? month.ledger.verifyRow(proof, pinned: month.fingerprint, trustedKey: nil),
                finding.status == .ok
            else { continue }
            invariant(
                proof.entry == SealedMonth.folder && proof.file == SealedMonth.report
                    && month.rows.indices.contains(proof.index) && month.rows[proof.index] == proof.record,
                "a proof of a row that is not in the report verifies: \(proof.text)"
            )
        }
    }
    private static let rowProofMonth = SealedMonth("rowproof")
}

/// One sealed month: `2028-03` with a report of eight rows, signed by a key used for fuzzing only.
final class SealedMonth: Sendable {
    static let folder = "2028-03"
    static let report = "reports/BACKUP_JOB_REPORT.csv"
    /// A key made for these targets alone; it signs nothing else.
    private static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIEs3jh/SaW9XqNWMwWF1woX1aNpq2Qvh/s3Z3uta6Yin
        -----END PRIVATE KEY-----

        """

    let ledger: Ledger
    /// The signing key's SHA-256, the pin `verify` is given.
    let fingerprint: String
    /// The sealed bytes of the month's own files, by name.
    let sealed: [String: [UInt8]]
    /// The report's data records, in order.
    let rows: [[UInt8]]

    init(_ name: String) {
        let scratch = Scratch(name)
        var csv = "Job ID,Job Status,Resource ARN\n"
        for row in 1...8 {
            let status = row % 3 == 0 ? "FAILED" : "COMPLETED"
            csv += "job-\(row),\(status),\"arn:aws:ec2:us-east-1:111122223333:volume/vol-\(row)\"\n"
        }
        let bytes = Array(csv.utf8)
        rows = CSVRecords.ranges(bytes).dropFirst().map { Array(bytes[$0]) }
        ledger = Ledger(root: scratch.root)
        do {
            let key = try Ed25519PrivateKey(pem: Array(Self.keyPEM.utf8))
            fingerprint = try key.publicKey().fingerprint().hex
            guard let month = Month(Self.folder) else { fatalError("\(Self.folder) is not a month") }
            _ = try ledger.seal(
                SealRequest(
                    period: month,
                    files: [Self.report: bytes, "inputs/scenario.json": Array("{}\n".utf8)],
                    dataAsOf: month.end,
                    chainID: "fuzz",
                    key: key,
                    generatorVersion: "fuzz"
                )
            )
            let base = scratch.root.appendingPathComponent(Self.folder)
            sealed = try ["MANIFEST.json", "SHA256SUMS"].reduce(into: [:]) { files, file in
                files[file] = [UInt8](try Data(contentsOf: base.appendingPathComponent(file)))
            }
        } catch {
            fatalError("cannot seal the fuzzing month: \(error)")
        }
    }

    /// Puts `bytes` in place of the month's `file`, verifies the chain, and checks that it verifies only when the
    /// bytes are the sealed ones.
    func check(replacing file: String, with bytes: [UInt8]) {
        Scratch.replace(ledger.root.appendingPathComponent("\(Self.folder)/\(file)").path, with: bytes)
        let report = try? ledger.verify(VerifyOptions(expectedKeySHA256: fingerprint))
        let verified = report?.verdict == .verified
        invariant(
            verified == (bytes == sealed[file]),
            "verify says \(report?.verdict.rawValue ?? "nothing") for this \(file)"
        )
    }
}
