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

/// Renders report rows as CSV records: each template's columns are resolved once to a function of the row, so a
/// row costs one call per column.
public struct ReportRows: Sendable {
    typealias Column<T> = @Sendable (T) -> String
    let backupJob: [Column<BackupJob>]
    let copyJob: [Column<CopyJob>]
    let restoreJob: [Column<RestoreJob>]
    let window: [Column<ExpectedWindow>]
    let resourceCompliance: [Column<VerdictRow>]
    let controlCompliance: [Column<ControlSummary>]

    /// - Parameters:
    ///   - accounts: `pathToRoot` of each account (scenario.json).
    ///   - vaults: the estate's vaults, for restore jobs' vault type and lock.
    public init(month: Month, asOf: Instant, accounts: [String: AccountSettings], vaults: [Vault]) {
        let period = (month.start.iso8601, month.end.iso8601)
        let evaluated = asOf.iso8601
        let paths = accounts.mapValues { $0.pathToRoot }
        var byARN: [String: Vault] = [:]
        for vault in vaults where byARN[vault.arn.description] == nil { byARN[vault.arn.description] = vault }
        let vaultsByARN = byARN
        let stamp = MonthlyReports.stamp
        func columns<T>(_ template: ReportTemplate, _ column: (String) -> Column<T>) -> [Column<T>] {
            template.columns.map { column($0.key) }
        }
        func shared<T: ReportedJob>(_ key: String) -> Column<T> {
            MonthlyReports.sharedJobColumn(key, period: period, paths: paths)
        }
        backupJob = columns(.backupJob) { key -> Column<BackupJob> in
            switch key {
            case "backupJobId": { $0.id }
            case "backupPlanArn": { $0.origin.planARN }
            case "backupRuleId": { $0.origin.ruleID }
            case "initiationDate": { stamp($0.initiationDate) }
            case "startWindowEnd": { stamp($0.startBy) }
            case "backupOptions": { MonthlyReports.options($0.backupOptions) }
            case "expectedCompletionDate": { stamp($0.expectedCompletionDate) }
            case "recoveryPointArn": { $0.recoveryPointARN }
            case "backupVaultName": { $0.placement.vaultName }
            case "backupVaultArn": { $0.placement.vaultARN }
            default: shared(key)
            }
        }
        copyJob = columns(.copyJob) { key -> Column<CopyJob> in
            switch key {
            case "copyJobId": { $0.id }
            case "initiationDate": { $0.creationDate.iso8601Milliseconds }
            case "startWindowEnd", "backupOptions": { _ in "" }
            case "sourceRecoveryPointArn": { $0.sourceRecoveryPointARN }
            case "sourceBackupVaultArn": { $0.sourceVaultARN }
            case "destinationRecoveryPointArn": { $0.destinationRecoveryPointARN }
            case "destinationBackupVaultArn": { $0.destinationVaultARN }
            default: shared(key)
            }
        }
        restoreJob = columns(.restoreJob) { key -> Column<RestoreJob> in
            switch key {
            case "reportTimePeriodStart": { _ in period.0 }
            case "reportTimePeriodEnd": { _ in period.1 }
            case "pathToRoot": { paths[$0.account] ?? "" }
            case "accountId": { $0.account }
            case "region": { $0.region }
            case "restoreJobId": { $0.id }
            case "jobStatus": { $0.status.rawValue }
            case "statusMessage": { $0.statusMessage }
            case "resourceType": { $0.resourceType }
            case "recoveryPointArn": { $0.recoveryPointARN }
            case "initiationDate": { $0.creationDate.iso8601Milliseconds }
            case "isParentJob": { _ in "false" }
            case "vaultType": { vaultsByARN[$0.backupVaultARN]?.vaultType ?? "" }
            case "vaultLockStatus": { vaultsByARN[$0.backupVaultARN]?.lockStatus ?? "" }
            case "sourceResourceArn": { $0.sourceResourceARN }
            case "backupVaultArn": { $0.backupVaultARN }
            case "creationDate": { $0.creationDate.iso8601Milliseconds }
            case "completionDate": { stamp($0.completionDate) }
            case "backupSizeInBytes": { $0.sizeBytes.map(String.init) ?? "" }
            case "percentDone": { $0.percentDone }
            case "createdResourceArn": { $0.createdResourceARN }
            case "iamRoleArn": { $0.iamRoleARN }
            default: { _ in "" }
            }
        }
        window = columns(.backupWindow) { key -> Column<ExpectedWindow> in
            switch key {
            case "accountId": { $0.account }
            case "region": { $0.region }
            case "resourceType": { $0.resourceType }
            case "resourceArn": { $0.resourceARN }
            case "resourceName": { $0.resourceName }
            case "backupPlanName": { $0.planName }
            case "backupRuleName": { $0.ruleName }
            case "backupRuleSchedule": { $0.schedule }
            case "backupRuleTimezone": { $0.timezone }
            case "scheduledTime": { $0.scheduled.iso8601 }
            case "startWindowEnd": { $0.startBy.iso8601 }
            case "completionWindowEnd": { $0.completeBy.iso8601 }
            case "outcome": { $0.outcome.rawValue }
            case "backupJobId": { $0.job?.id ?? "" }
            case "jobStatus": { $0.job?.state.rawValue ?? "" }
            case "creationDate": { stamp($0.job?.creationDate) }
            case "startDate": { stamp($0.job?.startDate) }
            case "completionDate": { stamp($0.job?.completionDate) }
            case "answeredByRule": { $0.takenByRule ?? $0.ruleName }
            case "recoveryPointArn": { $0.job?.recoveryPointARN ?? "" }
            case "retentionRequiredDays": { $0.requiredRetentionDays.map(String.init) ?? "" }
            case "retentionTakenDays":
                { window in
                    window.job.flatMap { $0.recoveryPointARN.isEmpty ? nil : $0.lifecycle.deleteAfterDays }.map(
                        String.init
                    ) ?? ""
                }
            case "detail": { $0.detail }
            default: { _ in "" }
            }
        }
        func control<T: ControlRow>(_ key: String) -> Column<T>? {
            switch key {
            case "accountId": { $0.location.account }
            case "region": { $0.location.region }
            case "frameworkName": { $0.framework.name }
            case "frameworkDescription": { $0.framework.description }
            case "controlName": { $0.control.name }
            case "lastEvaluationTime": { _ in evaluated }
            default: nil
            }
        }
        resourceCompliance = columns(.resourceCompliance) { key -> Column<VerdictRow> in
            if let shared: Column<VerdictRow> = control(key) { return shared }
            return switch key {
            case "resourceId": { $0.verdict.resourceID }
            case "resourceType": { $0.verdict.resourceType }
            case "resourceComplianceStatus": { $0.verdict.status.rawValue }
            case "evaluationReason": { $0.verdict.reason }
            case "evidence": { $0.verdict.evidence.joined(separator: "; ") }
            default: { _ in "" }
            }
        }
        controlCompliance = columns(.controlCompliance) { key -> Column<ControlSummary> in
            if let shared: Column<ControlSummary> = control(key) { return shared }
            return switch key {
            case "controlComplianceStatus": { $0.status.rawValue }
            case "numResourcesCompliant": { String($0.compliantCount) }
            case "numResourcesNonCompliant": { String($0.nonCompliantCount) }
            case "controlFrequency": { $0.frequency ?? "" }
            case "controlScope": { MonthlyReports.scopeText($0.control.scope) }
            case "controlParameters": { MonthlyReports.parametersText($0.control) }
            default: { _ in "" }
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

    static func append<T>(_ item: T, _ columns: [Column<T>], to bytes: inout [UInt8]) {
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVWriter.appendField(column(item), to: &bytes)
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

    /// The columns backup and copy job reports share, from the fields both kinds of job have; "" for other keys.
    static func sharedJobColumn<T: ReportedJob>(
        _ key: String,
        period: (String, String),
        paths: [String: String]
    ) -> @Sendable (T) -> String {
        switch key {
        case "reportTimePeriodStart": { _ in period.0 }
        case "reportTimePeriodEnd": { _ in period.1 }
        case "pathToRoot": { paths[$0.account] ?? "" }
        case "accountId": { $0.account }
        case "region": { $0.region }
        case "jobStatus": { $0.stateText }
        case "statusMessage": { $0.statusMessage }
        case "resourceType": { $0.resourceType }
        case "resourceArn": { $0.resourceARN }
        case "resourceName": { $0.resourceName }
        case "backupPlanName": { $0.origin.planName }
        case "backupRuleName": { $0.origin.ruleName }
        case "backupRuleSchedule": { $0.origin.schedule }
        case "backupRuleTimezone": { $0.origin.timezone }
        case "isParentJob": { $0.isParent ? "true" : "false" }
        case "parentJobId": { $0.parentJobID }
        case "creationDate": { $0.creationDate.iso8601Milliseconds }
        case "completionDate": { stamp($0.completionDate) }
        case "jobRunTime": { runTime($0.creationDate, $0.completionDate) }
        case "backupSizeInBytes": { $0.sizeBytes.map(String.init) ?? "" }
        case "vaultType": { $0.placement.vaultType }
        case "vaultLockStatus": { $0.placement.lockStatus }
        case "isEncrypted": { $0.placement.isEncrypted.map { $0 ? "true" : "false" } ?? "" }
        case "encryptionKeyArn": { $0.placement.encryptionKeyARN }
        case "deleteAfterDays": { $0.lifecycle.deleteAfterDays.map(String.init) ?? "" }
        case "moveToColdAfterDays": { $0.lifecycle.moveToColdAfterDays.map(String.init) ?? "" }
        case "enableArchive": { $0.lifecycle.optInToArchive ? "true" : "false" }
        case "iamRoleArn": { $0.iamRoleARN }
        default: { _ in "" }
        }
    }

    static func stamp(_ instant: Instant?) -> String { instant?.iso8601Milliseconds ?? "" }

    /// `completionDate − creationDate`, truncated to whole seconds, as `HH:MM:SS` (hours may exceed 23).
    static func runTime(_ from: Instant, _ to: Instant?) -> String {
        guard let to, to >= from else { return "" }
        let seconds = (to.milliseconds - from.milliseconds) / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
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
