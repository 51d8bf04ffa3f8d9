internal import EvidenceCompression
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

// The scenario readers: JSON exports, CloudFormation templates, cron expressions, CSV, CloudTrail log files,
// EventBridge event lines and job lists. Each target goes through the public entry point the tool itself uses.

extension FuzzTarget {
    /// The JSON parser, and the readers of AWS CLI exports behind `validate` (`ExportFile.read`).
    ///
    /// Invariants: the validating parse (`elementRanges`) accepts exactly what the full parse accepts, and its ranges
    /// are the `Records` elements; canonical JSON reads back as the same value.
    static let json = FuzzTarget("json") { input in
        let scratch = jsonScratch
        let parsed = Result { () throws(JSONSyntaxError) in try JSONParser.parse(input) }
        let ranges = Result { () throws(JSONSyntaxError) in
            try JSONParser.elementRanges(ofArray: "Records", in: input)
        }
        switch (parsed, ranges) {
        case (.success(let value), .success(let found)):
            if case .object(let members) = value, case .array(let records)? = members["Records"] {
                invariant(
                    found?.count == records.count,
                    "elementRanges found \(found?.count ?? -1) of \(records.count)"
                )
                for (range, record) in zip(found ?? [], records) {
                    invariant(
                        (try? JSONParser.parse(Array(input[range]))) == record,
                        "the range \(range) is not its Records element"
                    )
                }
            } else {
                invariant(found == nil, "elementRanges found a Records array that parse did not")
            }
            let canonical = CanonicalJSON.encode(value)
            invariant((try? JSONParser.parse(canonical)) == value, "canonical JSON does not read back")
            _ = try? ExportFile.read(path: scratch.write(input, to: "export.json"))
        case (.failure, .failure):
            break
        case (.success, .failure(let error)):
            invariant(false, "elementRanges refuses what parse accepts: \(error.message)")
        case (.failure(let error), .success):
            invariant(false, "parse refuses what elementRanges accepts: \(error.message)")
        }
    }
    private static let jsonScratch = Scratch("json")

    /// A CloudFormation template in YAML, read as `validate` reads it, with the parser's node and alias limits.
    static let cloudFormation = FuzzTarget("cloudformation") { input in
        _ = try? ExportFile.read(
            path: cloudFormationScratch.write(input, to: "accounts/111122223333/us-east-1/templates/fuzz.yaml")
        )
    }
    private static let cloudFormationScratch = Scratch("cloudformation")

    /// An AWS Backup cron expression and its firings over a month.
    ///
    /// The input's first line is the expression, the optional second line a time zone name, the optional third and
    /// fourth lines the range's ISO 8601 ends (at most 62 days apart; March 2028 otherwise). Invariants: firings
    /// are strictly ascending and inside the range asked for; the nominal period is positive.
    static let cron = FuzzTarget("cron") { input in
        let lines = String(decoding: input, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let expression = lines.first.map(String.init) ?? ""
        let zone = lines.count > 1 && lines[1].utf8.count <= 64 ? String(lines[1]) : "UTC"
        guard let schedule = try? Schedule(expression: expression, timeZone: zone) else { return }
        guard let month = Month(year: 2028, month: 3) else { return }
        var (from, to) = (month.start, month.end)
        if lines.count > 3, let start = Instant(iso8601: String(lines[2])),
            let end = Instant(iso8601: String(lines[3])), start < end,
            end.milliseconds - start.milliseconds <= 62 * 86_400_000
        {
            (from, to) = (start, end)
        }
        let firings = schedule.firings(from: from, to: to)
        for (earlier, later) in zip(firings, firings.dropFirst()) {
            invariant(earlier < later, "\(expression): \(earlier) then \(later)")
        }
        invariant(firings.allSatisfy { $0 >= from && $0 < to }, "\(expression): firing outside [\(from), \(to))")
        if let period = schedule.nominalPeriodMinutes(from: from, to: to) {
            invariant(period > 0, "\(expression): nominal period \(period)")
        }
    }

    /// The CSV reader under `compare` and the ledger's rows.
    ///
    /// Invariants: splitting into fields and finding record ranges agree on the records, and the ledger sees the
    /// same rows as the reader.
    static let csv = FuzzTarget("csv") { input in
        let ranges = CSVReader.recordRanges(input)
        invariant(CSVRecords.ranges(input) == ranges, "the ledger's rows differ from the reader's")
        var previous = 0
        for range in ranges {
            invariant(range.lowerBound >= previous && range.upperBound <= input.count, "range \(range) out of order")
            previous = range.upperBound
        }
        guard let records = try? CSVReader.records(input) else { return }
        invariant(records.count == ranges.count, "\(records.count) records in \(ranges.count) ranges")
        var streamed: [[String]] = []
        input.withUnsafeBytes { buffer in
            try? CSVReader.forEachRecord(in: buffer) { record in
                streamed.append((0..<record.count).map { record.string($0) })
            }
        }
        invariant(streamed == records, "forEachRecord and records differ")
    }

    /// One CloudTrail log file of a scenario folder, read as `simulate` reads it.
    ///
    /// An input that starts with the gzip magic bytes is the file itself; any other is compressed first, so the
    /// mutations reach the JSON inside.
    static let cloudTrail = FuzzTarget("cloudtrail") { input in
        let gzip = input.starts(with: [0x1F, 0x8B]) ? input : Gzip.compress(input, level: 1)
        let scratch = cloudTrailScratch
        scratch.write(gzip, to: cloudTrailFile)
        _ = try? JobStreams.read(folder: scratch.root.path)
    }
    private static let cloudTrailScratch = Scratch("cloudtrail")
    private static let cloudTrailFile =
        "AWSLogs/111122223333/CloudTrail/us-east-1/2028/03/02/"
        + "111122223333_CloudTrail_us-east-1_20280302T0510Z_AbCdEfGhIjKlMnOp.json.gz"

    /// One `events/*.jsonl` file of EventBridge events, read as `simulate` reads it.
    static let eventBridge = FuzzTarget("eventbridge") { input in
        let scratch = eventBridgeScratch
        scratch.write(input, to: "events/backup.jsonl")
        _ = try? JobStreams.read(folder: scratch.root.path)
    }
    private static let eventBridgeScratch = Scratch("eventbridge")

    /// One `backup-jobs.json` of an account and Region, read as `simulate` reads it (a job at a time) and
    /// normalized as `monthly` copies it.
    static let jobList = FuzzTarget("joblist") { input in
        let scratch = jobListScratch
        scratch.write(Array(#"{"name": "fuzz", "month": "2028-03", "seed": 1}"#.utf8), to: "scenario.json")
        scratch.write(input, to: jobListFile)
        var jobs: [JobLists.EncodedJob] = []
        if (try? JobLists.scan(folder: scratch.root.path) { jobs += $0 }) != nil {
            for item in jobs {
                let again = try? JobLists.job(encoded: item.bytes[...])
                invariant(again.map { "\($0)" } == "\(item.job)", "a job kept on disk reads back as another")
            }
        }
        var pieces: [UInt8]? = []
        do {
            try ScenarioInputs.normalized(scenario: scratch.root.path, path: jobListFile) { pieces? += $0 }
        } catch {
            pieces = nil
        }
        let whole = try? ScenarioInputs.normalized(scenario: scratch.root.path, path: jobListFile)
        invariant(whole != nil && whole == pieces, "the normalized list written in pieces differs from the whole")
    }
    private static let jobListScratch = Scratch("joblist")
    private static let jobListFile = "accounts/111122223333/us-east-1/backup-jobs.json"
}
