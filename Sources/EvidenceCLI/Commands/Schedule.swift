internal import ArgumentParser
internal import EvidenceModel
internal import EvidenceSimulation

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print the firing instants of an AWS Backup cron schedule in [from, to), one per line, in UTC.",
        discussion: """
            Rejects what AWS Backup rejects (rate() expressions, a minute field other than a single value, more \
            than one run an hour). --from must not be after --to.

            Examples:
              $ backup-evidence schedule 'cron(0 5 ? * * *)' \\
                  --from 2028-03-01T00:00:00Z --to 2028-03-04T00:00:00Z
              $ backup-evidence schedule 'cron(0 1 ? * SUN *)' --timezone Europe/Paris \\
                  --from 2028-03-01T00:00:00Z --to 2028-04-01T00:00:00Z --format json

            Exit status: 0 printed; 2 an expression AWS Backup rejects or an unknown time zone; 64 usage error \
            (an instant that does not parse, --from after --to).
            """
    )

    @Argument(help: "The schedule expression, such as 'cron(0 5 ? * * *)'.")
    var expression: String

    @Option(help: "Start of the interval, ISO-8601 (inclusive).")
    var from: String

    @Option(help: "End of the interval, ISO-8601 (exclusive).")
    var to: String

    @Option(help: "IANA time zone of the schedule.")
    var timezone = "UTC"

    @OptionGroup var output: FormatOptions<TextOrJSON>

    func validate() throws { _ = try interval() }

    /// The interval given, or a usage error naming the option at fault.
    func interval() throws -> (start: Instant, end: Instant) {
        guard let start = Instant(iso8601: from) else {
            throw ValidationError("--from: expected an ISO-8601 instant such as 2028-03-01T00:00:00Z, found '\(from)'")
        }
        guard let end = Instant(iso8601: to) else {
            throw ValidationError("--to: expected an ISO-8601 instant such as 2028-04-01T00:00:00Z, found '\(to)'")
        }
        guard start <= end else {
            throw ValidationError("--from \(from) is after --to \(to); the interval [from, to) would be empty")
        }
        return (start, end)
    }

    func run() throws {
        try withExitStatuses {
            let (start, end) = try interval()
            let schedule = try Schedule(expression: expression, timeZone: timezone)
            let firings = schedule.firings(from: start, to: end).map(\.iso8601)
            switch output.format {
            case .text:
                try StandardOutput.write(firings.map { $0 + "\n" }.joined())
            case .json:
                try JSONOutput.print(
                    .object([
                        "expression": .string(expression), "firings": .array(firings.map(JSONValue.string)),
                        "from": .string(start.iso8601), "time_zone": .string(timezone), "to": .string(end.iso8601),
                    ])
                )
            }
        }
    }
}
