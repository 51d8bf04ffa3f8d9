internal import ArgumentParser
internal import EvidenceCLI
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidenceReports
internal import Foundation

/// `backup-evidence-bench verify`: verify throughput over a year of sealed months.
struct VerifyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Measure verify throughput over a year of sealed months.",
        discussion: """
            Seals --months consecutive months of the scenario into a scratch folder with a key made for the run \
            (or takes the sealed chain of --evidence), then computes the machine's SHA-256 limit for that chain: \
            the messages verify hashes (every file, every row's Merkle leaf, every interior node, headers and \
            seals) costed at `openssl speed -evp sha256 -bytes N -multi <cores>` rates measured at the mix's own \
            sizes. It alternates --runs rounds of verify (Merkle roots included) and openssl, printing verify's \
            share of the limit in each, then the same per CPU-second against openssl on one core, and \
            `sha256sum` over the same files. Use a release build: \(releaseBuild).
            """
    )

    @Option(help: "Scenario folder.")
    var scenario = "scenarios/org-estate"

    @Option(help: "How many consecutive months to seal, from the scenario's month.")
    var months = 12

    @Option(help: "Scratch folder for the sealed months (replaced).")
    var work = ".build/benchmark-evidence"

    @Option(help: "Verify this sealed evidence folder instead of sealing months (nothing is written to it).")
    var evidence: String?

    @Option(help: "Rounds of verify, each followed by openssl at the mix's sizes.")
    var runs = 3

    @Option(help: "Seconds of `openssl speed` per message size.")
    var opensslSeconds = 1

    func run() throws {
        try withExitStatuses {
            guard runs >= 1, opensslSeconds >= 1 else {
                throw IOFailure(description: "--runs and --openssl-seconds: expected at least 1")
            }
            let ledger: Ledger
            var pinned: String?
            var first: (Estate, Month)?
            if let evidence {
                ledger = Ledger(root: URL(fileURLWithPath: evidence))
            } else {
                let (sealed, fingerprint, estate) = try seal()
                ledger = sealed
                pinned = fingerprint
                first = (estate, estate.settings.month)
            }
            let root = ledger.root
            let mix = try ledger.hashingMix()
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let lengths = Array(Set([65, 16384] + mix.leafLengths(atByteFractions: [0.1, 0.3, 0.5, 0.7, 0.9]))).sorted()
            print(describe(mix))
            print(
                "openssl speed -evp sha256 -seconds \(opensslSeconds) at "
                    + lengths.map { "\($0)" }.joined(separator: ", ") + " bytes; verify and openssl alternate"
            )

            var rounds: [(wall: Double, cpu: Double, limit: Double)] = []
            var bytesChecked = 0
            var rowsChecked = 0
            for round in 1...runs {
                let measured = try timeVerify(ledger, pinned: pinned)
                bytesChecked = measured.report.bytesChecked
                rowsChecked = measured.report.rowsChecked
                guard bytesChecked == mix.fileBytes, rowsChecked == mix.rows else {
                    throw IOFailure(description: "verify checked other files than the hashing mix counts")
                }
                let rates = try opensslRates(lengths, processes: cores)
                let limit = Double(mix.fileBytes) / HashingCost(rates: rates).seconds(mix) / 1e6
                let speed = Double(bytesChecked) / measured.wall / 1e6
                rounds.append((measured.wall, measured.cpu, limit))
                print(
                    "round \(round): verify \(format(speed)) MB/s (\(String(format: "%.3f", measured.wall)) s wall, "
                        + "\(String(format: "%.3f", measured.cpu)) s CPU); limit on \(cores) cores "
                        + "\(format(limit)) MB/s ("
                        + lengths.map { "\($0) B: \(format((rates[$0] ?? 0) / 1e6))" }
                        .joined(separator: ", ") + " MB/s); share \(format(speed / limit * 100)) %"
                )
            }
            let megabytes = Double(bytesChecked) / 1e6
            let shares = rounds.map { megabytes / $0.wall / $0.limit }.sorted()
            let best = rounds.map(\.wall).min() ?? 0
            print(
                "verify:    \(format(megabytes / best)) MB/s, \(format(Double(rowsChecked) / best)) rows/s at best "
                    + "(\(format(megabytes)) MB, \(rowsChecked) rows in \(String(format: "%.3f", best)) s, Merkle roots "
                    + "included)"
            )
            print(
                "verify's share of the hashing limit on \(cores) cores: median \(format(shares[shares.count / 2] * 100)) % "
                    + "of \(runs) rounds (each against the limit measured right after it)"
            )

            // Per CPU-second: independent of other load on the machine, blind to idle cores.
            let single = try opensslRates(lengths, processes: 1)
            let perCore = Double(mix.fileBytes) / HashingCost(rates: single).seconds(mix) / 1e6
            let cpu = rounds.map(\.cpu).sorted()[rounds.count / 2]
            print(
                "per CPU-second: verify \(format(megabytes / cpu)) MB/s (median), limit \(format(perCore)) MB/s "
                    + "(openssl on one core, user time): \(format(megabytes / cpu / perCore * 100)) %"
            )
            // The floor no per-message cost can beat: every block at the 16 KB rate. openssl's small-message rates
            // include EVP's set-up per digest, which verify's low-level SHA-256 does not pay.
            let blocksOnly = Double(mix.fileBytes) / (Double(mix.blocks * 64) / (single[16384] ?? 1)) / 1e6
            print(
                "per CPU-second, blocks only: \(mix.blocks) blocks of 64 bytes at the 16 KB rate allow "
                    + "\(format(blocksOnly)) MB/s; verify reaches \(format(megabytes / cpu / blocksOnly * 100)) %"
            )

            let files = ledger.entries().flatMap { entry in
                ((try? String(contentsOf: root.appendingPathComponent("\(entry.folder)/SHA256SUMS"), encoding: .utf8))
                    ?? "")
                    .split(separator: "\n").map {
                        root.appendingPathComponent("\(entry.folder)/\($0.dropFirst(66))").path
                    }
            }
            let clock = ContinuousClock()
            let shaStart = clock.now
            let sha = try command("/usr/bin/env", ["sha256sum"] + files, in: scratch)
            let shaSeconds = seconds(clock.now - shaStart)
            print(
                "sha256sum: \(sha.status == 0 ? format(megabytes / shaSeconds) : "n/a") MB/s over the same files; "
                    + "openssl speed -evp sha256, 16 KB blocks: \(format((single[16384] ?? 0) / 1e6)) MB/s on one core"
            )

            // The PDF of the first month, rendered alone from its reports.
            if let first {
                let (estate, month) = first
                let reports = try BenchMonth.reports(scenario: scenario, estate, month: month)
                let pdfStart = clock.now
                let pdf = try ComplianceReport.render(
                    reports: reports.files,
                    position: ChainPosition(month: month, chainID: estate.settings.chainID, previousSeal: nil)
                )
                print(
                    "compliance-report.pdf of \(month): \(String(format: "%.3f", seconds(clock.now - pdfStart))) s to "
                        + "render from the CSVs, \(pdf.count) bytes"
                )
            }
        }
    }

    /// Seals --months months of the scenario into --work; returns the ledger, the key's fingerprint and the estate.
    func seal() throws -> (Ledger, String, Estate) {
        let estate = try ScenarioReader.read(folder: scenario)
        let root = URL(fileURLWithPath: work)
        try? FileManager.default.removeItem(at: root)
        let key = try Ed25519PrivateKey.generate()
        let ledger = Ledger(root: root)
        var month = estate.settings.month
        let clock = ContinuousClock()
        let sealStart = clock.now
        for _ in 0..<months {
            // As `monthly` seals: the month written straight into the staging folder and sealed from disk.
            let staged = try ledger.stage(
                SealRequest(
                    period: month,
                    files: [:],
                    dataAsOf: month.end,
                    chainID: estate.settings.chainID,
                    key: key,
                    generatorVersion: BenchMonth.generatorVersion
                )
            )
            do {
                let position = ChainPosition(
                    month: month,
                    chainID: estate.settings.chainID,
                    previousSeal: staged.plan.tip?.seal
                )
                try BenchMonth.writeMonthFolder(scenario: scenario, estate, position: position, to: staged.folder)
                try staged.seal()
            } catch {
                staged.discard()
                throw error
            }
            month = month.next
        }
        print("sealed \(months) months of \(estate.settings.name) in \(format(seconds(clock.now - sealStart))) s")
        return (ledger, try key.publicKey().fingerprint().hex, estate)
    }

    /// One in-process verify of the whole chain: its report, wall seconds and CPU seconds (all threads).
    func timeVerify(_ ledger: Ledger, pinned: String?) throws -> (report: VerifyReport, wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let cpuStart = processCPUSeconds()
        let start = clock.now
        let report = try ledger.verify(VerifyOptions(expectedKeySHA256: pinned))
        let wall = seconds(clock.now - start)
        let cpu = processCPUSeconds() - cpuStart
        guard report.verdict == .verified else { throw IOFailure(description: "the benchmark chain did not verify") }
        return (report, wall, cpu)
    }

    /// `openssl speed -evp sha256` at each length, in bytes per second: with `-multi` for several processes (the
    /// sum of theirs, over elapsed time), or one process (over its user CPU time, openssl's default).
    func opensslRates(_ lengths: [Int], processes: Int) throws -> [Int: Double] {
        var rates: [Int: Double] = [:]
        for length in lengths {
            let arguments =
                ["openssl", "speed", "-mr", "-evp", "sha256", "-bytes", "\(length)", "-seconds", "\(opensslSeconds)"]
                + (processes > 1 ? ["-multi", "\(processes)"] : [])
            let run = try command("/usr/bin/env", arguments, in: scratch)
            guard run.status == 0, let rate = Self.opensslRate(run.output) else {
                throw IOFailure(description: "openssl speed -bytes \(length): no rate in its output")
            }
            rates[length] = rate
        }
        return rates
    }

    /// The rate of `openssl speed -mr`'s last `+F:<index>:sha256:<bytes per second>` line: with `-multi`, the
    /// parent's sum follows the children's own lines, which it prints prefixed with `Got:`.
    static func opensslRate(_ output: String) -> Double? {
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("+F:") && $0.contains(":sha256:") }
        return lines.last.flatMap { $0.split(separator: ":").last }.flatMap { Double($0) }
    }

    /// Where child processes write their output: never inside the evidence folder being verified.
    var scratch: URL { FileManager.default.temporaryDirectory }

    /// A one-line description of the mix.
    func describe(_ mix: HashingMix) -> String {
        let leafBytes = mix.leaves.reduce(0) { $0 + $1.key * $1.value }
        return "hashing mix: \(mix.files) files (\(format(Double(mix.fileBytes) / 1e6)) MB), \(mix.rows) leaves "
            + "(mean \(mix.rows > 0 ? leafBytes / mix.rows : 0) B), \(mix.nodes) interior nodes of 65 B, headers and "
            + "seals: \(mix.messageCount) messages, \(format(Double(mix.messageBytes) / 1e6)) MB"
    }

    /// User plus system time of this process, all threads.
    func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs a program found by /usr/bin/env and returns its exit status and output.
    func command(_ path: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let run = try ChildProcess.run(path, arguments, in: folder)
        return (run.status, run.output)
    }
}
