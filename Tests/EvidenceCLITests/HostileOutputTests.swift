import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

/// Names and values from a scenario, the evidence or the command line cannot move the cursor or recolour a terminal,
/// whichever command and format prints them.
@Suite("Hostile output: control characters escaped, file errors in words")
struct HostileOutputTests {
    static let escape = "\u{1B}[31m"

    /// Every scalar of `bytes` prints as itself, except those in `allowed`.
    static func expectPrintable(
        _ bytes: [UInt8],
        allowed: String = "\n",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = String(decoding: bytes, as: UTF8.self)
        let raw = text.unicodeScalars.filter { !allowed.unicodeScalars.contains($0) && !Printable.isPrintable($0) }
        #expect(
            raw.isEmpty,
            "raw \(raw.map { String($0.value, radix: 16) }) in \(text)",
            sourceLocation: sourceLocation
        )
    }

    @Test("validate: a finding's file name and value are escaped, one line each")
    func validateFindings() throws {
        let folder = try TemporaryFolder()
        let plan = folder.url.appendingPathComponent("plan\(Self.escape)\nx.json")
        let bundled = RepositoryPaths.root.appendingPathComponent(
            "scenarios/untagged-neptune/accounts/123456789012/us-east-1/backup-plans/daily-7-day.json"
        )
        let json = try String(contentsOf: bundled, encoding: .utf8)
            .replacingOccurrences(of: "cron(0 5 ? * * *)", with: "cron(0 5 ? * * *\\u001b[2J)")
        try Data(json.utf8).write(to: plan)
        let result = try BuiltBinary.run(["validate", folder.path])
        #expect(result.status == 2)
        #expect(result.lines.count == 1, "\(result.lines)")
        #expect(result.lines.first?.contains("plan\\x1b[31m\\x0ax.json") == true, "\(result.lines)")
        Self.expectPrintable(result.stdout)
        Self.expectPrintable(result.stderr)
    }

    @Test("query --format table and text: cells and column names are escaped")
    func queryTable() throws {
        let key = RepositoryPaths.golden.appendingPathComponent("org-estate/keys/ea41648116e302f5.pub.pem").path
        let evidence = RepositoryPaths.golden.appendingPathComponent("org-estate").path
        for format in ["table", "text"] {
            let result = try BuiltBinary.run([
                "query", "--evidence", evidence, "--trusted-key", key, "--format", format,
                "SELECT char(27) || '[31mX' || char(10) || 'y' AS \"a\u{1B}b\"",
            ])
            #expect(result.status == 0)
            #expect(result.lines == ["a\\x1bb", "--------------", "\\x1b[31mX\\x0ay"], "\(result.lines)")
            Self.expectPrintable(result.stdout)
        }
    }

    @Test("A usage error quotes the value given with its control characters escaped")
    func usageErrors() throws {
        let from = try BuiltBinary.run([
            "schedule", "cron(0 5 ? * * *)", "--from", "2028\(Self.escape)", "--to", "2028-03-02T00:00:00Z",
        ])
        #expect(from.status == 64)
        #expect(from.errorLines.first?.contains("found '2028\\x1b[31m'") == true, "\(from.errorLines)")
        Self.expectPrintable(from.stderr)
        let format = try BuiltBinary.run(["what-if", "--format", "x\(Self.escape)"])
        #expect(format.status == 64)
        #expect(format.errorLines.first?.contains("'x\\x1b[31m'") == true, "\(format.errorLines)")
        Self.expectPrintable(format.stderr)
    }

    @Test("what-if --format text and markdown: a framework name's control characters are escaped")
    func whatIfFramework() throws {
        let folder = try TemporaryFolder()
        let framework = folder.url.appendingPathComponent("framework.json")
        let proposal = RepositoryPaths.root.appendingPathComponent(
            "scenarios/org-estate/proposals/OrgBackupPolicy-standard-35-days.json"
        )
        let json = try String(contentsOf: proposal, encoding: .utf8)
            .replacingOccurrences(of: "\"OrgBackupPolicy\"", with: "\"Org\\u001b[31mX\\nY\"")
        try Data(json.utf8).write(to: framework)
        let scenario = RepositoryPaths.root.appendingPathComponent("scenarios/untagged-neptune").path
        for format in ["text", "markdown"] {
            let result = try BuiltBinary.run([
                "what-if", "--scenario", scenario, "--framework", framework.path, "--format", format,
            ])
            #expect(result.status == 0)
            #expect(String(decoding: result.stdout, as: UTF8.self).contains("x1b"), "\(format)")
            Self.expectPrintable(result.stdout)
        }
    }

    @Test("query --cache-folder naming a file: the note says why in words, not a Foundation dump")
    func cacheFolderIsAFile() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("cache")
        try Data("x\n".utf8).write(to: file)
        let key = RepositoryPaths.golden.appendingPathComponent("org-estate/keys/ea41648116e302f5.pub.pem").path
        let evidence = RepositoryPaths.golden.appendingPathComponent("org-estate").path
        let result = try BuiltBinary.run([
            "query", "--evidence", evidence, "--trusted-key", key, "--cache-folder", file.path, "SELECT 1 AS n",
        ])
        #expect(result.status == 0)
        #expect(result.lines == ["n", "-", "1"])
        #expect(result.errorLines == ["query cache not kept: \(file.path): not a folder"], "\(result.errorLines)")
    }

    @Test("compare --format text: a file name and the --ours folder are escaped")
    func compareFileName() async throws {
        let folder = try TemporaryFolder()
        let ours = folder.url.appendingPathComponent("ours\(Self.escape)").path
        let scenario = RepositoryPaths.root.appendingPathComponent("scenarios/untagged-neptune").path
        #expect(await CLITests.run(["simulate", "--scenario", scenario, "--out", ours, "--quiet"]) == 0)
        let name = "BACKUP_JOB_REPORT_org_jobs_2028-03-14T00:00:00Z_2028-03-15T00:00:00Z.csv"
        let source = RepositoryPaths.root.appendingPathComponent(
            "Tests/Fixtures/compare/aws/Backup/crossaccount/crossregion/2028/03/15/org_jobs/\(name)"
        )
        let lines = try String(contentsOf: source, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        var changed = lines.map(String.init)
        changed[1] = changed[1].replacingOccurrences(of: ",COMPLETED,", with: ",FAILED,")
        let aws = folder.url.appendingPathComponent("aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try Data(changed.joined(separator: "\n").utf8).write(
            to: aws.appendingPathComponent("BACKUP_JOB_REPORT_\(Self.escape)x.csv")
        )
        let result = try BuiltBinary.run(["compare", "--aws", aws.path, "--ours", ours])
        #expect(result.status == 1)
        #expect(result.lines.count == 2, "\(result.lines)")
        #expect(result.lines.allSatisfy { $0.contains("\\x1b[31m") }, "\(result.lines)")
        Self.expectPrintable(result.stdout)
    }

    @Test("export --format text: the output folder is escaped")
    func exportFolder() throws {
        let folder = try TemporaryFolder()
        let out = folder.url.appendingPathComponent("export\(Self.escape)").path
        let key = RepositoryPaths.golden.appendingPathComponent("org-estate/keys/ea41648116e302f5.pub.pem").path
        let evidence = RepositoryPaths.golden.appendingPathComponent("org-estate").path
        let result = try BuiltBinary.run(["export", "--evidence", evidence, "--trusted-key", key, "--athena", out])
        #expect(result.status == 0)
        #expect(result.lines.count == 1 && result.lines[0].hasSuffix("export\\x1b[31m"), "\(result.lines)")
        Self.expectPrintable(result.stdout)
    }

    @Test("--version, --help and help COMMAND with a full stdout: one line on stderr, exit 2")
    func helpFullStandardOutput() throws {
        for arguments in [["--version"], ["monthly", "--help"], ["help", "query"], []] {
            let result = try Binary.run(arguments, fullStdout: true)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.errLines.count == 1, "\(arguments): \(result.errLines)")
        }
    }
}
