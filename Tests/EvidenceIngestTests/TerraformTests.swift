import EvidenceIngest
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@Suite("terraform show -json files")
struct TerraformTests {
    static let account = "123456789012"
    static let region = "us-east-1"

    static func read(_ text: String) throws -> BackupDefinitions {
        try TerraformShow.read(bytes: Array(text.utf8), file: "terraform/plan.json", account: account, region: region)
    }

    /// A plan whose resources sit in `module.backup["prod"]`: references in its configuration are module-local.
    static let modulePlan = """
        {"format_version": "1.2",
         "planned_values": {"root_module": {"child_modules": [{"address": "module.backup[\\"prod\\"]", "resources": [
           {"address": "module.backup[\\"prod\\"].aws_backup_vault.main", "mode": "managed", "type": "aws_backup_vault",
            "name": "main", "values": {"name": "main-vault", "tags": {"Tier": "critical"}}},
           {"address": "module.backup[\\"prod\\"].aws_backup_vault_policy.main", "mode": "managed",
            "type": "aws_backup_vault_policy", "name": "main", "values": {"backup_vault_name": "main-vault",
            "policy": "{\\"Statement\\": {\\"Effect\\": \\"Deny\\", \\"Principal\\": \\"*\\", \\"Action\\": \\"backup:DeleteRecoveryPoint\\", \\"Resource\\": \\"*\\"}}"}},
           {"address": "module.backup[\\"prod\\"].aws_backup_plan.main", "mode": "managed", "type": "aws_backup_plan",
            "name": "main", "values": {"name": "main", "rule": [{"rule_name": "hourly", "target_vault_name": "main-vault",
            "schedule": "cron(0 * ? * * *)", "copy_action": [{"lifecycle": []}]}]}},
           {"address": "module.backup[\\"prod\\"].aws_backup_selection.main", "mode": "managed",
            "type": "aws_backup_selection", "name": "main", "values": {"name": "main", "resources": ["*"]}}]}]}},
         "resource_changes": [
           {"address": "module.backup[\\"prod\\"].aws_backup_plan.main",
            "change": {"after_unknown": {"id": true, "arn": true, "rule": [{"copy_action": [{"destination_vault_arn": true}]}]}}},
           {"address": "module.backup[\\"prod\\"].aws_backup_selection.main",
            "change": {"after_unknown": {"id": true, "plan_id": true, "iam_role_arn": true}}}],
         "configuration": {"root_module": {"module_calls": {"backup": {"module": {"resources": [
           {"address": "aws_backup_plan.main", "mode": "managed", "type": "aws_backup_plan", "name": "main", "expressions": {
             "rule": [{"rule_name": {"constant_value": "hourly"},
                       "copy_action": [{"destination_vault_arn": {"references": ["aws_backup_vault.main.arn", "aws_backup_vault.main"]}}]}]}},
           {"address": "aws_backup_selection.main", "mode": "managed", "type": "aws_backup_selection", "name": "main", "expressions": {
             "plan_id": {"references": ["aws_backup_plan.main.id", "aws_backup_plan.main"]},
             "iam_role_arn": {"references": ["var.role_arn"]}}}]}}}}}}
        """

    @Test("References in a child module resolve to that module's resources; policies attach to their vault")
    func childModule() throws {
        let text = Self.modulePlan.replacingOccurrences(
            of: "\"iam_role_arn\": {\"references\": [\"var.role_arn\"]}",
            with: "\"iam_role_arn\": {\"constant_value\": \"arn:aws:iam::123456789012:role/backup\"}"
        )
        let found = try Self.read(text)
        let plan = try #require(found.plans.first)
        #expect(plan.id == "plan-module.backup[\"prod\"].aws_backup_plan.main")
        #expect(plan.rules.first?.id == "plan-module.backup[\"prod\"].aws_backup_plan.main-hourly")
        #expect(plan.rules.first?.startWindowMinutes == 60)
        #expect(plan.rules.first?.completionWindowMinutes == 180)
        #expect(plan.rules.first?.scheduleTimezone == "Etc/UTC")
        #expect(
            plan.rules.first?.copyActions.first?.destinationVaultARN.description
                == "arn:aws:backup:us-east-1:123456789012:backup-vault:main-vault"
        )
        #expect(plan.rules.first?.copyActions.first?.lifecycle == nil)
        let selection = try #require(found.selections.first)
        #expect(selection.planID == plan.id)
        #expect(selection.iamRoleARN == "arn:aws:iam::123456789012:role/backup")
        let vault = try #require(found.vaults.first)
        #expect(vault.tags == ["Tier": "critical"])
        #expect(vault.accessPolicy?.statements.first?.effect == "Deny")
        #expect(vault.encryptionKeyARN == nil)
    }

    @Test("A reference to a variable cannot stand in for a value known only after apply")
    func variableReference() throws {
        #expect(
            throws: ImportError(
                file: "terraform/plan.json",
                location: "module.backup[\"prod\"].aws_backup_selection.main.iam_role_arn",
                message: "known only after apply, and its references (var.role_arn) name no resource attribute"
            )
        ) {
            try Self.read(Self.modulePlan)
        }
    }

    @Test("A resource managed in another Region, and a lock for a vault the file lacks, are errors")
    func regionAndLock() throws {
        let other = """
            {"format_version": "1.0", "values": {"root_module": {"resources": [
              {"address": "aws_backup_vault.dr", "mode": "managed", "type": "aws_backup_vault", "name": "dr",
               "values": {"name": "dr", "region": "us-west-2", "arn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"}}]}}}
            """
        #expect(
            throws: ImportError(
                file: "terraform/plan.json",
                location: "aws_backup_vault.dr.region",
                message: "the resource is managed in us-west-2, not in this folder's Region us-east-1"
            )
        ) {
            try Self.read(other)
        }
        let lock = """
            {"format_version": "1.0", "values": {"root_module": {"resources": [
              {"address": "aws_backup_vault_lock_configuration.x", "mode": "managed",
               "type": "aws_backup_vault_lock_configuration", "name": "x",
               "values": {"backup_vault_name": "missing", "min_retention_days": 7}}]}}}
            """
        #expect(
            throws: ImportError(
                file: "terraform/plan.json",
                location: "aws_backup_vault_lock_configuration.x.backup_vault_name",
                message: "vault missing is not an aws_backup_vault of this file"
            )
        ) {
            try Self.read(lock)
        }
        #expect(throws: ImportError.self) {
            try Self.read(#"{"format_version": "2.0"}"#)
        }
        #expect(try Self.read(#"{"format_version": "1.0"}"#) == BackupDefinitions())
    }

    @Test("A template parameters file without its template is an error")
    func orphanParameters() throws {
        let sandbox = try ScenarioSandbox(copying: "cfn-estate")
        let folder = "accounts/555566667777/us-east-1/templates"
        try sandbox.write("\(folder)/nothing.parameters.json", "[]")
        #expect(
            throws: ImportError(
                file: "\(folder)/nothing.parameters.json",
                message: "no template nothing.yaml, nothing.yml or nothing.json for these parameters"
            )
        ) {
            try ScenarioReader.read(folder: sandbox.path)
        }
    }
}

@Suite("Standalone definition files")
struct StandaloneDefinitionTests {
    @Test("A file is read in its folder's account and Region, else its resources' own, else a placeholder")
    func deployment() {
        let inFolder = ExportFile.deployment(path: "x/accounts/111122223333/eu-west-1/terraform/s.json")
        #expect(inFolder.account == "111122223333" && inFolder.region == "eu-west-1")
        // Configuration comes first in key order; its copy destination names another account and Region.
        let state = JSONValue.object([
            "configuration": .object([
                "root_module": .object([
                    "resources": .array([
                        .object([
                            "expressions": .object([
                                "destination_vault_arn": .object([
                                    "constant_value": .string("arn:aws:backup:ap-east-1:111122223333:backup-vault:dr")
                                ])
                            ])
                        ])
                    ])
                ])
            ]),
            "format_version": .string("1.0"),
            "values": .object([
                "root_module": .object([
                    "resources": .array([
                        .object([
                            "address": .string("aws_backup_plan.daily"), "mode": .string("managed"),
                            "type": .string("aws_backup_plan"), "name": .string("daily"),
                            "values": .object([
                                "arn": .string("arn:aws:backup:ap-south-1:444455556666:backup-plan:p"),
                                "rule": .array([
                                    .object([
                                        "copy_action": .array([
                                            .object([
                                                "destination_vault_arn": .string(
                                                    "arn:aws:backup:ap-east-1:111122223333:backup-vault:dr"
                                                )
                                            ])
                                        ])
                                    ])
                                ]),
                            ]),
                        ])
                    ])
                ])
            ]),
        ])
        let fromARN = ExportFile.deployment(path: "state.json", content: state)
        #expect(fromARN.account == "444455556666" && fromARN.region == "ap-south-1")
        let none = ExportFile.deployment(path: "template.yaml")
        #expect(none.account == "000000000000" && none.region == "us-east-1")
    }

    @Test("A Terraform plan outside a scenario is read in its resources' Region, not a copy destination's")
    func planRegion() throws {
        let path = RepositoryPaths.scenario("terraform-estate") + "/accounts/777788889999/us-east-1/terraform/plan.json"
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let content = try JSONParser.parse([UInt8](bytes))
        let deployment = ExportFile.deployment(path: "plan.json", content: content)
        #expect(deployment.region == "us-east-1")
    }

    @Test("A template given alone reads its parameters file as the scenario does")
    func templateWithParameters() throws {
        let cfn = RepositoryPaths.scenario("cfn-estate")
        let estate = try ScenarioReader.read(folder: cfn)
        guard
            case .template(let found) = try ExportFile.read(
                path: "\(cfn)/accounts/555566667777/us-east-1/templates/plans.yaml"
            )
        else {
            Issue.record("plans.yaml is not read as a template")
            return
        }
        func unsourced(_ plans: [BackupPlan]) -> [BackupPlan] {
            plans.map { plan in
                var plan = plan
                plan.source = ""
                return plan
            }.sorted { $0.name < $1.name }
        }
        #expect(!found.plans.isEmpty)
        #expect(unsourced(found.plans) == unsourced(estate.plans))
        // The copy action exists only with the DrRegion value of plans.parameters.json.
        let critical = try #require(found.plans.first { $0.name == "daily-35-day" })
        #expect(critical.rules.first?.copyActions.count == 1)
    }
}
