/// A protected (or protectable) resource from the tagging-API inventory, with what scenario.json adds.
public struct Resource: Hashable, Sendable {
    public var arn: ARN {
        didSet {
            resourceID = BackupResourceType.resourceID(of: arn)
            name = tags["Name"] ?? resourceID
        }
    }
    public var type: BackupResourceType
    /// The account whose folder lists the resource (an S3 ARN carries none of its own).
    public var account: String
    public var region: String
    public var tags: [String: String] { didSet { name = tags["Name"] ?? resourceID } }
    /// When the resource came into being, if during the scenario's month.
    public var createdAt: Instant?
    /// When the resource was deleted, if it was.
    public var deletedAt: Instant?
    /// Intervals during which an EC2 instance was stopped.
    public var stopped: [Interval]
    /// Whether the source volume or database is encrypted; snapshot-type recovery points inherit it.
    public var sourceEncrypted: Bool
    /// The source's KMS key, inherited by snapshot-type recovery points when known.
    public var sourceKMSKeyARN: String?
    /// Provisioned or stored size in bytes, when declared.
    public var sizeBytes: Int64?
    /// `LatestRestoreExecutionTimeMinutes` when scenario.json declares it (restores before the month).
    public var latestRestoreMinutes: Int?

    public init(
        arn: ARN,
        type: BackupResourceType,
        account: String,
        region: String,
        tags: [String: String],
        createdAt: Instant? = nil,
        deletedAt: Instant? = nil,
        stopped: [Interval] = [],
        sourceEncrypted: Bool = true,
        sourceKMSKeyARN: String? = nil,
        sizeBytes: Int64? = nil,
        latestRestoreMinutes: Int? = nil
    ) {
        self.arn = arn
        self.type = type
        self.account = account
        self.region = region
        self.tags = tags
        self.createdAt = createdAt
        self.deletedAt = deletedAt
        self.stopped = stopped
        self.sourceEncrypted = sourceEncrypted
        self.sourceKMSKeyARN = sourceKMSKeyARN
        self.sizeBytes = sizeBytes
        self.latestRestoreMinutes = latestRestoreMinutes
        resourceID = BackupResourceType.resourceID(of: arn)
        name = tags["Name"] ?? resourceID
    }

    /// The resource id of ARCHITECTURE.md §5, such as `orders-db` or `i-0abc`.
    public private(set) var resourceID: String

    /// `<AWS Config type>/<id>`, the Resource ID of compliance reports.
    public var complianceResourceID: String { "\(type.configType)/\(resourceID)" }

    /// The ARN as a string, with the folder's account and Region filled in where the ARN has none (S3).
    public var arnString: String { arn.description }

    /// The `Name` tag when present, otherwise the resource id.
    public private(set) var name: String

    /// Whether the resource exists at `instant`.
    public func exists(at instant: Instant) -> Bool {
        if let createdAt, instant < createdAt { return false }
        if let deletedAt, instant >= deletedAt { return false }
        return true
    }

    /// Whether the resource exists and is not stopped at `instant` (AWS evaluates only active resources).
    public func isActive(at instant: Instant) -> Bool {
        exists(at: instant) && !stopped.contains { $0.contains(instant) }
    }
}

/// A half-open interval of time, `[start, end)`.
public struct Interval: Hashable, Sendable {
    public var start: Instant
    public var end: Instant

    public init(start: Instant, end: Instant) {
        self.start = start
        self.end = end
    }

    public func contains(_ instant: Instant) -> Bool { instant >= start && instant < end }
}
