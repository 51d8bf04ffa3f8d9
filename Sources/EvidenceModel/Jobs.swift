/// Backup job states (facts sheet §5.1).
public enum BackupJobState: String, CaseIterable, Hashable, Sendable {
    case created = "CREATED"
    case pending = "PENDING"
    case running = "RUNNING"
    case aborting = "ABORTING"
    case aborted = "ABORTED"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case expired = "EXPIRED"
    case partial = "PARTIAL"
}

/// Copy job states (facts sheet §5.1, the summary API's extra states included).
public enum CopyJobState: String, CaseIterable, Hashable, Sendable {
    case created = "CREATED"
    case running = "RUNNING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case partial = "PARTIAL"
    case aborting = "ABORTING"
    case aborted = "ABORTED"
    case completing = "COMPLETING"
    case failing = "FAILING"
}

/// Restore job statuses (facts sheet §5.1; events also show CREATED).
public enum RestoreJobStatus: String, CaseIterable, Hashable, Sendable {
    case created = "CREATED"
    case pending = "PENDING"
    case running = "RUNNING"
    case completed = "COMPLETED"
    case aborted = "ABORTED"
    case failed = "FAILED"
}

/// The plan and rule that created a job (`CreatedBy`), completed from the plan when the export lacks fields.
public struct JobOrigin: Hashable, Sendable {
    public var planID: String
    public var planARN: String
    public var planName: String
    public var planVersion: String
    public var ruleID: String
    public var ruleName: String
    public var schedule: String
    public var timezone: String

    public init(
        planID: String = "",
        planARN: String = "",
        planName: String = "",
        planVersion: String = "",
        ruleID: String = "",
        ruleName: String = "",
        schedule: String = "",
        timezone: String = ""
    ) {
        self.planID = planID
        self.planARN = planARN
        self.planName = planName
        self.planVersion = planVersion
        self.ruleID = ruleID
        self.ruleName = ruleName
        self.schedule = schedule
        self.timezone = timezone
    }
}

/// Where a recovery point was stored and how it is protected, as the job reports show it.
public struct VaultPlacement: Hashable, Sendable {
    public var vaultName: String
    public var vaultARN: String
    public var vaultType: String
    public var lockStatus: String
    public var isEncrypted: Bool?
    public var encryptionKeyARN: String

    public init(
        vaultName: String = "",
        vaultARN: String = "",
        vaultType: String = "",
        lockStatus: String = "",
        isEncrypted: Bool? = nil,
        encryptionKeyARN: String = ""
    ) {
        self.vaultName = vaultName
        self.vaultARN = vaultARN
        self.vaultType = vaultType
        self.lockStatus = lockStatus
        self.isEncrypted = isEncrypted
        self.encryptionKeyARN = encryptionKeyARN
    }
}

/// One backup job, as `list-backup-jobs` prints it or as the simulator made it.
public struct BackupJob: Hashable, Sendable {
    public var id: String
    public var account: String
    public var region: String
    public var state: BackupJobState
    public var statusMessage: String
    public var messageCategory: String
    public var resourceARN: String
    public var resourceType: String
    public var resourceName: String
    public var origin: JobOrigin
    public var creationDate: Instant
    public var initiationDate: Instant?
    /// When the job started running; known for synthesized jobs, absent from list-backup-jobs.
    public var startDate: Instant?
    public var startBy: Instant?
    public var completionDate: Instant?
    public var expectedCompletionDate: Instant?
    public var recoveryPointARN: String
    public var sizeBytes: Int64?
    public var placement: VaultPlacement
    public var lifecycle: Lifecycle
    public var iamRoleARN: String
    public var backupOptions: [String: String]
    public var isParent: Bool
    public var parentJobID: String

    public init(
        id: String,
        account: String,
        region: String,
        state: BackupJobState,
        statusMessage: String = "",
        messageCategory: String = "",
        resourceARN: String,
        resourceType: String,
        resourceName: String = "",
        origin: JobOrigin = JobOrigin(),
        creationDate: Instant,
        initiationDate: Instant? = nil,
        startDate: Instant? = nil,
        startBy: Instant? = nil,
        completionDate: Instant? = nil,
        expectedCompletionDate: Instant? = nil,
        recoveryPointARN: String = "",
        sizeBytes: Int64? = nil,
        placement: VaultPlacement = VaultPlacement(),
        lifecycle: Lifecycle = Lifecycle(),
        iamRoleARN: String = "",
        backupOptions: [String: String] = [:],
        isParent: Bool = false,
        parentJobID: String = ""
    ) {
        self.id = id
        self.account = account
        self.region = region
        self.state = state
        self.statusMessage = statusMessage
        self.messageCategory = messageCategory
        self.resourceARN = resourceARN
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.origin = origin
        self.creationDate = creationDate
        self.initiationDate = initiationDate
        self.startDate = startDate
        self.startBy = startBy
        self.completionDate = completionDate
        self.expectedCompletionDate = expectedCompletionDate
        self.recoveryPointARN = recoveryPointARN
        self.sizeBytes = sizeBytes
        self.placement = placement
        self.lifecycle = lifecycle
        self.iamRoleARN = iamRoleARN
        self.backupOptions = backupOptions
        self.isParent = isParent
        self.parentJobID = parentJobID
    }
}

/// One copy job, as `list-copy-jobs` prints it or as the simulator made it.
public struct CopyJob: Hashable, Sendable {
    public var id: String
    public var account: String
    public var region: String
    public var state: CopyJobState
    public var statusMessage: String
    public var resourceARN: String
    public var resourceType: String
    public var resourceName: String
    public var origin: JobOrigin
    public var createdByBackupJobID: String
    public var creationDate: Instant
    public var completionDate: Instant?
    public var sizeBytes: Int64?
    public var sourceRecoveryPointARN: String
    public var sourceVaultARN: String
    public var destinationRecoveryPointARN: String
    public var destinationVaultARN: String
    /// The destination vault's protection: where the copy lives.
    public var placement: VaultPlacement
    public var lifecycle: Lifecycle
    public var iamRoleARN: String
    public var isParent: Bool
    public var parentJobID: String

    public init(
        id: String,
        account: String,
        region: String,
        state: CopyJobState,
        statusMessage: String = "",
        resourceARN: String,
        resourceType: String,
        resourceName: String = "",
        origin: JobOrigin = JobOrigin(),
        createdByBackupJobID: String = "",
        creationDate: Instant,
        completionDate: Instant? = nil,
        sizeBytes: Int64? = nil,
        sourceRecoveryPointARN: String,
        sourceVaultARN: String,
        destinationRecoveryPointARN: String = "",
        destinationVaultARN: String,
        placement: VaultPlacement = VaultPlacement(),
        lifecycle: Lifecycle = Lifecycle(),
        iamRoleARN: String = "",
        isParent: Bool = false,
        parentJobID: String = ""
    ) {
        self.id = id
        self.account = account
        self.region = region
        self.state = state
        self.statusMessage = statusMessage
        self.resourceARN = resourceARN
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.origin = origin
        self.createdByBackupJobID = createdByBackupJobID
        self.creationDate = creationDate
        self.completionDate = completionDate
        self.sizeBytes = sizeBytes
        self.sourceRecoveryPointARN = sourceRecoveryPointARN
        self.sourceVaultARN = sourceVaultARN
        self.destinationRecoveryPointARN = destinationRecoveryPointARN
        self.destinationVaultARN = destinationVaultARN
        self.placement = placement
        self.lifecycle = lifecycle
        self.iamRoleARN = iamRoleARN
        self.isParent = isParent
        self.parentJobID = parentJobID
    }
}

/// One restore job, as `list-restore-jobs` prints it.
public struct RestoreJob: Hashable, Sendable {
    public var id: String
    public var account: String
    public var region: String
    public var status: RestoreJobStatus
    public var statusMessage: String
    public var recoveryPointARN: String
    public var sourceResourceARN: String
    public var createdResourceARN: String
    public var resourceType: String
    public var creationDate: Instant
    public var completionDate: Instant?
    public var sizeBytes: Int64?
    public var percentDone: String
    public var iamRoleARN: String
    public var backupVaultARN: String

    public init(
        id: String,
        account: String,
        region: String,
        status: RestoreJobStatus,
        statusMessage: String = "",
        recoveryPointARN: String,
        sourceResourceARN: String = "",
        createdResourceARN: String = "",
        resourceType: String = "",
        creationDate: Instant,
        completionDate: Instant? = nil,
        sizeBytes: Int64? = nil,
        percentDone: String = "",
        iamRoleARN: String = "",
        backupVaultARN: String = ""
    ) {
        self.id = id
        self.account = account
        self.region = region
        self.status = status
        self.statusMessage = statusMessage
        self.recoveryPointARN = recoveryPointARN
        self.sourceResourceARN = sourceResourceARN
        self.createdResourceARN = createdResourceARN
        self.resourceType = resourceType
        self.creationDate = creationDate
        self.completionDate = completionDate
        self.sizeBytes = sizeBytes
        self.percentDone = percentDone
        self.iamRoleARN = iamRoleARN
        self.backupVaultARN = backupVaultARN
    }
}

/// A recovery point that a completed backup or copy job left in a vault.
public struct RecoveryPoint: Hashable, Sendable {
    public var arn: String
    public var resourceARN: String
    public var resourceType: String
    /// The account and Region of the vault holding the point.
    public var account: String
    public var region: String
    public var vaultName: String
    public var creationDate: Instant
    public var lifecycle: Lifecycle
    public var isEncrypted: Bool
    public var encryptionKeyARN: String
    public var isContinuous: Bool
    public var isCopy: Bool
    /// The recovery point's tags: the source resource's tags, then the rule's RecoveryPointTags.
    public var tags: [String: String]
    /// The jobs that created or refreshed the point (backup job IDs, or the copy job ID).
    public var jobIDs: [String]
    /// When the point moves to cold storage, for types that have a cold tier; nil when it stays warm.
    public var coldAt: Instant?
    /// When the lifecycle deletes the point; nil when it is kept forever.
    public var deleteAt: Instant?

    public init(
        arn: String,
        resourceARN: String,
        resourceType: String,
        account: String,
        region: String,
        vaultName: String,
        creationDate: Instant,
        lifecycle: Lifecycle,
        isEncrypted: Bool,
        encryptionKeyARN: String,
        isContinuous: Bool = false,
        isCopy: Bool = false,
        tags: [String: String] = [:],
        jobIDs: [String] = [],
        coldAt: Instant? = nil,
        deleteAt: Instant? = nil
    ) {
        self.arn = arn
        self.resourceARN = resourceARN
        self.resourceType = resourceType
        self.account = account
        self.region = region
        self.vaultName = vaultName
        self.creationDate = creationDate
        self.lifecycle = lifecycle
        self.isEncrypted = isEncrypted
        self.encryptionKeyARN = encryptionKeyARN
        self.isContinuous = isContinuous
        self.isCopy = isCopy
        self.tags = tags
        self.jobIDs = jobIDs
        self.coldAt = coldAt
        self.deleteAt = deleteAt
    }

    /// `created <instant>[, cold <instant>][, deleted <instant>]`: the point's lifecycle, for evidence.
    public var lifecycleSummary: String {
        var out = "created " + creationDate.iso8601
        if let coldAt { out += ", cold " + coldAt.iso8601 }
        if let deleteAt { out += ", deleted " + deleteAt.iso8601 }
        return out
    }

    /// Whether the point exists at some instant of `[from, to)`.
    public func exists(during from: Instant, _ to: Instant) -> Bool {
        creationDate < to && (deleteAt.map { $0 > from } ?? true)
    }
}
