import EvidenceFixtures
import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceSimulation
import EvidenceTestSupport
import Foundation
import Testing

/// scenarios/job-lists: jobs given as the AWS CLI's list-backup-jobs, list-copy-jobs and list-restore-jobs output.
@Suite("Job-list scenario")
struct JobListScenarioTests {
    static let name = "job-lists"
    static let listNames = ["backup-jobs.json", "copy-jobs.json", "restore-jobs.json"]

    /// The job-list files under the scenario's account/Region folders, relative to the scenario folder.
    static func listFiles(under root: URL) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let accounts = root.appendingPathComponent("accounts")
        guard let walker = FileManager.default.enumerator(atPath: accounts.path) else { return out }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard listNames.contains(name), relative.split(separator: "/").count == 3 else { continue }
            if let data = FileManager.default.contents(atPath: accounts.appendingPathComponent(relative).path) {
                out["accounts/\(relative)"] = [UInt8](data)
            }
        }
        return out
    }

    /// The scenario's estate without its job lists: what the simulator synthesizes jobs from.
    static func estateWithoutLists() throws -> (ScenarioSandbox, Estate) {
        let sandbox = try ScenarioSandbox(copying: name)
        for path in listFiles(under: sandbox.root).keys.sorted() { try sandbox.remove(path) }
        return (sandbox, try ScenarioReader.read(folder: sandbox.path))
    }

    @Test("The committed job lists are the simulated jobs of the estate, written by JobListExport")
    func listsAreCurrent() throws {
        let (_, estate) = try Self.estateWithoutLists()
        #expect(!estate.hasJobSource)
        let month = estate.settings.month
        let result = try Simulator.run(estate: estate, month: month, asOf: month.end)
        let written = JobListExport.files(
            backups: result.backupJobs,
            copies: result.copyJobs,
            restores: result.restoreJobs
        )
        let scenario = URL(fileURLWithPath: RepositoryPaths.scenario(Self.name))
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            for path in Self.listFiles(under: scenario).keys.sorted() {
                try FileManager.default.removeItem(at: scenario.appendingPathComponent(path))
            }
            for (path, bytes) in written {
                try Data(bytes).write(to: scenario.appendingPathComponent(path))
            }
            Issue.record("re-recorded the job lists of scenarios/\(Self.name); run again without RECORD_GOLDEN")
            return
        }
        let committed = Self.listFiles(under: scenario)
        #expect(committed.keys.sorted() == written.map(\.path))
        for (path, bytes) in written { #expect(committed[path] == bytes, "\(path) differs") }
        #expect(written.contains { $0.path.hasSuffix("/copy-jobs.json") })
        #expect(written.contains { $0.path.hasSuffix("/restore-jobs.json") })
    }

    @Test("The lists have the CLI's shape: four-space indents, ISO-8601 timestamps with offsets, API member names")
    func listShape() throws {
        let scenario = URL(fileURLWithPath: RepositoryPaths.scenario(Self.name))
        let files = Self.listFiles(under: scenario)
        let backups = try #require(files["accounts/777788889999/eu-west-1/backup-jobs.json"])
        let text = String(decoding: backups, as: UTF8.self)
        #expect(text.hasPrefix("{\n    \"BackupJobs\": [\n        {\n            \"AccountId\": \"777788889999\",\n"))
        #expect(text.hasSuffix("\n    ]\n}\n"))
        for field in [
            "\"InitiationDate\": \"2028-03-", "\"StartBy\": \"", "\"ExpectedCompletionDate\": \"",
            "\"IsEncrypted\": true", "\"EncryptionKeyArn\": \"arn:aws:kms:", "\"CreatedBy\": {",
            "\"BackupRuleCron\": \"cron(", "\"RecoveryPointLifecycle\": {", "\"VaultLockState\": \"LOCKED\"",
            "\"BackupSizeInBytes\": ", "+00:00\"",
        ] {
            #expect(text.contains(field), "backup-jobs.json lacks \(field)")
        }
        // Copies are listed in their source Region, whatever their destination.
        let copies = try #require(files["accounts/777788889999/eu-west-1/copy-jobs.json"])
        let copyText = String(decoding: copies, as: UTF8.self)
        #expect(copyText.contains("\"DestinationBackupVaultArn\": \"arn:aws:backup:eu-central-1:777788889999:"))
        #expect(copyText.contains("\"CreatedByBackupJobId\": \""))
        #expect(files.keys.allSatisfy { !$0.contains("/eu-central-1/") && !$0.contains("/us-west-2/") })
        #expect(
            JobListExport.cliTimestamp(Instant(milliseconds: 1_835_499_600_087)) == "2028-03-01T05:00:00.087000+00:00"
        )
    }

    /// The fields, nested ones by path, whose values differ between two values of one type.
    static func differences(_ a: Any, _ b: Any, path: String = "") -> [String] {
        if let x = a as? AnyHashable, let y = b as? AnyHashable, x == y { return [] }
        let (left, right) = (Mirror(reflecting: a), Mirror(reflecting: b))
        guard left.displayStyle == .struct, !left.children.isEmpty else {
            let (x, y) = (String(describing: a), String(describing: b))
            return x == y ? [] : ["\(path): \(x) != \(y)"]
        }
        var out: [String] = []
        for (l, r) in zip(left.children, right.children) {
            out += differences(l.value, r.value, path: path.isEmpty ? l.label ?? "" : "\(path).\(l.label ?? "")")
        }
        return out
    }

    @Test("Jobs read back from the lists are the jobs the simulator made")
    func roundTrip() throws {
        let (_, synthesizedEstate) = try Self.estateWithoutLists()
        let month = synthesizedEstate.settings.month
        let synthesized = try Simulator.run(estate: synthesizedEstate, month: month, asOf: month.end)
        let listed = try ScenarioReader.read(folder: RepositoryPaths.scenario(Self.name))
        let hasJobSource = listed.hasJobSource
        #expect(hasJobSource)
        let replayed = try Simulator.run(estate: listed, month: month, asOf: month.end)

        #expect(replayed.backupJobs.map(\.id) == synthesized.backupJobs.map(\.id))
        for (job, other) in zip(synthesized.backupJobs, replayed.backupJobs) {
            var expected = job
            // list-backup-jobs has no start date: the one field of the model the list does not carry.
            expected.startDate = nil
            #expect(
                Self.differences(expected, other).isEmpty,
                "backup job \(job.id): \(Self.differences(expected, other))"
            )
        }
        #expect(replayed.copyJobs.map(\.id) == synthesized.copyJobs.map(\.id))
        for (copy, other) in zip(synthesized.copyJobs, replayed.copyJobs) {
            var expected = copy
            // CopyJob carries no encryption flag for the destination; the reports take it from the vault.
            expected.placement.isEncrypted = nil
            #expect(
                Self.differences(expected, other).isEmpty,
                "copy job \(copy.id): \(Self.differences(expected, other))"
            )
        }
        #expect(replayed.restoreJobs == synthesized.restoreJobs)
        #expect(replayed.windows.map(\.outcome) == synthesized.windows.map(\.outcome))
        // The lists hold the month's jobs only: the points they made are the month's points of the simulation.
        let inMonth = { (point: RecoveryPoint) in point.creationDate >= month.start }
        let expectedPoints = Set(synthesized.recoveryPoints.filter(inMonth).map(\.arn))
        let replayedPoints = Set(replayed.recoveryPoints.filter(inMonth).map(\.arn))
        #expect(expectedPoints.subtracting(replayedPoints).sorted() == [])
        #expect(replayedPoints.subtracting(expectedPoints).sorted() == [])
        // A simulated point dates from its job's start, which the lists do not carry; a listed point from the job's
        // creation (and its cold and delete dates follow). Everything else is the same.
        for (point, other) in zip(synthesized.recoveryPoints.filter(inMonth), replayed.recoveryPoints.filter(inMonth)) {
            var expected = point
            expected.creationDate = other.creationDate
            expected.coldAt = other.coldAt
            expected.deleteAt = other.deleteAt
            #expect(Self.differences(expected, other).isEmpty, "\(point.arn): \(Self.differences(expected, other))")
        }
        #expect(synthesized.copyJobs.contains { $0.region != ARNText.region(of: $0.destinationVaultARN) })
        #expect(synthesized.backupJobs.contains { $0.state != .completed })
        #expect(synthesized.restoreJobs.contains { $0.status == .failed })
    }
}

/// Splits ARNs for the test's checks.
enum ARNText {
    static func region(of arn: String) -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 ? String(parts[3]) : ""
    }
}
