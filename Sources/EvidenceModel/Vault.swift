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
    /// The vault's access policy (`get-backup-vault-access-policy`), when it has one.
    public var accessPolicy: AccessPolicy?
    /// Tags on the vault (scenario.json; `list-backup-vaults` prints none).
    public var tags: [String: String]

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
        lockDate: Instant? = nil,
        accessPolicy: AccessPolicy? = nil,
        tags: [String: String] = [:]
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
        self.accessPolicy = accessPolicy
        self.tags = tags
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

/// An IAM resource policy, reduced to what vault controls read.
public struct AccessPolicy: Hashable, Sendable {
    public var statements: [PolicyStatement]

    public init(statements: [PolicyStatement]) { self.statements = statements }
}

/// One statement of a resource policy; single values are held as one-element lists.
public struct PolicyStatement: Hashable, Sendable {
    public var sid: String
    /// `Allow` or `Deny`.
    public var effect: String
    /// `"*"` for `"Principal": "*"` or `{"AWS": "*"}`; otherwise the listed principals.
    public var principals: [String]
    public var actions: [String]
    public var notActions: [String]
    public var resources: [String]
    /// Condition operator, key and values, such as (`ArnNotEquals`, `aws:PrincipalArn`, [...]).
    public var conditions: [PolicyCondition]

    public init(
        sid: String = "",
        effect: String,
        principals: [String],
        actions: [String],
        notActions: [String] = [],
        resources: [String],
        conditions: [PolicyCondition] = []
    ) {
        self.sid = sid
        self.effect = effect
        self.principals = principals
        self.actions = actions
        self.notActions = notActions
        self.resources = resources
        self.conditions = conditions
    }
}

/// One condition of a policy statement.
public struct PolicyCondition: Hashable, Sendable {
    public var operation: String
    public var key: String
    public var values: [String]

    public init(operation: String, key: String, values: [String]) {
        self.operation = operation
        self.key = key
        self.values = values
    }
}
