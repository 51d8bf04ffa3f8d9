import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import Foundation
import Testing

/// Ledger and crypto errors are matched by their code; the message says it in words.
@Suite("Ledger and crypto error codes")
struct LedgerErrorTests {
    static func request(
        _ month: Month,
        key: Ed25519PrivateKey,
        chain: String = "codes",
        amend: String? = nil
    )
        -> SealRequest
    {
        SealRequest(
            period: month,
            files: ["reports/A.csv": Array("a\n1\n".utf8)],
            dataAsOf: month.end,
            chainID: chain,
            key: key,
            amendmentReason: amend,
            generatorVersion: "test"
        )
    }

    /// The code of the error `body` throws, or nil.
    static func code(_ body: () throws -> Void) -> LedgerError.Code? {
        do {
            try body()
            return nil
        } catch let error as LedgerError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("Each refusal to seal has its own code")
    func sealRefusals() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("codes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = Ledger(root: folder)
        let key = try Ed25519PrivateKey.generate()
        let march = try #require(Month("2028-03"))
        try ledger.seal(Self.request(march, key: key))
        #expect(Self.code { try ledger.seal(Self.request(march, key: key)) } == .alreadySealed)
        #expect(Self.code { try ledger.seal(Self.request(march.next.next, key: key)) } == .outOfOrder)
        #expect(Self.code { try ledger.seal(Self.request(march.next, key: key, amend: "late")) } == .notSealed)
        #expect(Self.code { try ledger.seal(Self.request(march.next, key: key, chain: "other")) } == .otherChain)
        let other = try Ed25519PrivateKey.generate()
        #expect(Self.code { try ledger.seal(Self.request(march.next, key: other)) } == .unexpectedKey)
        #expect(Self.code { _ = try RowProof.parse("not a proof") } == .malformedProof)
        // The compatible initializer gives the general code.
        #expect(LedgerError("no evidence").code == .invalidEvidence)
    }

    @Test("Keys that are not Ed25519 PEM keys have the invalidKey code")
    func cryptoCodes() {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pem: Array("nonsense".utf8)) }
        do {
            _ = try Ed25519PublicKey(pem: Array("nonsense".utf8))
            Issue.record("no error")
        } catch {
            #expect(error.code == .invalidKey)
            #expect(error.message == "not a PEM public key (expected BEGIN PUBLIC KEY)")
        }
    }
}
