/// An AWS Backup resource type, as the `ResourceType` field and the control scopes spell it.
///
/// The raw values are AWS Backup's own strings (facts sheet §4.1), spaces included.
public enum BackupResourceType: String, CaseIterable, Hashable, Comparable, Sendable {
    case aurora = "Aurora"
    case cloudFormation = "CloudFormation"
    case documentDB = "DocumentDB"
    case dynamoDB = "DynamoDB"
    case ebs = "EBS"
    case ec2 = "EC2"
    case efs = "EFS"
    case eks = "EKS"
    case fsx = "FSx"
    case neptune = "Neptune"
    case rds = "RDS"
    case redshift = "Redshift"
    case s3 = "S3"
    case sapHANA = "SAP HANA on Amazon EC2"
    case storageGateway = "Storage Gateway"
    case timestream = "Timestream"
    case virtualMachine = "VirtualMachine"

    public static func < (lhs: BackupResourceType, rhs: BackupResourceType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The AWS Config resource type used in compliance reports (facts sheet §2.5, §4.4).
    public var configType: String {
        switch self {
        case .aurora, .documentDB, .neptune: "AWS::RDS::DBCluster"
        case .cloudFormation: "AWS::CloudFormation::Stack"
        case .dynamoDB: "AWS::DynamoDB::Table"
        case .ebs: "AWS::EC2::Volume"
        case .ec2: "AWS::EC2::Instance"
        case .efs: "AWS::EFS::FileSystem"
        case .eks: "AWS::EKS::Cluster"
        case .fsx: "AWS::FSx::FileSystem"
        case .rds: "AWS::RDS::DBInstance"
        case .redshift: "AWS::Redshift::Cluster"
        case .s3: "AWS::S3::Bucket"
        case .sapHANA: "AWS::SSMSAP::Application"
        case .storageGateway: "AWS::StorageGateway::Volume"
        case .timestream: "AWS::Timestream::Table"
        case .virtualMachine: "AWS::BackupGateway::VirtualMachine"
        }
    }

    /// Whether AWS Backup stores this type's recovery points in the backup format, encrypted with the
    /// vault's key (facts sheet §4.3: "fully managed types"), rather than as service snapshots.
    public var isFullyManaged: Bool {
        switch self {
        case .efs, .s3, .virtualMachine, .timestream, .cloudFormation, .sapHANA: true
        default: false
        }
    }

    /// Whether a rule's `EnableContinuousBackup` applies to this type (facts sheet §3.6).
    public var supportsContinuousBackup: Bool {
        switch self {
        case .s3, .rds, .aurora, .sapHANA: true
        default: false
        }
    }

    /// The resource type an ARN names, or nil when AWS Backup does not protect resources of that shape.
    ///
    /// `arn:aws:rds:…:cluster:` is shared by Aurora, Neptune and DocumentDB; the ARN alone gives Aurora, and
    /// the scenario declares the others (ARCHITECTURE.md §3).
    public static func of(_ arn: ARN) -> BackupResourceType? {
        let r = arn.resource
        switch arn.service {
        case "ec2":
            if r.hasPrefix("instance/") { return .ec2 }
            if r.hasPrefix("volume/") { return .ebs }
        case "rds":
            if r.hasPrefix("db:") { return .rds }
            if r.hasPrefix("cluster:") { return .aurora }
        case "dynamodb": if r.hasPrefix("table/") { return .dynamoDB }
        case "elasticfilesystem": if r.hasPrefix("file-system/") { return .efs }
        case "fsx": if r.hasPrefix("file-system/") { return .fsx }
        case "s3": if !r.contains("/") { return .s3 }
        case "storagegateway": if r.contains("/volume/") { return .storageGateway }
        case "redshift": if r.hasPrefix("cluster:") { return .redshift }
        case "backup-gateway": if r.hasPrefix("vm/") { return .virtualMachine }
        case "ssm-sap": return .sapHANA
        case "timestream": if r.hasPrefix("database/") && r.contains("/table/") { return .timestream }
        case "cloudformation": if r.hasPrefix("stack/") { return .cloudFormation }
        case "eks": if r.hasPrefix("cluster/") { return .eks }
        default: break
        }
        return nil
    }

    /// The resource id inside an ARN of this type: `i-0abc` for an instance, `orders-db` for a database,
    /// the bucket name for S3 (ARCHITECTURE.md §5).
    public static func resourceID(of arn: ARN) -> String {
        let r = arn.resource
        if let colon = r.firstIndex(of: ":"), arn.service == "rds" || arn.service == "redshift" {
            return String(r[r.index(after: colon)...])
        }
        if arn.service == "cloudformation" || arn.service == "timestream" || arn.service == "ssm-sap" {
            return r
        }
        if let slash = r.lastIndex(of: "/") { return String(r[r.index(after: slash)...]) }
        return r
    }
}
