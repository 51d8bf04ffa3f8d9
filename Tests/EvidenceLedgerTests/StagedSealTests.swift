import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import Foundation
import Testing

@Suite("Sealing from files written into the staging folder")
struct StagedSealTests {
    static func folder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    static let files: [String: [UInt8]] = [
        "reports/A.csv": HashingTests.csv(rows: 5000).bytes, "reports/B.csv": Array("h\n".utf8),
        "reports/empty.csv": [], "reports/compliance-report.pdf": Array("%PDF-1.7\n".utf8),
        "inputs/scenario.json": Array("{}".utf8),
        "inputs/accounts/111122223333/us-east-1/resources.json": Array("[]".utf8),
    ]

    static func request(_ month: Month, key: Ed25519PrivateKey, files: [String: [UInt8]]) -> SealRequest {
        SealRequest(
            period: month,
            files: files,
            dataAsOf: month.end,
            chainID: "staged",
            key: key,
            generatorVersion: "test"
        )
    }

    /// Every file below `root` and its bytes.
    static func contents(_ root: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let walker = try #require(FileManager.default.enumerator(atPath: root.path))
        for case let path as String in walker {
            var isFolder: ObjCBool = false
            let location = root.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: location, isDirectory: &isFolder), !isFolder.boolValue {
                out[path] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: location)))
            }
        }
        return out
    }

    @Test("Files written into the staging folder seal to the bytes of the same files given in memory, months chained")
    func sameBytes() throws {
        let key = try Ed25519PrivateKey.generate()
        let (memory, staged) = (Self.folder("memory"), Self.folder("staged"))
        defer {
            try? FileManager.default.removeItem(at: memory)
            try? FileManager.default.removeItem(at: staged)
        }
        var month = try #require(Month("2028-03"))
        for _ in 0..<2 {
            let inMemory = try Ledger(root: memory).seal(Self.request(month, key: key, files: Self.files))
            let stage = try Ledger(root: staged).stage(Self.request(month, key: key, files: [:]))
            for (path, bytes) in Self.files {
                let url = stage.folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try Data(bytes).write(to: url)
            }
            let fromDisk = try stage.seal()
            #expect(fromDisk.seal == inMemory.seal)
            #expect(fromDisk.manifest == inMemory.manifest)
            month = month.next
        }
        #expect(try Self.contents(memory) == Self.contents(staged))
        #expect(try Self.contents(staged).keys.filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("A discarded staging folder leaves the evidence folder as it was; a new one is refused the same checks")
    func discard() throws {
        let key = try Ed25519PrivateKey.generate()
        let root = Self.folder("discard")
        defer { try? FileManager.default.removeItem(at: root) }
        let march = try #require(Month("2028-03"))
        try Ledger(root: root).seal(Self.request(march, key: key, files: Self.files))
        let before = try Self.contents(root)
        let stage = try Ledger(root: root).stage(Self.request(march.next, key: key, files: Self.files))
        #expect(FileManager.default.fileExists(atPath: stage.folder.appendingPathComponent("reports/A.csv").path))
        stage.discard()
        #expect(try Self.contents(root) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["2028-03", "keys"])
        #expect(throws: LedgerError.self) { try Ledger(root: root).stage(Self.request(march, key: key, files: [:])) }
    }
}
