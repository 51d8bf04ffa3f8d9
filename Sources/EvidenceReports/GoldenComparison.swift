internal import EvidenceModel

/// How a month's report differs from its golden copy, in terms a reviewer reads: which rows, which columns.
public struct ReportDifference: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// The row's key in words, such as `AWS::RDS::DBCluster/x, BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN`.
    public var row: String
    public var change: String

    public init(file: String, row: String, change: String) {
        self.file = file
        self.row = row
        self.change = change
    }

    public var description: String { row.isEmpty ? "\(file): \(change)" : "\(file): \(row): \(change)" }
}

/// Compares report files by rows, keyed by what identifies a row in each template.
public enum GoldenComparison {
    /// The headers whose values identify a row of the template.
    static func keyHeaders(_ template: ReportTemplate?) -> [String] {
        switch template {
        case .backupJob: ["Backup Job ID"]
        case .copyJob: ["Copy Job ID"]
        case .restoreJob: ["Restore Job ID"]
        case .resourceCompliance: ["Account ID", "Region", "Framework Name", "Control Name", "Resource ID"]
        case .controlCompliance: ["Account ID", "Region", "Framework Name", "Control Name"]
        case .backupWindow: ["Resource ARN", "Backup Plan Name", "Backup Rule Name", "Scheduled Time"]
        case nil: []
        }
    }

    /// The headers shown first when a row changes: the verdict or outcome a reviewer looks for.
    static func headline(_ template: ReportTemplate?) -> [String] {
        switch template {
        case .resourceCompliance: ["Resource Compliance Status"]
        case .controlCompliance:
            ["Control Compliance Status", "Num Resources Compliant", "Num Resources Non Compliant"]
        case .backupWindow: ["Outcome"]
        case .backupJob, .copyJob, .restoreJob: ["Job Status"]
        case nil: []
        }
    }

    /// Every difference between the expected and actual files of a `reports/` folder (file name to bytes).
    public static func compare(
        expected: [String: [UInt8]],
        actual: [String: [UInt8]],
        limit: Int = 20
    ) -> [ReportDifference] {
        var out: [ReportDifference] = []
        for name in Set(expected.keys).union(actual.keys).sorted() {
            guard let old = expected[name] else {
                out.append(ReportDifference(file: name, row: "", change: "new file, not in the golden copy"))
                continue
            }
            guard let new = actual[name] else {
                out.append(ReportDifference(file: name, row: "", change: "missing: the golden copy has it"))
                continue
            }
            guard old != new else { continue }
            out += compareFile(name: name, expected: old, actual: new, limit: limit)
        }
        return out
    }

    static func compareFile(name: String, expected: [UInt8], actual: [UInt8], limit: Int) -> [ReportDifference] {
        guard name.hasSuffix(".csv") else { return [ReportDifference(file: name, row: "", change: "bytes differ")] }
        let template = ReportTemplate.allCases.first { $0.fileName == name }
        let old: [[String]]
        let new: [[String]]
        do {
            old = try CSVReader.records(expected)
            new = try CSVReader.records(actual)
        } catch {
            return [ReportDifference(file: name, row: "", change: "cannot read as CSV: \(error)")]
        }
        guard let oldHeader = old.first, let newHeader = new.first else {
            return [ReportDifference(file: name, row: "", change: "bytes differ")]
        }
        if oldHeader != newHeader {
            let removed = oldHeader.filter { !newHeader.contains($0) }
            let added = newHeader.filter { !oldHeader.contains($0) }
            var change = "header changed"
            if !removed.isEmpty { change += "; removed \(removed.joined(separator: ", "))" }
            if !added.isEmpty { change += "; added \(added.joined(separator: ", "))" }
            if removed.isEmpty && added.isEmpty { change += "; columns reordered" }
            return [ReportDifference(file: name, row: "", change: change)]
        }
        let header = newHeader
        let keyColumns = keyHeaders(template).compactMap { header.firstIndex(of: $0) }
        func key(_ row: [String]) -> String {
            keyColumns.isEmpty
                ? row.joined(separator: ",") : keyColumns.map { $0 < row.count ? row[$0] : "" }.joined(separator: ", ")
        }
        var oldRows: [String: [String]] = [:]
        for row in old.dropFirst() { oldRows[key(row)] = row }
        var newRows: [String: [String]] = [:]
        for row in new.dropFirst() { newRows[key(row)] = row }
        let first = headline(template).compactMap { header.firstIndex(of: $0) }
        var out: [ReportDifference] = []
        var count = 0
        for rowKey in Set(oldRows.keys).union(newRows.keys).sorted() {
            let before = oldRows[rowKey]
            let after = newRows[rowKey]
            guard before != after else { continue }
            count += 1
            guard count <= limit else { continue }
            if before == nil {
                let shown = first.map { "\(header[$0]) \(after?[$0] ?? "")" }.joined(separator: ", ")
                out.append(
                    ReportDifference(file: name, row: rowKey, change: "added" + (shown.isEmpty ? "" : " (\(shown))"))
                )
            } else if after == nil {
                let shown = first.map { "\(header[$0]) \(before?[$0] ?? "")" }.joined(separator: ", ")
                out.append(
                    ReportDifference(file: name, row: rowKey, change: "removed" + (shown.isEmpty ? "" : " (\(shown))"))
                )
            } else if let before, let after {
                let changed = header.indices.filter { $0 < before.count && $0 < after.count && before[$0] != after[$0] }
                let ordered = first.filter(changed.contains) + changed.filter { !first.contains($0) }
                let parts = ordered.prefix(4).map { "\(header[$0]) \(before[$0]) -> \(after[$0])" }
                let more = ordered.count > 4 ? " (+\(ordered.count - 4) more columns)" : ""
                out.append(ReportDifference(file: name, row: rowKey, change: parts.joined(separator: "; ") + more))
            }
        }
        if count > limit {
            out.append(ReportDifference(file: name, row: "", change: "… and \(count - limit) more rows differ"))
        }
        if count == 0 {
            out.append(ReportDifference(file: name, row: "", change: "same rows, different bytes (order or line ends)"))
        }
        return out
    }
}

/// The outcome of checking one scenario against its golden copy.
public struct ScenarioCheck: Sendable {
    public var scenario: String
    /// The report files compared, sorted.
    public var files: [String]
    public var differences: [ReportDifference]
    /// Set when the scenario could not be run at all (invalid input).
    public var error: String?

    public init(scenario: String, files: [String], differences: [ReportDifference], error: String? = nil) {
        self.scenario = scenario
        self.files = files
        self.differences = differences
        self.error = error
    }
}

/// JUnit XML for CI systems: one test suite per scenario, one test case per report file; no time stamps.
public enum JUnitReport {
    public static func xml(_ checks: [ScenarioCheck]) -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for c in text.unicodeScalars {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                default:
                    if c.value < 0x20 && c != "\n" && c != "\t" { out += " " } else { out.unicodeScalars.append(c) }
                }
            }
            return out
        }
        var suites = ""
        var total = 0
        var failed = 0
        for check in checks {
            var cases = ""
            var suiteFailures = 0
            let names = check.error == nil ? check.files : ["scenario"]
            for name in names {
                let found = check.error.map { [$0] } ?? check.differences.filter { $0.file == name }.map(\.description)
                cases += "    <testcase classname=\"\(escape(check.scenario))\" name=\"\(escape(name))\""
                if found.isEmpty {
                    cases += "/>\n"
                } else {
                    suiteFailures += 1
                    let message =
                        check.error == nil
                        ? "\(found.count) difference\(found.count == 1 ? "" : "s") from golden" : "cannot run"
                    cases +=
                        ">\n      <failure message=\"\(escape(message))\">\(escape(found.joined(separator: "\n")))</failure>\n"
                    cases += "    </testcase>\n"
                }
            }
            total += names.count
            failed += suiteFailures
            suites +=
                "  <testsuite name=\"\(escape(check.scenario))\" tests=\"\(names.count)\" failures=\"\(suiteFailures)\">\n"
            suites += cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"backup-evidence check\" tests=\"\(total)\" failures=\"\(failed)\">\n"
            + suites + "</testsuites>\n"
    }
}
