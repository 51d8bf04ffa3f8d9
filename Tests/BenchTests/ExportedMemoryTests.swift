import EvidenceTestSupport
import Foundation
import Testing

@testable import backup_evidence_bench

@Suite("Exported months in bounded memory")
struct ExportedMemoryTests {
    @Test("An exported month's peak memory does not follow its jobs, as event streams or job lists: 4x jobs, same peak")
    func peakDoesNotFollowJobs() throws {
        let bench = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence-bench").path
        try #require(FileManager.default.isExecutableFile(atPath: bench), "build the package first (swift build)")
        let folder = try TemporaryFolder()
        var peaks: [String: [Int: Int]] = [:]
        for backupsPerDay in [1, 4] {
            let work = folder.url.appendingPathComponent("jobs-\(backupsPerDay)")
            // 48 resources: held whole, the job lists of four backups a day take the peak from about 52 MB to 90 MB.
            let benchmark = StreamBenchmark(resources: 48, otherRecords: 0, work: work, backupsPerDay: backupsPerDay)
            // One simulated month, written both ways.
            let streams = work.appendingPathComponent("streams")
            let lists = work.appendingPathComponent("lists")
            let written = try benchmark.writeScenario(streams, jobLists: lists)
            #expect(written.files > 0)
            for (form, scenario) in [("event streams", streams), ("job lists", lists)] {
                // A sort budget both months outgrow, so that what the sorters hold is not what is measured (and
                // few enough runs that their merge buffers are not either).
                let run = try ChildProcess.run(
                    bench,
                    ["streams", "--simulate-streams", scenario.path, "--sort-budget", "\(2 << 20)"],
                    in: work
                )
                #expect(run.status == 0, "\(run.output)")
                #expect(run.output.contains("runs spilled"))
                peaks[form, default: [:]][backupsPerDay] = run.peakKilobytes
                print("\(form), \(backupsPerDay) backups a day: peak \(run.peakKilobytes) kB; \(run.output)")
            }
            try? FileManager.default.removeItem(at: work)
        }
        for (form, peak) in peaks.sorted(by: { $0.key < $1.key }) {
            let (few, many) = (peak[1] ?? 0, peak[4] ?? 0)
            // Held whole, four times the jobs would be about four times the memory above the process's base.
            #expect(many < few * 3 / 2, "\(form): peak \(few) kB with 1 backup a day, \(many) kB with 4")
        }
    }
}
