internal import ArgumentParser
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every scenario and compare its reports with the golden copies.",
        discussion: """
            Each folder of --scenarios holding a scenario.json is run for its month; its reports are compared \
            with <golden>/<scenario>/<YYYY-MM>/reports/: the CSVs, and compliance-report.pdf rendered as the \
            first month of the scenario's chain. Differences are printed by row (resource, control, old and new \
            verdict); --update re-records the golden copies instead.

            Examples:
              $ backup-evidence check --scenarios scenarios --golden golden
              $ backup-evidence check --scenarios scenarios --golden golden \\
                  --junit check.xml

            Exit status: 0 every scenario matches; 1 a difference from golden; 2 a scenario that cannot be run, \
            or an I/O error; 64 usage error.
            """
    )

    @Option(help: "Folder of scenarios.")
    var scenarios: String

    @Option(help: "Folder of golden copies.")
    var golden: String

    @Flag(help: "Re-record the golden copies from this run.")
    var update = false

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @OptionGroup var output: FormatOptions<TextOrJSON>

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws { try withExitStatuses(checkAll) }

    /// Prints the lines of one scenario in the text format; the JSON format prints everything at the end.
    private func say(_ lines: [String]) throws(OutputFailure) {
        if output.format == .text { try StandardOutput.lines(lines) }
    }

    private func say(_ line: String) throws(OutputFailure) { try say([line]) }

    private func checkAll() throws {
        let root = URL(fileURLWithPath: scenarios)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/scenario.json").path)
        }
        guard !names.isEmpty else {
            printError("\(scenarios): no scenario folders (folders holding scenario.json)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        // What would be refused at the end is refused before any scenario runs.
        var isFolder: ObjCBool = false
        if !update, !FileManager.default.fileExists(atPath: golden, isDirectory: &isFolder) || !isFolder.boolValue {
            throw IOFailure(description: "\(golden): no such folder of golden copies (--update records them)")
        }
        if let junit { try requireParentFolder(of: junit, for: "--junit") }
        var checks: [ScenarioCheck] = []
        let progress = progressOptions.line("reading the scenarios")
        defer { progress?.finish() }
        for (index, name) in names.enumerated() {
            let folder = root.appendingPathComponent(name).path
            let prefix = "scenario \(index + 1)/\(names.count) \(name): "
            progress?.update(prefix + "reading")
            do {
                var pipeline = try MonthPipeline(scenario: folder)
                pipeline.progress = progress?.monthHandler(prefix: prefix)
                let (estate, month) = (pipeline.estate, pipeline.month)
                // The reports of the month as the first month of its chain: the CSVs and the PDF.
                let reports = try pipeline.reports(scratch: scratchFolder())
                    .withComplianceReport(
                        ChainPosition(month: month, chainID: estate.settings.chainID, previousSeal: nil)
                    )
                let goldenFolder = URL(fileURLWithPath: golden).appendingPathComponent("\(name)/\(month)/reports")
                if update {
                    try AtomicFolder.write(reports, to: goldenFolder, replace: true)
                    checks.append(ScenarioCheck(scenario: name, files: reports.keys.sorted(), differences: []))
                    try say("\(name): golden copy re-recorded")
                    continue
                }
                var expected: [String: [UInt8]] = [:]
                for file in (try? FileManager.default.contentsOfDirectory(atPath: goldenFolder.path)) ?? [] {
                    if let data = FileManager.default.contents(atPath: goldenFolder.appendingPathComponent(file).path) {
                        expected[file] = [UInt8](data)
                    }
                }
                let differences = GoldenComparison.compare(expected: expected, actual: reports)
                let files = Set(expected.keys).union(reports.keys).sorted()
                checks.append(ScenarioCheck(scenario: name, files: files, differences: differences))
                if differences.isEmpty {
                    try say("\(name): matches golden (\(files.count) reports)")
                } else {
                    try say(
                        ["\(name): \(differences.count) difference\(differences.count == 1 ? "" : "s") from golden"]
                            + differences.map { "  \($0)" }
                    )
                }
            } catch let error as OutputFailure {
                throw error
            } catch {
                let message = "\(error)"
                checks.append(ScenarioCheck(scenario: name, files: [], differences: [], error: message))
                try say("\(name): cannot run: \(message)")
            }
        }
        progress?.finish()
        if output.format == .json {
            let items = checks.map { check in
                let status =
                    check.error != nil
                    ? "error" : update ? "recorded" : check.differences.isEmpty ? "matches" : "differs"
                return JSONValue.object([
                    "scenario": .string(check.scenario), "status": .string(status),
                    "files": .array(check.files.map(JSONValue.string)),
                    "differences": .array(
                        check.differences.map { difference in
                            .object([
                                "file": .string(difference.file), "row": .string(difference.row),
                                "change": .string(difference.change),
                            ])
                        }
                    ),
                    "error": .optional(check.error),
                ])
            }
            try JSONOutput.print(.object(["scenarios": .array(items)]))
        }
        if let junit {
            do {
                try Data(JUnitReport.xml(checks).utf8).write(to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                printError("\(junit): cannot write the JUnit report: \(error.localizedDescription)")
                throw ExitCode(ExitStatus.invalidInput)
            }
        }
        if checks.contains(where: { $0.error != nil }) { throw ExitCode(ExitStatus.invalidInput) }
        if checks.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(ExitStatus.integrityFailure) }
    }
}
