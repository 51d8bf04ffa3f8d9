import EvidenceFixtures
import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidencePipeline

@Suite("Job lists and event streams in one month")
struct MixedExportTests {
    /// The job-list scenario with every other backup job of one folder moved to EventBridge events, so that
    /// resources have jobs in both forms (and the moved jobs lose what events do not carry).
    static func mixed() throws -> ScenarioSandbox {
        let sandbox = try ScenarioSandbox(copying: "job-lists")
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let folder = (account: "888899990000", region: "us-east-2")
        let jobs = estate.backupJobs.filter { $0.account == folder.account && $0.region == folder.region }
        #expect(jobs.count > 20)
        let listed = jobs.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let streamed = jobs.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        for (path, bytes) in JobListExport.files(backups: listed, copies: [], restores: []) {
            try Data(bytes).write(to: sandbox.root.appendingPathComponent(path))
        }
        let events = JobEventExport.files(
            backups: streamed,
            copies: [],
            restores: [],
            options: JobEventExport.Options(seed: 7, cloudTrailAccounts: [])
        )
        #expect(!events.isEmpty)
        for (path, bytes) in events {
            let url = sandbox.root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(bytes).write(to: url)
        }
        return sandbox
    }

    @Test(
        "Read in pieces under a tiny sort budget, a month of lists and streams is the month of the estate holding them"
    )
    func piecesEqualEstate() throws {
        let sandbox = try Self.mixed()
        let estate = try ScenarioReader.read(folder: sandbox.path)
        let held = try MonthPipeline(scenario: sandbox.path, estate: estate)
        let pieces = try MonthPipeline(scenario: sandbox.path)
        #expect(pieces.estate.backupJobs.isEmpty && pieces.estate.hasJobSource)
        let heldOut = try TemporaryFolder()
        let piecesOut = try TemporaryFolder()
        let heldStatistics = try held.writeReports(to: heldOut.url)
        #expect(heldStatistics.spilledRuns == 0)
        let statistics = try pieces.writeReports(to: piecesOut.url, sortBudget: 1 << 12)
        #expect(statistics.spilledRuns > 20)
        #expect(statistics.rows == heldStatistics.rows)
        for template in ReportTemplate.allCases {
            let a = try Data(contentsOf: heldOut.url.appendingPathComponent(template.fileName))
            let b = try Data(contentsOf: piecesOut.url.appendingPathComponent(template.fileName))
            #expect(a == b, "\(template.fileName) differs")
        }
        // what-if over the same month: as judged whole in memory.
        let proposal = try ProposalReader.framework(
            file: ExportedWhatIfTests.proposals + "/OrgBackupPolicy-standard-35-days.json"
        )
        let reference = try ExportedWhatIfTests.inMemory(estate, estate.deploying(proposal))
        #expect(!reference.changes.isEmpty)
        let streamed = try ExportedWhatIfTests.streamed(sandbox.path) { $0.deploying(proposal) }
        #expect(streamed.text() == reference.text())
    }
}
