import EvidenceModel
import EvidenceSimulation
import Testing

@Suite("Cron schedules")
struct ScheduleTests {
    static func firings(_ expression: String, _ from: String, _ to: String, zone: String = "UTC") throws -> [String] {
        let schedule = try Schedule(expression: expression, timeZone: zone)
        guard let start = Instant(iso8601: from), let end = Instant(iso8601: to) else { fatalError("bad instants") }
        return schedule.firings(from: start, to: end).map(\.iso8601)
    }

    @Test("Daily at 05:00 UTC")
    func daily() throws {
        #expect(
            try Self.firings("cron(0 5 ? * * *)", "2028-03-01T00:00:00Z", "2028-03-03T06:00:00Z") == [
                "2028-03-01T05:00:00Z", "2028-03-02T05:00:00Z", "2028-03-03T05:00:00Z",
            ]
        )
    }

    @Test("Monthly on the first, hourly at half past, last day and weekdays")
    func fieldForms() throws {
        #expect(try Self.firings("cron(0 7 1 * ? *)", "2028-01-15T00:00:00Z", "2028-04-15T00:00:00Z").count == 3)
        #expect(try Self.firings("cron(30 * ? * * *)", "2028-03-01T00:00:00Z", "2028-03-02T00:00:00Z").count == 24)
        #expect(
            try Self.firings("cron(0 0 L * ? *)", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z") == [
                "2028-02-29T00:00:00Z"
            ]
        )
        // 2 = Monday: March 2028 has Mondays on the 6th, 13th, 20th and 27th.
        #expect(try Self.firings("cron(0 9 ? MAR MON 2028)", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z").count == 4)
        #expect(
            try Self.firings("cron(0 9 ? * 2#2 *)", "2028-03-01T00:00:00Z", "2028-04-01T00:00:00Z") == [
                "2028-03-13T09:00:00Z"
            ]
        )
        #expect(
            try Self.firings("cron(0 9 ? * 6L *)", "2028-03-01T00:00:00Z", "2028-04-01T00:00:00Z") == [
                "2028-03-31T09:00:00Z"
            ]
        )
        // 2028-04-01 is a Saturday: 1W is Monday the 3rd.
        #expect(
            try Self.firings("cron(0 9 1W * ? *)", "2028-04-01T00:00:00Z", "2028-04-10T00:00:00Z") == [
                "2028-04-03T09:00:00Z"
            ]
        )
        #expect(try Self.firings("cron(0 0/6 ? * * *)", "2028-03-01T00:00:00Z", "2028-03-02T00:00:00Z").count == 4)
    }

    @Test("Time zones: 05:00 in New York is 10:00 UTC in winter and 09:00 UTC in summer")
    func timeZones() throws {
        #expect(
            try Self.firings(
                "cron(0 5 ? * * *)",
                "2028-03-10T00:00:00Z",
                "2028-03-14T00:00:00Z",
                zone: "America/New_York"
            ) == [
                "2028-03-10T10:00:00Z", "2028-03-11T10:00:00Z", "2028-03-12T09:00:00Z", "2028-03-13T09:00:00Z",
            ]
        )
    }

    @Test("A27: AWS's example cron(30 2 * * ? *) in America/Los_Angeles skips the spring-forward day")
    func springForwardSkipped() throws {
        // 2028-03-12 02:30 does not exist in Los Angeles (clocks jump from 02:00 PST to 03:00 PDT): no firing.
        #expect(
            try Self.firings(
                "cron(30 2 * * ? *)",
                "2028-03-11T00:00:00Z",
                "2028-03-14T00:00:00Z",
                zone: "America/Los_Angeles"
            ) == ["2028-03-11T10:30:00Z", "2028-03-13T09:30:00Z"]
        )
        // An hourly schedule: 00:00 PST is 08:00Z, 01:00 PST 09:00Z, 02:00 is skipped, 03:00 PDT is 10:00Z.
        #expect(
            try Self.firings(
                "cron(0 * * * ? *)",
                "2028-03-12T08:00:00Z",
                "2028-03-12T12:00:00Z",
                zone: "America/Los_Angeles"
            ) == ["2028-03-12T08:00:00Z", "2028-03-12T09:00:00Z", "2028-03-12T10:00:00Z", "2028-03-12T11:00:00Z"]
        )
    }

    @Test("A27: a local time that occurs twice in the fall fires once, at its first occurrence")
    func fallBackOnce() throws {
        // 2028-11-05 01:30 occurs twice in Los Angeles (PDT 08:30Z, then PST 09:30Z): one firing, at 08:30Z.
        #expect(
            try Self.firings(
                "cron(30 1 * * ? *)",
                "2028-11-04T00:00:00Z",
                "2028-11-07T00:00:00Z",
                zone: "America/Los_Angeles"
            ) == ["2028-11-04T08:30:00Z", "2028-11-05T08:30:00Z", "2028-11-06T09:30:00Z"]
        )
        // The same in New York.
        #expect(
            try Self.firings(
                "cron(30 1 ? * * *)",
                "2028-11-04T00:00:00Z",
                "2028-11-07T00:00:00Z",
                zone: "America/New_York"
            ) == ["2028-11-04T05:30:00Z", "2028-11-05T05:30:00Z", "2028-11-06T06:30:00Z"]
        )
    }

    @Test(
        "AWS's rejections",
        arguments: [
            ("cron(0 5 * * * *)", "one of Day-of-month and Day-of-week must be '?'"),
            ("cron(0 5 ? * ? *)", "only one of Day-of-month and Day-of-week may be '?'"),
            ("cron(0 5 ? * *)", "expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), found 5"),
            ("cron(0/30 * ? * * *)", "runs more often than once an hour; AWS Backup allows at most hourly backups"),
            ("cron(60 5 ? * * *)", "Minutes field '60': values must be within 0-59"),
            ("cron(0 5 ? * 8 *)", "Day-of-week field '8': values must be within 1-7"),
            ("rate(1 day)", "rate() expressions are not accepted by AWS Backup; use cron()"),
        ]
    )
    func rejections(expression: String, message: String) {
        #expect(throws: ScheduleError(expression: expression, message: message)) {
            _ = try Schedule(expression: expression)
        }
    }

    @Test("A13: the nominal period is read on the rule's own wall clock, so a daily rule is daily all year")
    func nominalPeriod() throws {
        let from = try #require(Instant(iso8601: "2028-03-01T00:00:00Z"))
        let to = from.adding(days: 400)
        func period(_ expression: String, _ zone: String = "UTC") throws -> Int? {
            try Schedule(expression: expression, timeZone: zone).nominalPeriodMinutes(from: from, to: to)
        }
        for zone in ["UTC", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney"] {
            #expect(try period("cron(0 5 ? * * *)", zone) == 1440)
            // AWS's example fires in the skipped hour once a year: still daily.
            #expect(try period("cron(30 2 * * ? *)", zone) == 1440)
            #expect(try period("cron(30 * ? * * *)", zone) == 60)
            #expect(try period("cron(0 7 1 * ? *)", zone) == 31 * 1440)
            #expect(try period("cron(0 3 ? * SUN *)", zone) == 7 * 1440)
        }
        // A year field ends the schedule: the period is over the firings the horizon holds.
        #expect(try period("cron(0 7 1 * ? 2028)") == 31 * 1440)
        #expect(try period("cron(0 7 1 1 ? 2029)") == nil)
    }
}
