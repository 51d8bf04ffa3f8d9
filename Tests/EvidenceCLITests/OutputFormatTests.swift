import EvidenceTestSupport
import Foundation
import Testing

/// One set of conventions: `--format text|json` wherever a command reports, snake_case keys, one line of JSON.
@Suite("Command line: output formats")
struct OutputFormatTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try ValidateDefinitionsTests.run(arguments + ["--format", "json"])
        #expect(result.out.split(separator: "\n").count == 1, "\(arguments)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    /// Every key of a JSON value, at any depth.
    static func keys(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return Set(object.keys).union(object.values.flatMap { keys($0) })
        }
        if let array = value as? [Any] { return Set(array.flatMap { keys($0) }) }
        return []
    }

    @Test("schedule, validate and check print JSON with snake_case keys")
    func json() throws {
        let schedule = try Self.json([
            "schedule", "cron(0 5 ? * * *)", "--from", "2028-03-01T00:00:00Z", "--to", "2028-03-03T00:00:00Z",
        ])
        #expect(schedule["firings"] as? [String] == ["2028-03-01T05:00:00Z", "2028-03-02T05:00:00Z"])
        #expect(schedule["time_zone"] as? String == "UTC")
        let validate = try Self.json(["validate", RepositoryPaths.scenario("cfn-estate")])
        #expect(validate["valid"] as? Bool == true && validate["files_checked"] as? Int == 4)
        let folder = try TemporaryFolder()
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("untagged-neptune"),
            withDestinationURL: URL(fileURLWithPath: RepositoryPaths.scenario("untagged-neptune"))
        )
        let check = try Self.json(["check", "--scenarios", folder.path, "--golden", RepositoryPaths.golden.path])
        let scenarios = try #require(check["scenarios"] as? [[String: Any]])
        #expect(scenarios.map { $0["status"] as? String } == ["matches"])
        for object in [schedule, validate, check] {
            #expect(Self.keys(object).allSatisfy { $0 == $0.lowercased() && !$0.contains("-") }, "\(object)")
        }
    }

    @Test("query's text is its table; a --format a command does not take names the values it does")
    func formats() throws {
        let text = try ValidateDefinitionsTests.run(["query", "--schema"])
        let table = try ValidateDefinitionsTests.run(["query", "--schema", "--format", "table"])
        #expect(text.status == 0 && text.out == table.out && text.out.hasPrefix("table "))
        for (command, values) in [
            (["validate", "x"], "'text' and 'json'"),
            (["compare", "--aws", "a", "--ours", "b"], "'text', 'json', 'csv' or 'table'"),
            (["what-if", "--framework", "f"], "'text', 'json', 'csv', 'table' or 'markdown'"),
        ] {
            let result = try ValidateDefinitionsTests.run(command + ["--format", "yaml"])
            #expect(result.status == 64 && result.err.contains("Please provide one of \(values)."), "\(result.err)")
            #expect(result.err.contains("Usage: backup-evidence \(command[0]) "))
        }
    }
}
