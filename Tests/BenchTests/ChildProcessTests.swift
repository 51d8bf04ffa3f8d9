import EvidenceTestSupport
import Foundation
import Testing

@testable import backup_evidence_bench

@Suite("The bench's child processes")
struct ChildProcessTests {
    @Test("/proc status files give VmHWM and VmRSS, tab-separated as Linux writes them")
    func statusFields() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("status")
        try Data("Name:\tx\nVmPeak:\t  999999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t   65432 kB\n".utf8).write(to: file)
        let memory = ChildProcess.memory(of: file.path)
        #expect(memory.peak == 123_456)
        #expect(memory.resident == 65_432)
        #expect(peakResidentKilobytes() > 0)
    }

    @Test("A child's peak memory is its own, not the larger peak of the process that spawned it")
    func peakIsTheChilds() throws {
        // This process first reaches about 400 MiB; the child holds about 60 MiB. Linux's ru_maxrss for the
        // child would report this process's 400 MiB.
        var ballast = [UInt8](repeating: 1, count: 400 << 20)
        ballast[ballast.count - 1] = 2
        let folder = try TemporaryFolder()
        let run = try ChildProcess.run(
            "/usr/bin/env",
            ["python3", "-c", "import time; x = b'x' * (60 << 20); time.sleep(0.5)"],
            in: folder.url
        )
        #expect(ballast.last == 2)
        #expect(run.status == 0)
        #expect(run.peakKilobytes > 60 << 10)
        #expect(run.peakKilobytes < 200 << 10)
        #expect(run.cpuSeconds > 0)
        #expect(!run.stoppedAtLimit)
    }

    @Test("A child whose resident memory passes the limit is stopped")
    func limit() throws {
        let folder = try TemporaryFolder()
        let run = try ChildProcess.run(
            "/usr/bin/env",
            ["python3", "-c", "import time; x = b'x' * (200 << 20); time.sleep(5)"],
            in: folder.url,
            memoryLimitKilobytes: 100 << 10
        )
        #expect(run.stoppedAtLimit)
        #expect(run.status == 128 + 9)
    }
}
