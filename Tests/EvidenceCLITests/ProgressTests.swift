import EvidenceTestSupport
import Foundation
import Testing

/// Progress goes to stderr on a terminal only, after a second, never with --quiet and never on stdout.
@Suite("Command line: progress and monthly's summary", .serialized)
struct ProgressTests {
    static let script = "/usr/bin/script"
    static let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path

    /// Runs `command` through `script`, so that its stderr is a terminal while its stdout goes to `stdout`; returns
    /// what the terminal showed.
    static func onTerminal(_ command: String, stdout: URL) throws -> String {
        let typescript = stdout.deletingLastPathComponent().appendingPathComponent("typescript")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", "\(command) > '\(stdout.path)'", typescript.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return String(decoding: try Data(contentsOf: typescript), as: UTF8.self)
    }

    @Test(
        "On a terminal the bundled month's stages show on stderr; with --quiet or without a terminal, nothing",
        .enabled(if: FileManager.default.isExecutableFile(atPath: script))
    )
    func progress() throws {
        let folder = try TemporaryFolder()
        let stdout = folder.url.appendingPathComponent("stdout")
        let command =
            "'\(Self.binary)' simulate --scenario '\(RepositoryPaths.scenario("org-estate"))' --out '\(folder.path)/out'"
        let shown = try Self.onTerminal(command, stdout: stdout)
        #expect(shown.contains("\r\u{1B}[Ksimulating and judging resources "), "\(shown.prefix(300))")
        #expect(shown.contains("/398 ("))
        #expect(try Data(contentsOf: stdout).isEmpty)
        let quiet = try Self.onTerminal(command + " --quiet", stdout: stdout)
        #expect(!quiet.contains("\u{1B}[K") && !quiet.contains("simulating"))
        // Not on a terminal: nothing but what the command says.
        let piped = try ValidateDefinitionsTests.run([
            "simulate", "--scenario", RepositoryPaths.scenario("org-estate"), "--out", folder.path + "/piped",
        ])
        #expect(piped.status == 0 && piped.out.isEmpty && piped.err.isEmpty)
    }

    @Test("monthly's first three lines stay; the summary names the month's place, the counts and the PDF")
    func summary() throws {
        let evidence = try TemporaryFolder()
        let arguments = [
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", evidence.path,
            "--key", RepositoryPaths.testKey,
        ]
        let first = try ValidateDefinitionsTests.run(arguments)
        #expect(first.status == 0 && first.err.isEmpty, "\(first)")
        let lines = first.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "sealed \(evidence.path)/2028-03 (seq 1)")
        #expect(lines[1].hasPrefix("backup-evidence-checkpoint untagged-neptune 2028-03 1 "))
        #expect(lines[2].hasPrefix("signing-key-sha256 "))
        #expect(lines[3] == "" && lines[4] == "2028-03: entry 1 of chain untagged-neptune, its first.")
        #expect(lines.contains("  BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN   1 of 5"))
        #expect(lines.contains("PDF for people: \(evidence.path)/2028-03/reports/compliance-report.pdf"))
        #expect(lines.contains { $0.hasPrefix("Checkpoint (line 2): ") })
        #expect(lines.contains { $0.hasPrefix("Signing key (line 3): ") })
        let second = try ValidateDefinitionsTests.run(arguments + ["--month", "2028-04", "--format", "json"])
        #expect(second.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(second.out.utf8)) as? [String: Any]
        )
        #expect(object["month"] as? String == "2028-04" && object["seq"] as? Int == 2)
        #expect((object["previous"] as? [String: Any])?["month"] as? String == "2028-03")
        #expect(object["pdf"] as? String == "\(evidence.path)/2028-04/reports/compliance-report.pdf")
        let controls = try #require(object["controls"] as? [[String: Any]])
        #expect(controls.first?["non_compliant"] as? Int == 1 && controls.first?["evaluated"] as? Int == 5)
        #expect(second.out.split(separator: "\n").count == 1)
    }
}
