import EvidenceTestSupport
import Foundation
import Testing

@Suite("Command line: what-if for pull requests")
struct WhatIfCommandTests {
    static let scenario = RepositoryPaths.scenario("untagged-neptune")
    static let framework = scenario + "/accounts/123456789012/us-east-1/frameworks/OrgBackupPolicy.json"

    /// The scenario's framework with the cross-Region control scoped to the standard tier instead of the critical one.
    static func changedFramework(_ folder: TemporaryFolder) throws -> String {
        let text = try String(contentsOfFile: framework, encoding: .utf8)
            .replacingOccurrences(of: "\"BackupTier\": \"critical\"", with: "\"BackupTier\": \"standard\"")
        let file = folder.url.appendingPathComponent("proposal.json")
        try Data(text.utf8).write(to: file)
        return file.path
    }

    @Test("--exit-code: 0 when no verdict changes, 1 when one does; without it, 0 either way")
    func exitCode() throws {
        let folder = try TemporaryFolder()
        let changed = try Self.changedFramework(folder)
        let same = try ValidateDefinitionsTests.run([
            "what-if", "--scenario", Self.scenario, "--framework", Self.framework, "--exit-code",
        ])
        #expect(same.status == 0 && same.out == "No verdict changes.\n", "\(same)")
        let differs = try ValidateDefinitionsTests.run([
            "what-if", "--scenario", Self.scenario, "--framework", changed, "--exit-code",
        ])
        #expect(differs.status == 1 && differs.err.isEmpty, "\(differs)")
        #expect(differs.out.contains("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"))
        let plain = try ValidateDefinitionsTests.run(["what-if", "--scenario", Self.scenario, "--framework", changed])
        #expect(plain.status == 0 && plain.out == differs.out)
    }

    @Test("--format markdown: a summary line, then a table per control")
    func markdown() throws {
        let folder = try TemporaryFolder()
        let result = try ValidateDefinitionsTests.run([
            "what-if", "--scenario", Self.scenario, "--framework", try Self.changedFramework(folder), "--format",
            "markdown",
        ])
        #expect(result.status == 0, "\(result)")
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("**what-if:** 1 control deployment change; "))
        #expect(lines.contains { $0.hasPrefix("#### BACKUP\\_RESOURCES\\_PROTECTED\\_BY\\_CROSS\\_REGION: ") })
        #expect(lines.contains("| Account | Region | Framework | Resource | Verdicts | Before | After | Reason |"))
        #expect(lines.contains { $0.hasPrefix("| 123456789012 | us-east-1 | OrgBackupPolicy | AWS::") })
        let none = try ValidateDefinitionsTests.run([
            "what-if", "--scenario", Self.scenario, "--framework", Self.framework, "--format", "markdown",
        ])
        #expect(none.out == "**what-if:** No verdict changes.\n")
    }
}
