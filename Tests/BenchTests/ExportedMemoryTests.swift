import EvidenceTestSupport
import Foundation
import Testing

@testable import backup_evidence_bench

@Suite("Exported months in bounded memory")
struct ExportedMemoryTests {
    @Test("An event-stream month's peak memory does not follow its jobs: four times the jobs, about the same peak")
    func peakDoesNotFollowJobs() throws {
        let bench = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence-bench").path
        try #require(FileManager.default.isExecutableFile(atPath: bench), "build the package first (swift build)")
        let folder = try TemporaryFolder()
        var peaks: [Int: Int] = [:]
        for backupsPerDay in [1, 4] {
            let work = folder.url.appendingPathComponent("jobs-\(backupsPerDay)")
            let benchmark = StreamBenchmark(resources: 100, otherRecords: 0, work: work, backupsPerDay: backupsPerDay)
            let scenario = work.appendingPathComponent("scenario")
            let written = try benchmark.writeScenario(scenario)
            #expect(written.files > 0)
            // A sort budget both months outgrow, so that what the sorters hold is not what is measured (and few
            // enough runs that their merge buffers are not either).
            let run = try ChildProcess.run(
                bench,
                ["streams", "--simulate-streams", scenario.path, "--sort-budget", "\(2 << 20)"],
                in: work
            )
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("runs spilled"))
            peaks[backupsPerDay] = run.peakKilobytes
            print("exported month, \(backupsPerDay) backups a day: peak \(run.peakKilobytes) kB; \(run.output)")
            try? FileManager.default.removeItem(at: work)
        }
        let (few, many) = (peaks[1] ?? 0, peaks[4] ?? 0)
        // Held whole, four times the jobs would be about four times the memory above the process's base.
        #expect(many < few * 3 / 2, "peak \(few) kB with 1 backup a day, \(many) kB with 4")
    }
}
