internal import ArgumentParser
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceReports
internal import Foundation

/// Options shared by the commands that run a scenario's month.
struct MonthOptions: ParsableArguments {
    @Option(help: "Month to run, YYYY-MM (default: the scenario's month).")
    var month: String?

    @Option(help: "Evaluation instant, ISO-8601 (default: the first instant after the month).")
    var asOf: String?

    func resolve(_ estate: Estate) throws -> (Month, Instant?) {
        var month = estate.settings.month
        if let text = self.month {
            guard let parsed = Month(text) else { throw ValidationError("--month: expected YYYY-MM, found '\(text)'") }
            month = parsed
        }
        var asOf: Instant?
        if let text = self.asOf {
            guard let parsed = Instant(iso8601: text) else {
                throw ValidationError(
                    "--as-of: expected an ISO-8601 instant such as 2028-04-01T00:00:00Z, found '\(text)'"
                )
            }
            asOf = parsed
        }
        return (month, asOf)
    }
}

/// Computes one month's reports for a scenario and returns the files of the `reports/` folder.
func computeReports(scenario: String, options: MonthOptions) throws -> (Month, [String: [UInt8]]) {
    let estate = try ScenarioReader.read(folder: scenario)
    let (month, asOf) = try options.resolve(estate)
    let reports = try MonthlyReports.compute(estate: estate, month: month, asOf: asOf)
    var files: [String: [UInt8]] = [:]
    for (name, bytes) in reports.files { files["reports/\(name)"] = bytes }
    return (month, files)
}

struct Monthly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the month for a scenario and write evidence/<YYYY-MM>/reports/.",
        discussion: "With no flags, runs scenarios/org-estate for its month into ./evidence."
    )

    @Option(help: "Scenario folder.")
    var scenario = "scenarios/org-estate"

    @Option(help: "Evidence folder; the month is written to <evidence>/<YYYY-MM>/.")
    var evidence = "evidence"

    @OptionGroup var monthOptions: MonthOptions

    func run() throws {
        try withExitStatuses {
            let (month, files) = try computeReports(scenario: scenario, options: monthOptions)
            let destination = URL(fileURLWithPath: evidence).appendingPathComponent(month.description)
            try AtomicFolder.write(files, to: destination, replace: true)
            print("wrote \(destination.path)/reports (\(files.count) reports)")
        }
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write <out>/reports/<TEMPLATE>.csv for any scenario, without sealing."
    )

    @Option(help: "Scenario folder.")
    var scenario: String

    @Option(help: "Output folder; its reports/ subfolder is replaced.")
    var out: String

    @OptionGroup var monthOptions: MonthOptions

    func run() throws {
        try withExitStatuses {
            let (_, files) = try computeReports(scenario: scenario, options: monthOptions)
            var stripped: [String: [UInt8]] = [:]
            for (name, bytes) in files { stripped[String(name.dropFirst("reports/".count))] = bytes }
            try AtomicFolder.write(
                stripped,
                to: URL(fileURLWithPath: out).appendingPathComponent("reports"),
                replace: true
            )
        }
    }
}
