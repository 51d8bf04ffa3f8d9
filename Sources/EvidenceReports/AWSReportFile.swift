public import EvidenceModel

/// One report file as AWS Backup Audit Manager delivers it to S3 (CSV or JSON), read into header text and rows.
///
/// The template comes from the file name (`<TEMPLATE>_<plan>_<start>_<end>[_<n>].csv|json`, facts §1.6), or else
/// from the CSV header or JSON keys. The time window comes from the name, or else from the rows' report time
/// period, or else from the `yyyy/mm/dd` date folder (the 24 hours before that UTC date, §1.4). The accounts and
/// Regions the file covers come from the `Backup/<account|crossaccount>/<region|crossregion>/` folders
/// (Docs/REPORTS.md). The folders are read from `path` as given: pass the file's whole path, not one relative to a
/// folder that may itself lie inside those folders.
public struct AWSReportFile: Sendable {
    /// The delivery format.
    public enum Format: String, Sendable {
        case csv
        case json
    }

    /// The path of the file, `/`-separated, as findings name it.
    public var path: String
    public var template: ReportTemplate
    public var format: Format
    /// The report's time window, `[start, end)`.
    public var window: Range<Instant>
    /// The one account the file covers, or nil for every account (`crossaccount`, or no `Backup/` folders).
    public var account: String?
    /// The one Region the file covers, or nil for every Region.
    public var region: String?
    /// Column header text in the file's order (for JSON: every item's keys, mapped to header text where known).
    public var header: [String]
    /// The data rows, keyed by header text; JSON values as CSV text (see ``cellText(_:)``).
    public var rows: [[String: String]]

    /// JSON keys that stand for two CSV columns: the restore sample's `reportTimePeriod`, `"<start> - <end>"`.
    public static let combinedJSONKeys: [String: (first: String, second: String, separator: String)] = [
        "reportTimePeriod": ("reportTimePeriodStart", "reportTimePeriodEnd", " - ")
    ]

    /// Templates AWS writes that this tool does not: files of these are read past, not compared.
    public static let uncomparedTemplates = ["SCAN_JOB_REPORT", "MALWARE_JOB_REPORT"]

    /// Reads one delivered file; nil when it is a report of a template this tool does not write.
    public static func read(path: String, bytes: [UInt8]) throws(ImportError) -> AWSReportFile? {
        let name = String(path.split(separator: "/").last ?? "")
        let lower = name.lowercased()
        let format: Format
        if lower.hasSuffix(".csv") {
            format = .csv
        } else if lower.hasSuffix(".json") {
            format = .json
        } else {
            throw ImportError(
                file: path,
                location: "",
                message: "not a report file: expected <TEMPLATE>_<report plan>_<start>_<end>.csv or .json"
            )
        }
        let upper = name.uppercased()
        if uncomparedTemplates.contains(where: { upper.hasPrefix($0 + "_") }) { return nil }
        let named = ReportTemplate.allCases.first { $0.isAWSTemplate && upper.hasPrefix($0.rawValue + "_") }

        var header: [String]
        var rows: [[String: String]]
        switch format {
        case .csv: (header, rows) = try csv(path: path, bytes: bytes)
        case .json: (header, rows) = try json(path: path, bytes: bytes)
        }
        guard let template = named ?? detect(header) else {
            throw ImportError(
                file: path,
                location: format == .csv ? "line 1" : "$.reportItems[0]",
                message: format == .csv
                    ? "the header matches no AWS Backup Audit Manager report"
                    : "the keys match no AWS Backup Audit Manager report"
            )
        }
        if format == .json {
            // JSON keys become header text through the template's column table.
            let headers = Dictionary(template.awsColumns.map { ($0.key, $0.header) }, uniquingKeysWith: { a, _ in a })
            header = header.map { headers[$0] ?? $0 }
            rows = rows.map { row in
                Dictionary(row.map { (headers[$0.key] ?? $0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            }
        }
        guard let window = window(name: name, path: path, rows: rows) else {
            throw ImportError(
                file: path,
                location: "",
                message: "cannot tell the report's time window: expected a name ending "
                    + "_<start>_<end>.\(format.rawValue), Report Time Period columns, or yyyy/mm/dd folders"
            )
        }
        let (account, region) = scope(path)
        return AWSReportFile(
            path: path,
            template: template,
            format: format,
            window: window,
            account: account,
            region: region,
            header: header,
            rows: rows
        )
    }

    /// The template whose AWS headers the file's header shares most (at least three); nil when none does.
    static func detect(_ header: [String]) -> ReportTemplate? {
        var best: (template: ReportTemplate, shared: Int)?
        for template in ReportTemplate.allCases where template.isAWSTemplate {
            let names = Set(template.awsColumns.flatMap { [$0.header, $0.key] })
            let shared = header.filter(names.contains).count
            if shared >= 3 && shared > (best?.shared ?? 0) { best = (template, shared) }
        }
        return best?.template
    }

    static func csv(path: String, bytes: [UInt8]) throws(ImportError) -> ([String], [[String: String]]) {
        let records: [[String]]
        do {
            records = try CSVReader.records(bytes)
        } catch {
            throw ImportError(file: path, location: "line \(error.line)", message: error.message)
        }
        guard let header = records.first, header != [""] else {
            throw ImportError(file: path, location: "line 1", message: "no header row")
        }
        var rows: [[String: String]] = []
        for (index, record) in records.dropFirst().enumerated() {
            if record == [""] { continue }
            guard record.count == header.count else {
                throw ImportError(
                    file: path,
                    location: "record \(index + 2)",
                    message: "\(record.count) fields; the header has \(header.count)"
                )
            }
            rows.append(Dictionary(zip(header, record).map { ($0, $1) }, uniquingKeysWith: { a, _ in a }))
        }
        return (header, rows)
    }

    static func json(path: String, bytes: [UInt8]) throws(ImportError) -> ([String], [[String: String]]) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ImportError(
                InputLocation(file: path, position: .lineColumn(line: error.line, column: error.column)),
                message: error.message
            )
        }
        guard case .object(let envelope) = value else {
            throw ImportError(
                file: path,
                location: "$",
                message: "expected an object with a \"reportItems\" array, found \(value.kindDescription)"
            )
        }
        guard case .array(let items)? = envelope["reportItems"] else {
            throw ImportError(
                file: path,
                location: "$.reportItems",
                message: envelope["reportItems"].map { "expected an array, found \($0.kindDescription)" }
                    ?? "missing; an AWS report holds its rows in a \"reportItems\" array"
            )
        }
        var header: [String] = []
        var seen = Set<String>()
        var rows: [[String: String]] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else {
                throw ImportError(
                    file: path,
                    location: "$.reportItems[\(index)]",
                    message: "expected an object, found \(item.kindDescription)"
                )
            }
            var row: [String: String] = [:]
            for key in fields.keys.sorted() {
                let text = cellText(fields[key] ?? .null)
                if let combined = combinedJSONKeys[key] {
                    let parts = text.split(
                        separator: combined.separator,
                        maxSplits: 1,
                        omittingEmptySubsequences: false
                    )
                    row[combined.first] = parts.first.map(String.init) ?? ""
                    row[combined.second] = parts.count > 1 ? String(parts[1]) : ""
                    for part in [combined.first, combined.second] where seen.insert(part).inserted {
                        header.append(part)
                    }
                } else {
                    row[key] = text
                    if seen.insert(key).inserted { header.append(key) }
                }
            }
            rows.append(row)
        }
        return (header, rows)
    }

    /// A JSON value as the CSV writes it: strings as they are, numbers as their literal, booleans as
    /// `true`/`false`, null and `{}` as an empty cell, other objects and arrays as canonical JSON.
    public static func cellText(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .number(let literal): literal
        case .string(let text): text
        case .object(let fields) where fields.isEmpty: ""
        case .object, .array: CanonicalJSON.text(value)
        }
    }

    /// The window named by `_<start>_<end>[_<n>].<ext>`, else by the rows' report time period, else by the
    /// `yyyy/mm/dd` folders (the 24 hours before that date).
    static func window(name: String, path: String, rows: [[String: String]]) -> Range<Instant>? {
        let stem = name.uppercased().split(separator: ".").first.map(String.init) ?? ""
        var parts = stem.split(separator: "_").map(String.init)
        if let last = parts.last, last.allSatisfy(\.isNumber) { parts.removeLast() }
        if parts.count >= 2, let start = Instant(iso8601: parts[parts.count - 2]),
            let end = Instant(iso8601: parts[parts.count - 1]), start < end
        {
            return start..<end
        }
        let starts = rows.compactMap { $0["Report Time Period Start"].flatMap(Instant.init(iso8601:)) }
        let ends = rows.compactMap { $0["Report Time Period End"].flatMap(Instant.init(iso8601:)) }
        if let start = starts.min(), let end = ends.max(), start < end { return start..<end }
        let folders = path.split(separator: "/").dropLast().map(String.init)
        for index in stride(from: folders.count - 3, through: 0, by: -1) {
            let (year, month, day) = (folders[index], folders[index + 1], folders[index + 2])
            guard year.count == 4, month.count == 2, day.count == 2,
                let end = Instant(iso8601: "\(year)-\(month)-\(day)T00:00:00Z")
            else { continue }
            return end.adding(days: -1)..<end
        }
        return nil
    }

    /// The account and Region of the last `Backup/<account|crossaccount>/<region|crossregion>/` in the path.
    ///
    /// Only folders of that shape count: a `Backup` folder followed by other names (a folder of the reader's own
    /// that happens to be called so) says nothing of the file's scope.
    static func scope(_ path: String) -> (account: String?, region: String?) {
        let folders = path.split(separator: "/").dropLast().map(String.init)
        for index in stride(from: folders.count - 3, through: 0, by: -1) where folders[index] == "Backup" {
            let account = folders[index + 1]
            let region = folders[index + 2]
            guard account == "crossaccount" || ARN.isAccountID(account),
                region == "crossregion" || ARN.isRegion(region)
            else { continue }
            return (account == "crossaccount" ? nil : account, region == "crossregion" ? nil : region)
        }
        return (nil, nil)
    }
}
