import EvidenceIngest
import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Testing

@Suite("Simulator")
struct SimulatorTests {
    static func run(_ estate: Estate, asOf: Instant? = nil) throws -> SimulationResult {
        try Simulator.run(estate: estate, month: estate.settings.month, asOf: asOf ?? estate.settings.month.end)
    }

    @Test("One backup job per (resource, rule) firing, copies for copy actions")
    func synthesizesJobs() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        let result = try Self.run(estate)
        // EC2 and S3 (standard, daily) and RDS and the tagged Neptune (critical, daily): 31 firings each.
        #expect(result.backupJobs.count == 4 * 31)
        let byResource = Dictionary(grouping: result.backupJobs, by: \.resourceARN)
        #expect(byResource.count == 4)
        #expect(byResource.values.allSatisfy { $0.count == 31 })
        #expect(!result.backupJobs.contains { $0.resourceARN.hasSuffix("graph-neptune-exception") })
        // Critical resources are copied to central-dr in us-west-2.
        #expect(result.copyJobs.count == 2 * 31)
        #expect(result.copyJobs.allSatisfy { $0.destinationVaultARN.contains(":us-west-2:") })
        let march = estate.settings.month
        #expect(result.recoveryPoints.filter { $0.isCopy && $0.creationDate >= march.start }.count == 62)
        // Copies made in the 35 days before the month are still kept in March.
        #expect(result.recoveryPoints.filter { $0.isCopy && $0.creationDate < march.start }.count == 70)
        #expect(result.recoveryPoints.filter { $0.region == "us-west-2" }.allSatisfy { $0.isCopy })
    }

    @Test("Recovery points carry the rule's lifecycle and the right ARN shape")
    func recoveryPoints() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        let result = try Self.run(estate)
        let start = estate.settings.month.start
        let rds = result.recoveryPoints.filter { $0.resourceARN.hasSuffix(":db:orders-db") && !$0.isCopy }
        #expect(rds.filter { $0.creationDate >= start }.count == 31)
        #expect(rds.filter { $0.creationDate < start }.count == 35)
        #expect(rds.allSatisfy { $0.deleteAt == $0.creationDate.adding(days: 35) })
        #expect(rds.allSatisfy { $0.lifecycle.deleteAfterDays == 35 })
        #expect(rds.allSatisfy { $0.arn.contains(":snapshot:awsbackup:job-") })
        let s3 = result.recoveryPoints.filter { $0.resourceType == "S3" }
        #expect(
            s3.allSatisfy {
                $0.arn.hasPrefix(
                    "arn:aws:backup:us-east-1:123456789012:recovery-point:example-untagged-neptune-assets-"
                )
            }
        )
        #expect(s3.allSatisfy { $0.isEncrypted && !$0.encryptionKeyARN.isEmpty })
    }

    @Test("The same inputs give the same jobs, whatever the order of the estate's lists")
    func deterministic() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("org-estate"))
        var shuffled = estate
        var random = SeededRandom(seed: 99, key: "shuffle")
        shuffled.resources.shuffle(using: &random)
        shuffled.plans.shuffle(using: &random)
        shuffled.selections.shuffle(using: &random)
        shuffled.vaults.shuffle(using: &random)
        let a = try Self.run(estate)
        let b = try Self.run(shuffled)
        #expect(a.backupJobs == b.backupJobs)
        #expect(a.copyJobs == b.copyJobs)
        #expect(a.recoveryPoints == b.recoveryPoints)
    }

    @Test("A job not finished at the evaluation instant is reported as RUNNING, without completion")
    func asOfStates() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        let asOf = try #require(Instant(iso8601: "2028-03-10T05:03:00Z"))
        let result = try Self.run(estate, asOf: asOf)
        #expect(result.backupJobs.allSatisfy { $0.creationDate < asOf })
        let open = result.backupJobs.filter { $0.completionDate == nil }
        #expect(!open.isEmpty)
        #expect(open.allSatisfy { $0.state == .running || $0.state == .created })
    }

    @Test("Exported jobs are the jobs: nothing is synthesized beside them")
    func exportedJobs() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write(
            "accounts/123456789012/us-east-1/backup-jobs.json",
            """
            {"BackupJobs": [
              {"BackupJobId": "A1", "ResourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders-db",
               "CreationDate": "2028-03-02T03:00:10Z", "CompletionDate": "2028-03-02T03:20:00Z", "State": "COMPLETED",
               "RecoveryPointArn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-a1",
               "BackupVaultName": "critical-vault",
               "BackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:critical-vault"},
              {"BackupJobId": "OLD", "ResourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders-db",
               "CreationDate": "2028-02-02T03:00:10Z", "CompletionDate": "2028-02-02T03:20:00Z", "State": "COMPLETED"}
            ]}
            """
        )
        let result = try Self.run(try ScenarioReader.read(folder: sandbox.path))
        #expect(result.backupJobs.map(\.id) == ["A1"])
        #expect(result.copyJobs.isEmpty)
        #expect(result.recoveryPoints.map(\.arn) == ["arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-a1"])
        #expect(result.backupJobs.first?.placement.lockStatus == "UNLOCKED")
    }

    @Test("Faults from scenario.json fail the jobs they match, deterministically")
    func faults() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.replace(
            "scenario.json",
            "\"seed\": 7,",
            with: """
                "seed": 7, "faults": [{"kind": "FAILED", "service": "EC2", "from": "2028-03-05T00:00:00Z",
                "to": "2028-03-08T00:00:00Z", "message": "disk busy"},
                {"kind": "EXPIRED", "tag": {"Key": "Name", "Value": "orders-db"}, "rate": 1}],
                """
        )
        let result = try Self.run(try ScenarioReader.read(folder: sandbox.path))
        let failed = result.backupJobs.filter { $0.state == .failed }
        #expect(failed.count == 3)
        #expect(
            failed.allSatisfy {
                $0.statusMessage == "disk busy" && $0.resourceType == "EC2" && $0.recoveryPointARN.isEmpty
            }
        )
        let expired = result.backupJobs.filter { $0.state == .expired }
        #expect(expired.count == 31)
        #expect(
            expired.allSatisfy {
                $0.completionDate == nil && $0.statusMessage == "Backup job expired before completion."
            }
        )
        #expect(!result.copyJobs.contains { $0.resourceARN.hasSuffix("orders-db") })
    }

    @Test("A locked vault fails jobs whose retention is outside its bounds")
    func vaultLockFailure() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.replace(
            "accounts/123456789012/us-east-1/backup-vaults.json",
            "\"Locked\": false,\n            \"EncryptionKeyType\"",
            with: "\"Locked\": true, \"MinRetentionDays\": 90,\n            \"EncryptionKeyType\""
        )
        let result = try Self.run(try ScenarioReader.read(folder: sandbox.path))
        let critical = result.backupJobs.filter { $0.placement.vaultName == "critical-vault" }
        #expect(!critical.isEmpty)
        #expect(critical.allSatisfy { $0.state == .failed && $0.messageCategory == "INVALID_LIFECYCLE" })
    }

    @Test("An invalid schedule names the plan file and rule")
    func invalidSchedule() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        let file = "accounts/123456789012/us-east-1/backup-plans/daily-7-day.json"
        try sandbox.replace(file, "cron(0 5 ? * * *)", with: "cron(0 5 * * * *)")
        let estate = try ScenarioReader.read(folder: sandbox.path)
        #expect(
            throws: SimulationError(
                file: file,
                location: "$.BackupPlan.Rules[0].ScheduleExpression",
                message: "'cron(0 5 * * * *)': one of Day-of-month and Day-of-week must be '?'"
            )
        ) { try Self.run(estate) }
    }
}
