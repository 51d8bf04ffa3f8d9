public import EvidenceControls
public import EvidenceModel
public import EvidenceSimulation

/// The report files of one month: file name → bytes, ready to be written.
public struct ReportSet: Sendable {
    /// Keyed by file name, such as `BACKUP_JOB_REPORT.csv`.
    public var files: [String: [UInt8]]
    /// Row counts per template, for summaries.
    public var rowCounts: [ReportTemplate: Int]

    public init(files: [String: [UInt8]], rowCounts: [ReportTemplate: Int]) {
        self.files = files
        self.rowCounts = rowCounts
    }
}

/// One control's outcome in its folder: what a CONTROL_COMPLIANCE_REPORT row says.
public struct ControlSummary: ControlRow {
    public var location: AccountRegion
    public var framework: Framework
    public var control: FrameworkControl
    public var frequency: String?
    public var compliantCount: Int
    public var nonCompliantCount: Int

    public init(location: AccountRegion, framework: Framework, control: FrameworkControl, frequency: String?) {
        self.location = location
        self.framework = framework
        self.control = control
        self.frequency = frequency
        self.compliantCount = 0
        self.nonCompliantCount = 0
    }

    public init(_ evaluation: ControlEvaluation) {
        self.init(
            location: evaluation.location,
            framework: evaluation.framework,
            control: evaluation.control,
            frequency: evaluation.frequency
        )
        compliantCount = evaluation.compliantCount
        nonCompliantCount = evaluation.nonCompliantCount
    }

    /// Counts a verdict of the control.
    public mutating func count(_ status: ComplianceStatus) {
        switch status {
        case .compliant: compliantCount += 1
        case .nonCompliant: nonCompliantCount += 1
        case .notApplicable, .insufficientData: break
        }
    }

    /// The control's status, rolled up as `ControlEvaluation.status` does.
    public var status: ComplianceStatus {
        if nonCompliantCount > 0 { return .nonCompliant }
        if compliantCount > 0 { return .compliant }
        return .insufficientData
    }
}

/// What the two compliance reports' rows share: the framework control and its folder.
protocol ControlRow: Sendable {
    var location: AccountRegion { get }
    var framework: Framework { get }
    var control: FrameworkControl { get }
}

/// A framework control in its folder: the columns its verdict rows share.
struct ControlHeader: ControlRow {
    var location: AccountRegion
    var framework: Framework
    var control: FrameworkControl
}

/// Renders one framework control's RESOURCE_COMPLIANCE_REPORT rows (`ReportRows.verdictRows`): the same bytes as
/// `ReportRows.append(_: VerdictRow, to:)`, with the control's own columns rendered once.
public struct VerdictRows: Sendable {
    enum Part: Sendable {
        case bytes([UInt8])
        case verdict(ReportRows.Column<ResourceVerdict>)
    }

    let parts: [Part]

    /// Appends the verdict's row, with its line end.
    public func append(_ verdict: ResourceVerdict, to bytes: inout [UInt8]) {
        withUnsafePointer(to: verdict) { verdict in
            for part in parts {
                switch part {
                case .bytes(let rendered): bytes.append(contentsOf: rendered)
                case .verdict(let append): append(verdict, &bytes)
                }
            }
        }
    }
}

/// A row of RESOURCE_COMPLIANCE_REPORT: a verdict of a framework control in its folder.
public struct VerdictRow: ControlRow {
    public var location: AccountRegion
    public var framework: Framework
    public var control: FrameworkControl
    public var verdict: ResourceVerdict

    public init(location: AccountRegion, framework: Framework, control: FrameworkControl, verdict: ResourceVerdict) {
        self.location = location
        self.framework = framework
        self.control = control
        self.verdict = verdict
    }

    /// Every verdict of the evaluations, in their order: the report's rows.
    public static func rows(of evaluations: [ControlEvaluation]) -> [VerdictRow] {
        evaluations.flatMap { evaluation in
            evaluation.verdicts.map {
                VerdictRow(
                    location: evaluation.location,
                    framework: evaluation.framework,
                    control: evaluation.control,
                    verdict: $0
                )
            }
        }
    }
}

/// Renders report rows as CSV records: each template's columns are resolved once to a function that appends the
/// field's bytes to the record, so a row costs one call per column and no string per field.
public struct ReportRows: Sendable {
    /// A column's renderer, given the row by address.
    ///
    /// A closure stored in an array takes its arguments indirectly, so a row passed by value would be copied
    /// (every string retained and released) at each call.
    typealias Column<T> = @Sendable (UnsafePointer<T>, inout [UInt8]) -> Void
    let backupJob: [Column<BackupJob>]
    let copyJob: [Column<CopyJob>]
    let restoreJob: [Column<RestoreJob>]
    let window: [Column<ExpectedWindow>]
    let resourceCompliance: [Column<VerdictRow>]
    let controlCompliance: [Column<ControlSummary>]
    /// RESOURCE_COMPLIANCE_REPORT's columns, split into those of the framework control and those of the verdict.
    let verdictColumns: [VerdictColumn]

    enum VerdictColumn: Sendable {
        case control(Column<ControlHeader>)
        case verdict(Column<ResourceVerdict>)
    }

    /// - Parameters:
    ///   - accounts: `pathToRoot` of each account (scenario.json).
    ///   - vaults: the estate's vaults, for restore jobs' vault type and lock.
    public init(month: Month, asOf: Instant, accounts: [String: AccountSettings], vaults: [Vault]) {
        let period = (Field.rendered(month.start.iso8601), Field.rendered(month.end.iso8601))
        let evaluated = Field.rendered(asOf.iso8601)
        let paths = accounts.mapValues { Field.rendered($0.pathToRoot) }
        var byARN: [String: Vault] = [:]
        for vault in vaults where byARN[vault.arn.description] == nil { byARN[vault.arn.description] = vault }
        let vaultsByARN = byARN
        func columns<T>(_ template: ReportTemplate, _ column: (String) -> Column<T>) -> [Column<T>] {
            template.columns.map { column($0.key) }
        }
        func shared<T: ReportedJob>(_ key: String) -> Column<T> {
            MonthlyReports.sharedJobColumn(key, period: period, paths: paths)
        }
        backupJob = columns(.backupJob) { key -> Column<BackupJob> in
            switch key {
            case "backupJobId": { Field.text($0.pointee.id, &$1) }
            case "backupPlanArn": { Field.text($0.pointee.origin.planARN, &$1) }
            case "backupRuleId": { Field.text($0.pointee.origin.ruleID, &$1) }
            case "initiationDate": { Field.stamp($0.pointee.initiationDate, &$1) }
            case "startWindowEnd": { Field.stamp($0.pointee.startBy, &$1) }
            case "backupOptions": { Field.text(MonthlyReports.options($0.pointee.backupOptions), &$1) }
            case "expectedCompletionDate": { Field.stamp($0.pointee.expectedCompletionDate, &$1) }
            case "recoveryPointArn": { Field.text($0.pointee.recoveryPointARN, &$1) }
            case "backupVaultName": { Field.text($0.pointee.placement.vaultName, &$1) }
            case "backupVaultArn": { Field.text($0.pointee.placement.vaultARN, &$1) }
            default: shared(key)
            }
        }
        copyJob = columns(.copyJob) { key -> Column<CopyJob> in
            switch key {
            case "copyJobId": { Field.text($0.pointee.id, &$1) }
            case "initiationDate": { Field.instant($0.pointee.creationDate, milliseconds: true, &$1) }
            case "startWindowEnd", "backupOptions": { _, _ in }
            case "sourceRecoveryPointArn": { Field.text($0.pointee.sourceRecoveryPointARN, &$1) }
            case "sourceBackupVaultArn": { Field.text($0.pointee.sourceVaultARN, &$1) }
            case "destinationRecoveryPointArn": { Field.text($0.pointee.destinationRecoveryPointARN, &$1) }
            case "destinationBackupVaultArn": { Field.text($0.pointee.destinationVaultARN, &$1) }
            default: shared(key)
            }
        }
        restoreJob = columns(.restoreJob) { key -> Column<RestoreJob> in
            switch key {
            case "reportTimePeriodStart": { $1.append(contentsOf: period.0) }
            case "reportTimePeriodEnd": { $1.append(contentsOf: period.1) }
            case "pathToRoot": { $1.append(contentsOf: paths[$0.pointee.account] ?? []) }
            case "accountId": { Field.text($0.pointee.account, &$1) }
            case "region": { Field.text($0.pointee.region, &$1) }
            case "restoreJobId": { Field.text($0.pointee.id, &$1) }
            case "jobStatus": { Field.text($0.pointee.status.rawValue, &$1) }
            case "statusMessage": { Field.text($0.pointee.statusMessage, &$1) }
            case "resourceType": { Field.text($0.pointee.resourceType, &$1) }
            case "recoveryPointArn": { Field.text($0.pointee.recoveryPointARN, &$1) }
            case "initiationDate": { Field.instant($0.pointee.creationDate, milliseconds: true, &$1) }
            case "isParentJob": { Field.boolean(false, &$1) }
            case "vaultType": { Field.text(vaultsByARN[$0.pointee.backupVaultARN]?.vaultType ?? "", &$1) }
            case "vaultLockStatus": { Field.text(vaultsByARN[$0.pointee.backupVaultARN]?.lockStatus ?? "", &$1) }
            case "sourceResourceArn": { Field.text($0.pointee.sourceResourceARN, &$1) }
            case "backupVaultArn": { Field.text($0.pointee.backupVaultARN, &$1) }
            case "creationDate": { Field.instant($0.pointee.creationDate, milliseconds: true, &$1) }
            case "completionDate": { Field.stamp($0.pointee.completionDate, &$1) }
            case "backupSizeInBytes": { Field.integer($0.pointee.sizeBytes, &$1) }
            case "percentDone": { Field.text($0.pointee.percentDone, &$1) }
            case "createdResourceArn": { Field.text($0.pointee.createdResourceARN, &$1) }
            case "iamRoleArn": { Field.text($0.pointee.iamRoleARN, &$1) }
            default: { _, _ in }
            }
        }
        window = columns(.backupWindow) { key -> Column<ExpectedWindow> in
            switch key {
            case "accountId": { Field.text($0.pointee.account, &$1) }
            case "region": { Field.text($0.pointee.region, &$1) }
            case "resourceType": { Field.text($0.pointee.resourceType, &$1) }
            case "resourceArn": { Field.text($0.pointee.resourceARN, &$1) }
            case "resourceName": { Field.text($0.pointee.resourceName, &$1) }
            case "backupPlanName": { Field.text($0.pointee.planName, &$1) }
            case "backupRuleName": { Field.text($0.pointee.ruleName, &$1) }
            case "backupRuleSchedule": { Field.text($0.pointee.schedule, &$1) }
            case "backupRuleTimezone": { Field.text($0.pointee.timezone, &$1) }
            case "scheduledTime": { Field.instant($0.pointee.scheduled, milliseconds: false, &$1) }
            case "startWindowEnd": { Field.instant($0.pointee.startBy, milliseconds: false, &$1) }
            case "completionWindowEnd": { Field.instant($0.pointee.completeBy, milliseconds: false, &$1) }
            case "outcome": { Field.text($0.pointee.outcome.rawValue, &$1) }
            case "backupJobId": { Field.text($0.pointee.job?.id ?? "", &$1) }
            case "jobStatus": { Field.text($0.pointee.job?.state.rawValue ?? "", &$1) }
            case "creationDate": { Field.stamp($0.pointee.job?.creationDate, &$1) }
            case "startDate": { Field.stamp($0.pointee.job?.startDate, &$1) }
            case "completionDate": { Field.stamp($0.pointee.job?.completionDate, &$1) }
            case "answeredByRule": { Field.text($0.pointee.takenByRule ?? $0.pointee.ruleName, &$1) }
            case "recoveryPointArn": { Field.text($0.pointee.job?.recoveryPointARN ?? "", &$1) }
            case "retentionRequiredDays": { Field.integer($0.pointee.requiredRetentionDays, &$1) }
            case "retentionTakenDays":
                { window, bytes in
                    Field.integer(
                        window.pointee.job.flatMap { $0.recoveryPointARN.isEmpty ? nil : $0.lifecycle.deleteAfterDays },
                        &bytes
                    )
                }
            case "detail": { Field.text($0.pointee.detail, &$1) }
            default: { _, _ in }
            }
        }
        func control<T: ControlRow>(_ key: String) -> Column<T>? {
            switch key {
            case "accountId": { Field.text($0.pointee.location.account, &$1) }
            case "region": { Field.text($0.pointee.location.region, &$1) }
            case "frameworkName": { Field.text($0.pointee.framework.name, &$1) }
            case "frameworkDescription": { Field.text($0.pointee.framework.description, &$1) }
            case "controlName": { Field.text($0.pointee.control.name, &$1) }
            case "lastEvaluationTime": { $1.append(contentsOf: evaluated) }
            default: nil
            }
        }
        func verdict(_ key: String) -> Column<ResourceVerdict> {
            switch key {
            case "resourceId": { Field.text($0.pointee.resourceID, &$1) }
            case "resourceType": { Field.text($0.pointee.resourceType, &$1) }
            case "resourceComplianceStatus": { Field.text($0.pointee.status.rawValue, &$1) }
            case "evaluationReason": { Field.text($0.pointee.reason, &$1) }
            case "evidence": { Field.joined($0.pointee.evidence, &$1) }
            default: { _, _ in }
            }
        }
        resourceCompliance = columns(.resourceCompliance) { key -> Column<VerdictRow> in
            if let shared: Column<VerdictRow> = control(key) { return shared }
            let column = verdict(key)
            return { row, bytes in withUnsafePointer(to: row.pointee.verdict) { column($0, &bytes) } }
        }
        verdictColumns = ReportTemplate.resourceCompliance.columns.map { column in
            if let shared: Column<ControlHeader> = control(column.key) { return .control(shared) }
            return .verdict(verdict(column.key))
        }
        controlCompliance = columns(.controlCompliance) { key -> Column<ControlSummary> in
            if let shared: Column<ControlSummary> = control(key) { return shared }
            return switch key {
            case "controlComplianceStatus": { Field.text($0.pointee.status.rawValue, &$1) }
            case "numResourcesCompliant": { Field.integer($0.pointee.compliantCount, &$1) }
            case "numResourcesNonCompliant": { Field.integer($0.pointee.nonCompliantCount, &$1) }
            case "controlFrequency": { Field.text($0.pointee.frequency ?? "", &$1) }
            case "controlScope": { Field.text(MonthlyReports.scopeText($0.pointee.control.scope), &$1) }
            case "controlParameters": { Field.text(MonthlyReports.parametersText($0.pointee.control), &$1) }
            default: { _, _ in }
            }
        }
    }

    public init(estate: Estate, month: Month, asOf: Instant) {
        self.init(month: month, asOf: asOf, accounts: estate.settings.accounts, vaults: estate.vaults)
    }

    /// The header record of a template, with its line end.
    public static func header(_ template: ReportTemplate) -> [UInt8] {
        var bytes: [UInt8] = []
        append(template.columns.map(\.header), to: &bytes)
        return bytes
    }

    public func append(_ job: BackupJob, to bytes: inout [UInt8]) { Self.append(job, backupJob, to: &bytes) }
    public func append(_ job: CopyJob, to bytes: inout [UInt8]) { Self.append(job, copyJob, to: &bytes) }
    public func append(_ job: RestoreJob, to bytes: inout [UInt8]) { Self.append(job, restoreJob, to: &bytes) }
    public func append(_ item: ExpectedWindow, to bytes: inout [UInt8]) { Self.append(item, window, to: &bytes) }
    public func append(_ row: VerdictRow, to bytes: inout [UInt8]) { Self.append(row, resourceCompliance, to: &bytes) }
    public func append(_ summary: ControlSummary, to bytes: inout [UInt8]) {
        Self.append(summary, controlCompliance, to: &bytes)
    }

    /// Appends the row of `jobs[index]`, read in place (no copy of the job).
    public func append(_ jobs: [BackupJob], at index: Int, to bytes: inout [UInt8]) {
        Self.append(jobs, at: index, backupJob, to: &bytes)
    }
    /// Appends the row of `jobs[index]`, read in place (no copy of the job).
    public func append(_ jobs: [CopyJob], at index: Int, to bytes: inout [UInt8]) {
        Self.append(jobs, at: index, copyJob, to: &bytes)
    }
    /// Appends the row of `jobs[index]`, read in place (no copy of the job).
    public func append(_ jobs: [RestoreJob], at index: Int, to bytes: inout [UInt8]) {
        Self.append(jobs, at: index, restoreJob, to: &bytes)
    }
    /// Appends the row of every window, each read in place (no copy of a window or its job).
    public func append(_ windows: [ExpectedWindow], to bytes: inout [UInt8]) {
        for index in windows.indices { Self.append(windows, at: index, window, to: &bytes) }
    }

    /// The renderer of one framework control's verdict rows in its folder, its own columns rendered once.
    public func verdictRows(location: AccountRegion, framework: Framework, control: FrameworkControl) -> VerdictRows {
        let header = ControlHeader(location: location, framework: framework, control: control)
        var parts: [VerdictRows.Part] = []
        var pending: [UInt8] = []
        for (index, column) in verdictColumns.enumerated() {
            if index > 0 { pending.append(UInt8(ascii: ",")) }
            switch column {
            case .control(let append):
                withUnsafePointer(to: header) { append($0, &pending) }
            case .verdict(let append):
                if !pending.isEmpty { parts.append(.bytes(pending)) }
                pending = []
                parts.append(.verdict(append))
            }
        }
        pending.append(UInt8(ascii: "\n"))
        parts.append(.bytes(pending))
        return VerdictRows(parts: parts)
    }

    static func append<T>(_ item: T, _ columns: [Column<T>], to bytes: inout [UInt8]) {
        withUnsafePointer(to: item) { append($0, columns, to: &bytes) }
    }

    static func append<T>(_ items: [T], at index: Int, _ columns: [Column<T>], to bytes: inout [UInt8]) {
        items.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.indices.contains(index) else {
                preconditionFailure("index \(index) is not in the rows")
            }
            append(base + index, columns, to: &bytes)
        }
    }

    private static func append<T>(_ row: UnsafePointer<T>, _ columns: [Column<T>], to bytes: inout [UInt8]) {
        for index in columns.indices {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            columns[index](row, &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    static func append(_ fields: [String], to bytes: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVWriter.appendField(field, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }
}

/// Appends one CSV field's bytes, as `CSVWriter.appendField` would write the field's text.
enum Field {
    /// A text field, quoted when RFC 4180 requires it.
    static func text(_ text: String, _ bytes: inout [UInt8]) { CSVWriter.appendField(text, to: &bytes) }

    /// A text field's bytes, rendered once.
    static func rendered(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        CSVWriter.appendField(text, to: &bytes)
        return bytes
    }

    /// `Instant.iso8601Milliseconds`, or nothing for nil.
    static func stamp(_ instant: Instant?, _ bytes: inout [UInt8]) {
        if let instant { Self.instant(instant, milliseconds: true, &bytes) }
    }

    /// `Instant.iso8601` or `Instant.iso8601Milliseconds`: digits, dashes and colons, never quoted.
    ///
    /// Composed in a buffer on the stack and appended once.
    static func instant(_ instant: Instant, milliseconds: Bool, _ bytes: inout [UInt8]) {
        let civil = instant.civil
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { out in
            var end = 0
            func digits(_ value: Int, _ width: Int) {
                var v = value
                for index in stride(from: end + width - 1, through: end, by: -1) {
                    out[index] = UInt8(48 + v % 10)
                    v /= 10
                }
                end += width
            }
            func mark(_ ascii: UInt8) {
                out[end] = ascii
                end += 1
            }
            digits(civil.year, 4)
            mark(UInt8(ascii: "-"))
            digits(civil.month, 2)
            mark(UInt8(ascii: "-"))
            digits(civil.day, 2)
            mark(UInt8(ascii: "T"))
            digits(civil.hour, 2)
            mark(UInt8(ascii: ":"))
            digits(civil.minute, 2)
            mark(UInt8(ascii: ":"))
            digits(civil.second, 2)
            if milliseconds {
                mark(UInt8(ascii: "."))
                digits(civil.millisecond, 3)
            }
            mark(UInt8(ascii: "Z"))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[0..<end]))
        }
    }

    /// An integer as `String(_:)` writes it, or nothing for nil.
    static func integer<I: BinaryInteger>(_ value: I?, _ bytes: inout [UInt8]) {
        guard let value else { return }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 { bytes.append(UInt8(ascii: "0")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(48 + Int(magnitude % 10)))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// `true` or `false`.
    static func boolean(_ value: Bool, _ bytes: inout [UInt8]) {
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// The parts joined with `; `, quoted when RFC 4180 requires it, as `appendField(parts.joined("; "))`.
    static func joined(_ parts: [String], _ bytes: inout [UInt8]) {
        if parts.count == 1 { return text(parts[0], &bytes) }
        let quoted = parts.contains { part in
            part.utf8.withContiguousStorageIfAvailable { utf8 in
                utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            } ?? part.utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        }
        if quoted { bytes.append(34) }
        for index in parts.indices {
            if index > 0 {
                bytes.append(UInt8(ascii: ";"))
                bytes.append(UInt8(ascii: " "))
            }
            let appended: Void? = parts[index].utf8.withContiguousStorageIfAvailable { utf8 in
                quoted ? escaped(utf8, &bytes) : bytes.append(contentsOf: utf8)
            }
            if appended == nil { escaped(Array(parts[index].utf8), &bytes) }
        }
        if quoted { bytes.append(34) }
    }

    /// The bytes with each double quote doubled, as inside a quoted field.
    private static func escaped(_ utf8: some Collection<UInt8>, _ bytes: inout [UInt8]) {
        guard utf8.contains(34) else { return bytes.append(contentsOf: utf8) }
        for byte in utf8 {
            if byte == 34 { bytes.append(34) }
            bytes.append(byte)
        }
    }
}

/// Builds the month's reports for the whole organization from a simulation and its control evaluations, in
/// memory (for what-if comparisons and tests; the month pipeline streams the same rows to files).
///
/// Row orders (a total order, so output bytes are stable):
/// - job reports: account, Region, creation date, job id;
/// - RESOURCE_COMPLIANCE_REPORT: account, Region, framework name, control (catalog order), Resource ID;
/// - CONTROL_COMPLIANCE_REPORT: account, Region, framework name, control (catalog order).
public enum MonthlyReports {
    public static func build(
        estate: Estate,
        simulation: SimulationResult,
        evaluations: [ControlEvaluation]
    ) -> ReportSet {
        let rows = ReportRows(estate: estate, month: simulation.month, asOf: simulation.asOf)
        // Each template is written on its own core; the bytes do not depend on which.
        let rendered = Parallel.map(ReportTemplate.allCases) { template -> ([UInt8], Int) in
            var bytes = ReportRows.header(template)
            func write<T>(_ items: [T], _ append: (T, inout [UInt8]) -> Void) -> ([UInt8], Int) {
                for item in items { append(item, &bytes) }
                return (bytes, items.count)
            }
            switch template {
            case .backupJob: return write(simulation.backupJobs, rows.append)
            case .copyJob: return write(simulation.copyJobs, rows.append)
            case .restoreJob: return write(simulation.restoreJobs, rows.append)
            case .backupWindow: return write(simulation.windows, rows.append)
            case .resourceCompliance: return write(VerdictRow.rows(of: evaluations), rows.append)
            case .controlCompliance: return write(evaluations.map(ControlSummary.init), rows.append)
            }
        }
        var files: [String: [UInt8]] = [:]
        var counts: [ReportTemplate: Int] = [:]
        for (template, (bytes, count)) in zip(ReportTemplate.allCases, rendered) {
            files[template.fileName] = bytes
            counts[template] = count
        }
        return ReportSet(files: files, rowCounts: counts)
    }

    /// The columns backup and copy job reports share, from the fields both kinds of job have; empty for other keys.
    static func sharedJobColumn<T: ReportedJob>(
        _ key: String,
        period: ([UInt8], [UInt8]),
        paths: [String: [UInt8]]
    ) -> ReportRows.Column<T> {
        switch key {
        case "reportTimePeriodStart": { $1.append(contentsOf: period.0) }
        case "reportTimePeriodEnd": { $1.append(contentsOf: period.1) }
        case "pathToRoot": { $1.append(contentsOf: paths[$0.pointee.account] ?? []) }
        case "accountId": { Field.text($0.pointee.account, &$1) }
        case "region": { Field.text($0.pointee.region, &$1) }
        case "jobStatus": { Field.text($0.pointee.stateText, &$1) }
        case "statusMessage": { Field.text($0.pointee.statusMessage, &$1) }
        case "resourceType": { Field.text($0.pointee.resourceType, &$1) }
        case "resourceArn": { Field.text($0.pointee.resourceARN, &$1) }
        case "resourceName": { Field.text($0.pointee.resourceName, &$1) }
        case "backupPlanName": { Field.text($0.pointee.origin.planName, &$1) }
        case "backupRuleName": { Field.text($0.pointee.origin.ruleName, &$1) }
        case "backupRuleSchedule": { Field.text($0.pointee.origin.schedule, &$1) }
        case "backupRuleTimezone": { Field.text($0.pointee.origin.timezone, &$1) }
        case "isParentJob": { Field.boolean($0.pointee.isParent, &$1) }
        case "parentJobId": { Field.text($0.pointee.parentJobID, &$1) }
        case "creationDate": { Field.instant($0.pointee.creationDate, milliseconds: true, &$1) }
        case "completionDate": { Field.stamp($0.pointee.completionDate, &$1) }
        case "jobRunTime": { runTime($0.pointee.creationDate, $0.pointee.completionDate, &$1) }
        case "backupSizeInBytes": { Field.integer($0.pointee.sizeBytes, &$1) }
        case "vaultType": { Field.text($0.pointee.placement.vaultType, &$1) }
        case "vaultLockStatus": { Field.text($0.pointee.placement.lockStatus, &$1) }
        case "isEncrypted":
            { item, bytes in
                if let encrypted = item.pointee.placement.isEncrypted { Field.boolean(encrypted, &bytes) }
            }
        case "encryptionKeyArn": { Field.text($0.pointee.placement.encryptionKeyARN, &$1) }
        case "deleteAfterDays": { Field.integer($0.pointee.lifecycle.deleteAfterDays, &$1) }
        case "moveToColdAfterDays": { Field.integer($0.pointee.lifecycle.moveToColdAfterDays, &$1) }
        case "enableArchive": { Field.boolean($0.pointee.lifecycle.optInToArchive, &$1) }
        case "iamRoleArn": { Field.text($0.pointee.iamRoleARN, &$1) }
        default: { _, _ in }
        }
    }

    /// `completionDate − creationDate`, truncated to whole seconds, as `HH:MM:SS` (hours may exceed 23); nothing
    /// when it has not completed.
    static func runTime(_ from: Instant, _ to: Instant?, _ bytes: inout [UInt8]) {
        guard let to, to >= from else { return }
        let seconds = (to.milliseconds - from.milliseconds) / 1000
        func two(_ v: Int64) {
            if v < 10 { bytes.append(UInt8(ascii: "0")) }
            Field.integer(v, &bytes)
        }
        two(seconds / 3600)
        bytes.append(UInt8(ascii: ":"))
        two(seconds / 60 % 60)
        bytes.append(UInt8(ascii: ":"))
        two(seconds % 60)
    }

    /// Backup options as a JSON object with sorted keys; empty when there are none.
    static func options(_ options: [String: String]) -> String {
        guard !options.isEmpty else { return "" }
        return "{"
            + options.keys.sorted().map { "\(jsonString($0)):\(jsonString(options[$0] ?? ""))" }.joined(separator: ",")
            + "}"
    }

    /// The control scope in the loose form of AWS's sample (`{ComplianceResourceTypes: [],}`); empty when unscoped.
    static func scopeText(_ scope: ControlScope) -> String {
        guard !scope.isEmpty else { return "" }
        var parts: [String] = []
        if !scope.resourceIDs.isEmpty {
            parts.append("ComplianceResourceIds: [\(scope.resourceIDs.joined(separator: ", "))]")
        }
        if !scope.resourceTypes.isEmpty {
            parts.append("ComplianceResourceTypes: [\(scope.resourceTypes.joined(separator: ", "))]")
        }
        if !scope.tags.isEmpty {
            let tags = scope.tags.keys.sorted().map { key in "\(key): \((scope.tags[key] ?? nil) ?? "")" }
            parts.append("Tags: {\(tags.joined(separator: ", "))}")
        }
        return "{" + parts.map { $0 + "," }.joined(separator: " ") + "}"
    }

    /// The given parameters as a JSON object of strings, in the control's parameter order; empty when none.
    static func parametersText(_ control: FrameworkControl) -> String {
        guard !control.parameters.isEmpty else { return "" }
        let order = ControlCatalog.control(named: control.name)?.parameters.map(\.name) ?? []
        let sorted = control.parameters.sorted {
            (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (
                order.firstIndex(of: $1.name) ?? order.count, $1.name
            )
        }
        return "{" + sorted.map { "\(jsonString($0.name)):\(jsonString($0.value))" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal of `text`, escaped as RFC 8785 does.
    public static func jsonString(_ text: String) -> String { CanonicalJSON.string(text) }
}

extension MonthlyReports {
    /// Simulates the month, evaluates every framework and builds the reports: the whole pure pipeline.
    ///
    /// - Parameter asOf: the evaluation instant; nil means the first instant after the month.
    public static func compute(estate: Estate, month: Month, asOf: Instant?) throws -> ReportSet {
        let simulation = try Simulator.run(estate: estate, month: month, asOf: asOf ?? month.end)
        let evaluations = try ComplianceEvaluator.evaluate(estate: estate, simulation: simulation)
        return build(estate: estate, simulation: simulation, evaluations: evaluations)
    }
}

/// What backup and copy jobs have in common for their reports.
protocol ReportedJob: Sendable {
    var account: String { get }
    var region: String { get }
    var stateText: String { get }
    var statusMessage: String { get }
    var resourceType: String { get }
    var resourceARN: String { get }
    var resourceName: String { get }
    var origin: JobOrigin { get }
    var creationDate: Instant { get }
    var completionDate: Instant? { get }
    var sizeBytes: Int64? { get }
    var placement: VaultPlacement { get }
    var lifecycle: Lifecycle { get }
    var iamRoleARN: String { get }
    var isParent: Bool { get }
    var parentJobID: String { get }
}

extension BackupJob: ReportedJob {
    var stateText: String { state.rawValue }
}

extension CopyJob: ReportedJob {
    var stateText: String { state.rawValue }
}
