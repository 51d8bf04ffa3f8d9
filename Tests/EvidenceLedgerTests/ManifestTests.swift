import EvidenceLedger
import EvidenceModel
import Foundation
import Testing

/// MANIFEST.json is read back only in the form the sealer writes, so that what is read is what is sealed.
@Suite("Manifest decoding")
struct ManifestTests {
    static let digest = String(repeating: "ab", count: 32)

    static func manifest() throws -> Manifest {
        let month = try #require(Month("2028-03"))
        return Manifest(
            kind: .period,
            chainID: "chain",
            period: month,
            seq: 1,
            prevPeriod: nil,
            prevSeq: nil,
            prevSealSHA256: nil,
            dataAsOf: month.end,
            generatorVersion: "test",
            signingKeySHA256: digest,
            files: [
                ManifestFile(
                    path: "reports/BACKUP_JOB_REPORT.csv",
                    bytes: 10,
                    sha256: digest,
                    rows: 2,
                    headerSHA256: digest,
                    merkleRoot: digest
                )
            ],
            inputs: [ManifestFile(path: "inputs/scenario.json", bytes: 3, sha256: digest)]
        )
    }

    /// The manifest's canonical text with `old` replaced by `new`.
    static func edited(_ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: try manifest().encode(), as: UTF8.self)
        #expect(text.contains(old))
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }

    @Test("A manifest decodes to the value it was encoded from")
    func roundTrip() throws {
        let manifest = try Self.manifest()
        #expect(try Manifest.decode(manifest.encode()) == manifest)
    }

    @Test("A file entry with a Merkle root and header hash but no row count is refused, not read without its tree")
    func partialTree() throws {
        #expect(throws: LedgerError.self) { try Manifest.decode(Self.edited("\"rows\":2,", "")) }
        #expect(throws: LedgerError.self) {
            try Manifest.decode(Self.edited("\"merkle_root\":\"\(Self.digest)\",", ""))
        }
    }

    @Test("data_as_of in another form than whole UTC seconds is refused")
    func dataAsOf() throws {
        #expect(throws: LedgerError.self) {
            try Manifest.decode(Self.edited("2028-04-01T00:00:00Z\",\"files", "2028-04-01T00:00:00.5Z\",\"files"))
        }
        #expect(throws: LedgerError.self) {
            try Manifest.decode(
                Self.edited("2028-04-01T00:00:00Z\",\"files", "2028-04-01T01:00:00+01:00\",\"files")
            )
        }
    }

    @Test("A period manifest with an amendment's members is refused")
    func periodWithAmendmentMembers() throws {
        #expect(throws: LedgerError.self) {
            try Manifest.decode(Self.edited("\"kind\":\"period\"", "\"kind\":\"period\",\"reason\":\"late data\""))
        }
    }
}
