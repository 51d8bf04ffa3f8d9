import EvidenceIngest
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Organizations effective backup policies")
struct BackupPolicyTests {
    /// AWS's own `describe-effective-policy --policy-type BACKUP_POLICY` sample output ("Using backup policies in the
    /// AWS CLI", AWS Organizations User Guide), its line-wrapped `PolicyContent` joined into one line as the CLI
    /// prints it.
    static let awsSample = #"""
        {
            "EffectivePolicy": {
                "LastUpdatedTimestamp": "2020-06-22T14:31:50.748000-07:00",
                "TargetId": "123456789012",
                "PolicyType": "BACKUP_POLICY",
                "PolicyContent": "{\"plans\":{\"pii_backup_plan\":{\"regions\":[\"ap-northeast-2\",\"us-east-1\",\"eu-north-1\"],\"selections\":{\"tags\":{\"datatype\":{\"iam_role_arn\":\"arn:aws:iam::$account:role/MyIamRole\",\"tag_value\":[\"PII\"],\"tag_key\":\"dataType\"}}},\"rules\":{\"hourly\":{\"complete_backup_window_minutes\":\"10080\",\"target_backup_vault_name\":\"FortKnox\",\"start_backup_window_minutes\":\"480\",\"schedule_expression\":\"cron(0 5/1 ? * * *)\",\"lifecycle\":{\"move_to_cold_storage_after_days\":\"180\",\"delete_after_days\":\"270\"},\"copy_actions\":{\"arn:aws:backup:us-east-1:$account:backup-vault:secondary-vault\":{\"lifecycle\":{\"move_to_cold_storage_after_days\":\"10\",\"delete_after_days\":\"100\"}}}}}}}}"
            }
        }
        """#

    /// `text` written to a temporary file and read as `validate` reads it.
    static func read(_ text: String) throws -> BackupDefinitions {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("effective-backup-policy.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        guard case .backupPolicy(let found) = try ExportFile.read(path: path) else {
            Issue.record("not read as an effective backup policy")
            return BackupDefinitions()
        }
        return found
    }

    /// The sample with its policy text replaced.
    static func sample(content: String) -> String {
        let escaped = content.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: " ")
        return """
            {"EffectivePolicy": {"TargetId": "123456789012", "PolicyType": "BACKUP_POLICY", "PolicyContent": "\(escaped)"}}
            """
    }

    static func failure(_ text: String) -> ImportError? {
        do {
            _ = try read(text)
            return nil
        } catch let error as ImportError {
            return error
        } catch {
            return nil
        }
    }

    @Test("AWS's sample output reads as one plan and one tag selection in each Region it lists")
    func awsSampleOutput() throws {
        let found = try Self.read(Self.awsSample)
        #expect(found.plans.map(\.region) == ["ap-northeast-2", "eu-north-1", "us-east-1"])
        #expect(found.selections.count == 3)
        let plan = try #require(found.plans.first { $0.region == "us-east-1" })
        #expect(plan.name == "pii_backup_plan")
        #expect(plan.id == "org-policy-pii_backup_plan")
        #expect(plan.arn == "arn:aws:backup:us-east-1:123456789012:backup-plan:org-policy-pii_backup_plan")
        #expect(plan.account == "123456789012")
        let rule = try #require(plan.rules.first)
        #expect(rule.name == "hourly" && rule.id == "org-policy-pii_backup_plan-hourly")
        #expect(rule.scheduleExpression == "cron(0 5/1 ? * * *)" && rule.scheduleTimezone == "UTC")
        #expect(rule.startWindowMinutes == 480 && rule.completionWindowMinutes == 10080)
        #expect(rule.targetVaultName == "FortKnox")
        #expect(rule.lifecycle == Lifecycle(moveToColdAfterDays: 180, deleteAfterDays: 270))
        // No target_backup_vault_arn: the key, lower-cased, with $account replaced.
        #expect(
            rule.copyActions == [
                CopyAction(
                    destinationVaultARN: try #require(
                        ARN("arn:aws:backup:us-east-1:123456789012:backup-vault:secondary-vault")
                    ),
                    lifecycle: Lifecycle(moveToColdAfterDays: 10, deleteAfterDays: 100)
                )
            ]
        )
        let selection = try #require(found.selections.first { $0.region == "us-east-1" })
        #expect(selection.planID == plan.id && selection.name == "datatype")
        #expect(selection.iamRoleARN == "arn:aws:iam::123456789012:role/MyIamRole")
        #expect(selection.listOfTags == [TagCondition(key: "dataType", value: "PII")])
        #expect(selection.resources.isEmpty && selection.conditions.isEmpty)
    }

    @Test("Values under @@assign or @@append, child control operators, $region and the to_delete_after_days spelling")
    func operators() throws {
        let content = """
            {"plans": {"@@operators_allowed_for_child_policies": ["@@none"], "Tiered": {
              "regions": {"@@append": ["eu-west-1"]},
              "rules": {"Daily": {"@@operators_allowed_for_child_policies": ["@@none"],
                "schedule_expression": {"@@assign": "cron(0 2 ? * * *)"},
                "schedule_expression_timezone": {"@@assign": "Europe/Paris"},
                "target_backup_vault_name": {"@@assign": "Default"},
                "enable_continuous_backup": {"@@assign": "true"},
                "lifecycle": {"to_delete_after_days": {"@@assign": "35"}},
                "recovery_point_tags": {"owner": {"tag_key": {"@@assign": "Owner"}, "tag_value": {"@@assign": "Ops"}}},
                "copy_actions": {"arn:aws:backup:$region:$account:backup-vault:Copy": {
                  "target_backup_vault_arn": {"@@assign": "arn:aws:backup:$region:$account:backup-vault:Copy"}}}}},
              "selections": {"tags": {"gold": {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/R"},
                "tag_key": {"@@assign": "tier"}, "tag_value": {"@@assign": ["gold", "platinum"]}}}},
              "advanced_backup_settings": {"ec2": {"WindowsVSS": {"@@assign": "enabled"}}},
              "backup_plan_tags": {"stage": {"tag_key": {"@@assign": "Stage"}, "tag_value": {"@@assign": "Beta"}}}}}}
            """
        let found = try Self.read(Self.sample(content: content))
        let plan = try #require(found.plans.first)
        #expect(found.plans.count == 1 && plan.region == "eu-west-1")
        let rule = try #require(plan.rules.first)
        #expect(rule.scheduleExpression == "cron(0 2 ? * * *)" && rule.scheduleTimezone == "Europe/Paris")
        #expect(rule.continuous && rule.lifecycle == Lifecycle(deleteAfterDays: 35))
        #expect(rule.recoveryPointTags == ["Owner": "Ops"])
        #expect(
            rule.copyActions.map(\.destinationVaultARN.description) == [
                "arn:aws:backup:eu-west-1:123456789012:backup-vault:Copy"
            ]
        )
        #expect(plan.advancedBackupSettings == [.ec2: ["WindowsVSS": "enabled"]])
        #expect(plan.tags == ["Stage": "Beta"])
        let selection = try #require(found.selections.first)
        #expect(
            selection.listOfTags == [
                TagCondition(key: "tier", value: "gold"), TagCondition(key: "tier", value: "platinum"),
            ]
        )
        #expect(selection.iamRoleARN == "arn:aws:iam::123456789012:role/R")
    }

    @Test("What an effective policy cannot hold is refused with one line that names the place and the reason")
    func refusals() throws {
        let rule = #""rules": {"r": {"target_backup_vault_name": "V"}}"#
        let cases: [(String, String, String)] = [
            (
                Self.sample(
                    content:
                        #"{"plans": {"p": {"regions": ["us-east-1"], "rules": {"r": {"target_backup_vault_name": {"@@remove": "V"}}}}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p.rules.r.target_backup_vault_name.@@remove",
                "@@remove cannot remain in an effective policy"
            ),
            (
                Self.sample(
                    content: #"{"plans": {"p": {"regions": ["us-east-1"], \#(rule), "selections": {"resources": {}}}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p.selections.resources",
                "\"resources\" is not a selection this tool reads (expected tags)"
            ),
            (
                Self.sample(
                    content:
                        #"{"plans": {"p": {"regions": ["us-east-1"], \#(rule), "selections": {"tags": {"t": {"iam_role_arn": "MyIamRole", "tag_key": "k", "tag_value": "v"}}}}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p.selections.tags.t.iam_role_arn",
                "expected an ARN of service iam, found \"MyIamRole\""
            ),
            (
                Self.sample(content: #"{"plans": {"p": {"regions": ["us-east-1"], "rules": {"r": {}}}}}"#),
                "$.EffectivePolicy.PolicyContent.plans.p.rules.r.target_backup_vault_name",
                "missing required field"
            ),
            (
                Self.sample(content: #"{"plans": {"p": {"rules": {}}"#),
                "$.EffectivePolicy.PolicyContent",
                "the policy content is not valid JSON"
            ),
            (
                Self.sample(content: #"{"plans": {"@@remove": "p", "p": {"regions": ["us-east-1"], \#(rule)}}}"#),
                "$.EffectivePolicy.PolicyContent.plans.@@remove",
                "@@remove cannot remain in an effective policy"
            ),
            (
                Self.sample(
                    content:
                        #"{"plans": {"p": {"regions": ["us-east-1"], "rules": {"@@bogus": {}, "r": {"target_backup_vault_name": "V"}}}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p.rules.@@bogus",
                "@@bogus cannot remain in an effective policy"
            ),
            (
                Self.sample(
                    content:
                        #"{"plans": {"p": {"regions": ["us-east-1"], "rules": {"r": {"target_backup_vault_name": {"@@assign": "V", "@@append": "W"}}}}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p.rules.r.target_backup_vault_name",
                "expected one of @@assign and @@append, found both"
            ),
            (
                Self.sample(content: #"{"plans": {"p": {"regions": [], \#(rule)}}}"#),
                "$.EffectivePolicy.PolicyContent.plans.p.regions",
                "the plan lists no Region"
            ),
            (
                Self.sample(content: #"{"plans": {"p": {"regions": ["us-east-1", "bogus"], \#(rule)}}}"#),
                "$.EffectivePolicy.PolicyContent.plans.p.regions",
                "\"bogus\" is not a Region"
            ),
            (
                Self.sample(
                    content:
                        #"{"plans": {"P": {"regions": ["us-east-1"], \#(rule)}, "p": {"regions": ["us-east-1"], \#(rule)}}}"#
                ),
                "$.EffectivePolicy.PolicyContent.plans.p",
                "key \"p\" repeats \"P\""
            ),
            (
                Self.awsSample.replacingOccurrences(of: "\"BACKUP_POLICY\"", with: "\"TAG_POLICY\""),
                "$.EffectivePolicy.PolicyType",
                "\"TAG_POLICY\" is not a backup policy (expected BACKUP_POLICY)"
            ),
        ]
        for (text, location, message) in cases {
            let error = try #require(Self.failure(text), "\(message) was not refused")
            #expect(error.location == location)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("A scenario's policy must be its account's, and is read only in the Regions it has folders for")
    func scenarioPolicy() throws {
        let sandbox = try ScenarioSandbox(copying: "org-policy")
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let policyPlans = estate.plans.filter { $0.id == "org-policy-critical_tier" }
        #expect(policyPlans.map(\.account) == ["121212121212", "343434343434"])
        #expect(policyPlans.allSatisfy { $0.region == "us-east-1" && $0.tags == ["ManagedBy": "organizations"] })
        let copies = policyPlans.flatMap(\.rules).flatMap(\.copyActions).map(\.destinationVaultARN.description)
        #expect(
            copies == [
                "arn:aws:backup:us-west-2:121212121212:backup-vault:dr-vault",
                "arn:aws:backup:us-west-2:343434343434:backup-vault:dr-vault",
            ]
        )
        let file = "accounts/343434343434/effective-backup-policy.json"
        try sandbox.replace(file, "\"TargetId\": \"343434343434\"", with: "\"TargetId\": \"121212121212\"")
        do {
            _ = try ScenarioReader.read(folder: sandbox.path)
            Issue.record("another account's policy was read")
        } catch let error as ImportError {
            #expect(error.file == file && error.location == "$.EffectivePolicy.TargetId")
            #expect(error.message == "the effective policy is account 121212121212's, not 343434343434's")
        }
    }
}
