import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Testing

@Suite("AWS Backup rules in the simulator")
struct SimulationRulesTests {
    static func run(_ builder: EstateBuilder, asOf: String? = nil) throws -> SimulationResult {
        let month = builder.estate.settings.month
        return try Simulator.run(
            estate: builder.estate,
            month: month,
            asOf: asOf.flatMap { Instant(iso8601: $0) } ?? month.end
        )
    }

    static func day(_ result: SimulationResult, _ date: String) -> [ExpectedWindow] {
        result.windows.filter { $0.scheduled.iso8601.hasPrefix(date) }
    }

    /// AWS's worked example: hourly (1 h window, 1 day) + every 12 hours (8 h window, 1 week) in one plan give,
    /// over 24 hours, 2 backups from the 12-hour rule and 8 from the hourly rule.
    @Test("Overlapping start windows: the longer retention wins the whole window")
    func overlappingRules() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
        b.plan(
            "mixed",
            rules: [
                EstateBuilder.rule("hourly", "cron(0 * ? * * *)", start: 60, keep: 1),
                EstateBuilder.rule("twice-daily", "cron(0 0/12 ? * * *)", start: 480, keep: 7),
            ]
        )
        let result = try Self.run(b)
        let windows = Self.day(result, "2028-03-10")
        #expect(windows.count == 26)
        let ran = Set(windows.compactMap(\.job?.id))
        #expect(ran.count == 10)
        let jobs = result.backupJobs.filter { $0.initiationDate?.iso8601.hasPrefix("2028-03-10") == true }
        #expect(jobs.filter { $0.origin.ruleName == "twice-daily" }.count == 2)
        #expect(jobs.filter { $0.origin.ruleName == "hourly" }.count == 8)
        let taken = windows.filter { $0.takenByRule == "twice-daily" && $0.ruleName == "hourly" }
        #expect(taken.count == 16)
        #expect(taken.allSatisfy { $0.outcome == .retentionShort || $0.outcome == .onTime })
    }

    @Test("One running job per resource: a second plan's job waits, then expires with CONCURRENT_JOB")
    func concurrency() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:ec2:us-east-1:111122223333:instance/i-1")
        // A 2-hour-wide first job cannot exist here; a long start window with a very short one side by side can.
        b.plan("a", rules: [EstateBuilder.rule("a", "cron(0 5 ? * * *)", start: 60)])
        b.plan("b", rules: [EstateBuilder.rule("b", "cron(1 5 ? * * *)", start: 60)])
        let result = try Self.run(b)
        let byScheduledDay = Dictionary(grouping: result.backupJobs) { $0.initiationDate?.iso8601.prefix(10) ?? "" }
        // Each day both jobs exist; they never overlap in time.
        for (_, jobs) in byScheduledDay where jobs.count == 2 {
            let sorted = jobs.compactMap { job in job.startDate.map { ($0, job.completionDate ?? job.startBy ?? $0) } }
                .sorted { $0.0 < $1.0 }
            if sorted.count == 2 { #expect(sorted[0].1 <= sorted[1].0) }
        }
        let concurrent = result.backupJobs.filter { $0.messageCategory == "CONCURRENT_JOB" }
        #expect(
            concurrent.allSatisfy {
                $0.state == .expired && $0.statusMessage.contains("running job for the same resource")
            }
        )
    }

    @Test("A continuous rule keeps one continuous recovery point; a second vault's continuous rule takes snapshots")
    func continuousConflicts() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:rds:us-east-1:111122223333:db:orders")
        b.plan(
            "a-pitr",
            rules: [EstateBuilder.rule("pitr", "cron(0 5 ? * * *)", keep: 14, vault: "one", continuous: true)]
        )
        b.plan(
            "b-pitr",
            rules: [EstateBuilder.rule("pitr", "cron(0 6 ? * * *)", keep: 35, vault: "two", continuous: true)]
        )
        let result = try Self.run(b)
        let continuous = result.recoveryPoints.filter(\.isContinuous)
        #expect(continuous.count == 1)
        #expect(continuous.first?.vaultName == "one")
        let fallback = result.backupJobs.filter { $0.origin.planName == "b-pitr" && $0.state == .completed }
        #expect(!fallback.isEmpty)
        #expect(fallback.allSatisfy { $0.statusMessage.hasPrefix("Enabling continuous backup failed") })
        #expect(fallback.allSatisfy { $0.recoveryPointARN.contains(":snapshot:awsbackup:job-") })
    }

    @Test("A32: the first plan evaluated makes the continuous point, even when a later plan keeps points longer")
    func continuousFirstPlan() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:rds:us-east-1:111122223333:db:orders")
        b.plan(
            "a-pitr",
            rules: [
                EstateBuilder.rule("short", "cron(0 5 ? * * *)", keep: 7, vault: "one", continuous: true),
                EstateBuilder.rule("long", "cron(0 7 ? * * *)", keep: 14, vault: "one", continuous: true),
            ]
        )
        b.plan(
            "b-pitr",
            rules: [EstateBuilder.rule("pitr", "cron(0 6 ? * * *)", keep: 35, vault: "one", continuous: true)]
        )
        let result = try Self.run(b)
        // Within the first plan, the rule with the longest retention makes it; its other rule is disregarded.
        let continuous = result.backupJobs.filter { $0.recoveryPointARN.contains(":recovery-point:continuous:") }
        #expect(!continuous.isEmpty)
        #expect(continuous.allSatisfy { $0.origin.planName == "a-pitr" && $0.origin.ruleName == "long" })
        #expect(!result.backupJobs.contains { $0.origin.planName == "a-pitr" && $0.origin.ruleName == "short" })
        // Every other plan takes snapshot backups, in the same vault too.
        let other = result.backupJobs.filter { $0.origin.planName == "b-pitr" }
        #expect(!other.isEmpty)
        #expect(other.allSatisfy { $0.recoveryPointARN.contains(":snapshot:awsbackup:job-") })
    }

    @Test("A32: a plan whose continuous rules target two vaults is refused, as AWS rejects it")
    func continuousTwoVaultsRefused() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:rds:us-east-1:111122223333:db:orders")
        b.plan(
            "p",
            rules: [
                EstateBuilder.rule("a", "cron(0 5 ? * * *)", keep: 7, vault: "one", continuous: true),
                EstateBuilder.rule("b", "cron(0 7 ? * * *)", keep: 14, vault: "two", continuous: true),
            ]
        )
        let message =
            "continuous backup rules of one plan must target one backup vault: rule a targets one, rule b targets two"
        #expect(
            throws: SimulationError(file: "backup-plans/p.json", location: "$.BackupPlan.Rules[1]", message: message)
        ) {
            try Self.run(b)
        }
    }

    @Test("A continuous rule on an unsupported type falls back to snapshots")
    func continuousUnsupported() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
        b.plan("p", rules: [EstateBuilder.rule("pitr", "cron(0 5 ? * * *)", continuous: true)])
        let result = try Self.run(b)
        #expect(!result.recoveryPoints.contains { $0.isContinuous })
        #expect(result.recoveryPoints.allSatisfy { $0.arn.contains(":snapshot/snap-") })
    }

    @Test("A job that cannot finish in its completion window expires; FSx is exempt and completes late")
    func completionWindow() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:ec2:us-east-1:111122223333:instance/i-1")
        b.resource("arn:aws:fsx:us-east-1:111122223333:file-system/fs-1")
        // EC2 jobs run at least 10 minutes, FSx at least 5; a 3-minute completion window is always overrun.
        b.plan("tight", rules: [EstateBuilder.rule("tight", "cron(0 5 ? * * *)", start: 60, completion: 3)])
        let result = try Self.run(b)
        let ec2 = result.windows.filter { $0.resourceType == "EC2" }
        #expect(ec2.count == 31)
        #expect(ec2.allSatisfy { $0.outcome == .expired && $0.job?.messageCategory == "JOB_EXPIRED" })
        let fsx = result.windows.filter { $0.resourceType == "FSx" }
        #expect(fsx.allSatisfy { $0.outcome == .late })
    }

    @Test("Late starts: a delay past the start window expires the job")
    func lateStart() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:dynamodb:us-east-1:111122223333:table/t")
        b.plan("p", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)", start: 60)])
        b.estate.settings.faults = [
            FaultRule(
                kind: .lateStart,
                window: Interval(
                    start: b.estate.settings.month.start,
                    end: b.estate.settings.month.start.adding(days: 2)
                ),
                delayMinutes: 75
            ),
            FaultRule(kind: .lateStart, delayMinutes: 50),
        ]
        let result = try Self.run(b)
        #expect(result.windows.filter { $0.outcome == .expired }.count == 2)
        let late = result.windows.filter { $0.outcome == .onTime }
        #expect(late.count == 29)
        #expect(late.allSatisfy { $0.detail == "started 50 minutes after the scheduled time" })
    }

    @Test("Points made before the month and still retained are part of the month; expired ones are not")
    func priorRecoveryPoints() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:dynamodb:us-east-1:111122223333:table/t")
        b.plan("p", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)", keep: 10)])
        let result = try Self.run(b)
        let before = result.recoveryPoints.filter { $0.creationDate < b.estate.settings.month.start }
        // Points of Feb 20..29 are deleted 10 days later, on or after March 1 05:xx.
        #expect(before.count == 10)
        #expect(before.allSatisfy { ($0.deleteAt ?? $0.creationDate) > b.estate.settings.month.start })
        #expect(result.recoveryPoints.count == 41)
        // Jobs of February are not in March's job report.
        #expect(result.backupJobs.count == 31)
    }

    @Test("Cold storage applies to types with a cold tier only")
    func coldStorage() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1")
        b.resource("arn:aws:rds:us-east-1:111122223333:db:d")
        var rule = EstateBuilder.rule("m", "cron(0 7 1 * ? *)", keep: 365)
        rule.lifecycle.moveToColdAfterDays = 30
        b.plan("monthly", rules: [rule])
        let result = try Self.run(b)
        let efs = result.recoveryPoints.filter { $0.resourceType == "EFS" }
        let rds = result.recoveryPoints.filter { $0.resourceType == "RDS" }
        // Monthly points of April 2027 to March 2028; March 2027's was deleted on 2028-02-29.
        #expect(efs.count == 12)
        #expect(efs.allSatisfy { $0.coldAt == $0.creationDate.adding(days: 30) })
        #expect(rds.allSatisfy { $0.coldAt == nil })
    }

    @Test("Resources created, deleted or stopped: windows only while the resource exists")
    func resourceLifetime() throws {
        var b = EstateBuilder()
        var created = b.resource("arn:aws:ec2:us-east-1:111122223333:instance/i-new")
        created.createdAt = Instant(iso8601: "2028-03-15T12:00:00Z")
        var deleted = b.resource("arn:aws:ec2:us-east-1:111122223333:instance/i-old")
        deleted.deletedAt = Instant(iso8601: "2028-03-10T12:00:00Z")
        b.estate.resources = [created, deleted]
        b.plan("p", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)")])
        let result = try Self.run(b)
        #expect(result.windows.filter { $0.resourceARN.hasSuffix("i-new") }.count == 16)
        #expect(result.windows.filter { $0.resourceARN.hasSuffix("i-old") }.count == 10)
    }

    @Test("A Region opted out of a type skips it, unless a selection names the type's ARNs")
    func regionOptIn() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:dynamodb:us-east-1:111122223333:table/t")
        b.resource("arn:aws:ec2:us-east-1:111122223333:instance/i-1")
        b.plan("by-tag-or-all", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)")])
        b.estate.regionSettings[AccountRegion(account: EstateBuilder.account, region: EstateBuilder.region)] =
            RegionSettings(optIn: [.dynamoDB: false])
        var result = try Self.run(b)
        #expect(!result.backupJobs.contains { $0.resourceType == "DynamoDB" })
        #expect(result.backupJobs.contains { $0.resourceType == "EC2" })
        b.estate.selections[0].resources = ["arn:aws:dynamodb:*:*:table/*", "arn:aws:ec2:*"]
        result = try Self.run(b)
        #expect(result.backupJobs.contains { $0.resourceType == "DynamoDB" })
        #expect(SelectionMatcher.namesTypeExplicitly("arn:aws:ec2:*:*:instance/*", type: .ec2))
        #expect(!SelectionMatcher.namesTypeExplicitly("arn:aws:ec2:*", type: .ec2))
        #expect(!SelectionMatcher.namesTypeExplicitly("arn:aws:rds:*:*:cluster:*", type: .aurora))
    }

    @Test("Restore tests restore the latest recovery point that exists at their instant")
    func restoreTests() throws {
        var b = EstateBuilder()
        let db = b.resource("arn:aws:rds:us-east-1:111122223333:db:orders")
        b.plan("p", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)")])
        b.estate.settings.restoreTests = [
            RestoreTest(
                resourceARN: db.arnString,
                at: try #require(Instant(iso8601: "2028-03-12T04:00:00Z")),
                minutes: 30
            ),
            RestoreTest(
                resourceARN: db.arnString,
                at: try #require(Instant(iso8601: "2028-03-31T23:50:00Z")),
                minutes: 30
            ),
        ]
        let result = try Self.run(b)
        #expect(result.restoreJobs.count == 2)
        let first = try #require(result.restoreJobs.first)
        let point = try #require(result.recoveryPoints.first { $0.arn == first.recoveryPointARN })
        #expect(point.creationDate.iso8601.hasPrefix("2028-03-11T05:"))
        #expect(first.status == .completed && first.percentDone == "100.00%")
        #expect(first.createdResourceARN.hasPrefix("arn:aws:rds:us-east-1:111122223333:db:orders-restore-"))
        #expect(result.restoreJobs.last?.status == .running)
    }

    @Test("Windows answered by exported jobs: a window without a job is MISSED")
    func exportedWindows() throws {
        var b = EstateBuilder()
        let volume = b.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
        b.plan("p", rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)")])
        b.estate.hasJobSource = true
        let created = try #require(Instant(iso8601: "2028-03-02T05:00:40Z"))
        b.estate.backupJobs = [
            BackupJob(
                id: "J2",
                account: EstateBuilder.account,
                region: EstateBuilder.region,
                state: .completed,
                resourceARN: volume.arnString,
                resourceType: "EBS",
                origin: JobOrigin(planID: "plan-p", ruleID: "rule-d"),
                creationDate: created,
                completionDate: created.adding(minutes: 20),
                recoveryPointARN: "arn:aws:ec2:us-east-1::snapshot/snap-1"
            )
        ]
        let result = try Self.run(b)
        #expect(result.windows.count == 31)
        #expect(result.windows.filter { $0.outcome == .onTime }.map { $0.job?.id } == ["J2"])
        #expect(result.windows.filter { $0.outcome == .missed }.count == 30)
    }

    @Test(
        "Rules AWS refuses are input errors naming the plan file and rule",
        arguments: [
            (
                EstateBuilder.rule("r", "cron(0 5 ? * * *)", start: 30),
                "StartWindowMinutes must be from 60 to 52560000 minutes, found 30"
            ),
            (
                EstateBuilder.rule("r", "cron(0 5 ? * * *)", keep: 40, continuous: true),
                "a continuous backup rule keeps recovery points at most 35 days, found DeleteAfterDays 40"
            ),
            (
                EstateBuilder.rule("r", "cron(0 5 ? * * *)", keep: 0),
                "Lifecycle.DeleteAfterDays must be from 1 to 36500 days, found 0"
            ),
        ]
    )
    func refusedRules(rule: BackupRule, message: String) throws {
        var b = EstateBuilder()
        b.resource("arn:aws:rds:us-east-1:111122223333:db:d")
        b.plan("p", rules: [rule])
        #expect(
            throws: SimulationError(file: "backup-plans/p.json", location: "$.BackupPlan.Rules[0]", message: message)
        ) {
            try Self.run(b)
        }
    }

    @Test("Cold storage must leave 90 days before deletion")
    func coldGap() throws {
        var rule = EstateBuilder.rule("r", "cron(0 5 ? * * *)", keep: 100)
        rule.lifecycle.moveToColdAfterDays = 30
        #expect(
            Simulator.ruleProblem(rule)
                == "Lifecycle.DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays (30 + 90), found 100"
        )
        rule.lifecycle.deleteAfterDays = 120
        #expect(Simulator.ruleProblem(rule) == nil)
    }

    @Test("Cross-account copies land in the destination account's vault")
    func crossAccountCopy() throws {
        var b = EstateBuilder()
        b.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
        b.plan(
            "p",
            rules: [
                EstateBuilder.rule(
                    "d",
                    "cron(0 5 ? * * *)",
                    copyTo: "arn:aws:backup:us-east-1:999988887777:backup-vault:vault-b"
                )
            ]
        )
        guard let arn = ARN("arn:aws:backup:us-east-1:999988887777:backup-vault:vault-b") else { return }
        b.estate.vaults.append(Vault(name: "vault-b", arn: arn, account: "999988887777", region: "us-east-1"))
        let result = try Self.run(b)
        #expect(result.copyJobs.count == 31)
        #expect(
            result.copyJobs.allSatisfy { $0.account == "111122223333" && $0.destinationVaultARN == arn.description }
        )
        let copies = result.recoveryPoints.filter { $0.isCopy && $0.creationDate >= b.estate.settings.month.start }
        #expect(copies.count == 31)
        #expect(copies.allSatisfy { $0.account == "999988887777" })
    }
}
