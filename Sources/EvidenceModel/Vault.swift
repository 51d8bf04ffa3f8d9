/// A backup vault as `list-backup-vaults` prints it, lock settings included.
public struct Vault: Hashable, Sendable {
    public var name: String
    public var arn: ARN
    public var account: String
    public var region: String
    /// `BACKUP_VAULT`, `LOGICALLY_AIR_GAPPED_BACKUP_VAULT` or `RESTORE_ACCESS_BACKUP_VAULT`.
    public var vaultType: String
    public var encryptionKeyARN: String?
    public var locked: Bool
    public var minRetentionDays: Int?
    public var maxRetentionDays: Int?
    public var lockDate: Instant?

    public init(
        name: String,
        arn: ARN,
        account: String,
        region: String,
        vaultType: String = "BACKUP_VAULT",
        encryptionKeyARN: String? = nil,
        locked: Bool = false,
        minRetentionDays: Int? = nil,
        maxRetentionDays: Int? = nil,
        lockDate: Instant? = nil
    ) {
        self.name = name
        self.arn = arn
        self.account = account
        self.region = region
        self.vaultType = vaultType
        self.encryptionKeyARN = encryptionKeyARN
        self.locked = locked
        self.minRetentionDays = minRetentionDays
        self.maxRetentionDays = maxRetentionDays
        self.lockDate = lockDate
    }

    /// `LOCKED` or `UNLOCKED`, as job reports show it.
    public var lockStatus: String { locked ? "LOCKED" : "UNLOCKED" }

    /// Whether a recovery point kept `days` (nil: forever) may enter this vault under its lock (facts §7.1).
    public func acceptsRetention(days: Int?) -> Bool {
        guard locked else { return true }
        if let min = minRetentionDays {
            guard let days, days >= min else { return days == nil && maxRetentionDays == nil }
        }
        if let max = maxRetentionDays {
            guard let days, days <= max else { return false }
        }
        return true
    }
}
