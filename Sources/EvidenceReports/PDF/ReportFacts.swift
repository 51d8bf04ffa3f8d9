internal import EvidenceModel

/// What the PDF shows, read from the month's CSV reports.
struct ReportFacts {
    /// One control's rows in RESOURCE_COMPLIANCE_REPORT, summed over accounts, Regions and frameworks.
    struct ControlTally {
        var name: String
        var nonCompliant = 0
        var total = 0
        var compliant = 0
    }

    /// One NON_COMPLIANT row of RESOURCE_COMPLIANCE_REPORT.
    struct Finding {
        var control: String
        var key: ResourceKey
        var framework: String
        var type: String
        var reason: String
        var evidence: String
    }

    /// A resource's backup windows by outcome (BACKUP_WINDOW_REPORT).
    struct WindowTally {
        var total = 0
        var onTime = 0
        var late = 0
        var missed = 0
        var shortRetention = 0
        /// FAILED, EXPIRED, ABORTED, PARTIAL or RUNNING: a job that did not complete.
        var notCompleted = 0

        var notOnTime: Int { total - onTime }

        mutating func count(_ outcome: Outcome) {
            total += 1
            switch outcome {
            case .onTime: onTime += 1
            case .late: late += 1
            case .missed: missed += 1
            case .shortRetention: shortRetention += 1
            case .notCompleted: notCompleted += 1
            }
        }

        mutating func add(_ other: WindowTally) {
            total += other.total
            onTime += other.onTime
            late += other.late
            missed += other.missed
            shortRetention += other.shortRetention
            notCompleted += other.notCompleted
        }
    }

    /// A window's outcome as the PDF draws it: BACKUP_WINDOW_REPORT's Outcome, with every job that did not
    /// complete (FAILED, EXPIRED, ABORTED, PARTIAL, RUNNING) as one.
    enum Outcome: Int, CaseIterable, Comparable {
        case onTime, shortRetention, late, notCompleted, missed

        init(_ text: String) {
            switch text {
            case "ON_TIME": self = .onTime
            case "LATE": self = .late
            case "MISSED": self = .missed
            case "RETENTION_SHORT": self = .shortRetention
            default: self = .notCompleted
            }
        }

        static func < (a: Outcome, b: Outcome) -> Bool { a.rawValue < b.rawValue }
    }

    /// One expected window on a resource's calendar strip: when it was scheduled, and its outcome.
    struct Mark {
        var scheduled: Instant?
        var outcome: Outcome
    }

    /// A resource with at least one window not on time: its counts, every window's mark, and the windows not on
    /// time in full.
    struct Strip {
        var tally = WindowTally()
        var marks: [Mark] = []
        var notOnTime: [Window] = []
    }

    /// A window that was not ON_TIME.
    struct Window {
        var scheduled: String
        var plan: String
        var rule: String
        var outcome: String
        var jobID: String
        var jobStatus: String
        var completeBy: String
        var completion: String
        var retentionRequired: String
        var retentionTaken: String
        var detail: String
    }

    struct CopyTally {
        var total = 0
        var completed = 0
        var failed = 0
        var other: Int { total - completed - failed }
    }

    struct CopyJob {
        var key: ResourceKey
        var id: String
        var status: String
        var message: String
        var created: String
        var destination: String
    }

    struct RestoreJob {
        var key: ResourceKey
        var id: String
        var status: String
        var message: String
        var created: String
        var completed: String
        var recoveryPoint: String
    }

    var evaluatedAt = ""
    var frameworks: [String] = []
    var accounts: [String] = []
    var regions: [String] = []
    /// Worst first: most non-compliant rows, then the larger share of rows, then the control name.
    var controls: [ControlTally] = []
    /// By control (in `controls` order), then Resource ID, account, Region and framework.
    var findings: [Finding] = []
    /// Every window of the month, by outcome.
    var windowTotals = WindowTally()
    /// The resources with a window not on time; the others are only counted.
    var strips: [ResourceKey: Strip] = [:]
    /// Resources whose every window was on time.
    var resourcesOnTime = 0
    var copyTotals = CopyTally()
    /// Destination vault ARN → copy jobs into it.
    var copyDestinations: [String: CopyTally] = [:]
    var copiesNotCompleted: [CopyJob] = []
    var restores: [RestoreJob] = []

    /// The Resource ID last derived, with its Resource Type and ARN: a resource's windows are consecutive rows.
    private var lastResource = (type: "", arn: "", id: "")

    private mutating func key(type: String, arn: String, account: String, region: String) -> ResourceKey {
        if lastResource.type == type && lastResource.arn == arn {
            return ResourceKey(id: lastResource.id, account: account, region: region)
        }
        let key = ResourceKey(type: type, arn: arn, account: account, region: region)
        lastResource = (type, arn, key.id)
        return key
    }

    /// The facts of report files held in memory, keyed by name (`RESOURCE_COMPLIANCE_REPORT.csv`, …).
    init(reports: [String: [UInt8]]) throws(ComplianceReportError) {
        try self.init { template throws(ComplianceReportError) in
            guard let bytes = reports[template.fileName] else {
                throw ComplianceReportError("\(template.fileName): missing; the PDF is built from the month's reports")
            }
            return (template.fileName, .bytes(bytes))
        }
    }

    /// The facts of the report files in a folder (`<folder>/<TEMPLATE>.csv`), each read in one streaming pass.
    init(folder: String) throws(ComplianceReportError) {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        try self.init { template in
            let path = prefix + template.fileName
            return (path, .file(path: path))
        }
    }

    /// The facts of the reports `file` gives: a name for messages and the source of each report's bytes.
    ///
    /// Each report is read once, row by row; what is kept is the tallies and what the PDF lists, never the rows.
    private init(
        _ file: (ReportTemplate) throws(ComplianceReportError) -> (String, ReportSource)
    ) throws(ComplianceReportError) {
        try readControls(try file(.controlCompliance))
        try readResources(try file(.resourceCompliance))
        try readWindows(try file(.backupWindow))
        try readCopies(try file(.copyJob))
        try readRestores(try file(.restoreJob))
    }

    private mutating func readControls(_ file: (String, ReportSource)) throws(ComplianceReportError) {
        var frameworks = Set<String>()
        var accounts = Set<String>()
        var regions = Set<String>()
        var names: [String] = []
        try ReportColumns(
            file: file.0,
            names: ["Account ID", "Region", "Framework Name", "Control Name", "Last Evaluation Time"]
        ).forEachRow(file.1) { field, _ in
            accounts.insert(field(0))
            regions.insert(field(1))
            frameworks.insert(field(2))
            names.append(field(3))
            if evaluatedAt.isEmpty { evaluatedAt = field(4) }
        }
        self.frameworks = frameworks.sorted()
        self.accounts = accounts.sorted()
        self.regions = regions.sorted()
        var seen = Set<String>()
        for name in names where seen.insert(name).inserted { controls.append(ControlTally(name: name)) }
    }

    private mutating func readResources(_ file: (String, ReportSource)) throws(ComplianceReportError) {
        var tallies: [String: ControlTally] = [:]
        for control in controls { tallies[control.name] = control }
        var findings: [Finding] = []
        try ReportColumns(
            file: file.0,
            names: [
                "Control Name", "Resource Compliance Status", "Resource ID", "Account ID", "Region", "Framework Name",
                "Resource Type", "Evaluation Reason", "Evidence",
            ]
        ).forEachRow(file.1) { field, _ in
            let control = field(0)
            let status = field(1)
            var tally = tallies[control] ?? ControlTally(name: control)
            tally.total += 1
            if status == "COMPLIANT" { tally.compliant += 1 }
            if status == "NON_COMPLIANT" {
                tally.nonCompliant += 1
                findings.append(
                    Finding(
                        control: control,
                        key: ResourceKey(id: field(2), account: field(3), region: field(4)),
                        framework: field(5),
                        type: field(6),
                        reason: field(7),
                        evidence: field(8)
                    )
                )
            }
            tallies[control] = tally
        }
        controls = tallies.values.sorted { a, b in
            if a.nonCompliant != b.nonCompliant { return a.nonCompliant > b.nonCompliant }
            // Larger share first: a/at > b/bt, compared without division.
            let left = a.nonCompliant * max(b.total, 1)
            let right = b.nonCompliant * max(a.total, 1)
            if left != right { return left > right }
            return a.name < b.name
        }
        let rank = Dictionary(uniqueKeysWithValues: controls.enumerated().map { ($1.name, $0) })
        self.findings = findings.sorted { a, b in
            let ra = rank[a.control] ?? 0
            let rb = rank[b.control] ?? 0
            if ra != rb { return ra < rb }
            if a.key != b.key { return a.key < b.key }
            return (a.framework, a.reason, a.evidence) < (b.framework, b.reason, b.evidence)
        }
    }

    /// Reads BACKUP_WINDOW_REPORT, whose rows come resource by resource (account, Region, resource ARN, scheduled
    /// time): one resource's windows are held until the next resource starts, then kept only when one was not on
    /// time, so memory follows the resources with findings, not the windows.
    private mutating func readWindows(_ file: (String, ReportSource)) throws(ComplianceReportError) {
        var current: (account: String, region: String, arn: String)?
        var key = ResourceKey(id: "", account: "", region: "")
        var run = Strip()
        var scheduled: [String] = []
        func finish() {
            guard current != nil else { return }
            windowTotals.add(run.tally)
            if run.tally.notOnTime == 0 {
                resourcesOnTime += 1
            } else {
                for index in run.marks.indices { run.marks[index].scheduled = Instant(iso8601: scheduled[index]) }
                run.notOnTime.sort { ($0.scheduled, $0.plan, $0.rule) < ($1.scheduled, $1.plan, $1.rule) }
                strips[key, default: Strip()].merge(run)
            }
            run = Strip()
            scheduled.removeAll(keepingCapacity: true)
        }
        try ReportColumns(
            file: file.0,
            names: [
                "Account ID", "Region", "Resource Type", "Resource ARN", "Outcome", "Scheduled Time",
                "Backup Plan Name", "Backup Rule Name", "Backup Job ID", "Job Status", "Completion Window End",
                "Completion Date", "Retention Required Days", "Retention Taken Days", "Detail",
            ]
        ).forEachRow(file.1) { field, line throws(ComplianceReportError) in
            let resource = (account: field(0), region: field(1), arn: field(3))
            if let previous = current, previous != resource {
                guard previous < resource else {
                    throw ComplianceReportError(
                        "\(file.0): line \(line): rows are not in the report's order (account, Region, resource ARN, "
                            + "scheduled time)"
                    )
                }
                finish()
            }
            if current.map({ $0 != resource }) ?? true {
                current = resource
                key = self.key(type: field(2), arn: resource.arn, account: resource.account, region: resource.region)
            }
            let text = field(4)
            let outcome = Outcome(text)
            run.tally.count(outcome)
            run.marks.append(Mark(scheduled: nil, outcome: outcome))
            scheduled.append(field(5))
            guard outcome != .onTime else { return }
            run.notOnTime.append(
                Window(
                    scheduled: field(5),
                    plan: field(6),
                    rule: field(7),
                    outcome: text,
                    jobID: field(8),
                    jobStatus: field(9),
                    completeBy: field(10),
                    completion: field(11),
                    retentionRequired: field(12),
                    retentionTaken: field(13),
                    detail: field(14)
                )
            )
        }
        finish()
    }

    private mutating func readCopies(_ file: (String, ReportSource)) throws(ComplianceReportError) {
        try ReportColumns(
            file: file.0,
            names: [
                "Account ID", "Region", "Resource Type", "Resource ARN", "Job Status", "Destination Backup Vault ARN",
                "Copy Job ID", "Status Message", "Creation Date",
            ]
        ).forEachRow(file.1) { field, _ in
            let status = field(4)
            let destination = field(5)
            func count(_ tally: inout CopyTally) {
                tally.total += 1
                if status == "COMPLETED" { tally.completed += 1 }
                if status == "FAILED" { tally.failed += 1 }
            }
            count(&copyTotals)
            count(&copyDestinations[destination, default: CopyTally()])
            guard status != "COMPLETED" else { return }
            copiesNotCompleted.append(
                CopyJob(
                    key: key(type: field(2), arn: field(3), account: field(0), region: field(1)),
                    id: field(6),
                    status: status,
                    message: field(7),
                    created: field(8),
                    destination: destination
                )
            )
        }
        copiesNotCompleted.sort { ($0.key, $0.created, $0.id) < ($1.key, $1.created, $1.id) }
    }

    private mutating func readRestores(_ file: (String, ReportSource)) throws(ComplianceReportError) {
        try ReportColumns(
            file: file.0,
            names: [
                "Account ID", "Region", "Resource Type", "Source Resource ARN", "Restore Job ID", "Job Status",
                "Status Message", "Creation Date", "Completion Date", "Recovery Point ARN",
            ]
        ).forEachRow(file.1) { field, _ in
            restores.append(
                RestoreJob(
                    key: key(type: field(2), arn: field(3), account: field(0), region: field(1)),
                    id: field(4),
                    status: field(5),
                    message: field(6),
                    created: field(7),
                    completed: field(8),
                    recoveryPoint: field(9)
                )
            )
        }
        restores.sort { ($0.key, $0.created, $0.id) < ($1.key, $1.created, $1.id) }
    }
}

extension ReportFacts.Strip {
    /// Adds another run of the same resource's windows (rows of one resource that were not consecutive).
    mutating func merge(_ other: ReportFacts.Strip) {
        tally.add(other.tally)
        marks += other.marks
        notOnTime += other.notOnTime
    }
}
