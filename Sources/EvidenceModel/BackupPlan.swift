/// A backup plan as `get-backup-plan` prints it, in one account and Region.
public struct BackupPlan: Hashable, Sendable {
    /// The AWS field is `BackupPlanId`.
    public var id: String
    public var arn: String
    /// The AWS field is `BackupPlanName`.
    public var name: String
    public var versionID: String
    public var account: String
    public var region: String
    public var rules: [BackupRule]
    /// `AdvancedBackupSettings`: backup options per resource type, such as `["EC2": ["WindowsVSS": "enabled"]]`.
    public var advancedBackupSettings: [BackupResourceType: [String: String]]
    /// Tags on the plan itself (scenario.json; `get-backup-plan` does not print them).
    public var tags: [String: String]
    /// The file the plan was read from, for diagnostics.
    public var source: String

    public init(
        id: String,
        arn: String,
        name: String,
        versionID: String,
        account: String,
        region: String,
        rules: [BackupRule],
        advancedBackupSettings: [BackupResourceType: [String: String]] = [:],
        tags: [String: String] = [:],
        source: String = ""
    ) {
        self.id = id
        self.arn = arn
        self.name = name
        self.versionID = versionID
        self.account = account
        self.region = region
        self.rules = rules
        self.advancedBackupSettings = advancedBackupSettings
        self.tags = tags
        self.source = source
    }
}

/// One rule of a backup plan.
public struct BackupRule: Hashable, Sendable {
    public var name: String
    /// The AWS field is `RuleId`.
    public var id: String
    public var targetVaultName: String
    /// The cron expression as written, such as `cron(0 5 ? * * *)`.
    public var scheduleExpression: String
    /// The IANA time zone of the schedule; `UTC` when the rule names none.
    public var scheduleTimezone: String
    public var startWindowMinutes: Int
    public var completionWindowMinutes: Int
    public var lifecycle: Lifecycle
    public var recoveryPointTags: [String: String]
    public var copyActions: [CopyAction]
    /// The AWS field is `EnableContinuousBackup`.
    public var continuous: Bool

    /// AWS's default start window when a rule gives none (facts sheet §3.4).
    public static let defaultStartWindowMinutes = 480
    /// The completion window used when a rule gives none (the console's default; Docs/ASSUMPTIONS.md).
    public static let defaultCompletionWindowMinutes = 10_080
    /// AWS's default schedule when a rule gives none (facts sheet §3.2).
    public static let defaultScheduleExpression = "cron(0 5 ? * * *)"

    public init(
        name: String,
        id: String,
        targetVaultName: String,
        scheduleExpression: String = BackupRule.defaultScheduleExpression,
        scheduleTimezone: String = "UTC",
        startWindowMinutes: Int = BackupRule.defaultStartWindowMinutes,
        completionWindowMinutes: Int = BackupRule.defaultCompletionWindowMinutes,
        lifecycle: Lifecycle = Lifecycle(),
        recoveryPointTags: [String: String] = [:],
        copyActions: [CopyAction] = [],
        continuous: Bool = false
    ) {
        self.name = name
        self.id = id
        self.targetVaultName = targetVaultName
        self.scheduleExpression = scheduleExpression
        self.scheduleTimezone = scheduleTimezone
        self.startWindowMinutes = startWindowMinutes
        self.completionWindowMinutes = completionWindowMinutes
        self.lifecycle = lifecycle
        self.recoveryPointTags = recoveryPointTags
        self.copyActions = copyActions
        self.continuous = continuous
    }
}

/// Retention settings of a rule or copy action.
public struct Lifecycle: Hashable, Sendable {
    /// The AWS field is `MoveToColdStorageAfterDays`.
    public var moveToColdAfterDays: Int?
    /// The AWS field is `DeleteAfterDays`; nil keeps recovery points forever.
    public var deleteAfterDays: Int?
    /// The AWS field is `OptInToArchiveForSupportedResources`.
    public var optInToArchive: Bool

    public init(moveToColdAfterDays: Int? = nil, deleteAfterDays: Int? = nil, optInToArchive: Bool = false) {
        self.moveToColdAfterDays = moveToColdAfterDays
        self.deleteAfterDays = deleteAfterDays
        self.optInToArchive = optInToArchive
    }
}

/// A copy action: after the rule's backup completes, copy the recovery point to another vault.
public struct CopyAction: Hashable, Sendable {
    public var destinationVaultARN: ARN
    /// The copy's own lifecycle; nil inherits the source rule's (facts sheet §3.7).
    public var lifecycle: Lifecycle?

    public init(destinationVaultARN: ARN, lifecycle: Lifecycle? = nil) {
        self.destinationVaultARN = destinationVaultARN
        self.lifecycle = lifecycle
    }
}
