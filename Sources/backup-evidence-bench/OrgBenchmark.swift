internal import ArgumentParser
internal import EvidenceCLI
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceReports
internal import EvidenceStore
internal import Foundation

/// `backup-evidence-bench org`: our whole `simulate` process against DuckDB over the CSVs it writes.
struct OrgBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Time `simulate` on organizations of org-estate's shapes against DuckDB reading its CSVs.",
        discussion: """
            For each size, writes an organization in org-estate's file shapes with \
            `Tools/generate-scenarios.py --out` into a scratch folder (or takes the folder of --scenario), then runs, alternating, the whole \
            `backup-evidence simulate` process and DuckDB (Tools/bench_duckdb.py: the six CSVs loaded as the \
            tables `query` builds, then the seed query), and prints for each side wall time, CPU time (user + \
            system), peak resident memory and the ratio ours / DuckDB (medians of the runs; peak: the largest). \
            Run from the repository root with a release build: \(releaseBuild). Python is \
            .venv/bin/python3 when it exists, else python3 on PATH; it needs duckdb (pip install duckdb).
            """
    )

    @Option(help: "An existing scenario folder to measure instead of generated ones (such as scenarios/org-estate).")
    var scenario: String?

    @Option(help: "Resources in the organization, one run of the comparison per size (comma-separated).")
    var resources = "1000,10000,100000"

    @Option(help: "Accounts per size, comma-separated (default: 4, or one per 333 resources as org-estate).")
    var accounts: String?

    @Option(help: "Runs of each side per size, alternating.")
    var runs = 3

    @Option(help: "A child whose resident memory passes this many GiB is stopped, and reported so.")
    var memoryLimitGib = 16.0

    @Option(help: "Scratch folder (replaced); each size's estate and CSVs are removed after it unless --keep.")
    var work = ".build/bench-org"

    @Flag(help: "Keep each size's estate and CSVs in the scratch folder.")
    var keep = false

    @Option(help: "The backup-evidence executable (default: the one beside this tool).")
    var backupEvidence: String?

    func run() throws {
        try withExitStatuses {
            let sizes = try Self.integers(resources, "--resources")
            let accountCounts =
                try accounts.map { try Self.integers($0, "--accounts") } ?? sizes.map { max(4, ($0 + 166) / 333) }
            guard accountCounts.count == sizes.count else {
                throw ValidationError("--accounts: one count per size of --resources (\(sizes.count))")
            }
            guard runs > 0 else { throw ValidationError("--runs: at least 1") }
            let executable =
                backupEvidence
                ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("backup-evidence").path
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw IOFailure(description: "\(executable): not found; build it (\(releaseBuild))")
            }
            let python =
                FileManager.default.isExecutableFile(atPath: ".venv/bin/python3")
                ? URL(fileURLWithPath: ".venv/bin/python3").path : ChildProcess.onPath("python3")
            guard let python else { throw IOFailure(description: "python3: not found on PATH") }
            for script in ["Tools/generate-scenarios.py", "Tools/bench_duckdb.py"]
            where !FileManager.default.fileExists(atPath: script) {
                throw IOFailure(description: "\(script): not found; run from the repository root")
            }
            #if DEBUG
            printNote("warning: a debug build; measure with a release build (\(releaseBuild))")
            #endif
            let root = URL(fileURLWithPath: work)
            try? FileManager.default.removeItem(at: root)
            let limit = Int(memoryLimitGib * 1024 * 1024)
            var table: [String] = []
            if let scenario {
                let folder = root.appendingPathComponent("scenario")
                table.append(
                    try measure(
                        existing: URL(fileURLWithPath: scenario),
                        folder: folder,
                        executable: executable,
                        python: python,
                        limit: limit
                    )
                )
                if !keep { try? FileManager.default.removeItem(at: folder) }
            }
            for (size, accountCount) in zip(sizes, accountCounts) where scenario == nil {
                let folder = root.appendingPathComponent("\(size)")
                let measured = try measure(
                    size: size,
                    accounts: accountCount,
                    folder: folder,
                    executable: executable,
                    python: python,
                    limit: limit
                )
                table.append(measured)
                if !keep { try? FileManager.default.removeItem(at: folder) }
            }
            print("")
            print(
                "| resources (accounts) | report rows | CSV bytes | simulate wall | CPU | peak RSS "
                    + "| DuckDB wall | CPU | peak RSS | ratio (wall) | ratio (CPU) |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|---|")
            for line in table { print(line) }
        }
    }

    /// One size: generate, then alternate the two sides; returns the size's row of the summary table.
    func measure(
        size: Int,
        accounts: Int,
        folder: URL,
        executable: String,
        python: String,
        limit: Int
    ) throws -> String {
        let scenario = folder.appendingPathComponent("scenario")
        print("== \(size) resources, \(accounts) accounts")
        let generated = try ChildProcess.run(
            python,
            [
                "Tools/generate-scenarios.py", "--out", scenario.path, "--resources", "\(size)", "--accounts",
                "\(accounts)",
            ],
            in: folder
        )
        guard generated.status == 0 else {
            throw IOFailure(description: "generate-scenarios.py failed: \(generated.output)")
        }
        print("generated in \(format(generated.wallSeconds)) s: \(generated.output.trimmingCharacters(in: .newlines))")
        return try compare(
            scenario: scenario,
            label: "\(size) (\(accounts))",
            folder: folder,
            executable: executable,
            python: python,
            limit: limit
        )
    }

    /// An existing scenario folder: alternate the two sides; returns its row of the summary table.
    func measure(existing scenario: URL, folder: URL, executable: String, python: String, limit: Int) throws -> String {
        let estate = try ScenarioReader.read(folder: scenario.path)
        let accounts = estate.settings.accounts.count
        print("== \(scenario.path): \(estate.resources.count) resources, \(accounts) accounts")
        return try compare(
            scenario: scenario,
            label: "\(estate.resources.count) (\(accounts))",
            folder: folder,
            executable: executable,
            python: python,
            limit: limit
        )
    }

    /// Runs `simulate` on `scenario` and DuckDB on its CSVs, alternating; returns the summary table's row.
    func compare(
        scenario: URL,
        label: String,
        folder: URL,
        executable: String,
        python: String,
        limit: Int
    ) throws -> String {
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let month = try Self.month(of: scenario)
        let spec = folder.appendingPathComponent("duckdb-spec.json")
        try Data(Self.duckDBSpec(reports: out.appendingPathComponent("reports"), month: month)).write(to: spec)

        var ours: [ChildRun] = []
        var duckDB: [ChildRun] = []
        for run in 1...runs {
            // Each run writes a new folder, as a first run does: replacing the last run's output is not timed.
            try? FileManager.default.removeItem(at: out)
            let simulated = try ChildProcess.run(
                executable,
                ["simulate", "--scenario", scenario.path, "--out", out.path],
                in: folder,
                memoryLimitKilobytes: limit
            )
            if simulated.stoppedAtLimit {
                print(
                    "\(run) ours:   stopped at \(gib(simulated.peakKilobytes)) after \(format(simulated.wallSeconds)) s"
                )
                return "| \(label) | | | stopped at \(format(memoryLimitGib)) GiB | | | | | | | |"
            }
            guard simulated.status == 0 else {
                throw IOFailure(description: "simulate exited with \(simulated.status): \(simulated.output)")
            }
            print("\(run) ours:   \(Self.describe(simulated))")
            ours.append(simulated)
            let queried = try ChildProcess.run(python, ["Tools/bench_duckdb.py", spec.path], in: folder)
            if queried.stoppedAtLimit {
                print("\(run) DuckDB: stopped at \(gib(queried.peakKilobytes))")
                break
            }
            guard queried.status == 0 else {
                throw IOFailure(
                    description: "bench_duckdb.py exited with \(queried.status) (needs duckdb: "
                        + "pip install duckdb): \(queried.output)"
                )
            }
            print("\(run) DuckDB: \(Self.describe(queried))")
            if run == 1 { print(Self.answer(queried.output)) }
            duckDB.append(queried)
        }
        let (rows, bytes) = try Self.csvSize(out.appendingPathComponent("reports"))
        let oursWall = Self.median(ours.map(\.wallSeconds))
        let oursCPU = Self.median(ours.map(\.cpuSeconds))
        let oursPeak = ours.map(\.peakKilobytes).max() ?? 0
        guard !duckDB.isEmpty else {
            return "| \(label) | \(rows) | \(bytes) | \(format(oursWall)) s | \(format(oursCPU)) s "
                + "| \(gib(oursPeak)) | stopped | | | | |"
        }
        let duckWall = Self.median(duckDB.map(\.wallSeconds))
        let duckCPU = Self.median(duckDB.map(\.cpuSeconds))
        let duckPeak = duckDB.map(\.peakKilobytes).max() ?? 0
        print(
            "\(label): \(rows) report rows, \(bytes) bytes of CSV; ours / DuckDB: wall "
                + "\(String(format: "%.2f", oursWall / duckWall))x, CPU \(String(format: "%.2f", oursCPU / duckCPU))x"
        )
        return "| \(label) | \(rows) | \(bytes) | \(format(oursWall)) s | \(format(oursCPU)) s "
            + "| \(gib(oursPeak)) | \(format(duckWall)) s | \(format(duckCPU)) s | \(gib(duckPeak)) "
            + "| \(String(format: "%.2f", oursWall / duckWall)) | \(String(format: "%.2f", oursCPU / duckCPU)) |"
    }

    /// The seed query (Tests/EvidenceCLITests/QueryTests.swift), for the month of the estate.
    static func seedQuery(_ month: Month) -> String {
        """
        SELECT control_name, SUM(CASE WHEN compliance_status='NON_COMPLIANT' THEN 1 ELSE 0 END) AS non_compliant, \
        COUNT(*) AS total FROM backup_resources_compliance WHERE year=\(month.year) AND \
        month='\(month.month < 10 ? "0" : "")\(month.month)' GROUP BY control_name ORDER BY non_compliant DESC;
        """
    }

    /// The spec of Tools/bench_duckdb.py: each report's file, with `query`'s table and column names.
    static func duckDBSpec(reports: URL, month: Month) -> [UInt8] {
        let tables = ReportTemplate.allCases.compactMap { template -> JSONValue? in
            guard let table = EvidenceStore.table(template.fileName) else { return nil }
            return .object([
                "table": .string(table),
                "path": .string(reports.appendingPathComponent(template.fileName).path),
                "columns": .array(template.columns.map { .string(EvidenceStore.column($0.header)) }),
            ])
        }
        return CanonicalJSON.encode(
            .object([
                "tables": .array(tables),
                "year": .number("\(month.year)"),
                "month": .string(month.month < 10 ? "0\(month.month)" : "\(month.month)"),
                "query": .string(seedQuery(month)),
            ])
        )
    }

    /// The month of the generated scenario.json.
    static func month(of scenario: URL) throws -> Month {
        let path = scenario.appendingPathComponent("scenario.json").path
        guard let data = FileManager.default.contents(atPath: path),
            case .object(let settings) = try JSONParser.parse([UInt8](data)),
            case .string(let text) = settings["month"], let month = Month(text)
        else { throw IOFailure(description: "\(path): expected a scenario.json with a month") }
        return month
    }

    /// Records (header rows excluded) and bytes of the CSV files of a folder; a record ends at a line feed outside
    /// quotes.
    static func csvSize(_ folder: URL) throws -> (rows: Int, bytes: Int) {
        var rows = 0
        var bytes = 0
        for template in ReportTemplate.allCases {
            guard let handle = FileHandle(forReadingAtPath: folder.appendingPathComponent(template.fileName).path)
            else { continue }
            defer { try? handle.close() }
            var quoted = false
            var records = 0
            while let chunk = try handle.read(upToCount: 1 << 24), !chunk.isEmpty {
                bytes += chunk.count
                for byte in chunk {
                    if byte == UInt8(ascii: "\"") {
                        quoted.toggle()
                    } else if byte == UInt8(ascii: "\n") && !quoted {
                        records += 1
                    }
                }
            }
            rows += max(0, records - 1)
        }
        return (rows, bytes)
    }

    static func describe(_ run: ChildRun) -> String {
        "\(format(run.wallSeconds)) s wall, \(format(run.cpuSeconds)) s CPU, peak \(gib(run.peakKilobytes))"
    }

    /// DuckDB's answer to the seed query, one line per control.
    static func answer(_ output: String) -> String {
        guard let line = output.split(separator: "\n").last,
            case .array(let rows) = try? JSONParser.parse(Array(line.utf8))
        else { return "  (no answer)" }
        return rows.map { row in
            guard case .array(let cells) = row else { return "" }
            return "  "
                + cells.map { cell in if case .string(let text) = cell { text } else { "" } }
                .joined(separator: " ")
        }.joined(separator: "\n")
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func integers(_ text: String, _ option: String) throws -> [Int] {
        try text.split(separator: ",").map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("\(option): expected positive integers separated by commas, found '\(text)'")
            }
            return value
        }
    }
}

/// Kilobytes as MiB below 1 GiB, else GiB.
func gib(_ kilobytes: Int) -> String {
    kilobytes < 1024 * 1024
        ? "\(Int((Double(kilobytes) / 1024).rounded())) MiB" : String(format: "%.2f GiB", Double(kilobytes) / 1_048_576)
}
