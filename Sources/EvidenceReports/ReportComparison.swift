public import EvidenceModel

/// One way our report differs from AWS's for the same window: a column or a row or a cell.
public struct AWSDifference: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of difference, in the order they are listed.
    public enum Kind: String, Sendable, Comparable {
        case missingColumn = "MISSING_COLUMN"
        case extraColumn = "EXTRA_COLUMN"
        case renamedColumn = "RENAMED_COLUMN"
        case reorderedColumns = "REORDERED_COLUMNS"
        case onlyInAWS = "ONLY_IN_AWS"
        case onlyInOurs = "ONLY_IN_OURS"
        case repeatedRow = "REPEATED_ROW"
        case cell = "CELL"
        case missingCell = "MISSING_CELL"

        var rank: Int {
            switch self {
            case .missingColumn: 0
            case .extraColumn: 1
            case .renamedColumn: 2
            case .reorderedColumns: 3
            case .onlyInAWS: 4
            case .onlyInOurs: 5
            case .repeatedRow: 6
            case .cell: 7
            case .missingCell: 8
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rank < rhs.rank }
    }

    public var template: ReportTemplate
    public var kind: Kind
    /// The AWS file the difference was found against (for rows only in ours: the file whose window holds the row).
    public var file: String
    /// The row's natural key, such as `Backup Job ID 0F03…`; empty for column differences.
    public var key: String
    /// The column (header text): ours for missing and renamed columns, AWS's for extra ones.
    public var column: String
    /// AWS's side: a header or a cell.
    public var aws: String
    /// Our side: a header or a cell.
    public var ours: String

    public init(
        template: ReportTemplate,
        kind: Kind,
        file: String,
        key: String = "",
        column: String = "",
        aws: String = "",
        ours: String = ""
    ) {
        self.template = template
        self.kind = kind
        self.file = file
        self.key = key
        self.column = column
        self.aws = aws
        self.ours = ours
    }

    /// One line in reviewer terms.
    public var description: String {
        let what: String
        switch kind {
        case .missingColumn: what = "AWS's file has no column \"\(column)\"; ours has it"
        case .extraColumn: what = "AWS's file has a column \"\(column)\" that ours does not"
        case .renamedColumn: what = "column \"\(column)\" is named \"\(aws)\" in AWS's file"
        case .reorderedColumns: what = "columns are in another order: AWS has \"\(aws)\" where ours has \"\(ours)\""
        case .onlyInAWS: what = "row only in AWS's file: \(key)"
        case .onlyInOurs: what = "row only in ours: \(key)"
        case .repeatedRow: what = "row repeated in AWS's file: \(key) (\(aws) rows)"
        case .missingCell: what = "\(key): \(column): missing from AWS's item, ours \(CanonicalJSON.string(ours))"
        case .cell: what = "\(key): \(column): AWS \(CanonicalJSON.string(aws)), ours \(CanonicalJSON.string(ours))"
        }
        return "\(template.rawValue): \(what) (\(file))"
    }
}

/// Compares AWS Backup Audit Manager's own report files with ours for the same windows (Docs/REPORTS.md).
///
/// Per template: headers are compared file by file (our columns after AWS's are not compared); rows are matched by
/// the template's natural key (``keyColumns(_:)``). Job reports: AWS's rows of every file, the row of the latest
/// window winning for a key in several files, against our rows in any file's window and scope (created before the
/// window's end and not completed before its start). Compliance reports, which are snapshots: every file of each
/// scope's newest window (a snapshot AWS split into parts is several files of one window) against our rows in that
/// scope. Columns that say when a report was made (``uncomparedColumns``) are
/// not compared cell by cell; instants in two forms (with and without milliseconds) compare as the same instant.
public enum ReportComparison {
    /// Columns that describe the report's making, not its findings.
    public static let uncomparedColumns: Set<String> = [
        "Report Time Period Start", "Report Time Period End", "Last Evaluation Time",
    ]

    /// The natural key of a template's rows, as header text.
    public static func keyColumns(_ template: ReportTemplate) -> [String] {
        switch template {
        case .backupJob: ["Backup Job ID"]
        case .copyJob: ["Copy Job ID"]
        case .restoreJob: ["Restore Job ID"]
        case .resourceCompliance: ["Account ID", "Region", "Framework Name", "Control Name", "Resource ID"]
        case .controlCompliance: ["Account ID", "Region", "Framework Name", "Control Name"]
        case .backupWindow: ["Account ID", "Region", "Resource ARN", "Scheduled Time", "Backup Rule Name"]
        }
    }

    /// Our report of one template: header and rows keyed by header text.
    public struct OurReport: Sendable {
        public var header: [String]
        public var rows: [[String: String]]

        /// Reads our CSV; `path` names it in errors.
        public init(path: String, bytes: [UInt8]) throws(ImportError) {
            (header, rows) = try AWSReportFile.csv(path: path, bytes: bytes)
        }
    }

    /// Every difference, sorted by template, kind, key, column and file.
    public static func compare(aws files: [AWSReportFile], ours: [ReportTemplate: OurReport]) -> [AWSDifference] {
        var differences: [AWSDifference] = []
        for template in ReportTemplate.allCases {
            let mine = files.filter { $0.template == template }.sorted { $0.path < $1.path }
            guard !mine.isEmpty, let our = ours[template] else { continue }
            differences += compare(template: template, aws: mine, ours: our)
        }
        return differences.sorted {
            ($0.template.rawValue, $0.kind.rank, $0.key, $0.column, $0.file)
                < ($1.template.rawValue, $1.kind.rank, $1.key, $1.column, $1.file)
        }.reduce(into: []) { kept, next in if kept.last != next { kept.append(next) } }
    }

    static func compare(template: ReportTemplate, aws files: [AWSReportFile], ours: OurReport) -> [AWSDifference] {
        let extra = Set(template.extraColumns.map(\.header))
        let ourHeader = ours.header.filter { !extra.contains($0) }
        var differences: [AWSDifference] = []
        var renames: [String: [String: String]] = [:]  // file → AWS header → our header
        var headerFindings = Set<String>()
        for file in files {
            let (found, mapping) = compareHeaders(template: template, file: file, ours: ourHeader)
            renames[file.path] = mapping
            // The same header difference in many daily files is one finding, named by its first file.
            for difference in found
            where headerFindings.insert("\(difference.kind)|\(difference.column)|\(difference.aws)|\(difference.ours)")
                .inserted
            {
                differences.append(difference)
            }
        }

        // AWS's rows by key, mapped to our header text; the file each came from.
        let keyColumns = keyColumns(template)
        let isJob = [.backupJob, .copyJob, .restoreJob].contains(template)
        let compared: [AWSReportFile]
        if isJob {
            compared = files.sorted { ($0.window.upperBound, $0.path) < ($1.window.upperBound, $1.path) }
        } else {
            // A snapshot may be split into parts (`_1`, `_2`, …, facts §1.5/§1.6) sharing one window: every file of
            // a scope's newest window is taken.
            var newest: [String: Range<Instant>] = [:]
            for file in files {
                let scope = scope(file)
                if let held = newest[scope],
                    (held.upperBound, held.lowerBound) >= (file.window.upperBound, file.window.lowerBound)
                {
                    continue
                }
                newest[scope] = file.window
            }
            // Newest window last, so where scopes overlap (an organization-wide file and an account's), the newer
            // snapshot's row is the one compared.
            compared = files.filter { newest[scope($0)] == $0.window }
                .sorted { ($0.window.upperBound, $0.path) < ($1.window.upperBound, $1.path) }
        }
        var awsRows: [String: (row: [String: String], file: String, columns: Set<String>)] = [:]
        for file in compared {
            let mapping = renames[file.path] ?? [:]
            // The file's columns: a JSON item without one of them while others have it is a difference.
            let columns = Set(file.header.map { mapping[$0] ?? $0 })
            var counts: [String: Int] = [:]
            for row in file.rows {
                let mapped = Dictionary(
                    row.map { (mapping[$0.key] ?? $0.key, $0.value) },
                    uniquingKeysWith: { a, _ in a }
                )
                let rowKey = key(mapped, keyColumns)
                counts[rowKey, default: 0] += 1
                awsRows[rowKey] = (mapped, file.path, columns)
            }
            // A key repeated within one file (FAILED, then COMPLETED) is reported, never resolved silently.
            for (rowKey, count) in counts where count > 1 {
                differences.append(
                    AWSDifference(template: template, kind: .repeatedRow, file: file.path, key: rowKey, aws: "\(count)")
                )
            }
        }

        var ourRows: [String: [String: String]] = [:]
        var inWindow: [String: String] = [:]  // key → the AWS file whose window and scope hold our row
        for row in ours.rows {
            let rowKey = key(row, keyColumns)
            ourRows[rowKey] = row
            if let file = compared.first(where: { holds($0, row, isJob: isJob) }) { inWindow[rowKey] = file.path }
        }

        let common = Set(ourHeader)
        for rowKey in awsRows.keys.sorted() {
            guard let (awsRow, file, columns) = awsRows[rowKey] else { continue }
            guard let ourRow = ourRows[rowKey] else {
                differences.append(AWSDifference(template: template, kind: .onlyInAWS, file: file, key: rowKey))
                continue
            }
            for column in ourHeader where !uncomparedColumns.contains(column) && common.contains(column) {
                let mine = ourRow[column] ?? ""
                guard let theirs = awsRow[column] else {
                    if columns.contains(column) {
                        differences.append(
                            AWSDifference(
                                template: template,
                                kind: .missingCell,
                                file: file,
                                key: rowKey,
                                column: column,
                                ours: mine
                            )
                        )
                    }
                    continue
                }
                if !same(theirs, mine) {
                    differences.append(
                        AWSDifference(
                            template: template,
                            kind: .cell,
                            file: file,
                            key: rowKey,
                            column: column,
                            aws: theirs,
                            ours: mine
                        )
                    )
                }
            }
        }
        for rowKey in inWindow.keys.sorted() where awsRows[rowKey] == nil {
            differences.append(
                AWSDifference(template: template, kind: .onlyInOurs, file: inWindow[rowKey] ?? "", key: rowKey)
            )
        }
        return differences
    }

    /// Header differences of one file, and the mapping of its renamed headers to ours.
    static func compareHeaders(
        template: ReportTemplate,
        file: AWSReportFile,
        ours: [String]
    ) -> ([AWSDifference], [String: String]) {
        let theirs = file.header
        let ourSet = Set(ours)
        let theirSet = Set(theirs)
        var missing = ours.filter { !theirSet.contains($0) }
        var extra = theirs.filter { !ourSet.contains($0) }
        var mapping: [String: String] = [:]
        var differences: [AWSDifference] = []
        if file.format == .csv {
            // A column AWS names differently sits where ours does: after the same column, or first in both.
            for name in extra {
                guard let index = theirs.firstIndex(of: name) else { continue }
                let before = index == 0 ? nil : theirs[index - 1]
                let candidate = missing.first { ours.firstIndex(of: $0).map { $0 == 0 ? nil : ours[$0 - 1] } == before }
                guard let renamed = candidate else { continue }
                mapping[name] = renamed
                missing.removeAll { $0 == renamed }
                differences.append(
                    AWSDifference(
                        template: template,
                        kind: .renamedColumn,
                        file: file.path,
                        column: renamed,
                        aws: name,
                        ours: renamed
                    )
                )
            }
            extra.removeAll { mapping[$0] != nil }
            let theirOrder = theirs.compactMap { name -> String? in
                let mapped = mapping[name] ?? name
                return ourSet.contains(mapped) ? mapped : nil
            }
            let ourOrder = ours.filter { Set(theirOrder).contains($0) }
            if let index = theirOrder.indices.first(where: { $0 < ourOrder.count && theirOrder[$0] != ourOrder[$0] }) {
                differences.append(
                    AWSDifference(
                        template: template,
                        kind: .reorderedColumns,
                        file: file.path,
                        column: ourOrder[index],
                        aws: theirOrder[index],
                        ours: ourOrder[index]
                    )
                )
            }
        }
        for name in missing {
            differences.append(AWSDifference(template: template, kind: .missingColumn, file: file.path, column: name))
        }
        for name in extra {
            differences.append(AWSDifference(template: template, kind: .extraColumn, file: file.path, column: name))
        }
        return (differences, mapping)
    }

    /// The accounts and Regions a file covers, as one text: `<account|*>/<region|*>`.
    static func scope(_ file: AWSReportFile) -> String { "\(file.account ?? "*")/\(file.region ?? "*")" }

    /// A row's key in reviewer terms: `Backup Job ID X` or `Account ID A, Region R, …`.
    static func key(_ row: [String: String], _ columns: [String]) -> String {
        columns.map { "\($0) \(row[$0] ?? "")" }.joined(separator: ", ")
    }

    /// Whether AWS's file would hold our row: in its scope and, for jobs, its window.
    static func holds(_ file: AWSReportFile, _ row: [String: String], isJob: Bool) -> Bool {
        if let account = file.account, row["Account ID"] != account { return false }
        if let region = file.region, row["Region"] != region { return false }
        guard isJob else { return true }
        guard let created = row["Creation Date"].flatMap(Instant.init(iso8601:)), created < file.window.upperBound
        else { return false }
        guard let completed = row["Completion Date"].flatMap(Instant.init(iso8601:)) else { return true }
        return completed >= file.window.lowerBound
    }

    /// Two cells are the same when their text is, or when both are the same instant.
    static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Instant(iso8601: a), let y = Instant(iso8601: b) else { return false }
        return x == y
    }
}
