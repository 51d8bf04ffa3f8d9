import EvidenceFuzz
import EvidenceTestSupport
import Foundation
import Testing

/// Replays the fuzzing corpus (`Fuzz/corpus/<target>/`: seeds and every input a fuzzer ever stopped on) through the
/// same target bodies the libFuzzer harnesses call, in the normal test build: an input that crashed once is a
/// regression test from then on.
@Suite("Fuzzing corpus", .serialized)
struct FuzzCorpusTests {
    static let corpus = RepositoryPaths.root.appendingPathComponent("Fuzz/corpus")

    static var targets: [String] { FuzzTarget.all.map(\.name) }

    @Test("Every target has a corpus folder, and every corpus folder a target")
    func folders() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(Self.targets))
    }

    @Test("Each corpus input runs through its target", arguments: targets)
    func replay(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = Self.corpus.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(!files.isEmpty, "Fuzz/corpus/\(name) is empty")
        for file in files.sorted() {
            target.run([UInt8](try Data(contentsOf: folder.appendingPathComponent(file))))
        }
    }
}
