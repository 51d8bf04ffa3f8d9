internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Measure verify throughput over a year of sealed months, or (--streams) the CloudTrail reader at scale.",
        discussion: """
            Seals --months consecutive months of the scenario into a scratch folder with a key made for the run, \\
            then times verify (Merkle roots included), `sha256sum` over the same files, and \\
            `openssl speed -evp sha256` on 16 KB blocks. With --streams: writes a large organization's month of \\
            CloudTrail files, times the reader, then runs simulate on them in a child process, twice (the second \\
            time with every file delivered twice) and prints its peak memory. Use a release build: \\
            swift build -c release.
            """
    )

    @Option(help: "Scenario folder.")
    var scenario = "scenarios/org-estate"

    @Option(help: "How many consecutive months to seal, from the scenario's month.")
    var months = 12

    @Option(help: "Scratch folder for the sealed months (replaced).")
    var work = ".build/benchmark-evidence"

    @Flag(help: "Measure the CloudTrail reader instead: a large organization's month of log files.")
    var streams = false

    @Option(help: "With --streams: resources in the organization (four accounts).")
    var resources = 4000

    @Option(help: "With --streams: records of other services in each CloudTrail file.")
    var otherRecords = 400

    @Option(help: .hidden)
    var readStreams: String?

    @Option(help: .hidden)
    var simulateStreams: String?

    func run() throws {
        // Children of `--streams`: they print their own peak, which a parent cannot measure (Linux carries the
        // parent's high-water mark into a spawned child's ru_maxrss).
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
                let estate = try ScenarioReader.read(folder: simulateStreams)
                let folder = URL(fileURLWithPath: simulateStreams).appendingPathComponent(".benchmark-reports")
                defer { try? FileManager.default.removeItem(at: folder) }
                let statistics = try MonthPipeline(scenario: simulateStreams, estate: estate).writeReports(to: folder)
                print("\(statistics.rows.count) reports")
                print("peak_kb=\(peakResidentKilobytes())")
            }
            return
        }
        if streams {
            try withExitStatuses {
                try StreamBenchmark(
                    resources: resources,
                    otherRecords: otherRecords,
                    work: URL(fileURLWithPath: work + "-streams")
                )
                .run(format: format) { path, arguments, folder in
                    let result = try command(path, arguments, in: folder)
                    let peak = result.output.split(separator: "\n").last { $0.hasPrefix("peak_kb=") }
                    return (result.status, result.output, peak.flatMap { Int($0.dropFirst(8)) } ?? 0)
                }
            }
            return
        }
        try withExitStatuses {
            let estate = try ScenarioReader.read(folder: scenario)
            let root = URL(fileURLWithPath: work)
            try? FileManager.default.removeItem(at: root)
            let key = try Ed25519PrivateKey.generate()
            let ledger = Ledger(root: root)
            var month = estate.settings.month
            let clock = ContinuousClock()
            let sealStart = clock.now
            for _ in 0..<months {
                let pipeline = try MonthPipeline(scenario: scenario, estate: estate, month: month)
                let position = ChainPosition(
                    month: month,
                    chainID: estate.settings.chainID,
                    previousSeal: ledger.entries().last?.seal
                )
                let files = try pipeline.monthFolderFiles(position: position, scratch: scratchFolder())
                try ledger.seal(
                    SealRequest(
                        period: month,
                        files: files,
                        dataAsOf: month.end,
                        chainID: estate.settings.chainID,
                        key: key,
                        generatorVersion: BackupEvidenceCommand.version
                    )
                )
                month = month.next
            }
            let sealSeconds = seconds(clock.now - sealStart)
            let fingerprint = try key.publicKey().fingerprint().hex

            let verifyStart = clock.now
            let report = try ledger.verify(VerifyOptions(expectedKeySHA256: fingerprint))
            let verifySeconds = seconds(clock.now - verifyStart)
            guard report.exitStatus == 0 else { throw IOFailure(description: "the benchmark chain did not verify") }
            let megabytes = Double(report.bytesChecked) / 1_000_000

            let files = ledger.entries().flatMap { entry in
                ((try? String(contentsOf: root.appendingPathComponent("\(entry.folder)/SHA256SUMS"), encoding: .utf8))
                    ?? "")
                    .split(separator: "\n").map {
                        root.appendingPathComponent("\(entry.folder)/\($0.dropFirst(66))").path
                    }
            }
            let shaStart = clock.now
            let sha = try command("/usr/bin/env", ["sha256sum"] + files, in: root)
            let shaSeconds = seconds(clock.now - shaStart)
            let openssl = try command(
                "/usr/bin/env",
                ["openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "2"],
                in: root
            )
            let peak = opensslPeak(openssl.output)

            // The PDF of the first month, rendered alone from its reports.
            let first = estate.settings.month
            let firstReports = try MonthPipeline(scenario: scenario, estate: estate, month: first)
                .reports(scratch: scratchFolder())
            let pdfStart = clock.now
            let pdf = try ComplianceReport.render(
                reports: firstReports.files,
                position: ChainPosition(month: first, chainID: estate.settings.chainID, previousSeal: nil)
            )
            let pdfSeconds = seconds(clock.now - pdfStart)

            print("sealed \(months) months of \(estate.settings.name) in \(format(sealSeconds)) s")
            print(
                "compliance-report.pdf of \(first): \(String(format: "%.3f", pdfSeconds)) s to render from the CSVs, "
                    + "\(pdf.count) bytes"
            )
            print(
                "verify:    \(format(megabytes / verifySeconds)) MB/s, \(format(Double(report.rowsChecked) / verifySeconds)) rows/s "
                    + "(\(format(megabytes)) MB, \(report.rowsChecked) rows in \(format(verifySeconds)) s, Merkle roots included)"
            )
            print("sha256sum: \(sha.status == 0 ? format(megabytes / shaSeconds) : "n/a") MB/s over the same files")
            print("openssl speed -evp sha256, 16 KB blocks: \(peak.map { format($0) } ?? "n/a") MB/s on one core")
            if let peak {
                print(
                    "verify / openssl peak: \(format(megabytes / verifySeconds / peak * 100)) %; "
                        + "verify / sha256sum: \(format(shaSeconds / verifySeconds))x"
                )
            }
        }
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Runs a program with an empty signal mask and default signal handlers (`openssl speed` times itself with
    /// SIGALRM, which the threads of this process block), its output going to a scratch file; returns its exit
    /// status, its output and its peak resident memory.
    func command(
        _ path: String,
        _ arguments: [String],
        in folder: URL
    ) throws -> (status: Int32, output: String, peakKilobytes: Int) {
        let output = folder.appendingPathComponent(".benchmark-output-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw IOFailure(description: "cannot run \(arguments.first ?? path) (error \(spawned))")
        }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, text, usage.ru_maxrss)
    }

    /// This process's peak resident memory (`VmHWM` of /proc/self/status), in kilobytes; 0 where unknown.
    func peakResidentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// The 16384-byte column of `openssl speed`'s table, in MB/s (OpenSSL prints thousands of bytes per second).
    func opensslPeak(_ output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("sha256") {
            if let last = line.split(separator: " ").last, last.hasSuffix("k"), let value = Double(last.dropLast()) {
                return value / 1000
            }
        }
        return nil
    }
}
