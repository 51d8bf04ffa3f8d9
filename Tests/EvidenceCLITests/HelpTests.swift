import EvidenceCLI
import EvidenceTestSupport
import Foundation
import Testing

/// Every help text as a user reads it: held in snapshots, its examples run.
@Suite("Command line: help")
struct HelpTests {
    static let snapshots = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/help")

    /// The examples of a help text: each `$ ` line with the indented lines that continue it.
    static func examples(_ help: String) -> [String] {
        var examples: [String] = []
        var current: [String]?
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  $ ") {
                if let current { examples.append(current.joined(separator: "\n")) }
                current = [String(line.dropFirst(4))]
            } else if current != nil, line.hasPrefix("      ") {
                current?.append(line)
            } else {
                if let current { examples.append(current.joined(separator: "\n")) }
                current = nil
            }
        }
        if let current { examples.append(current.joined(separator: "\n")) }
        return examples
    }

    @Test("Every help text matches its snapshot in Tests/Fixtures/help/ (RECORD_HELP=1 re-records them)")
    func snapshots() throws {
        let record = ProcessInfo.processInfo.environment["RECORD_HELP"] != nil
        var names: [String] = []
        for (name, text) in BackupEvidenceCommand.helpTexts(columns: 80) {
            let url = Self.snapshots.appendingPathComponent("\(name).txt")
            names.append(url.lastPathComponent)
            if record {
                try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(
                text == expected,
                "\(name): help differs from Tests/Fixtures/help/\(name).txt; RECORD_HELP=1 re-records"
            )
        }
        if record { Issue.record("re-recorded Tests/Fixtures/help/; run again without RECORD_HELP") }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.snapshots.path).sorted()
        #expect(files == names.sorted(), "a snapshot of a command that no longer exists")
    }

    @Test("Every help has examples and exit statuses; a backslash ends only an example's line")
    func shape() {
        for (name, text) in BackupEvidenceCommand.helpTexts(columns: 80) {
            let examples = Self.examples(text)
            #expect((2...3).contains(examples.count), "\(name): \(examples.count) examples")
            #expect(examples.allSatisfy { $0.hasPrefix("backup-evidence ") || $0.contains(" backup-evidence ") })
            #expect(text.contains("\nExamples:\n") && text.contains("\nExit status: "), "\(name)")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where line.hasSuffix("\\") {
                let next = index + 1 < lines.count ? lines[index + 1] : ""
                #expect(
                    (line.hasPrefix("  $ ") || line.hasPrefix("      ")) && next.hasPrefix("      "),
                    "\(name): a stray backslash: \(line)"
                )
            }
        }
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try ValidateDefinitionsTests.run(["--version"])
        #expect(result.status == 0 && result.out == "0.1.0\n" && result.err.isEmpty)
        #expect(try ValidateDefinitionsTests.run(["schedule", "--version"]).out == "0.1.0\n")
    }

    /// Examples not run here, and why.
    static func skipped(_ command: String, _ example: String) -> String? {
        if command == "publish" { return "needs an S3 bucket" }
        if command == "check" { return "runs every bundled scenario; the golden tests do the same" }
        let computes = ["backup-evidence monthly", "backup-evidence simulate", "backup-evidence what-if"]
        if computes.contains(where: { example.hasPrefix($0) }), !example.contains("--scenario scenarios/") {
            return "computes the bundled organization's month: seconds in a debug build"
        }
        return nil
    }

    @Test("Every example runs from a copy of the repository's root and exits as its help says")
    func examplesRun() throws {
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug").path
        try #require(FileManager.default.isExecutableFile(atPath: binary + "/backup-evidence"), "swift build first")
        var ran = 0
        for (name, text) in BackupEvidenceCommand.helpTexts(columns: 80) {
            // Each command's examples run in order in a folder of their own, which sees the repository's
            // scenarios, golden files and fixtures.
            let folder = try TemporaryFolder()
            for linked in ["scenarios", "golden", "Tests"] {
                try FileManager.default.createSymbolicLink(
                    at: folder.url.appendingPathComponent(linked),
                    withDestinationURL: RepositoryPaths.root.appendingPathComponent(linked)
                )
            }
            for example in Self.examples(text) where Self.skipped(name, example) == nil {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", example]
                process.currentDirectoryURL = folder.url
                var environment = ProcessInfo.processInfo.environment
                environment["PATH"] = binary + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
                process.environment = environment
                let (out, err) = (Pipe(), Pipe())
                process.standardOutput = out
                process.standardError = err
                try process.run()
                _ = out.fileHandleForReading.readDataToEndOfFile()
                let errors = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let expected: Int32 = example.contains("--exit-code") ? 1 : 0
                #expect(
                    process.terminationStatus == expected,
                    "\(name): \(example)\n\(String(decoding: errors, as: UTF8.self))"
                )
                ran += 1
            }
        }
        #expect(ran >= 25)
    }
}
