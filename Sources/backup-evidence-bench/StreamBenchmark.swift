internal import ArgumentParser
internal import EvidenceCLI
internal import EvidenceFixtures
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import EvidenceSimulation
internal import Foundation

/// `backup-evidence-bench streams`: the CloudTrail reader at scale.
struct StreamsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "Measure the CloudTrail reader on a large organization's month of log files.",
        discussion: """
            Writes a large organization's month of CloudTrail files, times the reader, then runs the reader and \
            simulate on them, each in a child process, twice (the second time with every file delivered twice) \
            and prints their peak memory. Use a release build: \(releaseBuild).
            """
    )

    @Option(help: "Resources in the organization (four accounts).")
    var resources = 4000

    @Option(help: "Records of other services in each CloudTrail file.")
    var otherRecords = 400

    @Option(help: "Scratch folder (replaced).")
    var work = ".build/benchmark-evidence-streams"

    @Option(help: .hidden)
    var readStreams: String?

    @Option(help: "Backups of each resource a day (a divisor of 24): more jobs, the same resources.")
    var backupsPerDay = 1

    @Option(help: .hidden)
    var simulateStreams: String?

    @Option(help: .hidden)
    var sortBudget = MonthPipeline.defaultSortBudget

    @Option(help: "Write the organization with its month's jobs as the CLI's job lists into this folder, and stop.")
    var writeJobLists: String?

    func run() throws {
        if let writeJobLists {
            try withExitStatuses {
                let benchmark = StreamBenchmark(
                    resources: resources,
                    otherRecords: otherRecords,
                    work: URL(fileURLWithPath: work),
                    backupsPerDay: backupsPerDay
                )
                let written = try benchmark.writeScenario(nil, jobLists: URL(fileURLWithPath: writeJobLists))
                print(
                    "wrote \(written.estate.resources.count) resources: \(written.simulated.backupJobs.count) backup and "
                        + "\(written.simulated.copyJobs.count) copy jobs as job lists in \(writeJobLists)"
                )
            }
            return
        }
        // The children: they print their own peak (VmHWM), as well as the parent measures it.
        if let readStreams {
            try withExitStatuses {
                let streams = try JobStreams.read(folder: readStreams)
                print(
                    "\(streams.statistics.jobs) jobs, \(streams.statistics.events) events, \(streams.statistics.duplicates) duplicates"
                )
                print("peak_kb=\(peakResidentKilobytes())")
            }
            return
        }
        if let simulateStreams {
            try withExitStatuses {
                // As `simulate` runs it: the streams read as the reports are written.
                let folder = URL(fileURLWithPath: simulateStreams).appendingPathComponent("../out").standardizedFileURL
                let statistics = try MonthPipeline(scenario: simulateStreams).writeReports(
                    to: folder,
                    sortBudget: sortBudget
                )
                print("\(statistics.rows.values.reduce(0, +)) report rows, \(statistics.spilledRuns) runs spilled")
                print("peak_kb=\(peakResidentKilobytes())")
            }
            return
        }
        try withExitStatuses {
            try StreamBenchmark(
                resources: resources,
                otherRecords: otherRecords,
                work: URL(fileURLWithPath: work),
                backupsPerDay: backupsPerDay
            )
            .run(format: format) { path, arguments, folder in
                let result = try ChildProcess.run(path, arguments, in: folder)
                let peak = result.output.split(separator: "\n").last { $0.hasPrefix("peak_kb=") }
                return (result.status, result.output, peak.flatMap { Int($0.dropFirst(8)) } ?? result.peakKilobytes)
            }
        }
    }
}

/// A large organization's month of CloudTrail files, read at scale.
///
/// Builds an estate of `resources` resources in four accounts, simulates its month, writes the jobs as an
/// organization trail's CloudTrail files (a file per account, Region and five minutes of delivery, with other services' records mixed
/// in), then measures: the reader alone, in this process (records and job events per second); and, each in a child
/// process, the reader alone and the month's reports computed as `simulate` does (wall time and peak memory), once as
/// delivered and once
/// with every file delivered twice, which doubles the events but not the jobs.
struct StreamBenchmark {
    var resources: Int
    var otherRecords: Int
    var work: URL
    var backupsPerDay = 1

    static let accounts = ["100000000001", "100000000002", "100000000003", "100000000004"]

    func run(format: (Double) -> String, spawn: (String, [String], URL) throws -> (Int32, String, Int)) throws {
        let scenario = work.appendingPathComponent("scenario")
        let (estate, simulated, fileCount, compressed) = try writeScenario(scenario, jobLists: nil)
        let clock = ContinuousClock()
        print(
            "wrote \(fileCount) CloudTrail files (\(format(Double(compressed) / 1_000_000)) MB gzip) for "
                + "\(estate.resources.count) resources: \(simulated.backupJobs.count) backup and "
                + "\(simulated.copyJobs.count) copy jobs"
        )

        let readStart = clock.now
        let streams = try JobStreams.read(folder: scenario.path)
        let readSeconds = seconds(clock.now - readStart)
        let stats = streams.statistics
        print(
            "read:      \(format(Double(stats.records) / readSeconds)) records/s, "
                + "\(format(Double(stats.events) / readSeconds)) job events/s, "
                + "\(format(Double(stats.bytes) / 1_000_000 / readSeconds)) MB/s of JSON "
                + "(\(stats.records) records, \(stats.events) job events, \(stats.jobs) jobs, "
                + "\(format(Double(stats.bytes) / 1_000_000)) MB in \(format(readSeconds)) s)"
        )

        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let out = work.appendingPathComponent("out")
        func simulate(_ label: String) throws {
            for (name, arguments) in [
                ("reader:   ", ["streams", "--read-streams", scenario.path]),
                ("simulate: ", ["streams", "--simulate-streams", scenario.path]),
            ] {
                try? FileManager.default.removeItem(at: out)
                let start = clock.now
                let (status, output, peak) = try spawn(executable, arguments, work)
                guard status == 0 else { throw IOFailure(description: "\(arguments[0]) failed: \(output)") }
                print(
                    "\(name) \(format(seconds(clock.now - start))) s, peak \(format(Double(peak) / 1024)) MB (\(label))"
                )
            }
        }
        try simulate("\(stats.events) job events")

        // Every file delivered a second time under another name: twice the events, the same jobs.
        for path in try files(under: scenario.appendingPathComponent("AWSLogs")) {
            let copy = path.replacingOccurrences(of: ".json.gz", with: "") + "_redelivered.json.gz"
            try FileManager.default.copyItem(atPath: path, toPath: copy)
        }
        try simulate("\(stats.events * 2) job events: every file delivered twice")
    }

    /// Writes the organization's estate and its month's jobs, simulated once: as CloudTrail files into `scenario`,
    /// and as the CLI's job lists (`JobListExport`) into `jobLists` (each replaced, when given).
    func writeScenario(
        _ scenario: URL?,
        jobLists: URL? = nil
    ) throws -> (
        estate: Estate, simulated: SimulationResult, files: Int, compressedBytes: Int
    ) {
        let folders = [scenario, jobLists].compactMap { $0 }
        for folder in folders {
            try? FileManager.default.removeItem(at: folder)
            try writeEstate(folder)
        }
        guard let first = folders.first else { throw IOFailure(description: "no folder to write") }
        let estate = try ScenarioReader.read(folder: first.path)
        let month = estate.settings.month
        let simulated = try Simulator.run(estate: estate, month: month, asOf: month.end)
        if let jobLists {
            for (path, bytes) in JobListExport.files(
                backups: simulated.backupJobs,
                copies: simulated.copyJobs,
                restores: simulated.restoreJobs
            ) {
                try Data(bytes).write(to: jobLists.appendingPathComponent(path))
            }
        }
        var fileCount = 0
        var compressed = 0
        guard let scenario else { return (estate, simulated, fileCount, compressed) }
        for account in Self.accounts {
            let files = JobEventExport.files(
                backups: simulated.backupJobs.filter { $0.account == account },
                copies: simulated.copyJobs.filter { $0.account == account },
                restores: [],
                options: JobEventExport.Options(
                    seed: UInt64(account) ?? 1,
                    cloudTrailAccounts: Set(Self.accounts),
                    organizationID: "o-benchmark01",
                    duplicateEvery: 0,
                    cloudTrailFileMinutes: 5,
                    otherServiceRecordsPerFile: otherRecords
                )
            )
            for (path, bytes) in files {
                let url = scenario.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try Data(bytes).write(to: url)
                fileCount += 1
                compressed += bytes.count
            }
        }
        return (estate, simulated, fileCount, compressed)
    }

    private func files(under folder: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".json.gz") { out.append(folder.appendingPathComponent(relative).path) }
        }
        return out.sorted()
    }

    // MARK: The estate

    private func write(_ value: JSONValue, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(CanonicalJSON.encode(value)).write(to: url)
    }

    private func writeEstate(_ root: URL) throws {
        let s = JSONValue.string
        try write(
            .object(["name": s("stream-benchmark"), "month": s("2028-03"), "seed": .number("1")]),
            root.appendingPathComponent("scenario.json")
        )
        let perAccount = max(1, resources / Self.accounts.count)
        for (number, account) in Self.accounts.enumerated() {
            let base = root.appendingPathComponent("accounts/\(account)/us-east-1")
            var mappings: [JSONValue] = []
            for index in 0..<perAccount {
                let arn: String
                switch index % 3 {
                case 0: arn = "arn:aws:ec2:us-east-1:\(account):volume/vol-\(hex(number, index, 17))"
                case 1: arn = "arn:aws:dynamodb:us-east-1:\(account):table/table-\(index)"
                default: arn = "arn:aws:ec2:us-east-1:\(account):instance/i-\(hex(number, index, 17))"
                }
                mappings.append(
                    .object([
                        "ResourceARN": s(arn),
                        "Tags": .array([.object(["Key": s("BackupTier"), "Value": s("critical")])]),
                    ])
                )
            }
            try write(
                .object(["ResourceTagMappingList": .array(mappings)]),
                base.appendingPathComponent("resources.json")
            )
            for (region, name) in [("us-east-1", "critical-vault"), ("us-west-2", "central-dr")] {
                try write(
                    .object([
                        "BackupVaultList": .array([
                            .object([
                                "BackupVaultName": s(name),
                                "BackupVaultArn": s("arn:aws:backup:\(region):\(account):backup-vault:\(name)"),
                                "EncryptionKeyArn": s("arn:aws:kms:\(region):\(account):key/\(hex(number, 9, 8))"),
                            ])
                        ])
                    ]),
                    root.appendingPathComponent("accounts/\(account)/\(region)/backup-vaults.json")
                )
            }
            try write(
                .object(["ResourceTagMappingList": .array([])]),
                root.appendingPathComponent("accounts/\(account)/us-west-2/resources.json")
            )
            let planID = "plan-\(account)"
            try write(
                .object([
                    "BackupPlan": .object([
                        "BackupPlanName": s("daily-35-day"),
                        "Rules": .array([
                            .object([
                                "RuleName": s("daily-critical"),
                                "RuleId": s("rule-\(account)"),
                                "TargetBackupVaultName": s("critical-vault"),
                                "ScheduleExpression": s(
                                    backupsPerDay > 1 ? "cron(0 */\(24 / backupsPerDay) ? * * *)" : "cron(0 3 ? * * *)"
                                ),
                                "StartWindowMinutes": .number("60"),
                                "CompletionWindowMinutes": .number("720"),
                                "Lifecycle": .object(["DeleteAfterDays": .number("35")]),
                                "CopyActions": .array([
                                    .object([
                                        "DestinationBackupVaultArn": s(
                                            "arn:aws:backup:us-west-2:\(account):backup-vault:central-dr"
                                        ),
                                        "Lifecycle": .object(["DeleteAfterDays": .number("35")]),
                                    ])
                                ]),
                            ])
                        ]),
                    ]),
                    "BackupPlanId": s(planID),
                    "BackupPlanArn": s("arn:aws:backup:us-east-1:\(account):backup-plan:\(planID)"),
                    "VersionId": s("v1"),
                ]),
                base.appendingPathComponent("backup-plans/daily-35-day.json")
            )
            try write(
                .object([
                    "BackupSelection": .object([
                        "SelectionName": s("critical-tier"),
                        "IamRoleArn": s("arn:aws:iam::\(account):role/service-role/AWSBackupDefaultServiceRole"),
                        "ListOfTags": .array([
                            .object([
                                "ConditionType": s("STRINGEQUALS"),
                                "ConditionKey": s("BackupTier"),
                                "ConditionValue": s("critical"),
                            ])
                        ]),
                    ]),
                    "SelectionId": s("selection-\(account)"),
                    "BackupPlanId": s(planID),
                ]),
                base.appendingPathComponent("backup-selections/critical-tier.json")
            )
        }
    }

    /// A deterministic hexadecimal id of `count` digits.
    private func hex(_ account: Int, _ index: Int, _ count: Int) -> String {
        var random = SeededRandom(seed: UInt64(account + 1), key: "resource-\(index)")
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[random.int(in: 0...15)] })
    }
}
