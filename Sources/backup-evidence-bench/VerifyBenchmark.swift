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
            Seals --months consecutive months of the scenario into a scratch folder with a key made for the run, \
            then times verify (Merkle roots included), `sha256sum` over the same files, and \
            `openssl speed -evp sha256` on 16 KB blocks. Use a release build: swift build -c release.
            """
    )

    @Option(help: "Scenario folder.")
    var scenario = "scenarios/org-estate"

    @Option(help: "How many consecutive months to seal, from the scenario's month.")
    var months = 12

    @Option(help: "Scratch folder for the sealed months (replaced).")
    var work = ".build/benchmark-evidence"

    func run() throws {
        try withExitStatuses {
            let estate = try ScenarioReader.read(folder: scenario)
            let root = URL(fileURLWithPath: work)
            try? FileManager.default.removeItem(at: root)
            let key = try Ed25519PrivateKey.generate()
            let ledger = Ledger(root: root)
            let inputs = try BenchMonth.inputs(scenario: scenario)
            var month = estate.settings.month
            let clock = ContinuousClock()
            let sealStart = clock.now
            for _ in 0..<months {
                let reports = try BenchMonth.reports(estate, month: month)
                let position = ChainPosition(
                    month: month,
                    chainID: estate.settings.chainID,
                    previousSeal: ledger.entries().last?.seal
                )
                let files = try BenchMonth.sealedFiles(reports, position: position, inputs: inputs)
                try ledger.seal(
                    SealRequest(
                        period: month,
                        files: files,
                        dataAsOf: month.end,
                        chainID: estate.settings.chainID,
                        key: key,
                        generatorVersion: BenchMonth.generatorVersion
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
            let firstReports = try BenchMonth.reports(estate, month: first)
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

    /// Runs a program found by /usr/bin/env and returns its exit status and output.
    func command(_ path: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let run = try ChildProcess.run(path, arguments, in: folder)
        return (run.status, run.output)
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
