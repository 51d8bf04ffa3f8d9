public import EvidenceModel
internal import Foundation

/// A rule's schedule: a cron expression read in a time zone.
///
/// Firings are computed on local calendar days and converted to UTC. Around daylight-saving changes a local
/// time that does not exist fires as if the clock had not yet moved (so it lands after the jump), and a local
/// time that occurs twice fires once, at its first occurrence (Docs/ASSUMPTIONS.md).
public struct Schedule: Hashable, Sendable {
    public let cron: CronExpression
    public let timeZoneIdentifier: String
    private let timeZone: TimeZone

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
        if timeZoneIdentifier == "UTC" { return 0 }
        let date = Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000)
        return Int64(timeZone.secondsFromGMT(for: date))
    }

    /// The UTC instant of a local civil time in this zone.
    func instant(ofLocal local: Instant) -> Instant {
        if timeZoneIdentifier == "UTC" { return local }
        let before = offsetSeconds(at: local.adding(seconds: -43_200))
        let after = offsetSeconds(at: local.adding(seconds: 43_200))
        let candidates = [before, after].map { local.adding(seconds: -$0) }.sorted()
        for (candidate, offset) in zip(candidates, candidates.map { local.milliseconds - $0.milliseconds })
        where offsetSeconds(at: candidate) * 1000 == offset {
            return candidate
        }
        return local.adding(seconds: -before)
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
                    let utc = instant(ofLocal: local)
                    if utc >= from, utc < to, out.last.map({ $0 < utc }) ?? true { out.append(utc) }
                }
            }
            day += 1
        }
        return out
    }

    /// The longest gap between consecutive firings over `[from, to)`, in minutes; nil with fewer than two.
    public func largestGapMinutes(from: Instant, to: Instant) -> Int? {
        let all = firings(from: from, to: to)
        guard all.count >= 2 else { return nil }
        var gap: Int64 = 0
        for i in 1..<all.count { gap = max(gap, all[i].milliseconds - all[i - 1].milliseconds) }
        return Int(gap / 60_000)
    }
}
