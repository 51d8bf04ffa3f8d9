public import EvidenceControls
internal import EvidenceModel

/// One verdict that a proposal changes.
public struct VerdictChange: Hashable, Sendable {
    public var account: String
    public var region: String
    public var framework: String
    public var control: String
    public var resourceID: String
    /// For recovery points, the resource they protect; otherwise empty.
    public var protectedResourceARN: String
    /// nil when the resource was not evaluated before (a new control, or newly in scope).
    public var before: ComplianceStatus?
    /// nil when the resource is no longer evaluated.
    public var after: ComplianceStatus?
    /// Why, after the change (or before it, when no longer evaluated).
    public var reason: String

    public init(
        account: String,
        region: String,
        framework: String,
        control: String,
        resourceID: String,
        protectedResourceARN: String,
        before: ComplianceStatus?,
        after: ComplianceStatus?,
        reason: String
    ) {
        self.account = account
        self.region = region
        self.framework = framework
        self.control = control
        self.resourceID = resourceID
        self.protectedResourceARN = protectedResourceARN
        self.before = before
        self.after = after
        self.reason = reason
    }
}

/// What a proposed framework or plan changes: every verdict whose status differs, and the controls whose roll-up does.
public struct WhatIfResult: Sendable {
    public var changes: [VerdictChange]
    public var controlChanges: [ControlChange]

    /// The changes in report order: by account, Region, framework, control in catalog order, then Resource ID
    /// (control roll-ups without the Resource ID), whatever order they are given in.
    public init(changes: [VerdictChange], controlChanges: [ControlChange]) {
        self.changes = changes.sorted {
            ($0.account, $0.region, $0.framework, ControlCatalog.order(of: $0.control), $0.control, $0.resourceID)
                < ($1.account, $1.region, $1.framework, ControlCatalog.order(of: $1.control), $1.control, $1.resourceID)
        }
        self.controlChanges = controlChanges.sorted {
            ($0.account, $0.region, $0.framework, ControlCatalog.order(of: $0.control), $0.control)
                < ($1.account, $1.region, $1.framework, ControlCatalog.order(of: $1.control), $1.control)
        }
    }

    /// A control whose roll-up or counts change in one account and Region.
    public struct ControlChange: Hashable, Sendable {
        public var account: String
        public var region: String
        public var framework: String
        public var control: String
        public var before: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?
        public var after: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?

        public init(
            account: String,
            region: String,
            framework: String,
            control: String,
            before: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?,
            after: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?
        ) {
            self.account = account
            self.region = region
            self.framework = framework
            self.control = control
            self.before = before
            self.after = after
        }

        public static func == (lhs: ControlChange, rhs: ControlChange) -> Bool {
            lhs.account == rhs.account && lhs.region == rhs.region && lhs.framework == rhs.framework
                && lhs.control == rhs.control
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(account)
            hasher.combine(region)
            hasher.combine(framework)
            hasher.combine(control)
        }
    }
}

extension WhatIfResult {
    static func label(_ status: ComplianceStatus?) -> String { status?.rawValue ?? "NOT_EVALUATED" }

    /// Whether any resource verdict or control roll-up changes: what `what-if --exit-code` exits 1 on.
    public var hasChanges: Bool { !changes.isEmpty || !controlChanges.isEmpty }

    /// The one-line summary that opens the text and Markdown forms, without its newline.
    package func summary() -> String {
        guard hasChanges else { return "No verdict changes." }
        let worse = changes.filter { $0.after == .nonCompliant }.count
        let better = changes.filter { $0.after == .compliant }.count
        let other = changes.count - worse - better
        return "\(controlChanges.count) control deployment\(controlChanges.count == 1 ? "" : "s") change; "
            + "\(worse) verdict\(worse == 1 ? "" : "s") become NON_COMPLIANT, \(better) become COMPLIANT"
            + (other > 0 ? ", \(other) are no longer evaluated" : "") + "."
    }

    /// Readable text: per control and account/Region, the roll-up change, then the resources that change; recovery
    /// points are grouped under the resource they protect.
    public func text() -> String {
        guard hasChanges else { return "No verdict changes.\n" }
        var out = summary() + "\n"
        let groups = Dictionary(grouping: changes) { "\($0.account)|\($0.region)|\($0.framework)|\($0.control)" }
        for control in controlChanges {
            let groupKey = "\(control.account)|\(control.region)|\(control.framework)|\(control.control)"
            func summary(_ s: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?) -> String {
                guard let s else { return "not deployed" }
                return "\(s.status.rawValue) (\(s.compliant) compliant, \(s.nonCompliant) non-compliant)"
            }
            out += "\(control.control) in \(control.account)/\(control.region) (framework \(control.framework)): "
            out += "\(summary(control.before)) -> \(summary(control.after))\n"
            let rows = groups[groupKey] ?? []
            var byProtected: [String: [VerdictChange]] = [:]
            var plain: [VerdictChange] = []
            for row in rows {
                if row.protectedResourceARN.isEmpty {
                    plain.append(row)
                } else {
                    byProtected[row.protectedResourceARN, default: []].append(row)
                }
            }
            for row in plain {
                out += "  \(row.resourceID): \(Self.label(row.before)) -> \(Self.label(row.after)): \(row.reason)\n"
            }
            for resource in byProtected.keys.sorted() {
                let points = byProtected[resource] ?? []
                let transitions = Dictionary(grouping: points) { "\(Self.label($0.before)) -> \(Self.label($0.after))" }
                for transition in transitions.keys.sorted() {
                    let list = transitions[transition] ?? []
                    let reasons = Set(list.map(\.reason)).sorted()
                    let reason = reasons.count == 1 ? reasons[0] : "\(reasons.count) different reasons"
                    out += "  recovery points of \(resource): \(list.count) \(transition): \(reason)\n"
                }
            }
        }
        return out
    }

    /// The header of the CSV and table forms.
    public static let columns = [
        "Account ID", "Region", "Framework Name", "Control Name", "Resource ID", "Protected Resource ARN", "Before",
        "After", "Reason",
    ]

    /// One row per changed verdict, in the order of `changes`, under `columns`.
    public func rows() -> [[String]] {
        changes.map { c in
            [
                c.account, c.region, c.framework, c.control, c.resourceID, c.protectedResourceARN, Self.label(c.before),
                Self.label(c.after), c.reason,
            ]
        }
    }

    /// RFC 4180 CSV with a header row: one row per changed verdict.
    public func csv() -> [UInt8] {
        var writer = CSVWriter(header: Self.columns)
        for row in rows() { writer.append(row: row) }
        return writer.bytes
    }

    /// JSON with sorted snake_case keys: `{"changes": [...], "controls": [...]}`.
    public func json() -> String {
        func string(_ s: String) -> String { MonthlyReports.jsonString(s) }
        func summary(_ s: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?) -> String {
            guard let s else { return "null" }
            return
                "{\"compliant\":\(s.compliant),\"non_compliant\":\(s.nonCompliant),\"status\":\(string(s.status.rawValue))}"
        }
        let controls = controlChanges.map { c in
            "{\"account\":\(string(c.account)),\"after\":\(summary(c.after)),\"before\":\(summary(c.before)),"
                + "\"control\":\(string(c.control)),\"framework\":\(string(c.framework)),\"region\":\(string(c.region))}"
        }
        let rows = changes.map { c in
            "{\"account\":\(string(c.account)),\"after\":\(string(Self.label(c.after))),"
                + "\"before\":\(string(Self.label(c.before))),\"control\":\(string(c.control)),"
                + "\"framework\":\(string(c.framework)),\"protected_resource_arn\":\(string(c.protectedResourceARN)),"
                + "\"reason\":\(string(c.reason)),\"region\":\(string(c.region)),\"resource_id\":\(string(c.resourceID))}"
        }
        return "{\"changes\":[" + rows.joined(separator: ",") + "],\"controls\":[" + controls.joined(separator: ",")
            + "]}\n"
    }

    /// A pull-request comment in GitHub-flavoured Markdown.
    ///
    /// The summary line, then per control (in catalog order) its roll-up changes and a table of its changed verdicts, at most `rowsPerControl` rows, closed by the count of the
    /// verdicts left out. Recovery points are one row per protected resource and transition, with their count, as in
    /// the text form. Values are escaped so that no input ends a cell or starts markup.
    public func markdown(rowsPerControl: Int = 20) -> String {
        var out = "**what-if:** \(Self.markdownCell(summary()))\n"
        guard hasChanges else { return out }
        let controls = Set(controlChanges.map(\.control)).union(changes.map(\.control)).sorted {
            (ControlCatalog.order(of: $0), $0) < (ControlCatalog.order(of: $1), $1)
        }
        for control in controls {
            let rows = changes.filter { $0.control == control }
            out +=
                "\n#### \(Self.markdownCell(control)): \(rows.count) changed verdict\(rows.count == 1 ? "" : "s")\n\n"
            for change in controlChanges where change.control == control {
                func rollUp(_ s: (status: ComplianceStatus, compliant: Int, nonCompliant: Int)?) -> String {
                    guard let s else { return "not deployed" }
                    return "\(s.status.rawValue) (\(s.compliant) compliant, \(s.nonCompliant) non-compliant)"
                }
                out +=
                    "- \(Self.markdownCell("\(change.account)/\(change.region)")) (framework "
                    + "\(Self.markdownCell(change.framework))): \(rollUp(change.before)) → \(rollUp(change.after))\n"
            }
            guard !rows.isEmpty else { continue }
            out += "\n"
            // One table row per plain verdict, or per protected resource and transition for recovery points.
            var table: [(cells: [String], verdicts: Int)] = []
            var grouped: [String: Int] = [:]
            for row in rows {
                let before = Self.label(row.before)
                let after = Self.label(row.after)
                if row.protectedResourceARN.isEmpty {
                    table.append(
                        ([row.account, row.region, row.framework, row.resourceID, before, after, row.reason], 1)
                    )
                    continue
                }
                let key = [row.account, row.region, row.framework, row.protectedResourceARN, before, after]
                    .joined(separator: "\u{0}")
                if let index = grouped[key] {
                    table[index].verdicts += 1
                    if table[index].cells[6] != row.reason { table[index].cells[6] = "different reasons" }
                } else {
                    grouped[key] = table.count
                    table.append(
                        (
                            [
                                row.account, row.region, row.framework,
                                "recovery points of \(row.protectedResourceARN)", before, after, row.reason,
                            ], 1
                        )
                    )
                }
            }
            out += "| Account | Region | Framework | Resource | Verdicts | Before | After | Reason |\n"
            out += "| --- | --- | --- | --- | ---: | --- | --- | --- |\n"
            var shown = 0
            for row in table.prefix(rowsPerControl) {
                let cells = row.cells.map(Self.markdownCell)
                out += "| " + (cells[0..<4] + ["\(row.verdicts)"] + cells[4...]).joined(separator: " | ") + " |\n"
                shown += row.verdicts
            }
            if shown < rows.count {
                let rest = rows.count - shown
                out +=
                    "\n… and \(rest) more changed verdict\(rest == 1 ? "" : "s") of \(Self.markdownCell(control)) "
                    + "(\(table.count - rowsPerControl) more row\(table.count - rowsPerControl == 1 ? "" : "s")); "
                    + "`what-if --format csv` lists every one.\n"
            }
        }
        return out
    }

    /// A value as Markdown text inside a table cell: every ASCII punctuation character that could start markup or end
    /// the cell backslash-escaped, line breaks as spaces, other non-printing characters as `\xNN`.
    package static func markdownCell(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "!", "~", "&":
                out += "\\\(character)"
            case "\n", "\r", "\r\n", "\t": out += " "
            default:
                let text = String(character)
                out += text.unicodeScalars.allSatisfy(Printable.isPrintable) ? text : Printable.line(text)
            }
        }
        return out
    }
}
