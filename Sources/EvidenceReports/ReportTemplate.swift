/// A report column: the JSON key of AWS's JSON reports and the header of its CSV reports.
public struct ReportColumn: Hashable, Sendable {
    public var key: String
    public var header: String

    public init(_ key: String, _ header: String) {
        self.key = key
        self.header = header
    }
}

/// The report templates this tool writes, with their columns.
///
/// The AWS templates' columns are `recommended_csv_columns` of the reference `report-columns.json`, in that
/// order, header text included, so a correction to AWS's headers is a one-line change here. Columns after
/// AWS's (`extraColumns`) are this tool's own additions and are documented in Docs/REPORTS.md.
public enum ReportTemplate: String, CaseIterable, Hashable, Sendable {
    case backupJob = "BACKUP_JOB_REPORT"
    case copyJob = "COPY_JOB_REPORT"
    case restoreJob = "RESTORE_JOB_REPORT"
    case resourceCompliance = "RESOURCE_COMPLIANCE_REPORT"
    case controlCompliance = "CONTROL_COMPLIANCE_REPORT"
    /// This tool's own report: every expected backup window of the month and what answered it (Docs/REPORTS.md).
    case backupWindow = "BACKUP_WINDOW_REPORT"

    /// Whether AWS Backup Audit Manager writes this template.
    public var isAWSTemplate: Bool { self != .backupWindow }

    /// The file name inside a month's `reports/` folder.
    public var fileName: String { "\(rawValue).csv" }

    /// Every column, AWS's first, then ours.
    public var columns: [ReportColumn] { awsColumns + extraColumns }

    /// AWS's columns, in AWS's order; none for this tool's own templates.
    public var awsColumns: [ReportColumn] {
        switch self {
        case .backupWindow:
            []
        case .backupJob:
            [
                ReportColumn("reportTimePeriodStart", "Report Time Period Start"),
                ReportColumn("reportTimePeriodEnd", "Report Time Period End"),
                ReportColumn("pathToRoot", "Path to Root"),
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("backupJobId", "Backup Job ID"),
                ReportColumn("jobStatus", "Job Status"),
                ReportColumn("statusMessage", "Status Message"),
                ReportColumn("resourceType", "Resource Type"),
                ReportColumn("resourceArn", "Resource ARN"),
                ReportColumn("resourceName", "Resource Name"),
                ReportColumn("backupPlanArn", "Backup Plan ARN"),
                ReportColumn("backupRuleId", "Backup Rule ID"),
                ReportColumn("initiationDate", "Initiation Date"),
                ReportColumn("backupPlanName", "Backup Plan Name"),
                ReportColumn("backupRuleName", "Backup Rule Name"),
                ReportColumn("backupRuleSchedule", "Backup Rule Schedule"),
                ReportColumn("backupRuleTimezone", "Backup Rule Timezone"),
                ReportColumn("startWindowEnd", "Start Window End"),
                ReportColumn("backupOptions", "Backup Options"),
                ReportColumn("isParentJob", "Is Parent Job"),
                ReportColumn("parentJobId", "Parent Job ID"),
                ReportColumn("creationDate", "Creation Date"),
                ReportColumn("completionDate", "Completion Date"),
                ReportColumn("expectedCompletionDate", "Expected Completion Date"),
                ReportColumn("recoveryPointArn", "Recovery Point ARN"),
                ReportColumn("jobRunTime", "Job Run Time"),
                ReportColumn("backupSizeInBytes", "Backup Size in Bytes"),
                ReportColumn("backupVaultName", "Backup Vault Name"),
                ReportColumn("backupVaultArn", "Backup Vault ARN"),
                ReportColumn("vaultType", "Vault Type"),
                ReportColumn("vaultLockStatus", "Vault Lock Status"),
                ReportColumn("isEncrypted", "Is Encrypted"),
                ReportColumn("encryptionKeyArn", "Encryption Key ARN"),
                ReportColumn("deleteAfterDays", "Delete After Days"),
                ReportColumn("moveToColdAfterDays", "Move to Cold After Days"),
                ReportColumn("enableArchive", "Enable Archive"),
                ReportColumn("iamRoleArn", "IAM Role ARN"),
            ]
        case .copyJob:
            [
                ReportColumn("reportTimePeriodStart", "Report Time Period Start"),
                ReportColumn("reportTimePeriodEnd", "Report Time Period End"),
                ReportColumn("pathToRoot", "Path to Root"),
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("copyJobId", "Copy Job ID"),
                ReportColumn("jobStatus", "Job Status"),
                ReportColumn("statusMessage", "Status Message"),
                ReportColumn("jobRunTime", "Job Run Time"),
                ReportColumn("resourceType", "Resource Type"),
                ReportColumn("resourceArn", "Resource ARN"),
                ReportColumn("resourceName", "Resource Name"),
                ReportColumn("initiationDate", "Initiation Date"),
                ReportColumn("backupPlanName", "Backup Plan Name"),
                ReportColumn("backupRuleName", "Backup Rule Name"),
                ReportColumn("backupRuleSchedule", "Backup Rule Schedule"),
                ReportColumn("backupRuleTimezone", "Backup Rule Timezone"),
                ReportColumn("startWindowEnd", "Start Window End"),
                ReportColumn("backupOptions", "Backup Options"),
                ReportColumn("isParentJob", "Is Parent Job"),
                ReportColumn("parentJobId", "Parent Job ID"),
                ReportColumn("creationDate", "Creation Date"),
                ReportColumn("completionDate", "Completion Date"),
                ReportColumn("backupSizeInBytes", "Backup Size in Bytes"),
                ReportColumn("sourceRecoveryPointArn", "Source Recovery Point ARN"),
                ReportColumn("sourceBackupVaultArn", "Source Backup Vault ARN"),
                ReportColumn("destinationRecoveryPointArn", "Destination Recovery Point ARN"),
                ReportColumn("destinationBackupVaultArn", "Destination Backup Vault ARN"),
                ReportColumn("vaultType", "Vault Type"),
                ReportColumn("vaultLockStatus", "Vault Lock Status"),
                ReportColumn("isEncrypted", "Is Encrypted"),
                ReportColumn("encryptionKeyArn", "Encryption Key ARN"),
                ReportColumn("deleteAfterDays", "Delete After Days"),
                ReportColumn("moveToColdAfterDays", "Move to Cold After Days"),
                ReportColumn("enableArchive", "Enable Archive"),
                ReportColumn("iamRoleArn", "IAM Role ARN"),
            ]
        case .restoreJob:
            [
                ReportColumn("reportTimePeriodStart", "Report Time Period Start"),
                ReportColumn("reportTimePeriodEnd", "Report Time Period End"),
                ReportColumn("pathToRoot", "Path to Root"),
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("restoreJobId", "Restore Job ID"),
                ReportColumn("jobStatus", "Job Status"),
                ReportColumn("statusMessage", "Status Message"),
                ReportColumn("resourceType", "Resource Type"),
                ReportColumn("recoveryPointArn", "Recovery Point ARN"),
                ReportColumn("resourceName", "Resource Name"),
                ReportColumn("initiationDate", "Initiation Date"),
                ReportColumn("backupPlanName", "Backup Plan Name"),
                ReportColumn("backupRuleName", "Backup Rule Name"),
                ReportColumn("backupRuleSchedule", "Backup Rule Schedule"),
                ReportColumn("backupRuleTimezone", "Backup Rule Timezone"),
                ReportColumn("startWindowEnd", "Start Window End"),
                ReportColumn("backupOptions", "Backup Options"),
                ReportColumn("isParentJob", "Is Parent Job"),
                ReportColumn("parentJobId", "Parent Job ID"),
                ReportColumn("vaultType", "Vault Type"),
                ReportColumn("vaultLockStatus", "Vault Lock Status"),
                ReportColumn("isEncrypted", "Is Encrypted"),
                ReportColumn("encryptionKeyArn", "Encryption Key ARN"),
                ReportColumn("deleteAfterDays", "Delete After Days"),
                ReportColumn("moveToColdAfterDays", "Move to Cold After Days"),
                ReportColumn("enableArchive", "Enable Archive"),
                ReportColumn("sourceResourceArn", "Source Resource ARN"),
                ReportColumn("backupVaultArn", "Backup Vault ARN"),
                ReportColumn("creationDate", "Creation Date"),
                ReportColumn("completionDate", "Completion Date"),
                ReportColumn("backupSizeInBytes", "Backup Size in Bytes"),
                ReportColumn("percentDone", "Percent Done"),
                ReportColumn("createdResourceArn", "Created Resource ARN"),
                ReportColumn("iamRoleArn", "IAM Role ARN"),
            ]
        case .resourceCompliance:
            [
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("frameworkName", "Framework Name"),
                ReportColumn("frameworkDescription", "Framework Description"),
                ReportColumn("controlName", "Control Name"),
                ReportColumn("resourceId", "Resource ID"),
                ReportColumn("resourceType", "Resource Type"),
                ReportColumn("resourceComplianceStatus", "Resource Compliance Status"),
                ReportColumn("lastEvaluationTime", "Last Evaluation Time"),
            ]
        case .controlCompliance:
            [
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("frameworkName", "Framework Name"),
                ReportColumn("frameworkDescription", "Framework Description"),
                ReportColumn("controlName", "Control Name"),
                ReportColumn("controlComplianceStatus", "Control Compliance Status"),
                ReportColumn("lastEvaluationTime", "Last Evaluation Time"),
                ReportColumn("numResourcesCompliant", "Num Resources Compliant"),
                ReportColumn("numResourcesNonCompliant", "Num Resources Non Compliant"),
                ReportColumn("controlFrequency", "Control Frequency"),
                ReportColumn("controlScope", "Control Scope"),
                ReportColumn("controlParameters", "Control Parameters"),
            ]
        }
    }

    /// Our columns after AWS's: the evidence trace of each compliance verdict.
    public var extraColumns: [ReportColumn] {
        switch self {
        case .resourceCompliance:
            [ReportColumn("evaluationReason", "Evaluation Reason"), ReportColumn("evidence", "Evidence")]
        case .backupWindow:
            [
                ReportColumn("accountId", "Account ID"),
                ReportColumn("region", "Region"),
                ReportColumn("resourceType", "Resource Type"),
                ReportColumn("resourceArn", "Resource ARN"),
                ReportColumn("resourceName", "Resource Name"),
                ReportColumn("backupPlanName", "Backup Plan Name"),
                ReportColumn("backupRuleName", "Backup Rule Name"),
                ReportColumn("backupRuleSchedule", "Backup Rule Schedule"),
                ReportColumn("backupRuleTimezone", "Backup Rule Timezone"),
                ReportColumn("scheduledTime", "Scheduled Time"),
                ReportColumn("startWindowEnd", "Start Window End"),
                ReportColumn("completionWindowEnd", "Completion Window End"),
                ReportColumn("outcome", "Outcome"),
                ReportColumn("backupJobId", "Backup Job ID"),
                ReportColumn("jobStatus", "Job Status"),
                ReportColumn("creationDate", "Creation Date"),
                ReportColumn("startDate", "Start Date"),
                ReportColumn("completionDate", "Completion Date"),
                ReportColumn("answeredByRule", "Answered By Rule"),
                ReportColumn("recoveryPointArn", "Recovery Point ARN"),
                ReportColumn("retentionRequiredDays", "Retention Required Days"),
                ReportColumn("retentionTakenDays", "Retention Taken Days"),
                ReportColumn("detail", "Detail"),
            ]
        default:
            []
        }
    }
}
