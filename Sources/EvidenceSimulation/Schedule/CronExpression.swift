internal import EvidenceModel
internal import Foundation

/// Why a schedule expression or time zone was rejected.
public struct ScheduleError: Error, Hashable, CustomStringConvertible {
    public var expression: String
    public var message: String

    public init(expression: String, message: String) {
        self.expression = expression
        self.message = message
    }

    public var description: String { "'\(expression)': \(message)" }
}

/// An AWS Backup schedule: `cron(Minutes Hours Day-of-month Month Day-of-week Year)` (EventBridge syntax).
///
/// Day-of-week counts 1 = Sunday … 7 = Saturday. Exactly one of the two day fields is `?`. `L` (last), `W`
/// (nearest weekday) and `#` (nth weekday) work as EventBridge documents. AWS Backup also refuses schedules
/// that run more often than once an hour, so the minutes field must name a single minute.
public struct CronExpression: Hashable, Sendable {
    public let text: String
    let minutes: [Bool]  // 60
    let hours: [Bool]  // 24
    let months: [Bool]  // 13, index 1...12
    let years: [Bool]  // index year - 1970, 1970...2199
    let dayOfMonth: DayOfMonth?
    let dayOfWeek: DayOfWeek?

    enum DayOfMonthItem: Hashable, Sendable {
        case days([Bool])  // index 1...31
        case last(offset: Int)  // L, L-3
        case lastWeekday  // LW
        case nearestWeekday(Int)  // 15W
    }

    struct DayOfMonth: Hashable, Sendable { var items: [DayOfMonthItem] }

    enum DayOfWeekItem: Hashable, Sendable {
        case days([Bool])  // index 1...7
        case lastOfMonth(Int)  // 6L: last Friday
        case nth(weekday: Int, n: Int)  // 3#2: second Tuesday
    }

    struct DayOfWeek: Hashable, Sendable { var items: [DayOfWeekItem] }

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses `cron(…)` and applies AWS's rejections.
    public init(_ text: String) throws(ScheduleError) {
        self.text = text
        func fail(_ message: String) -> ScheduleError { ScheduleError(expression: text, message: message) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("rate(") {
            throw fail("rate() expressions are not accepted by AWS Backup; use cron()")
        }
        guard trimmed.hasPrefix("cron("), trimmed.hasSuffix(")") else {
            throw fail("expected cron(Minutes Hours Day-of-month Month Day-of-week Year)")
        }
        let body = trimmed.dropFirst(5).dropLast()
        let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 6 else {
            throw fail("expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), found \(fields.count)")
        }
        minutes = try CronExpression.values(fields[0], name: "Minutes", range: 0...59, names: nil, expression: text)
        hours = try CronExpression.values(fields[1], name: "Hours", range: 0...23, names: nil, expression: text)
        months = try CronExpression.values(
            fields[3],
            name: "Month",
            range: 1...12,
            names: CronExpression.monthNames,
            expression: text
        )
        years =
            fields[5] == "*"
            ? [Bool](repeating: true, count: 230)
            : Array(
                try CronExpression.values(fields[5], name: "Year", range: 1970...2199, names: nil, expression: text)
                    .suffix(from: 1970)
            )

        let domText = fields[2]
        let dowText = fields[4]
        switch (domText == "?", dowText == "?") {
        case (true, true): throw fail("only one of Day-of-month and Day-of-week may be '?'")
        case (false, false): throw fail("one of Day-of-month and Day-of-week must be '?'")
        default: break
        }
        dayOfMonth = domText == "?" ? nil : try CronExpression.parseDayOfMonth(domText, expression: text)
        dayOfWeek = dowText == "?" ? nil : try CronExpression.parseDayOfWeek(dowText, expression: text)

        let minuteCount = minutes.filter { $0 }.count
        if minuteCount > 1 {
            throw fail("runs more often than once an hour; AWS Backup allows at most hourly backups")
        }
    }

    /// The fields of a bit set, `*`, lists, ranges and steps; returns an array indexed by value.
    private static func values(
        _ field: String,
        name: String,
        range: ClosedRange<Int>,
        names: [String]?,
        expression: String
    ) throws(ScheduleError) -> [Bool] {
        func fail(_ message: String) -> ScheduleError {
            ScheduleError(expression: expression, message: "\(name) field '\(field)': \(message)")
        }
        var set = [Bool](repeating: false, count: range.upperBound + 1)
        for item in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw fail("empty list item") }
            var base = item
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                base = String(item[..<slash])
                guard let s = Int(item[item.index(after: slash)...]), s > 0 else {
                    throw fail("step must be a positive number")
                }
                step = s
            }
            var low: Int
            var high: Int
            if base == "*" {
                low = range.lowerBound
                high = range.upperBound
            } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
                low = try number(String(base[..<dash]))
                high = try number(String(base[base.index(after: dash)...]))
            } else {
                low = try number(base)
                high = item.contains("/") ? range.upperBound : low
            }
            guard range.contains(low), range.contains(high) else {
                throw fail("values must be within \(range.lowerBound)-\(range.upperBound)")
            }
            guard low <= high else { throw fail("range start \(low) is after its end \(high)") }
            var v = low
            while v <= high {
                set[v] = true
                v += step
            }
        }
        return set

        func number(_ text: String) throws(ScheduleError) -> Int {
            if let names, let index = names.firstIndex(of: text.uppercased()) {
                return index + range.lowerBound
            }
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
                throw fail("'\(text)' is not a valid value")
            }
            return value
        }
    }

    private static func parseDayOfMonth(_ field: String, expression: String) throws(ScheduleError) -> DayOfMonth {
        var items: [DayOfMonthItem] = []
        for item in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            if item == "L" {
                items.append(.last(offset: 0))
            } else if item.hasPrefix("L-"), let n = Int(item.dropFirst(2)), (1...30).contains(n) {
                items.append(.last(offset: n))
            } else if item == "LW" {
                items.append(.lastWeekday)
            } else if item.hasSuffix("W"), let n = Int(item.dropLast()), (1...31).contains(n) {
                items.append(.nearestWeekday(n))
            } else {
                items.append(
                    .days(try values(item, name: "Day-of-month", range: 1...31, names: nil, expression: expression))
                )
            }
        }
        return DayOfMonth(items: items)
    }

    private static func parseDayOfWeek(_ field: String, expression: String) throws(ScheduleError) -> DayOfWeek {
        var items: [DayOfWeekItem] = []
        var hashes = 0
        func day(_ text: String) throws(ScheduleError) -> Int {
            if let index = dayNames.firstIndex(of: text.uppercased()) { return index + 1 }
            guard let value = Int(text), (1...7).contains(value) else {
                throw ScheduleError(
                    expression: expression,
                    message: "Day-of-week field '\(field)': '\(text)' is not a day (1-7 or SUN-SAT)"
                )
            }
            return value
        }
        for item in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            if let hash = item.firstIndex(of: "#") {
                hashes += 1
                let weekday = try day(String(item[..<hash]))
                guard let n = Int(item[item.index(after: hash)...]), (1...5).contains(n) else {
                    throw ScheduleError(expression: expression, message: "Day-of-week field '\(field)': '#' takes 1-5")
                }
                items.append(.nth(weekday: weekday, n: n))
            } else if item == "L" {
                items.append(.days([false, false, false, false, false, false, false, true]))
            } else if item.hasSuffix("L") {
                items.append(.lastOfMonth(try day(String(item.dropLast()))))
            } else {
                items.append(
                    .days(try values(item, name: "Day-of-week", range: 1...7, names: dayNames, expression: expression))
                )
            }
        }
        if hashes > 1 {
            throw ScheduleError(expression: expression, message: "only one '#' expression is allowed in Day-of-week")
        }
        return DayOfWeek(items: items)
    }

    /// Whether the schedule fires on this local calendar day.
    func matchesDay(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1970, year <= 2199, years[year - 1970], months[month] else { return false }
        let length = CivilDateTime.daysIn(year: year, month: month)
        if let dayOfMonth {
            return dayOfMonth.items.contains { item in
                switch item {
                case .days(let set): return set[day]
                case .last(let offset): return day == length - offset
                case .lastWeekday: return day == CronExpression.nearestWeekday(to: length, year: year, month: month)
                case .nearestWeekday(let n):
                    return n <= length && day == CronExpression.nearestWeekday(to: n, year: year, month: month)
                }
            }
        }
        if let dayOfWeek, let date = CivilDateTime(year: year, month: month, day: day) {
            let weekday = date.weekday
            return dayOfWeek.items.contains { item in
                switch item {
                case .days(let set): return set[weekday]
                case .lastOfMonth(let wd): return wd == weekday && day + 7 > length
                case .nth(let wd, let n): return wd == weekday && (day - 1) / 7 + 1 == n
                }
            }
        }
        return false
    }

    /// The weekday nearest to day `n` of the month, never leaving the month (EventBridge's `W`).
    static func nearestWeekday(to n: Int, year: Int, month: Int) -> Int {
        guard let date = CivilDateTime(year: year, month: month, day: n) else { return -1 }
        let length = CivilDateTime.daysIn(year: year, month: month)
        switch date.weekday {
        case 7: return n == 1 ? 3 : n - 1  // Saturday: Friday, or Monday the 3rd
        case 1: return n == length ? n - 2 : n + 1  // Sunday: Monday, or Friday before the last day
        default: return n
        }
    }

    /// The local times of day at which the schedule fires, as minutes after midnight, ascending.
    var timesOfDay: [Int] {
        var out: [Int] = []
        for h in 0..<24 where hours[h] {
            for m in 0..<60 where minutes[m] { out.append(h * 60 + m) }
        }
        return out
    }
}
