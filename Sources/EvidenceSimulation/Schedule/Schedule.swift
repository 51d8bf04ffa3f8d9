public import EvidenceModel
internal import Foundation

/// A rule's schedule: a cron expression read in a time zone.
///
/// Firings are computed on local calendar days and converted to UTC. Around daylight-saving changes a local
/// time that does not exist (the hour the clocks skip in spring) does not fire, and a local time that occurs
/// twice fires once, at its first occurrence, as EventBridge Scheduler documents (Docs/ASSUMPTIONS.md A27).
public struct Schedule: Hashable, Sendable {
    public let cron: CronExpression
    public let timeZoneIdentifier: String
    /// nil for UTC, whose offset is always zero.
    private let timeZone: TimeZone?

    public init(expression: String, timeZone identifier: String = "UTC") throws(ScheduleError) {
        cron = try CronExpression(expression)
        guard let zone = identifier == "UTC" ? TimeZone(identifier: "UTC") : TimeZone(identifier: identifier) else {
            throw ScheduleError(expression: expression, message: "'\(identifier)' is not an IANA time zone name")
        }
        timeZoneIdentifier = identifier
        timeZone = zone
    }

    public static func == (lhs: Schedule, rhs: Schedule) -> Bool {
        lhs.cron == rhs.cron && lhs.timeZoneIdentifier == rhs.timeZoneIdentifier
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cron)
        hasher.combine(timeZoneIdentifier)
    }

    private func offsetSeconds(at instant: Instant) -> Int64 {
        guard let timeZone, timeZoneIdentifier != "UTC" else { return 0 }
        let date = Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000)
        return Int64(timeZone.secondsFromGMT(for: date))
    }

    /// The UTC instant of a local civil time in this zone: the first when it occurs twice, nil when the clocks
    /// skip it.
    func instant(ofLocal local: Instant) -> Instant? {
        if timeZoneIdentifier == "UTC" { return local }
        let before = offsetSeconds(at: local.adding(seconds: -43_200))
        let after = offsetSeconds(at: local.adding(seconds: 43_200))
        let candidates = Set([before, after].map { local.adding(seconds: -$0) }).sorted()
        return candidates.first { offsetSeconds(at: $0) * 1000 == local.milliseconds - $0.milliseconds }
    }

    /// Every firing in `[from, to)`, ascending, in UTC.
    public func firings(from: Instant, to: Instant) -> [Instant] {
        guard from < to else { return [] }
        let times = cron.timesOfDay
        guard !times.isEmpty else { return [] }
        // Local days that can hold a firing in [from, to): widen by a day on each side for any offset.
        let firstDay = from.adding(days: -1).milliseconds / 86_400_000
        let lastDay = to.adding(days: 1).milliseconds / 86_400_000
        var out: [Instant] = []
        var day = firstDay
        while day <= lastDay {
            let date = CivilDateTime(instant: Instant(milliseconds: day * 86_400_000))
            if cron.matchesDay(year: date.year, month: date.month, day: date.day) {
                for minute in times {
                    let local = Instant(milliseconds: day * 86_400_000 + Int64(minute) * 60_000)
                    guard let utc = instant(ofLocal: local) else { continue }
                    if utc >= from, utc < to, out.last.map({ $0 < utc }) ?? true { out.append(utc) }
                }
            }
            day += 1
        }
        return out
    }

    /// The schedule's nominal period over `[from, to)`, in minutes; nil with fewer than two firings.
    ///
    /// It is the longest gap between consecutive firings on the local wall clock of the rule's own time zone, so
    /// that daylight-saving changes (a 23- or 25-hour day, a firing skipped in the spring gap) do not count: a rule
    /// AWS calls daily is 24 hours apart all year (Docs/ASSUMPTIONS.md A13).
    public func nominalPeriodMinutes(from: Instant, to: Instant) -> Int? {
        guard from < to else { return nil }
        let localFrom = from.adding(seconds: offsetSeconds(at: from))
        let localTo = to.adding(seconds: offsetSeconds(at: to))
        let wallClock = Schedule(cron: cron)
        let all = wallClock.firings(from: localFrom, to: localTo)
        guard all.count >= 2 else { return nil }
        var gap: Int64 = 0
        for i in 1..<all.count { gap = max(gap, all[i].milliseconds - all[i - 1].milliseconds) }
        return Int(gap / 60_000)
    }

    /// The same cron expression read on a clock without offsets (local civil time as UTC).
    private init(cron: CronExpression) {
        self.cron = cron
        timeZoneIdentifier = "UTC"
        timeZone = nil
    }
}
