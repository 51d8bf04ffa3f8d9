/// A point in time: whole milliseconds since 1970-01-01T00:00:00Z, always UTC.
///
/// Instants never come from the wall clock; they are parsed from inputs or computed from other instants.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public func adding(minutes: Int) -> Instant { Instant(milliseconds: milliseconds + Int64(minutes) * 60_000) }

    public func adding(seconds: Int64) -> Instant { Instant(milliseconds: milliseconds + seconds * 1000) }

    public func adding(milliseconds delta: Int64) -> Instant { Instant(milliseconds: milliseconds + delta) }

    public func adding(days: Int) -> Instant { Instant(milliseconds: milliseconds + Int64(days) * 86_400_000) }

    /// The UTC civil date and time of this instant.
    public var civil: CivilDateTime { CivilDateTime(instant: self) }

    /// ISO-8601 UTC with whole seconds, such as `2028-03-01T05:00:00Z`.
    public var iso8601: String { civil.format(milliseconds: false) }

    /// ISO-8601 UTC with milliseconds, such as `2028-03-01T05:00:00.000Z`.
    public var iso8601Milliseconds: String { civil.format(milliseconds: true) }

    public var description: String { iso8601Milliseconds }

    /// Parses an ISO-8601 / RFC 3339 instant.
    ///
    /// Accepted: `2028-03-01T05:00:00Z`, with fractions of a second and with
    /// numeric offsets (`+00:00`, `-0700`); a space may stand for the `T`. Returns nil for anything else.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for i in index..<(index + count) {
                let b = bytes[i]
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            index += count
            return value
        }
        func expect(_ char: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == char else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else {
            return nil
        }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 else { return nil }
        index += 1
        guard let hour = digits(2), expect(58), let minute = digits(2) else { return nil }
        var second = 0
        var millis: Int64 = 0
        if expect(58) {
            guard let s = digits(2) else { return nil }
            second = s
            if expect(46) || expect(44) {
                var scale: Int64 = 100
                var any = false
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    millis += Int64(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        var offsetMinutes = 0
        if expect(90) || expect(122) {
            offsetMinutes = 0
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(58)
            guard let om = digits(2) else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        guard
            let civil = CivilDateTime(
                year: year,
                month: month,
                day: day,
                hour: hour,
                minute: minute,
                second: second
            )
        else { return nil }
        self = civil.instant.adding(milliseconds: millis - Int64(offsetMinutes) * 60_000)
    }
}

extension Instant {
    /// Parses the English date AWS's event streams sometimes print, `Jul 15, 2020 9:39:07 PM`, read as UTC.
    ///
    /// The month is a three-letter English abbreviation; the hour runs 1–12 with `AM` or `PM`. Returns nil for
    /// anything else (Docs/ASSUMPTIONS.md A47).
    public init?(awsEnglish text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 5, let monthIndex = months.firstIndex(of: String(parts[0])), parts[1].hasSuffix(","),
            let day = Int(parts[1].dropLast()), let year = Int(parts[2]), parts[2].count == 4
        else { return nil }
        let clock = parts[3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, let hour12 = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (1...12).contains(hour12), clock[1].count == 2, clock[2].count == 2
        else { return nil }
        let hour: Int
        switch parts[4] {
        case "AM": hour = hour12 == 12 ? 0 : hour12
        case "PM": hour = hour12 == 12 ? 12 : hour12 + 12
        default: return nil
        }
        guard
            let civil = CivilDateTime(
                year: year,
                month: monthIndex + 1,
                day: day,
                hour: hour,
                minute: minute,
                second: second
            )
        else { return nil }
        self = civil.instant
    }
}

/// A Gregorian date and time of day without a time zone.
public struct CivilDateTime: Hashable, Comparable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int

    /// Validates the fields; returns nil for dates such as 2028-02-30 or hour 24.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...12).contains(month), day >= 1, day <= CivilDateTime.daysIn(year: year, month: month),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = 0
    }

    /// The UTC fields of an instant.
    public init(instant: Instant) {
        let ms = instant.milliseconds
        var days = ms / 86_400_000
        var rest = ms % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        let (y, m, d) = CivilDateTime.civil(fromDays: days)
        year = y
        month = m
        day = d
        hour = Int(rest / 3_600_000)
        minute = Int(rest / 60_000 % 60)
        second = Int(rest / 1000 % 60)
        millisecond = Int(rest % 1000)
    }

    public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool {
        lhs.instant < rhs.instant
    }

    /// These fields read as UTC.
    public var instant: Instant {
        let days = CivilDateTime.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Instant(milliseconds: seconds * 1000 + Int64(millisecond))
    }

    /// Day of the week, 1 = Sunday … 7 = Saturday (the numbering of AWS cron expressions).
    public var weekday: Int {
        let days = CivilDateTime.days(year: year, month: month, day: day)
        // 1970-01-01 was a Thursday (5).
        let index = ((days % 7) + 7 + 4) % 7
        return Int(index) + 1
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    func format(milliseconds: Bool) -> String {
        var out = [UInt8](repeating: 0, count: milliseconds ? 24 : 20)
        func put(_ value: Int, _ width: Int, at position: Int) {
            var v = value
            for i in stride(from: position + width - 1, through: position, by: -1) {
                out[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(year, 4, at: 0)
        out[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        out[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        out[10] = UInt8(ascii: "T")
        put(hour, 2, at: 11)
        out[13] = UInt8(ascii: ":")
        put(minute, 2, at: 14)
        out[16] = UInt8(ascii: ":")
        put(second, 2, at: 17)
        if milliseconds {
            out[19] = UInt8(ascii: ".")
            put(millisecond, 3, at: 20)
        }
        out[out.count - 1] = UInt8(ascii: "Z")
        return String(decoding: out, as: UTF8.self)
    }
}

/// A calendar month in UTC, such as 2028-03.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1970...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    public static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    /// The first instant of the month, 00:00:00Z on its first day.
    public var start: Instant {
        Instant(milliseconds: CivilDateTime.days(year: year, month: month, day: 1) * 86_400_000)
    }

    /// The first instant after the month.
    public var end: Instant { next.start }

    public var next: Month {
        month == 12 ? Month(uncheckedYear: year + 1, month: 1) : Month(uncheckedYear: year, month: month + 1)
    }

    public var previous: Month {
        month == 1 ? Month(uncheckedYear: year - 1, month: 12) : Month(uncheckedYear: year, month: month - 1)
    }

    private init(uncheckedYear: Int, month: Int) {
        self.year = uncheckedYear
        self.month = month
    }

    /// `YYYY-MM`.
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }
}
