public import EvidenceControls
public import EvidenceModel
public import EvidenceSimulation

/// The report files of one month: file name → bytes, ready to be written.
public struct ReportSet: Sendable {
    /// Keyed by file name, such as `BACKUP_JOB_REPORT.csv`.
    public var files: [String: [UInt8]]
    /// Row counts per template, for summaries.
    public var rowCounts: [ReportTemplate: Int]
}

/// Builds the month's reports for the whole organization from a simulation and its control evaluations.
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
        let period = (simulation.month.start.iso8601, simulation.month.end.iso8601)
        let accounts = estate.settings.accounts
        @Sendable func pathToRoot(_ account: String) -> String { accounts[account]?.pathToRoot ?? "" }
        @Sendable func write<T>(
            _ template: ReportTemplate,
            _ items: [T],
            _ value: (String, T) -> String
        ) -> ([UInt8], Int) {
            var csv = CSVWriter(header: template.columns.map(\.header))
            let keys = template.columns.map(\.key)
            for item in items { csv.append(row: keys.map { value($0, item) }) }
            return (csv.bytes, items.count)
        }

        // The simulation already holds jobs in report order: account, Region, creation date, job id.
        let backups = simulation.backupJobs
        let copies = simulation.copyJobs
        let restores = simulation.restoreJobs
        let vaultsByARN = Dictionary(estate.vaults.map { ($0.arn.description, $0) }, uniquingKeysWith: { a, _ in a })
        let evaluated = simulation.asOf.iso8601
        let rows = evaluations.flatMap { evaluation in evaluation.verdicts.map { (evaluation, $0) } }

        // Each template is written on its own core; the bytes do not depend on which.
        let rendered = Parallel.map(ReportTemplate.allCases) { template -> ([UInt8], Int) in
            switch template {

            case .backupJob:
                return write(.backupJob, backups) { key, job in
                    switch key {
                    case "backupJobId": job.id
                    case "backupPlanArn": job.origin.planARN
                    case "backupRuleId": job.origin.ruleID
                    case "initiationDate": stamp(job.initiationDate)
                    case "startWindowEnd": stamp(job.startBy)
                    case "backupOptions": options(job.backupOptions)
                    case "expectedCompletionDate": stamp(job.expectedCompletionDate)
                    case "recoveryPointArn": job.recoveryPointARN
                    case "backupVaultName": job.placement.vaultName
                    case "backupVaultArn": job.placement.vaultARN
                    default: sharedJobValue(key, job, period: period, pathToRoot: pathToRoot(job.account))
                    }
                }

            case .copyJob:
                return write(.copyJob, copies) { key, job in
                    switch key {
                    case "copyJobId": job.id
                    case "initiationDate": job.creationDate.iso8601Milliseconds
                    case "startWindowEnd", "backupOptions": ""
                    case "sourceRecoveryPointArn": job.sourceRecoveryPointARN
                    case "sourceBackupVaultArn": job.sourceVaultARN
                    case "destinationRecoveryPointArn": job.destinationRecoveryPointARN
                    case "destinationBackupVaultArn": job.destinationVaultARN
                    default: sharedJobValue(key, job, period: period, pathToRoot: pathToRoot(job.account))
                    }
                }

            case .restoreJob:
                return write(.restoreJob, restores) { key, job in
                    let vault = vaultsByARN[job.backupVaultARN]
                    return switch key {
                    case "reportTimePeriodStart": period.0
                    case "reportTimePeriodEnd": period.1
                    case "pathToRoot": pathToRoot(job.account)
                    case "accountId": job.account
                    case "region": job.region
                    case "restoreJobId": job.id
                    case "jobStatus": job.status.rawValue
                    case "statusMessage": job.statusMessage
                    case "resourceType": job.resourceType
                    case "recoveryPointArn": job.recoveryPointARN
                    case "initiationDate": job.creationDate.iso8601Milliseconds
                    case "isParentJob": "false"
                    case "vaultType": vault?.vaultType ?? ""
                    case "vaultLockStatus": vault?.lockStatus ?? ""
                    case "sourceResourceArn": job.sourceResourceARN
                    case "backupVaultArn": job.backupVaultARN
                    case "creationDate": job.creationDate.iso8601Milliseconds
                    case "completionDate": stamp(job.completionDate)
                    case "backupSizeInBytes": job.sizeBytes.map(String.init) ?? ""
                    case "percentDone": job.percentDone
                    case "createdResourceArn": job.createdResourceARN
                    case "iamRoleArn": job.iamRoleARN
                    default: ""
                    }
                }

            case .backupWindow:
                return write(.backupWindow, simulation.windows) { key, window in
                    switch key {
                    case "accountId": window.account
                    case "region": window.region
                    case "resourceType": window.resourceType
                    case "resourceArn": window.resourceARN
                    case "resourceName": window.resourceName
                    case "backupPlanName": window.planName
                    case "backupRuleName": window.ruleName
                    case "backupRuleSchedule": window.schedule
                    case "backupRuleTimezone": window.timezone
                    case "scheduledTime": window.scheduled.iso8601
                    case "startWindowEnd": window.startBy.iso8601
                    case "completionWindowEnd": window.completeBy.iso8601
                    case "outcome": window.outcome.rawValue
                    case "backupJobId": window.job?.id ?? ""
                    case "jobStatus": window.job?.state.rawValue ?? ""
                    case "creationDate": stamp(window.job?.creationDate)
                    case "startDate": stamp(window.job?.startDate)
                    case "completionDate": stamp(window.job?.completionDate)
                    case "answeredByRule": window.takenByRule ?? window.ruleName
                    case "recoveryPointArn": window.job?.recoveryPointARN ?? ""
                    case "retentionRequiredDays": window.requiredRetentionDays.map(String.init) ?? ""
                    case "retentionTakenDays":
                        window.job.flatMap { $0.recoveryPointARN.isEmpty ? nil : $0.lifecycle.deleteAfterDays }.map(
                            String.init
                        )
                            ?? ""
                    case "detail": window.detail
                    default: ""
                    }
                }

            case .resourceCompliance:
                return write(.resourceCompliance, rows) { key, item in
                    let (evaluation, verdict) = item
                    return switch key {
                    case "accountId": evaluation.location.account
                    case "region": evaluation.location.region
                    case "frameworkName": evaluation.framework.name
                    case "frameworkDescription": evaluation.framework.description
                    case "controlName": evaluation.control.name
                    case "resourceId": verdict.resourceID
                    case "resourceType": verdict.resourceType
                    case "resourceComplianceStatus": verdict.status.rawValue
                    case "lastEvaluationTime": evaluated
                    case "evaluationReason": verdict.reason
                    case "evidence": verdict.evidence.joined(separator: "; ")
                    default: ""
                    }
                }

            case .controlCompliance:
                return write(.controlCompliance, evaluations) { key, evaluation in
                    switch key {
                    case "accountId": evaluation.location.account
                    case "region": evaluation.location.region
                    case "frameworkName": evaluation.framework.name
                    case "frameworkDescription": evaluation.framework.description
                    case "controlName": evaluation.control.name
                    case "controlComplianceStatus": evaluation.status.rawValue
                    case "lastEvaluationTime": evaluated
                    case "numResourcesCompliant": String(evaluation.compliantCount)
                    case "numResourcesNonCompliant": String(evaluation.nonCompliantCount)
                    case "controlFrequency": evaluation.frequency ?? ""
                    case "controlScope": scopeText(evaluation.control.scope)
                    case "controlParameters": parametersText(evaluation.control)
                    default: ""
                    }
                }
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
    static func sharedJobValue(
        _ key: String,
        _ job: some ReportedJob,
        period: (String, String),
        pathToRoot: String
    )
        -> String
    {
        switch key {
        case "reportTimePeriodStart": period.0
        case "reportTimePeriodEnd": period.1
        case "pathToRoot": pathToRoot
        case "accountId": job.account
        case "region": job.region
        case "jobStatus": job.stateText
        case "statusMessage": job.statusMessage
        case "resourceType": job.resourceType
        case "resourceArn": job.resourceARN
        case "resourceName": job.resourceName
        case "backupPlanName": job.origin.planName
        case "backupRuleName": job.origin.ruleName
        case "backupRuleSchedule": job.origin.schedule
        case "backupRuleTimezone": job.origin.timezone
        case "isParentJob": job.isParent ? "true" : "false"
        case "parentJobId": job.parentJobID
        case "creationDate": job.creationDate.iso8601Milliseconds
        case "completionDate": stamp(job.completionDate)
        case "jobRunTime": runTime(job.creationDate, job.completionDate)
        case "backupSizeInBytes": job.sizeBytes.map(String.init) ?? ""
        case "vaultType": job.placement.vaultType
        case "vaultLockStatus": job.placement.lockStatus
        case "isEncrypted": job.placement.isEncrypted.map { $0 ? "true" : "false" } ?? ""
        case "encryptionKeyArn": job.placement.encryptionKeyARN
        case "deleteAfterDays": job.lifecycle.deleteAfterDays.map(String.init) ?? ""
        case "moveToColdAfterDays": job.lifecycle.moveToColdAfterDays.map(String.init) ?? ""
        case "enableArchive": job.lifecycle.optInToArchive ? "true" : "false"
        case "iamRoleArn": job.iamRoleARN
        default: ""
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
protocol ReportedJob {
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
