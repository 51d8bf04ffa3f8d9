import EvidenceControls
import EvidenceIngest
import EvidenceModel
import EvidencePipeline
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@Suite("What-if")
struct WhatIfTests {
    /// What `proposed` changes in the scenario's month, evaluated at its end, as `what-if` runs it.
    static func changes(_ estate: Estate, _ proposed: Estate) throws -> WhatIfResult {
        let month = estate.settings.month
        let pipeline = try MonthPipeline(scenario: "", estate: estate, month: month, asOf: month.end)
        return try pipeline.verdictChanges(
            proposed: MonthPipeline(scenario: "", estate: proposed, month: month, asOf: month.end)
        )
    }

    /// The seed's question: the standard tier's minimum retention goes from 7 to 35 days.
    @Test("Standard tier retention 7 to 35 days: the changes match the golden text")
    func standardRetention() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("org-estate"))
        let proposal = try ProposalReader.framework(
            file: RepositoryPaths.scenario("org-estate") + "/proposals/OrgBackupPolicy-standard-35-days.json"
        )
        let result = try Self.changes(estate, estate.deploying(proposal))
        #expect(Set(result.changes.map(\.control)) == ["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"])
        #expect(result.changes.allSatisfy { $0.before == .compliant && $0.after == .nonCompliant })
        #expect(result.changes.allSatisfy { $0.reason == "kept 7 days; 35 required" })
        try expectMatchesGoldenText(result.text(), path: "what-if/org-estate-OrgBackupPolicy-standard-35-days.txt")
        // The pull-request comment: the same summary line, one table for the control, capped at 20 rows.
        let markdown = result.markdown().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(markdown[0] == "**what-if:** " + WhatIfResult.markdownCell(result.summary()))
        #expect(markdown.filter { $0.hasPrefix("#### ") }.count == 1)
        let rows = markdown.filter { $0.hasPrefix("| 222233334444 |") }
        #expect(rows.count == 20)
        var shown = 0
        for row in rows {
            let cell = row.split(separator: "|")[4].trimmingCharacters(in: .whitespaces)
            shown += Int(cell) ?? 0
        }
        let rest = result.changes.count - shown
        let restLine = "… and \(rest) more changed verdicts of BACKUP\\_RECOVERY"
        #expect(markdown.contains { $0.hasPrefix(restLine) })
    }

    @Test("Markdown cells escape what would end a cell or start markup")
    func markdownEscapes() {
        #expect(WhatIfResult.markdownCell("a|b*c_d`e<f>\\g\nh") == "a\\|b\\*c\\_d\\`e\\<f\\>\\\\g h")
    }

    @Test("The CloudFormation proposal is the same framework as the describe-framework one; parameters resolve")
    func cloudFormationProposal() throws {
        let folder = RepositoryPaths.scenario("org-estate") + "/proposals"
        let json = try ProposalReader.framework(file: folder + "/OrgBackupPolicy-standard-35-days.json")
        let file = folder + "/OrgBackupPolicy-standard-retention.yaml"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let read = try CloudFormationTemplate.read(
            bytes: bytes,
            file: file,
            account: "222233334444",
            region: "us-east-1"
        )
        let yaml = try #require(read.frameworks.first)
        #expect(yaml.name == json.name)
        #expect(yaml.description == json.description)
        #expect(yaml.controls == json.controls)
        let seven = try CloudFormationTemplate.read(
            bytes: bytes,
            file: file,
            account: "222233334444",
            region: "us-east-1",
            parameters: ["StandardMinimumRetentionDays": "7"]
        )
        let retention = seven.frameworks.first?.controls.first {
            $0.name == "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
        }
        #expect(retention?.parameter("requiredRetentionDays") == "7")
    }

    @Test("An unchanged framework changes nothing")
    func unchanged() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        let framework = try #require(estate.frameworks.first)
        let result = try Self.changes(estate, estate.deploying(framework))
        #expect(result.changes.isEmpty)
        #expect(result.text() == "No verdict changes.\n")
    }

    @Test("A new framework is deployed wherever resources are, and a plan change shows in coverage")
    func newFrameworkAndPlan() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        var proposal = try #require(estate.frameworks.first)
        proposal.name = "NewPolicy"
        let deployed = estate.deploying(proposal)
        #expect(deployed.frameworks.filter { $0.name == "NewPolicy" }.map(\.region) == ["us-east-1"])
        var plan = try #require(estate.plans.first { $0.name == "daily-35-day" })
        plan.rules[0].copyActions = []
        let replaced = try #require(estate.replacingPlan(plan))
        let result = try Self.changes(estate, replaced)
        #expect(
            result.changes.map(\.resourceID) == [
                "AWS::RDS::DBCluster/graph-neptune-tagged", "AWS::RDS::DBInstance/orders-db",
            ]
        )
        #expect(
            result.changes.allSatisfy {
                $0.control == "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION" && $0.after == .nonCompliant
            }
        )
        let csv = String(decoding: result.csv(), as: UTF8.self)
        #expect(
            csv.hasPrefix(
                "Account ID,Region,Framework Name,Control Name,Resource ID,Protected Resource ARN,Before,After,Reason\n"
            )
        )
        #expect(result.json().contains("\"before\":\"COMPLIANT\""))
    }
}
