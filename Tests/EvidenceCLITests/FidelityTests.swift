import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

/// AWS's own examples run through the command line: `schedule --timezone`, `simulate` and the window report.
@Suite("Command line: AWS's documented wildcard and daylight-saving examples")
struct FidelityTests {
    static let account = "accounts/123456789012/us-east-1"
    static let underscore = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0aa1aa1aa1aa1aa10"
    static let space = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0bb2bb2bb2bb2bb20"
    static let web = "arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718"

    @Test("A27: schedule --timezone America/Los_Angeles skips cron(30 2 * * ? *) on the spring-forward day")
    func scheduleSkipsTheGap() throws {
        let result = try ValidateDefinitionsTests.run([
            "schedule", "cron(30 2 * * ? *)", "--timezone", "America/Los_Angeles", "--from", "2028-03-10T00:00:00Z",
            "--to", "2028-03-14T00:00:00Z",
        ])
        #expect(result.status == 0, "\(result.err)")
        // 03-10 and 03-11 02:30 PST are 10:30Z; 03-12 02:30 does not exist; 03-13 02:30 PDT is 09:30Z.
        #expect(result.out == "2028-03-10T10:30:00Z\n2028-03-11T10:30:00Z\n2028-03-13T09:30:00Z\n")
        let fall = try ValidateDefinitionsTests.run([
            "schedule", "cron(30 1 * * ? *)", "--timezone", "America/Los_Angeles", "--from", "2028-11-04T00:00:00Z",
            "--to", "2028-11-07T00:00:00Z",
        ])
        // 11-05 01:30 occurs twice (08:30Z PDT, 09:30Z PST): it fires once, the first time.
        #expect(fall.out == "2028-11-04T08:30:00Z\n2028-11-05T08:30:00Z\n2028-11-06T09:30:00Z\n")
    }

    /// untagged-neptune with its daily plan moved to AWS's example schedule, two volumes tagged `env=prod_server`
    /// and `env=prod server`, a selection `StringLike env=prod*` and a frequency control requiring daily backups.
    static func sandbox() throws -> ScenarioSandbox {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.replace(
            "\(account)/backup-plans/daily-7-day.json",
            "\"ScheduleExpression\": \"cron(0 5 ? * * *)\",\n                \"ScheduleExpressionTimezone\": \"UTC\"",
            with: "\"ScheduleExpression\": \"cron(30 2 * * ? *)\",\n"
                + "                \"ScheduleExpressionTimezone\": \"America/Los_Angeles\""
        )
        try sandbox.replace(
            "\(account)/resources.json",
            "\"ResourceTagMappingList\": [",
            with: """
                "ResourceTagMappingList": [
                    {"ResourceARN": "\(underscore)", "Tags": [{"Key": "env", "Value": "prod_server"}]},
                    {"ResourceARN": "\(space)", "Tags": [{"Key": "env", "Value": "prod server"}]},
                """
        )
        try sandbox.write(
            "\(account)/backup-selections/prod-volumes.json",
            """
            {"BackupSelection": {"SelectionName": "prod-volumes",
              "IamRoleArn": "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
              "Resources": ["arn:aws:ec2:*:*:volume/*"], "NotResources": [], "ListOfTags": [],
              "Conditions": {"StringEquals": [], "StringNotEquals": [],
                "StringLike": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod*"}],
                "StringNotLike": []}},
             "SelectionId": "5e1ec710-0000-4000-8000-000000000001", "BackupPlanId": "6b0d549b-6f03-475a-9600-a35a099950d8",
             "CreationDate": "2027-06-01T09:10:00.000000+00:00", "CreatorRequestId": "5e1ec710"}
            """
        )
        try sandbox.replace(
            "\(account)/frameworks/OrgBackupPolicy.json",
            "\"FrameworkControls\": [",
            with: """
                "FrameworkControls": [
                    {"ControlName": "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
                     "ControlInputParameters": [
                        {"ParameterName": "requiredFrequencyUnit", "ParameterValue": "hours"},
                        {"ParameterName": "requiredFrequencyValue", "ParameterValue": "24"},
                        {"ParameterName": "requiredRetentionDays", "ParameterValue": "7"}]},
                """
        )
        return sandbox
    }

    /// The records of one report of a `simulate --out` folder, header first.
    static func report(_ out: TemporaryFolder, _ name: String) throws -> [[String]] {
        let bytes = try Data(contentsOf: out.url.appendingPathComponent("reports/\(name).csv"))
        return try CSVReader.records([UInt8](bytes))
    }

    @Test("A26, A27, A13 through simulate: selection, windows, coverage and the frequency control")
    func simulateFollowsAWS() throws {
        let sandbox = try Self.sandbox()
        let out = try TemporaryFolder()
        let result = try ValidateDefinitionsTests.run(["simulate", "--scenario", sandbox.path, "--out", out.path])
        #expect(result.status == 0, "\(result.err)")

        let windows = try Self.report(out, "BACKUP_WINDOW_REPORT")
        let header = try #require(windows.first)
        let arn = try #require(header.firstIndex(of: "Resource ARN"))
        let scheduled = try #require(header.firstIndex(of: "Scheduled Time"))
        let timezone = try #require(header.firstIndex(of: "Backup Rule Timezone"))
        // A26: `prod*` matches `prod_server` but not `prod server`.
        let underscoreWindows = windows.filter { $0[arn] == Self.underscore }
        #expect(windows.filter { $0[arn] == Self.space }.isEmpty)
        // A27: March 2028 has 31 days; 2028-03-12 02:30 does not exist in Los Angeles, so 30 windows.
        #expect(underscoreWindows.count == 30)
        #expect(underscoreWindows.allSatisfy { $0[timezone] == "America/Los_Angeles" })
        #expect(!underscoreWindows.contains { $0[scheduled].hasPrefix("2028-03-12") })
        #expect(underscoreWindows.contains { $0[scheduled] == "2028-03-11T10:30:00Z" })
        #expect(underscoreWindows.contains { $0[scheduled] == "2028-03-13T09:30:00Z" })
        #expect(windows.filter { $0[arn] == Self.web }.count == 30)

        let compliance = try Self.report(out, "RESOURCE_COMPLIANCE_REPORT")
        let columns = try #require(compliance.first)
        let control = try #require(columns.firstIndex(of: "Control Name"))
        let resource = try #require(columns.firstIndex(of: "Resource ID"))
        let status = try #require(columns.firstIndex(of: "Resource Compliance Status"))
        let evidence = try #require(columns.firstIndex(of: "Evidence"))
        func verdict(_ name: String, _ id: String) -> String? {
            compliance.first { $0[control] == name && $0[resource] == id }?[status]
        }
        let covered = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"
        #expect(verdict(covered, "AWS::EC2::Volume/vol-0aa1aa1aa1aa1aa10") == "COMPLIANT")
        #expect(verdict(covered, "AWS::EC2::Volume/vol-0bb2bb2bb2bb2bb20") == "NON_COMPLIANT")
        // A13: the daily rule in Los Angeles is daily all year (a 47-hour gap around the skipped day does not count).
        let frequency = "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"
        let plan = "AWS::Backup::BackupPlan/6b0d549b-6f03-475a-9600-a35a099950d8"
        #expect(verdict(frequency, plan) == "COMPLIANT")
        let trace = compliance.first { $0[control] == frequency && $0[resource] == plan }?[evidence] ?? ""
        #expect(trace.contains("cron(30 2 * * ? *) runs at most 1 day apart (America/Los_Angeles time)"), "\(trace)")
    }

    @Test("A26: StringNotLike env=prod* keeps the volume tagged `prod server` and drops `prod_server`")
    func stringNotLike() throws {
        let sandbox = try Self.sandbox()
        try sandbox.replace(
            "\(Self.account)/backup-selections/prod-volumes.json",
            "\"StringLike\": [{\"ConditionKey\": \"aws:ResourceTag/env\", \"ConditionValue\": \"prod*\"}],\n"
                + "    \"StringNotLike\": []",
            with: "\"StringLike\": [],\n"
                + "    \"StringNotLike\": [{\"ConditionKey\": \"aws:ResourceTag/env\", \"ConditionValue\": \"prod*\"}]"
        )
        let out = try TemporaryFolder()
        let result = try ValidateDefinitionsTests.run(["simulate", "--scenario", sandbox.path, "--out", out.path])
        #expect(result.status == 0, "\(result.err)")
        let windows = try Self.report(out, "BACKUP_WINDOW_REPORT")
        let arn = try #require(windows.first?.firstIndex(of: "Resource ARN"))
        #expect(windows.filter { $0[arn] == Self.space }.count == 30)
        #expect(windows.filter { $0[arn] == Self.underscore }.isEmpty)
    }

    @Test("A32: validate refuses a plan whose continuous rules target two vaults, as AWS does")
    func continuousRulesInTwoVaults() throws {
        let folder = try TemporaryFolder()
        let plan = folder.url.appendingPathComponent("plan.json")
        try Data(
            """
            {"BackupPlan": {"BackupPlanName": "pitr", "Rules": [
              {"RuleName": "a", "RuleId": "1", "TargetBackupVaultName": "one", "ScheduleExpression": "cron(0 5 ? * * *)",
               "EnableContinuousBackup": true, "Lifecycle": {"DeleteAfterDays": 7}},
              {"RuleName": "b", "RuleId": "2", "TargetBackupVaultName": "two", "ScheduleExpression": "cron(0 7 ? * * *)",
               "EnableContinuousBackup": true, "Lifecycle": {"DeleteAfterDays": 14}}]},
             "BackupPlanId": "p", "BackupPlanArn": "arn:aws:backup:us-east-1:111122223333:backup-plan:p", "VersionId": "v"}
            """.utf8
        ).write(to: plan)
        let result = try ValidateDefinitionsTests.run(["validate", plan.path])
        #expect(result.status == 2)
        #expect(
            result.out.contains(
                "$.BackupPlan.Rules[1]: continuous backup rules of one plan must target one backup vault: "
                    + "rule a targets one, rule b targets two"
            ),
            "\(result.out)"
        )
    }
}
