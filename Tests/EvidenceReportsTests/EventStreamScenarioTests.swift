import EvidenceFixtures
import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceSimulation
import EvidenceTestSupport
import Foundation
import Testing

/// scenarios/event-streams: jobs given as CloudTrail log files and EventBridge events.
@Suite("Event-stream scenario")
struct EventStreamScenarioTests {
    static let name = "event-streams"
    static let streamFolders = ["AWSLogs", "events"]

    /// The scenario's estate without its streams: what the simulator synthesizes jobs from.
    static func estateWithoutStreams() throws -> (ScenarioSandbox, Estate) {
        let sandbox = try ScenarioSandbox(copying: name)
        for folder in streamFolders where FileManager.default.fileExists(atPath: sandbox.path + "/" + folder) {
            try sandbox.remove(folder)
        }
        return (sandbox, try ScenarioReader.read(folder: sandbox.path))
    }

    /// The streams options recorded in scenario.json's `streams`.
    static func options() throws -> JobEventExport.Options {
        let data = try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.scenario(name) + "/scenario.json"))
        guard case .object(let root) = try JSONParser.parse([UInt8](data)),
            case .object(let streams)? = root["streams"],
            case .array(let accounts)? = streams["cloudtrail_accounts"], case .number(let seed)? = root["seed"],
            let seedValue = UInt64(seed)
        else {
            Issue.record("scenario.json lacks streams.cloudtrail_accounts or seed")
            return JobEventExport.Options(seed: 0, cloudTrailAccounts: [])
        }
        var organization: String?
        if case .string(let text)? = streams["organization_id"] { organization = text }
        let names: [String] = accounts.compactMap {
            if case .string(let text) = $0 { return text }
            return nil
        }
        return JobEventExport.Options(seed: seedValue, cloudTrailAccounts: Set(names), organizationID: organization)
    }

    static func files(under root: URL, _ folders: [String]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let relative = walker.nextObject() as? String {
                let url = base.appendingPathComponent(relative)
                var directory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &directory)
                if !directory.boolValue, let data = FileManager.default.contents(atPath: url.path) {
                    out["\(folder)/\(relative)"] = [UInt8](data)
                }
            }
        }
        return out
    }

    @Test("The committed streams are the simulated jobs of the estate, written by JobEventExport")
    func streamsAreCurrent() throws {
        let (_, estate) = try Self.estateWithoutStreams()
        let month = estate.settings.month
        let result = try Simulator.run(estate: estate, month: month, asOf: month.end)
        let written = JobEventExport.files(
            backups: result.backupJobs,
            copies: result.copyJobs,
            restores: result.restoreJobs,
            options: try Self.options()
        )
        let scenario = URL(fileURLWithPath: RepositoryPaths.scenario(Self.name))
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            for folder in Self.streamFolders {
                try? FileManager.default.removeItem(at: scenario.appendingPathComponent(folder))
            }
            for (path, bytes) in written {
                let url = scenario.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try Data(bytes).write(to: url)
            }
            Issue.record("re-recorded the streams of scenarios/\(Self.name); run again without RECORD_GOLDEN")
            return
        }
        let committed = Self.files(under: scenario, Self.streamFolders)
        #expect(committed.keys.sorted() == written.map(\.path))
        for (path, bytes) in written { #expect(committed[path] == bytes, "\(path) differs") }
        #expect(written.contains { $0.path.hasPrefix("AWSLogs/o-") && $0.path.hasSuffix(".json.gz") })
        #expect(written.contains { $0.path.hasPrefix("events/") && $0.path.hasSuffix(".jsonl") })
    }

    @Test("Jobs rebuilt from the streams are the jobs the simulator made")
    func roundTrip() throws {
        let (_, synthesizedEstate) = try Self.estateWithoutStreams()
        let month = synthesizedEstate.settings.month
        let synthesized = try Simulator.run(estate: synthesizedEstate, month: month, asOf: month.end)
        let streamed = try ScenarioReader.read(folder: RepositoryPaths.scenario(Self.name))
        let hasJobSource = streamed.hasJobSource
        #expect(hasJobSource)
        let replayed = try Simulator.run(estate: streamed, month: month, asOf: month.end)

        #expect(replayed.backupJobs.count == synthesized.backupJobs.count)
        let byID = Dictionary(uniqueKeysWithValues: replayed.backupJobs.map { ($0.id, $0) })
        for job in synthesized.backupJobs {
            guard let other = byID[job.id] else {
                Issue.record("backup job \(job.id) was not rebuilt")
                continue
            }
            #expect(other.state == job.state, "\(job.id)")
            #expect(other.resourceARN == job.resourceARN)
            #expect(other.creationDate == job.creationDate)
            #expect(other.completionDate == job.completionDate)
            #expect(other.sizeBytes == job.sizeBytes)
            #expect(other.recoveryPointARN == job.recoveryPointARN)
            #expect(other.placement.vaultARN == job.placement.vaultARN)
            #expect(other.origin.planID == job.origin.planID, "\(job.id) \(job.account)")
            #expect(other.origin.ruleID == job.origin.ruleID, "\(job.id) \(job.account)")
        }
        #expect(replayed.copyJobs.map(\.id).sorted() == synthesized.copyJobs.map(\.id).sorted())
        let copies = Dictionary(uniqueKeysWithValues: replayed.copyJobs.map { ($0.id, $0) })
        for copy in synthesized.copyJobs {
            let other = copies[copy.id]
            #expect(other?.state == copy.state)
            #expect(other?.destinationRecoveryPointARN == copy.destinationRecoveryPointARN)
            #expect(other?.origin.planName == copy.origin.planName, "\(copy.id) \(copy.account)")
            #expect(other?.origin.ruleID == copy.origin.ruleID)
            #expect(other?.createdByBackupJobID == copy.createdByBackupJobID)
        }
        #expect(replayed.restoreJobs.map(\.id).sorted() == synthesized.restoreJobs.map(\.id).sorted())
        #expect(replayed.windows.map(\.outcome) == synthesized.windows.map(\.outcome))
    }
}
