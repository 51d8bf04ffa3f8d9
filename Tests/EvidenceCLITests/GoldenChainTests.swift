import EvidenceTestSupport
import Foundation
import Testing

/// golden/org-estate holds two consecutive sealed months of the seed organization, byte for byte, signed with the
/// committed test-only key: Ed25519 signatures are deterministic, so whole month folders are reproducible.
@Suite("Golden sealed months")
struct GoldenChainTests {
    static let months = ["2028-03", "2028-04"]

    @Test("Sealing org-estate's 2028-03 and 2028-04 reproduces golden/org-estate byte for byte")
    func sealedMonths() async throws {
        let evidence = try TemporaryFolder()
        for month in Self.months {
            let status = await CLITests.run([
                "monthly", "--scenario", RepositoryPaths.scenario("org-estate"), "--evidence", evidence.path, "--month",
                month, "--key", RepositoryPaths.testKey,
            ])
            #expect(status == 0)
        }
        let golden = RepositoryPaths.golden.appendingPathComponent("org-estate")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            for name in Self.months + ["keys"] {
                try? FileManager.default.removeItem(at: golden.appendingPathComponent(name))
                try FileManager.default.copyItem(
                    at: evidence.url.appendingPathComponent(name),
                    to: golden.appendingPathComponent(name)
                )
            }
            Issue.record("re-recorded \(golden.path); run again without RECORD_GOLDEN")
            return
        }
        let produced = evidence.files()
        var expected: [String] = []
        for name in Self.months + ["keys"] {
            let base = golden.appendingPathComponent(name)
            let walker = FileManager.default.enumerator(atPath: base.path)
            while let path = walker?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(
                    atPath: base.appendingPathComponent(path).path,
                    isDirectory: &isDirectory
                )
                if !isDirectory.boolValue { expected.append("\(name)/\(path)") }
            }
        }
        #expect(produced == expected.sorted())
        for path in produced {
            let a = try Data(contentsOf: evidence.url.appendingPathComponent(path))
            let b = try? Data(contentsOf: golden.appendingPathComponent(path))
            #expect(a == b, "\(path) differs from golden/org-estate; RECORD_GOLDEN=1 re-records")
        }
    }
}
