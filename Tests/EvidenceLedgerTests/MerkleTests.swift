import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import Testing

@Suite("RFC 6962 Merkle trees and canonical JSON")
struct MerkleTests {
    static func hex(_ bytes: [UInt8]) -> String { SHA256Digest(bytes: bytes).hex }

    @Test("Known answers: the empty tree and small trees")
    func knownAnswers() {
        #expect(Self.hex(Merkle.root(leaves: [])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // RFC 6962's empty leaf: SHA-256(0x00).
        #expect(Self.hex(Merkle.leaf([UInt8]())) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let a = Merkle.leaf(Array("a".utf8))
        let b = Merkle.leaf(Array("b".utf8))
        let c = Merkle.leaf(Array("c".utf8))
        #expect(Merkle.root(leaves: [a]) == a)
        #expect(Merkle.root(leaves: [a, b]) == Merkle.node(a, b))
        #expect(Merkle.root(leaves: [a, b, c]) == Merkle.node(Merkle.node(a, b), c))
    }

    @Test("Every inclusion proof of trees of 1 to 40 leaves leads to the root; a wrong leaf or index does not")
    func inclusionProofs() {
        for size in 1...40 {
            let leaves = (0..<size).map { Merkle.leaf(Array("row \($0)".utf8)) }
            let root = Merkle.root(leaves: leaves)
            for index in 0..<size {
                let path = Merkle.auditPath(index: index, leaves: leaves)
                #expect(Merkle.rootFromProof(leaf: leaves[index], index: index, size: size, path: path) == root)
                let wrong = Merkle.leaf(Array("forged".utf8))
                #expect(Merkle.rootFromProof(leaf: wrong, index: index, size: size, path: path) != root)
                if size > 1 {
                    let other = (index + 1) % size
                    #expect(Merkle.rootFromProof(leaf: leaves[index], index: other, size: size, path: path) != root)
                }
            }
        }
    }

    @Test("CSV records keep quoted line breaks and drop line terminators")
    func csvRecords() {
        let text = Array("h1,h2\r\na,\"x\ny\"\nb,c\n".utf8)
        let records = CSVRecords.ranges(text).map { String(decoding: text[$0], as: UTF8.self) }
        #expect(records == ["h1,h2", "a,\"x\ny\"", "b,c"])
    }

    @Test("Canonical JSON: sorted keys, no white space, minimal escapes")
    func canonicalJSON() {
        let value = JSONValue.object([
            "b": .int(2), "a": .array([.string("x\"y\n"), .null, .bool(true)]), "é": .string("\u{01}"),
        ])
        #expect(
            String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
                == "{\"a\":[\"x\\\"y\\n\",null,true],\"b\":2,\"é\":\"\\u0001\"}\n"
        )
    }
}
