internal import ArgumentParser
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

/// Options shared by the commands that run a scenario's month.
struct MonthOptions: ParsableArguments {
    @Option(help: "Month to run, YYYY-MM (default: the scenario's month).")
    var month: String?

    @Option(help: "Evaluation instant, ISO-8601 (default: the first instant after the month).")
    var asOf: String?

    /// A month or instant that does not parse is a usage error of the command, refused before any work.
    func validate() throws { _ = try parse() }

    func resolve(_ estate: Estate) throws -> (Month, Instant?) {
        let (month, asOf) = try parse()
        return (month ?? estate.settings.month, asOf)
    }

    /// The month and as-of instant given, each nil when not given.
    func parse() throws -> (Month?, Instant?) {
        var month: Month?
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

/// Scratch space for a month's reports while they are written: the system's temporary folder.
func scratchFolder() -> URL { FileManager.default.temporaryDirectory }
