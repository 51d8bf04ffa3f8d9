import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Foundation
import Testing

/// Compares our AWS cron schedules with an independent oracle, `Tests/oracle/cron_oracle.py`, which computes the same
/// firings with the croniter Python library (`Tools/setup test` installs it into `.venv/`).
///
/// Thousands of expressions come from a fixed-seed generator, so every run checks the same cases. The generator only
/// writes what both AWS and croniter define the same way; each exclusion is explained where the choice is made.
@Suite("Cron oracle: generated AWS cron expressions against croniter")
struct CronOracleTests {
    static let caseCount = 3_600
    static let seed: UInt64 = 0x00C0_FFEE_2027_2029

    @Test("Every generated expression fires exactly when croniter says it does")
    func agreesWithCroniter() throws {
        let windowStart = try #require(Instant(iso8601: "2027-01-01T00:00:00Z"))
        var generator = CronCaseGenerator(seed: Self.seed, windowStart: windowStart)
        let cases = (1...Self.caseCount).map { generator.next(id: $0) }

        // Our side. The generator writes only expressions AWS accepts, so a rejection is a failure of its own.
        var ours: [Int: [String]] = [:]
        var rejected: [String] = []
        for oracleCase in cases {
            do {
                let schedule = try Schedule(expression: "cron(\(oracleCase.cron))", timeZone: oracleCase.tz)
                ours[oracleCase.id] = schedule.firings(from: oracleCase.fromInstant, to: oracleCase.toInstant)
                    .map(\.iso8601)
            } catch {
                rejected.append("\(error)")
            }
        }
        let rejectedCount = rejected.count
        #expect(
            rejectedCount == 0,
            "\(rejectedCount) generated expressions were rejected; first: \(rejected.prefix(5).joined(separator: "; "))"
        )

        // The oracle's side: one python3 run for every case.
        let results = try OracleRunner.run(cases)
        var theirs: [Int: OracleResult] = [:]
        for result in results { theirs[result.id] = result }

        var mismatches: [String] = []
        var compared = 0
        var firingsCompared = 0
        var casesThatFire = 0
        for oracleCase in cases {
            let label = oracleCase.label
            guard let result = theirs[oracleCase.id] else {
                mismatches.append("\(label): no answer from the oracle")
                continue
            }
            if let error = result.error {
                mismatches.append("\(label): the oracle could not evaluate it: \(error)")
                continue
            }
            guard let expected = result.firings, let actual = ours[oracleCase.id] else { continue }
            compared += 1
            firingsCompared += expected.count
            if !expected.isEmpty { casesThatFire += 1 }
            if actual != expected {
                mismatches.append("\(label): \(Self.difference(ours: actual, croniter: expected))")
            }
        }

        for mismatch in mismatches.prefix(8) {
            Issue.record(Comment(rawValue: mismatch))
        }
        let disagreeing = mismatches.count
        #expect(
            disagreeing == 0,
            "\(disagreeing) of \(cases.count) cases disagree with croniter (the first are reported above)"
        )
        #expect(compared == cases.count, "only \(compared) of \(cases.count) cases were compared")
        // Guard against a vacuous pass: most windows must hold firings.
        #expect(casesThatFire * 2 > cases.count, "only \(casesThatFire) cases fire at all")
        #expect(firingsCompared > 50_000, "only \(firingsCompared) firings were compared")
    }

    /// A short account of two firing lists: the counts and the first instants only one side has.
    static func difference(ours: [String], croniter: [String]) -> String {
        let ourSet = Set(ours)
        let croniterSet = Set(croniter)
        func firstFew(_ instants: [String]) -> String {
            instants.isEmpty ? "none" : instants.prefix(4).joined(separator: ", ")
        }
        let onlyOurs = ours.filter { !croniterSet.contains($0) }
        let onlyCroniter = croniter.filter { !ourSet.contains($0) }
        return "ours \(ours.count) firings, croniter \(croniter.count); only ours: \(firstFew(onlyOurs)); "
            + "only croniter: \(firstFew(onlyCroniter))"
    }
}

// MARK: - Cases and the oracle process

/// One case as `cron_oracle.py` reads it: the six AWS fields without `cron()`, a zone and a window `[from, to)`.
private struct OracleCase: Encodable {
    var id: Int
    var cron: String
    var tz: String
    var from: String
    var to: String
    var fromInstant: Instant
    var toInstant: Instant

    enum CodingKeys: String, CodingKey { case id, cron, tz, from, to }

    var label: String { "cron(\(cron)) in \(tz) over [\(from), \(to))" }
}

/// One answer from `cron_oracle.py`: the UTC firings, or why it could not evaluate the case.
private struct OracleResult: Decodable {
    var id: Int
    var firings: [String]?
    var error: String?
}

/// Why the oracle could not run at all; the test fails with this rather than skipping.
private struct OracleUnavailable: Error, CustomStringConvertible {
    var description: String
}

private enum OracleRunner {
    static let installHint = "the cron oracle needs python3 with croniter: \(Python.setupHint)"

    /// Runs `Tests/oracle/cron_oracle.py` once (with `Python.process`), with every case on stdin.
    static func run(_ cases: [OracleCase]) throws -> [OracleResult] {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("oracle")
            .appendingPathComponent("cron_oracle.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw OracleUnavailable(description: "missing oracle script \(script.path)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cron-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.json")
        let output = directory.appendingPathComponent("firings.json")
        let errors = directory.appendingPathComponent("stderr.txt")
        try JSONEncoder().encode(cases).write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)

        // Files rather than pipes: the answer runs to megabytes, and nothing can block on a full pipe.
        let stdin = try FileHandle(forReadingFrom: input)
        let stdout = try FileHandle(forWritingTo: output)
        let stderr = try FileHandle(forWritingTo: errors)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        let process = Python.process([script.path])
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw OracleUnavailable(description: "cannot start python3 (\(error)); \(installHint)")
        }
        process.waitUntilExit()

        let message = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        switch process.terminationStatus {
        case 0: break
        case 127: throw OracleUnavailable(description: "python3 was not found; \(installHint)")
        case 3: throw OracleUnavailable(description: "croniter is not installed; \(installHint). \(message)")
        default:
            throw OracleUnavailable(
                description: "cron_oracle.py exited with status \(process.terminationStatus): \(message)"
            )
        }
        do {
            return try JSONDecoder().decode([OracleResult].self, from: Data(contentsOf: output))
        } catch {
            throw OracleUnavailable(description: "cannot read the oracle's answer (\(error)): \(message)")
        }
    }
}

// MARK: - Generator

/// SplitMix64: a small, fixed-seed generator, so the cases are the same on every machine and every run.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `range`, uniform enough for test generation.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with the given probability in percent.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Writes random AWS cron expressions, zones and windows that AWS accepts and croniter reads the same way.
///
/// Left out on purpose, because croniter cannot express them or reads them differently (not generated rather than
/// reimplemented, so the oracle stays independent):
/// - equal ranges such as `5-5` or `JAN-JAN`: croniter reads an equal range as the whole field;
/// - wrapping ranges such as `FRI-MON`: croniter wraps them, EventBridge does not document them and AWS rejects them;
/// - `L-n` and `LW` in day-of-month and a bare `L` in day-of-week: croniter has no such syntax;
/// - `nW` in a list, and `n#k` next to other day-of-week items: croniter refuses both;
/// - `nW` for a day some selected month lacks (`31W` in April): croniter moves it to the month's last day, the
///   EventBridge documentation says nothing, and we do not fire that month; `29W`-`31W` come only with months that
///   have the day;
/// - minutes: a single minute, as AWS Backup allows at most one firing an hour.
///
/// Zones with daylight saving are generated too (New York, Los Angeles, Berlin, Sydney and Lord Howe, whose clocks move
/// by half an hour): croniter walks the wall clock and the oracle applies EventBridge Scheduler's documented rule
/// with Python's zoneinfo, independently of Foundation: a skipped local time does not fire, a repeated one fires once,
/// at its first occurrence (A27).
private struct CronCaseGenerator {
    private var random: SplitMix64
    private let windowStart: Instant

    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let zones = [
        "UTC", "UTC", "Asia/Tokyo", "Asia/Kolkata", "Etc/GMT+5", "America/New_York", "America/Los_Angeles",
        "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe",
    ]
    /// Windows start on or after 2027-01-01 and end before 2030-01-01 (1,096 days with the leap day of 2028).
    static let windowDays = 1_096

    init(seed: UInt64, windowStart: Instant) {
        random = SplitMix64(seed: seed)
        self.windowStart = windowStart
    }

    mutating func next(id: Int) -> OracleCase {
        let length = random.int(2...60)
        let firstDay = random.int(0...(Self.windowDays - length - 1))
        let startMinute = random.chance(50) ? 0 : random.int(0...1_439)
        let endMinute = random.chance(50) ? 0 : random.int(0...1_439)
        let from = windowStart.adding(days: firstDay).adding(minutes: startMinute)
        let to = windowStart.adding(days: firstDay + length).adding(minutes: endMinute)
        // Random month and year fields often miss a short window; half the time they also name the window's own
        // month and year (as one more list item), so that most cases fire.
        let start = CivilDateTime(instant: from.adding(days: 1))

        let minute = String(random.int(0...59))
        let hour = random.chance(12) ? "*" : numericField(0...23, names: nil)
        var dayOfMonth = "?"
        var month = random.chance(50) ? "*" : numericField(1...12, names: Self.monthNames)
        if month != "*", random.chance(50) {
            month = "\(value(start.month, in: 1...12, names: Self.monthNames)),\(month)"
        }
        var dayOfWeek = "?"
        if random.chance(50) {
            (dayOfMonth, month) = dayOfMonthAndMonth(month: month)
        } else {
            dayOfWeek = dayOfWeekField()
        }
        var year = yearField()
        if year != "*", random.chance(50) { year = "\(start.year),\(year)" }
        let fields = [minute, hour, dayOfMonth, month, dayOfWeek, year]

        return OracleCase(
            id: id,
            cron: fields.joined(separator: " "),
            tz: random.pick(Self.zones),
            from: from.iso8601,
            to: to.iso8601,
            fromInstant: from,
            toInstant: to
        )
    }

    /// A value, by number or (sometimes) by name.
    private mutating func value(_ v: Int, in range: ClosedRange<Int>, names: [String]?) -> String {
        if let names, random.chance(40) { return names[v - range.lowerBound] }
        return String(v)
    }

    /// One list item: a value, a range `a-b` with a < b, or a step `*/s`, `a/s`, `a-b/s`.
    private mutating func numericItem(_ range: ClosedRange<Int>, names: [String]?) -> String {
        let roll = random.int(0...99)
        let step = random.int(1...max(1, range.count / 2))
        switch roll {
        case 0..<40:
            return value(random.int(range), in: range, names: names)
        case 40..<65, 85..<100:
            let low = random.int(range.lowerBound...(range.upperBound - 1))
            let high = random.int((low + 1)...range.upperBound)
            let text = "\(value(low, in: range, names: names))-\(value(high, in: range, names: names))"
            return roll >= 85 ? "\(text)/\(step)" : text
        case 65..<75:
            return "*/\(step)"
        default:
            return "\(value(random.int(range), in: range, names: names))/\(step)"
        }
    }

    /// One to three items joined by commas.
    private mutating func numericField(_ range: ClosedRange<Int>, names: [String]?) -> String {
        let count = random.chance(60) ? 1 : (random.chance(75) ? 2 : 3)
        return (0..<count).map { _ in numericItem(range, names: names) }.joined(separator: ",")
    }

    /// Day-of-month (with day-of-week `?`); a `29W`-`31W` also picks months that have that day.
    private mutating func dayOfMonthAndMonth(month: String) -> (String, String) {
        switch random.int(0...99) {
        case 0..<15:
            return ("*", month)
        case 15..<55:
            return (numericField(1...31, names: nil), month)
        case 55..<65:
            return ("L", month)
        case 65..<75:
            let items = [numericItem(1...31, names: nil), "L"]
            return ((random.chance(50) ? items : items.reversed()).joined(separator: ","), month)
        default:
            let day = random.chance(75) ? random.int(1...28) : random.int(29...31)
            guard day > 28 else { return ("\(day)W", month) }
            let eligible = (1...12).filter { m in
                m != 2 && (day < 31 || [1, 3, 5, 7, 8, 10, 12].contains(m))
            }
            let count = random.int(1...4)
            var chosen: Set<Int> = []
            for _ in 0..<count { chosen.insert(random.pick(eligible)) }
            let months = chosen.sorted().map { value($0, in: 1...12, names: Self.monthNames) }
            return ("\(day)W", months.joined(separator: ","))
        }
    }

    /// Day-of-week (with day-of-month `?`): values, names, ranges and steps, `n#k`, or one or two `nL`.
    private mutating func dayOfWeekField() -> String {
        switch random.int(0...99) {
        case 0..<15:
            return "*"
        case 15..<65:
            return numericField(1...7, names: Self.dayNames)
        case 65..<82:
            return "\(value(random.int(1...7), in: 1...7, names: Self.dayNames))#\(random.int(1...5))"
        default:
            let count = random.chance(70) ? 1 : 2
            return (0..<count).map { _ in "\(random.int(1...7))L" }.joined(separator: ",")
        }
    }

    /// The year: `*`, one year, a range, a list or a step, around the 2027-2029 windows.
    private mutating func yearField() -> String {
        switch random.int(0...99) {
        case 0..<45:
            return "*"
        case 45..<65:
            return String(random.int(2026...2030))
        case 65..<82:
            let low = random.int(2025...2029)
            return "\(low)-\(random.int((low + 1)...2031))"
        case 82..<94:
            let first = random.int(2026...2029)
            return "\(first),\(random.int((first + 1)...2030))"
        default:
            return random.chance(50) ? "\(random.int(2026...2028))/2" : "2025-2031/\(random.int(2...3))"
        }
    }
}
