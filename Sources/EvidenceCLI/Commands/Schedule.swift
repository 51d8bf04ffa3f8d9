internal import ArgumentParser
internal import EvidenceModel
internal import EvidenceSimulation

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print the firing instants of an AWS Backup cron schedule in [from, to), one per line, in UTC."
    )

    @Argument(help: "The schedule expression, such as 'cron(0 5 ? * * *)'.")
    var expression: String

    @Option(help: "Start of the interval, ISO-8601 (inclusive).")
    var from: String

    @Option(help: "End of the interval, ISO-8601 (exclusive).")
    var to: String

    @Option(help: "IANA time zone of the schedule.")
    var timezone = "UTC"

    func run() throws {
        try withExitStatuses {
            guard let start = Instant(iso8601: from) else {
                throw ValidationError("--from: expected an ISO-8601 instant")
            }
            guard let end = Instant(iso8601: to) else { throw ValidationError("--to: expected an ISO-8601 instant") }
            let schedule = try Schedule(expression: expression, timeZone: timezone)
            var out = ""
            for instant in schedule.firings(from: start, to: end) { out += instant.iso8601 + "\n" }
            try StandardOutput.write(out)
        }
    }
}
