import EvidenceTestSupport
import Foundation
import Testing

/// The corpus of bad input in `Tests/corpus/`: one folder per failure kind.
///
/// Each case holds its input files, an `args` file (the command line, one argument per line; `{case}` is the case
/// folder and `{out}` a fresh path that must not exist afterwards) and `expected-error` (the exact first line of
/// stderr, `{case}` standing for the case folder). Every case must exit 2, print that line, and write nothing.
@Suite("Bad-input corpus")
struct CorpusTests {
    static let corpus = RepositoryPaths.root.appendingPathComponent("Tests/corpus")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("The corpus covers every reader's failure kinds")
    func coverage() {
        let kinds = Set(Self.cases)
        for required in [
            "cloudtrail-bad-gzip", "cloudtrail-truncated-gzip", "cloudtrail-bad-json", "cloudtrail-misplaced-file",
            "cloudtrail-unknown-state", "eventbridge-bad-json-line", "eventbridge-missing-field",
            "eventbridge-unknown-resource-type", "eventbridge-size-not-a-number", "events-not-jsonl",
            "stream-job-without-resource", "stream-path-leaves-scenario", "cloudtrail-gzip-bomb",
            "cloudtrail-whitespace-bomb", "cloudformation-yaml-alias-bomb", "joblist-bad-json", "joblist-missing-field",
            "joblist-not-an-array", "joblist-record-too-long",
        ] {
            #expect(kinds.contains(required), "Tests/corpus/\(required) is missing")
        }
    }

    @Test("Each bad input exits 2 with its one-line error and writes nothing", arguments: cases)
    func badInput(name: String) throws {
        let folder = Self.corpus.appendingPathComponent(name)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("be-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let args = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map {
                $0.replacingOccurrences(of: "{case}", with: folder.path).replacingOccurrences(
                    of: "{out}",
                    with: out.path
                )
            }
        let expected = try String(contentsOf: folder.appendingPathComponent("expected-error"), encoding: .utf8)
            .trimmingCharacters(in: .newlines)
            .replacingOccurrences(of: "{case}", with: folder.path)

        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the package first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: data, as: UTF8.self)
        let firstLine = stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""

        #expect(process.terminationStatus == 2, "\(name): exit \(process.terminationStatus); stderr: \(stderr)")
        #expect(firstLine == "error: " + expected || firstLine == expected, "\(name)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(name) wrote \(out.path)")
    }
}
