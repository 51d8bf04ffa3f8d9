public import EvidenceModel

/// The AWS Backup resources a CloudFormation template or a `terraform show -json` file defines.
///
/// A template's lists are sorted by logical id, a Terraform file's are in the order of the file; both read into the
/// same model values as the get-* exports.
public struct BackupDefinitions: Hashable, Sendable {
    /// `AWS::Backup::BackupVault`, `AWS::Backup::LogicallyAirGappedBackupVault`, `aws_backup_vault`.
    public var vaults: [Vault]
    /// `AWS::Backup::BackupPlan`, `aws_backup_plan`.
    public var plans: [BackupPlan]
    /// `AWS::Backup::BackupSelection`, `aws_backup_selection`.
    public var selections: [BackupSelection]
    /// `AWS::Backup::Framework`, `aws_backup_framework`.
    public var frameworks: [Framework]
    /// `AWS::Backup::ReportPlan`, `aws_backup_report_plan` (with the resource address as `logicalID`).
    public var reportPlans: [CloudFormationReportPlan]

    public init(
        vaults: [Vault] = [],
        plans: [BackupPlan] = [],
        selections: [BackupSelection] = [],
        frameworks: [Framework] = [],
        reportPlans: [CloudFormationReportPlan] = []
    ) {
        self.vaults = vaults
        self.plans = plans
        self.selections = selections
        self.frameworks = frameworks
        self.reportPlans = reportPlans
    }
}
