internal import EvidenceModel

/// Reads the AWS Backup resources of a CloudFormation template, YAML or JSON, into model values, offline.
///
/// The template is parsed into a ``JSONValue`` tree (YAML short-form tags such as `!Ref` and `!GetAtt` become their
/// long forms), intrinsic functions are resolved against the caller's account, Region and parameter values, and
/// each `AWS::Backup::BackupVault`, `LogicallyAirGappedBackupVault`, `BackupPlan`, `BackupSelection`, `Framework`
/// and `ReportPlan` is read with the same checks as the AWS CLI readers. Every failure is an ``ImportError`` naming
/// the file and the JSON path of the node in the template, such as
/// `templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanRule[0].TargetBackupVault: Ref to unknown name 'NoSuchVault'`.
///
/// ```swift
/// let found = try CloudFormationTemplate.read(
///     bytes: Array(text.utf8), file: "templates/backup.yaml", account: "123456789012", region: "us-east-1",
///     parameters: ["Environment": "prod"]
/// )
/// ```
///
/// Intrinsic functions resolved: `Ref`, `Fn::GetAtt`, `Fn::Sub` (both forms, `${!Literal}` included), `Fn::Join`,
/// `Fn::Select`, `Fn::Split`, `Fn::If` with the `Conditions` section (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
/// `Condition`), `Fn::FindInMap` with `Mappings`, `Fn::Base64`, and the resource attribute `Condition` (resources
/// whose condition is false are left out). `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`, `Fn::Transform` and the
/// `AWS::LanguageExtensions` functions are rejected. Only the properties of the resources read, and what they
/// refer to, are resolved: other resources may use anything.
///
/// `Ref` resolves parameters (an override, else the `Default`; `CommaDelimitedList` and `List<…>` parameters give
/// lists; `AllowedValues` and `Number` are checked; `AWS::SSM::Parameter::Value<…>` parameters need an override)
/// and the pseudo parameters `AWS::AccountId`, `AWS::Region`, `AWS::Partition` (`aws`, or `aws-cn` / `aws-us-gov`
/// by Region), `AWS::URLSuffix`, `AWS::StackName`, `AWS::StackId`, `AWS::NotificationARNs` (empty) and
/// `AWS::NoValue` (removes the property or list item).
///
/// Values CloudFormation only knows after deployment get deterministic placeholders derived from the logical id; a
/// plan's and a selection's id are `<stack name>-<logical id>`, so that two stacks of one folder may declare the same
/// logical ids, as each stack gets its own plans in AWS:
///
/// | Resource | `Ref` | `Fn::GetAtt` |
/// | --- | --- | --- |
/// | `AWS::Backup::BackupVault` | vault name | `BackupVaultName`, `BackupVaultArn` |
/// | `AWS::Backup::LogicallyAirGappedBackupVault` | vault name | `BackupVaultName`, `BackupVaultArn`, `VaultType` |
/// | `AWS::Backup::BackupPlan` | plan id = `<stack>-<logical id>` | `BackupPlanId`, `BackupPlanArn`, `VersionId` (empty) |
/// | `AWS::Backup::BackupSelection` | selection id = `<stack>-<logical id>` | `SelectionId`, `Id`, `BackupPlanId` |
/// | `AWS::Backup::Framework` | framework ARN | `FrameworkArn` |
/// | `AWS::Backup::ReportPlan` | report plan ARN | `ReportPlanArn` |
/// | `AWS::IAM::Role` | `RoleName`, else the logical id | `Arn`, `RoleName` |
/// | `AWS::KMS::Key` | key id = logical id | `Arn`, `KeyId` |
/// | `AWS::KMS::Alias` | `AliasName` | — |
/// | `AWS::SNS::Topic` | topic ARN | `TopicArn`, `TopicName` |
/// | `AWS::S3::Bucket` | `BucketName`, else the logical id in lower case | `Arn` |
///
/// ARNs are built in the caller's account and Region: `arn:aws:backup:<region>:<account>:backup-vault:<name>`,
/// `…:backup-plan:<id>`, `…:framework:<name>`, `…:report-plan:<name>`; a framework or report plan without a name
/// takes its logical id as name. A rule's id, which CloudFormation does not expose, is `<plan id>-<rule name>`.
/// Vault locks are read as locked (`ChangeableForDays` is checked but gives no lock date, which depends on when the
/// stack is deployed); logically air-gapped vaults are always locked.
public enum CloudFormationTemplate {
    /// Parses `bytes` (a template; JSON when it starts with `{`, else YAML) and reads its AWS Backup resources.
    ///
    /// - Parameters:
    ///   - bytes: The template file's contents.
    ///   - file: The name shown in errors and stored as `source` of plans and frameworks.
    ///   - account: The 12-digit account the stack is deployed in (`AWS::AccountId`, and every ARN built).
    ///   - region: The Region the stack is deployed in (`AWS::Region`).
    ///   - parameters: Parameter values that replace the template's `Default`s; naming an undeclared parameter is
    ///     an error, as in CloudFormation.
    ///   - stackName: `AWS::StackName`; by default the file's name without folder and extension.
    ///   - limits: How far the YAML may expand (``ReadLimits/yamlNodes``).
    /// - Returns: The resources found, each list sorted by logical id.
    /// - Throws: ``ImportError`` for syntax errors (with line and column), unresolvable references, missing or
    ///   mistyped properties.
    public static func read(
        bytes: [UInt8],
        file: String,
        account: String,
        region: String,
        parameters: [String: String] = [:],
        stackName: String? = nil,
        limits: ReadLimits = .defaults
    ) throws -> BackupDefinitions {
        let deployment = try CloudFormationDeployment.validated(
            account: account,
            region: region,
            stackName: stackName ?? defaultStackName(file: file),
            file: file
        )
        let root = JSONNode(value: try CloudFormationLoader.load(bytes, file: file, limits: limits), file: file)
        let resolver = try CloudFormationResolver(template: root, deployment: deployment, overrides: parameters)

        var found = BackupDefinitions()
        for logicalID in resolver.resources.keys.sorted() {
            guard let resource = resolver.resources[logicalID], readTypes.contains(resource.type),
                try resolver.isCreated(resource)
            else { continue }
            let path = "\(resource.path).Properties"
            let resolved = try resolver.resolve(resource.properties, at: path) ?? .object([:])
            let properties = JSONNode(value: resolved, file: file, path: path)
            switch resource.type {
            case "AWS::Backup::BackupVault":
                found.vaults.append(
                    try CloudFormationReaders.vault(properties, deployment: deployment, airGapped: false)
                )
            case "AWS::Backup::LogicallyAirGappedBackupVault":
                found.vaults.append(
                    try CloudFormationReaders.vault(properties, deployment: deployment, airGapped: true)
                )
            case "AWS::Backup::BackupPlan":
                found.plans.append(
                    try CloudFormationReaders.plan(properties, logicalID: logicalID, deployment: deployment)
                )
            case "AWS::Backup::BackupSelection":
                found.selections.append(
                    try CloudFormationReaders.selection(properties, logicalID: logicalID, deployment: deployment)
                )
            case "AWS::Backup::Framework":
                found.frameworks.append(
                    try CloudFormationReaders.framework(properties, logicalID: logicalID, deployment: deployment)
                )
            default:
                found.reportPlans.append(
                    try CloudFormationReaders.reportPlan(properties, logicalID: logicalID, deployment: deployment)
                )
            }
        }
        return found
    }

    /// The resource types read into model values; other resources are only used to resolve references.
    static let readTypes: Set<String> = [
        "AWS::Backup::BackupVault", "AWS::Backup::LogicallyAirGappedBackupVault", "AWS::Backup::BackupPlan",
        "AWS::Backup::BackupSelection", "AWS::Backup::Framework", "AWS::Backup::ReportPlan",
    ]

    /// `templates/daily-plan.yaml` gives `daily-plan`.
    static func defaultStackName(file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name.isEmpty ? "stack" : name }
        return String(name[..<dot])
    }
}

/// An `AWS::Backup::ReportPlan`: which report Audit Manager writes, about what, and where.
public struct CloudFormationReportPlan: Hashable, Sendable {
    public var logicalID: String
    /// `ReportPlanName`, or the logical id when the template gives none.
    public var name: String
    public var arn: String
    public var description: String
    /// `ReportSetting.ReportTemplate`, such as `CONTROL_COMPLIANCE_REPORT`.
    public var reportTemplate: String
    /// `ReportSetting.FrameworkArns`.
    public var frameworkARNs: [String]
    /// `ReportSetting.Accounts`, `Regions` and `OrganizationUnits`: the report's scope beyond this account.
    public var accounts: [String]
    public var regions: [String]
    public var organizationUnits: [String]
    /// `ReportDeliveryChannel.S3BucketName`, `S3KeyPrefix` and `Formats` (`CSV`, `JSON`).
    public var s3BucketName: String
    public var s3KeyPrefix: String
    public var formats: [String]
    public var account: String
    public var region: String
    /// `ReportPlanTags`.
    public var tags: [String: String]
    /// The template the report plan was read from, for diagnostics.
    public var source: String

    public init(
        logicalID: String,
        name: String,
        arn: String,
        description: String = "",
        reportTemplate: String,
        frameworkARNs: [String] = [],
        accounts: [String] = [],
        regions: [String] = [],
        organizationUnits: [String] = [],
        s3BucketName: String,
        s3KeyPrefix: String = "",
        formats: [String] = [],
        account: String,
        region: String,
        tags: [String: String] = [:],
        source: String = ""
    ) {
        self.logicalID = logicalID
        self.name = name
        self.arn = arn
        self.description = description
        self.reportTemplate = reportTemplate
        self.frameworkARNs = frameworkARNs
        self.accounts = accounts
        self.regions = regions
        self.organizationUnits = organizationUnits
        self.s3BucketName = s3BucketName
        self.s3KeyPrefix = s3KeyPrefix
        self.formats = formats
        self.account = account
        self.region = region
        self.tags = tags
        self.source = source
    }
}
