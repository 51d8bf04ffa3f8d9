import ArgumentParser
import EvidenceCLI
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Command line")
struct CLITests {
    /// Runs the command in-process and returns its exit status.
    static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try BackupEvidenceCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return BackupEvidenceCommand.exitCode(for: error).rawValue
        }
    }

    @Test("simulate writes <out>/reports/<TEMPLATE>.csv and nothing else")
    func simulate() async throws {
        let out = try TemporaryFolder()
        let status = await Self.run([
            "simulate", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--out", out.path,
        ])
        #expect(status == 0)
        #expect(
            out.files() == [
                "reports/BACKUP_JOB_REPORT.csv", "reports/BACKUP_WINDOW_REPORT.csv",
                "reports/CONTROL_COMPLIANCE_REPORT.csv", "reports/COPY_JOB_REPORT.csv",
                "reports/RESOURCE_COMPLIANCE_REPORT.csv", "reports/RESTORE_JOB_REPORT.csv",
            ]
        )
    }

    @Test("monthly seals <evidence>/<month>; --month runs another month; a sealed month is never rewritten")
    func monthly() async throws {
        let out = try TemporaryFolder()
        let arguments = [
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", out.path, "--month",
            "2028-04", "--key", RepositoryPaths.testKey,
        ]
        #expect(await Self.run(arguments) == 0)
        let files = out.files()
        #expect(files.filter { $0.hasPrefix("2028-04/reports/") }.count == 7)
        #expect(files.contains("2028-04/reports/compliance-report.pdf"))
        #expect(files.contains("2028-04/MANIFEST.json") && files.contains("2028-04/SHA256SUMS.sig"))
        #expect(files.contains("2028-04/inputs/scenario.json"))
        #expect(files.filter { $0.hasPrefix("keys/") }.count == 1)
        let sums = try Data(contentsOf: out.url.appendingPathComponent("2028-04/SHA256SUMS"))
        #expect(await Self.run(arguments) == 2)
        #expect(try Data(contentsOf: out.url.appendingPathComponent("2028-04/SHA256SUMS")) == sums)
        #expect(out.files() == files)
        let jobs = try String(
            contentsOf: out.url.appendingPathComponent("2028-04/reports/BACKUP_JOB_REPORT.csv"),
            encoding: .utf8
        )
        #expect(jobs.contains("2028-04-01T00:00:00Z,2028-05-01T00:00:00Z"))
    }

    @Test("Bad input exits 2 and writes nothing")
    func badInput() async throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write("accounts/123456789012/us-east-1/resources.json", "{")
        let out = try TemporaryFolder()
        let status = await Self.run([
            "monthly", "--scenario", sandbox.path, "--evidence", out.path, "--key", RepositoryPaths.testKey,
        ])
        #expect(status == 2)
        #expect(out.files().isEmpty)
    }

    @Test("Usage errors exit 64")
    func usage() async {
        #expect(await Self.run(["monthly", "--month", "March"]) == 64)
        #expect(await Self.run(["no-such-command"]) == 64)
    }

    @Test("schedule prints firing instants and rejects sub-hourly schedules")
    func schedule() async {
        #expect(
            await Self.run([
                "schedule", "cron(0 5 ? * * *)", "--from", "2028-03-01T00:00:00Z", "--to", "2028-03-02T00:00:00Z",
            ]) == 0
        )
        #expect(
            await Self.run([
                "schedule", "cron(*/5 * ? * * *)", "--from", "2028-03-01T00:00:00Z", "--to", "2028-03-02T00:00:00Z",
            ]) == 2
        )
    }
}

@Suite("Command line: validate and check")
struct ValidateAndCheckTests {
    @Test("validate prints one line per finding and exits 2; a valid tree exits 0")
    func validate() async throws {
        let folder = try TemporaryFolder()
        let plan = folder.url.appendingPathComponent("plan.json")
        try Data(
            """
            {"BackupPlan": {"BackupPlanName": "p", "Rules": [{"RuleName": "r", "RuleId": "1", "TargetBackupVaultName": "vault",
              "ScheduleExpression": "cron(0 5 * * * *)", "StartWindowMinutes": 30}]},
             "BackupPlanId": "p", "BackupPlanArn": "arn:aws:backup:us-east-1:111122223333:backup-plan:p", "VersionId": "v"}
            """.utf8
        ).write(to: plan)
        #expect(await CLITests.run(["validate", plan.path]) == 2)
        #expect(await CLITests.run(["validate", RepositoryPaths.scenario("org-estate")]) == 0)
        #expect(await CLITests.run(["validate", folder.url.appendingPathComponent("missing.json").path]) == 2)
        // A folder with nothing to validate (a mistyped path, an empty export) is not a pass.
        let empty = folder.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try Binary.run(["validate", empty.path])
        #expect(result.status == 2)
        #expect(
            result.errLines == [
                "error: \(empty.path): no plan, selection, vault, framework, template or Terraform file to validate"
            ]
        )
    }

    @Test("check passes on every bundled scenario against golden/, as a CI regression run would")
    func checkBundled() async throws {
        let junit = try TemporaryFolder()
        let report = junit.url.appendingPathComponent("junit.xml").path
        let status = await CLITests.run([
            "check", "--scenarios", RepositoryPaths.root.appendingPathComponent("scenarios").path, "--golden",
            RepositoryPaths.golden.path, "--junit", report,
        ])
        #expect(status == 0)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains("failures=\"0\""))
        for scenario in [
            "cfn-estate", "event-streams", "job-lists", "org-estate", "org-policy", "terraform-estate",
            "untagged-neptune",
        ] {
            #expect(xml.contains(scenario), "\(scenario) was not checked")
        }
    }

    @Test("check: 0 when reports match golden, 1 with row differences and a JUnit failure, --update re-records")
    func check() async throws {
        let scenarios = try TemporaryFolder()
        let golden = try TemporaryFolder()
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try FileManager.default.copyItem(at: sandbox.root, to: scenarios.url.appendingPathComponent("untagged-neptune"))
        try FileManager.default.copyItem(
            at: RepositoryPaths.golden.appendingPathComponent("untagged-neptune"),
            to: golden.url.appendingPathComponent("untagged-neptune")
        )
        let junit = golden.url.appendingPathComponent("junit.xml").path
        #expect(
            await CLITests.run(["check", "--scenarios", scenarios.path, "--golden", golden.path, "--junit", junit]) == 0
        )
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("failures=\"0\""))

        let resources = scenarios.url.appendingPathComponent(
            "untagged-neptune/accounts/123456789012/us-east-1/resources.json"
        )
        let text = try String(contentsOf: resources, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"Value\": \"standard\"", with: "\"Value\": \"bronze\"").utf8).write(
            to: resources
        )
        #expect(
            await CLITests.run(["check", "--scenarios", scenarios.path, "--golden", golden.path, "--junit", junit]) == 1
        )
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<failure message="))
        #expect(
            xml.contains(
                "RESOURCE_COMPLIANCE_REPORT.csv: 123456789012, us-east-1, OrgBackupPolicy, BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN, "
                    + "AWS::EC2::Instance/i-0a1b2c3d4e5f60718: Resource Compliance Status COMPLIANT -&gt; NON_COMPLIANT"
            )
        )
        #expect(await CLITests.run(["check", "--scenarios", scenarios.path, "--golden", golden.path, "--update"]) == 0)
        #expect(await CLITests.run(["check", "--scenarios", scenarios.path, "--golden", golden.path]) == 0)
    }
}

@Suite("Command line: validate templates and Terraform files")
struct ValidateDefinitionsTests {
    /// Runs the built binary on `arguments` and returns its exit status, stdout and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the package first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    @Test("Every kind is told by content: get-* exports, YAML and JSON templates, terraform show -json output")
    func validKinds() throws {
        let cfn = RepositoryPaths.scenario("cfn-estate") + "/accounts/555566667777"
        let terraform = RepositoryPaths.scenario("terraform-estate") + "/accounts/777788889999/us-east-1/terraform"
        let plan = RepositoryPaths.scenario("org-estate") + "/accounts"
        for path in [
            "\(cfn)/us-east-1/templates/plans.yaml", "\(cfn)/us-east-1/templates/frameworks.json",
            "\(cfn)/us-west-2/templates/dr-vault.yml", "\(terraform)/state.json", "\(terraform)/plan.json",
            RepositoryPaths.scenario("cfn-estate"), RepositoryPaths.scenario("terraform-estate"), plan,
        ] {
            let result = try Self.run(["validate", path])
            #expect(result.status == 0, "\(path): \(result.out) \(result.err)")
            #expect(result.out.isEmpty)
        }
        // A folder's parameters files are read with their templates, not as files of their own.
        let folder = try Self.run(["validate", "\(cfn)/us-east-1/templates"])
        #expect(folder.status == 0)
        #expect(folder.err == "3 files valid\n")
    }

    @Test("An effective backup policy is told by content; its plan's findings name the policy file and the plan")
    func policyFinding() throws {
        let scenario = RepositoryPaths.scenario("org-policy")
        let policy = "\(scenario)/accounts/121212121212/effective-backup-policy.json"
        let valid = try Self.run(["validate", policy])
        #expect(valid.status == 0 && valid.out.isEmpty && valid.err == "1 file valid\n", "\(valid)")
        let whole = try Self.run(["validate", scenario])
        #expect(whole.status == 0 && whole.out.isEmpty, "\(whole)")
        let folder = try TemporaryFolder()
        let copy = folder.url.appendingPathComponent("policy.json")
        let text = try String(contentsOfFile: policy, encoding: .utf8)
            .replacingOccurrences(of: "cron(0 3 ? * * *)", with: "cron(* * ? * * *)")
        try Data(text.utf8).write(to: copy)
        let result = try Self.run(["validate", copy.path])
        #expect(result.status == 2)
        #expect(
            result.out.hasPrefix("\(copy.path): backup plan critical_tier $.BackupPlan.Rules[0].ScheduleExpression: "),
            "\(result.out)"
        )
    }

    @Test("A template's plan with a cron AWS rejects is a finding naming the file, the plan and the rule")
    func templateFinding() throws {
        let folder = try TemporaryFolder()
        let template = folder.url.appendingPathComponent("backup.yaml")
        try Data(
            """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Plan:
                Type: AWS::Backup::BackupPlan
                Properties:
                  BackupPlan:
                    BackupPlanName: hourly
                    BackupPlanRule:
                      - RuleName: every-minute
                        TargetBackupVault: standard-vault
                        ScheduleExpression: cron(* * ? * * *)
                        StartWindowMinutes: 60
              Framework:
                Type: AWS::Backup::Framework
                Properties:
                  FrameworkControls:
                    - ControlName: BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK
                      ControlInputParameters:
                        - ParameterName: requiredRetentionDays
                          ParameterValue: "0"

            """.utf8
        ).write(to: template)
        let result = try Self.run(["validate", template.path])
        #expect(result.status == 2)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("\(template.path): backup plan hourly $.BackupPlan.Rules[0].ScheduleExpression: ")
            },
            "\(lines)"
        )
        #expect(
            lines.contains { $0.hasPrefix("\(template.path): framework Framework $.FrameworkControls[0]: ") },
            "\(lines)"
        )
        #expect(result.err.isEmpty)
    }

    @Test("A Terraform plan's lifecycle AWS rejects and a vault lock out of range are findings")
    func terraformFinding() throws {
        let folder = try TemporaryFolder()
        let state = folder.url.appendingPathComponent("state.json")
        let arn = "arn:aws:backup:eu-west-1:111122223333"
        try Data(
            """
            {"format_version": "1.0", "values": {"root_module": {"resources": [
              {"address": "aws_backup_plan.daily", "mode": "managed", "type": "aws_backup_plan", "name": "daily",
               "values": {"id": "p-1", "arn": "\(arn):backup-plan:p-1", "name": "daily", "version": "v1",
                 "rule": [{"rule_name": "daily", "target_vault_name": "standard-vault",
                   "schedule": "cron(0 5 ? * * *)", "start_window": 60, "completion_window": 180,
                   "lifecycle": [{"cold_storage_after": 30, "delete_after": 60}]}]}},
              {"address": "aws_backup_vault.standard", "mode": "managed", "type": "aws_backup_vault",
               "name": "standard", "values": {"id": "standard-vault", "name": "standard-vault",
                 "arn": "\(arn):backup-vault:standard-vault"}},
              {"address": "aws_backup_vault_lock_configuration.standard", "mode": "managed",
               "type": "aws_backup_vault_lock_configuration", "name": "standard",
               "values": {"backup_vault_name": "standard-vault", "min_retention_days": 40,
                 "max_retention_days": 20}}
            ]}}}
            """.utf8
        ).write(to: state)
        let result = try Self.run(["validate", state.path])
        #expect(result.status == 2, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(state.path): backup plan daily $.BackupPlan.Rules[0]: ") }, "\(lines)")
        #expect(
            lines.contains {
                $0 == "\(state.path): backup vault standard-vault $.BackupVaultList[0]: "
                    + "MinRetentionDays 40 exceeds MaxRetentionDays 20"
            },
            "\(lines)"
        )
    }

    @Test("A Terraform plan copied out of its scenario folder is valid, read in its resources' Region")
    func planOutsideScenario() throws {
        let folder = try TemporaryFolder()
        let source =
            RepositoryPaths.scenario("terraform-estate") + "/accounts/777788889999/us-east-1/terraform/plan.json"
        let copy = folder.url.appendingPathComponent("plan.json")
        try FileManager.default.copyItem(atPath: source, toPath: copy.path)
        let result = try Self.run(["validate", copy.path])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err == "1 file valid\n")
    }

    @Test("A JSON file of no known kind is an error on stderr")
    func unknownKind() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("other.json")
        try Data(#"{"Something": 1}"#.utf8).write(to: file)
        let result = try Self.run(["validate", file.path])
        #expect(result.status == 2)
        #expect(result.err.hasPrefix("error: \(file.path): not a backup plan, selection, framework, vault list, "))
    }
}
