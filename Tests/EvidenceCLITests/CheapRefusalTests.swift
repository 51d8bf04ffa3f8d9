import EvidenceTestSupport
import Foundation
import Testing

/// What can be refused without computing anything is refused first, with one line and its usual status.
@Suite("Command line: cheap refusals first")
struct CheapRefusalTests {
    static let organization = RepositoryPaths.scenario("org-estate")
    static let chain = RepositoryPaths.golden.appendingPathComponent("org-estate").path
    static let key = RepositoryPaths.golden.appendingPathComponent("org-estate/keys/ea41648116e302f5.pub.pem").path

    /// Runs the binary; the status and the last line of stderr.
    static func refusal(_ arguments: [String]) throws -> (status: Int32, error: String, out: String) {
        let result = try ValidateDefinitionsTests.run(arguments)
        let lines = result.err.split(separator: "\n").map(String.init)
        return (result.status, lines.first { $0.hasPrefix("error: ") || $0.hasPrefix("Error: ") } ?? "", result.out)
    }

    @Test("A month or instant that does not parse, and --from after --to, are usage errors with the command's usage")
    func usage() throws {
        for arguments in [
            ["simulate", "--out", "unused", "--month", "2028-13"],
            ["what-if", "--framework", "unused.json", "--month", "March"],
            ["what-if", "--framework", "unused.json", "--as-of", "yesterday"],
            ["verify", "--evidence", Self.chain, "--expect-through", "2028-4"],
            ["schedule", "cron(0 5 ? * * *)", "--from", "2028-03-02T00:00:00Z", "--to", "2028-03-01T00:00:00Z"],
            ["schedule", "cron(0 5 ? * * *)", "--from", "2028-03-01", "--to", "2028-03-02T00:00:00Z"],
            ["query", "--format", "xml", "SELECT 1"],
        ] {
            let result = try ValidateDefinitionsTests.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.out.isEmpty)
            #expect(result.err.contains("Usage: backup-evidence \(arguments[0]) "), "\(arguments): \(result.err)")
        }
        let after = try ValidateDefinitionsTests.run([
            "schedule", "cron(0 5 ? * * *)", "--from", "2028-03-02T00:00:00Z", "--to", "2028-03-01T00:00:00Z",
        ])
        #expect(after.err.hasPrefix("Error: --from 2028-03-02T00:00:00Z is after --to 2028-03-01T00:00:00Z"))
        let format = try ValidateDefinitionsTests.run(["check", "--scenarios", "s", "--golden", "g", "--format", "csv"])
        #expect(format.err.contains("Please provide one of 'text' and 'json'"), "\(format.err)")
    }

    @Test("A missing evidence folder, one that is a file, and an unreadable key are one line, exit 2")
    func evidenceAndKeys() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let missing = folder.url.appendingPathComponent("missing").path
        for evidence in [missing, file] {
            for arguments in [
                ["verify", "--evidence", evidence], ["checkpoint", "--evidence", evidence],
                ["prove", "--evidence", evidence, "--job-id", "x"], ["query", "--evidence", evidence, "SELECT 1"],
                ["export", "--evidence", evidence, "--athena", folder.url.appendingPathComponent("out").path],
                ["publish", "--evidence", evidence, "--bucket", "b"],
            ] {
                let result = try Self.refusal(arguments)
                #expect(result.status == 2 && result.out.isEmpty, "\(arguments)")
                #expect(result.error.contains("nothing to verify"), "\(arguments): \(result.error)")
            }
        }
        for command in [["verify"], ["query", "SELECT 1"], ["export", "--athena", folder.path + "/out"]] {
            let result = try Self.refusal(
                [command[0], "--evidence", Self.chain, "--trusted-key", missing] + command.dropFirst()
            )
            #expect(result.status == 2 && result.error == "error: \(missing): cannot read the key", "\(result)")
        }
        #expect(TemporaryFolder.files(below: folder.url) == ["a-file"])
    }

    @Test("Outputs that would be refused at the end are refused first")
    func outputs() throws {
        let folder = try TemporaryFolder()
        let taken = folder.url.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: taken.appendingPathComponent("keep.txt"))
        let export = try Self.refusal(["export", "--evidence", Self.chain, "--athena", taken.path])
        #expect(export.status == 2 && export.error.hasSuffix("holds no previous export; refusing to replace it"))
        let nowhere = folder.url.appendingPathComponent("no/such/folder/file").path
        let check = try Self.refusal([
            "check", "--scenarios", RepositoryPaths.root.appendingPathComponent("scenarios").path, "--golden",
            RepositoryPaths.golden.path, "--junit", nowhere,
        ])
        #expect(check.status == 2 && check.error.contains("--junit: the folder"), "\(check)")
        let golden = try Self.refusal([
            "check", "--scenarios", RepositoryPaths.root.appendingPathComponent("scenarios").path, "--golden",
            folder.url.appendingPathComponent("missing").path,
        ])
        #expect(golden.status == 2 && golden.error.contains("no such folder of golden copies"), "\(golden)")
        let prove = try Self.refusal(["prove", "--evidence", Self.chain, "--job-id", "x", "--out", nowhere])
        #expect(prove.status == 2 && prove.error.contains("--out: the folder"), "\(prove)")
        #expect(TemporaryFolder.files(below: folder.url) == ["taken/keep.txt"])
    }
}
