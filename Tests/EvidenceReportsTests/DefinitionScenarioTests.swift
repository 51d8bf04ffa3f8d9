import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Scenarios defined by CloudFormation templates and Terraform files")
struct DefinitionScenarioTests {
    /// A copy of the scenario whose templates/ and terraform/ folders and effective backup policies are replaced by the get-* export files of
    /// `Tests/equivalents/<name>/`, which describe the same estate as the AWS CLI would print it.
    static func exportEquivalent(of name: String) throws -> ScenarioSandbox {
        let sandbox = try ScenarioSandbox(copying: name)
        let manager = FileManager.default
        let accounts = sandbox.root.appendingPathComponent("accounts")
        for account in try manager.contentsOfDirectory(atPath: accounts.path) {
            let accountURL = accounts.appendingPathComponent(account)
            for region in try manager.contentsOfDirectory(atPath: accountURL.path) {
                for folder in ["templates", "terraform"] {
                    let url = accountURL.appendingPathComponent("\(region)/\(folder)")
                    if manager.fileExists(atPath: url.path) { try manager.removeItem(at: url) }
                }
            }
            let policy = accountURL.appendingPathComponent("effective-backup-policy.json")
            if manager.fileExists(atPath: policy.path) { try manager.removeItem(at: policy) }
        }
        let overlay = RepositoryPaths.root.appendingPathComponent("Tests/equivalents/\(name)")
        let walker = try #require(manager.enumerator(atPath: overlay.path))
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: overlay.appendingPathComponent(path).path, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { continue }
            try sandbox.write(path, try String(contentsOf: overlay.appendingPathComponent(path), encoding: .utf8))
        }
        return sandbox
    }

    /// The estate without the names of the files its plans and frameworks came from.
    static func withoutSources(_ estate: Estate) -> Estate {
        var out = estate
        for index in out.plans.indices { out.plans[index].source = "" }
        for index in out.frameworks.indices { out.frameworks[index].source = "" }
        return out
    }

    @Test(
        "Templates, Terraform files and effective backup policies read to the same estate as their get-* equivalent",
        arguments: ["cfn-estate", "terraform-estate", "org-policy"]
    )
    func sameEstateAsExports(scenario: String) throws {
        let defined = Self.withoutSources(try ScenarioReader.read(folder: RepositoryPaths.scenario(scenario)))
        let sandbox = try Self.exportEquivalent(of: scenario)
        let exported = Self.withoutSources(try ScenarioReader.read(folder: sandbox.path))
        #expect(!defined.plans.isEmpty && !defined.selections.isEmpty)
        #expect(!defined.vaults.isEmpty && !defined.frameworks.isEmpty)
        #expect(defined.plans.count == exported.plans.count)
        #expect(defined.plans == exported.plans)
        #expect(defined.selections == exported.selections)
        #expect(defined.vaults == exported.vaults)
        #expect(defined.frameworks == exported.frameworks)
        #expect(defined.resources == exported.resources)
        #expect(defined == exported)
    }

    @Test("Two stacks of one folder may use the same logical ids: each stack's plans and selections are its own")
    func stacksWithSameLogicalIDs() throws {
        let sandbox = try ScenarioSandbox(copying: "cfn-estate")
        let folder = "accounts/555566667777/us-east-1/templates"
        let plans = try sandbox.read("\(folder)/plans.yaml")
            .replacingOccurrences(of: "BackupPlanName: daily-", with: "BackupPlanName: team-b-daily-")
            .replacingOccurrences(of: "SelectionName: ", with: "SelectionName: team-b-")
        try sandbox.write("\(folder)/team-b.yaml", plans)
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let ids = estate.plans.map(\.id).sorted()
        #expect(ids == ["plans-DailyCritical", "plans-DailyStandard", "team-b-DailyCritical", "team-b-DailyStandard"])
        let teamB = try #require(estate.plans.first { $0.name == "team-b-daily-35-day" })
        #expect(teamB.arn == "arn:aws:backup:us-east-1:555566667777:backup-plan:team-b-DailyCritical")
        #expect(teamB.rules.map(\.id) == ["team-b-DailyCritical-daily-critical"])
        let selection = try #require(estate.selections.first { $0.name == "team-b-critical-tier" })
        #expect(selection.id == "team-b-CriticalSelection")
        #expect(selection.planID == "team-b-DailyCritical")
        let standard = try #require(estate.selections.first { $0.name == "team-b-standard-tier" })
        #expect(standard.planID == "team-b-DailyStandard")
    }

    @Test("Two Terraform files of one folder may use the same addresses: each file's plans are its own")
    func terraformFilesWithSameAddresses() throws {
        let sandbox = try ScenarioSandbox(copying: "terraform-estate")
        let folder = "accounts/777788889999/us-east-1/terraform"
        var plan = try sandbox.read("\(folder)/plan.json")
        for name in ["daily-35-day", "critical-vault", "critical-tier", "OrgResiliencePolicy", "critical_controls"] {
            plan = plan.replacingOccurrences(of: "\"\(name)\"", with: "\"team-b-\(name)\"")
        }
        try sandbox.write("\(folder)/team-b.json", plan)
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let teamB = try #require(estate.plans.first { $0.name == "team-b-daily-35-day" })
        #expect(teamB.id == "team-b-aws_backup_plan.daily_35_day")
        #expect(teamB.rules.map(\.id) == ["team-b-aws_backup_plan.daily_35_day-daily-critical"])
        let ours = try #require(estate.plans.first { $0.name == "daily-35-day" })
        #expect(ours.id == "plan-aws_backup_plan.daily_35_day")
        let selection = try #require(estate.selections.first { $0.name == "team-b-critical-tier" })
        #expect(selection.id == "team-b-aws_backup_selection.critical_tier")
        #expect(selection.planID == teamB.id)
    }

    /// A `get-backup-vault-access-policy` export for `vault` in account 555566667777, us-east-1.
    static func policyExport(vault: String) -> String {
        let policy =
            #"{\"Statement\":[{\"Action\":\"backup:DeleteRecoveryPoint\",\"Effect\":\"Deny\","#
            + #"\"Principal\":{\"AWS\":\"*\"},\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}"#
        return """
            {"BackupVaultName": "\(vault)",
             "BackupVaultArn": "arn:aws:backup:us-east-1:555566667777:backup-vault:\(vault)",
             "Policy": "\(policy)"}
            """
    }

    @Test("Access policy exports apply to vaults that templates define, and are checked")
    func policiesForDefinedVaults() throws {
        let sandbox = try ScenarioSandbox(copying: "cfn-estate")
        let folder = "accounts/555566667777/us-east-1/backup-vault-access-policies"
        try sandbox.write("\(folder)/critical-vault.json", Self.policyExport(vault: "critical-vault"))
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let vault = try #require(estate.vaults.first { $0.name == "critical-vault" })
        #expect(vault.accessPolicy?.statements.first?.effect == "Deny")

        try sandbox.write("\(folder)/critical-vault.json", "{ this is not json")
        #expect(throws: ImportError.self) { try ScenarioReader.read(folder: sandbox.path) }

        try sandbox.write("\(folder)/critical-vault.json", Self.policyExport(vault: "no-such-vault"))
        #expect(
            throws: ImportError(
                file: "\(folder)/critical-vault.json",
                location: "$.BackupVaultName",
                message: "vault no-such-vault is not a vault of this folder"
            )
        ) {
            try ScenarioReader.read(folder: sandbox.path)
        }

        // A policy the template already sets is the vault's policy defined twice.
        try sandbox.write("\(folder)/critical-vault.json", Self.policyExport(vault: "critical-vault"))
        try sandbox.replace(
            "accounts/555566667777/us-east-1/templates/vaults.yaml",
            "      BackupVaultName: critical-vault\n",
            with: """
                      BackupVaultName: critical-vault
                      AccessPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Deny
                            Principal: "*"
                            Action: backup:DeleteBackupVault
                            Resource: "*"

                """
        )
        #expect(
            throws: ImportError(
                file: "\(folder)/critical-vault.json",
                location: "$.BackupVaultName",
                message: "vault critical-vault already has an access policy from its definition"
            )
        ) {
            try ScenarioReader.read(folder: sandbox.path)
        }
    }
}
