/// A backup selection (resource assignment) as `get-backup-selection` prints it.
///
/// AWS semantics (facts sheet §3.12): selected = (any `Resources` pattern **or** any `ListOfTags` entry) **and**
/// every `Conditions` entry, **and not** any `NotResources` pattern.
public struct BackupSelection: Hashable, Sendable {
    /// The AWS field is `SelectionId`.
    public var id: String
    public var name: String
    public var planID: String
    public var iamRoleARN: String
    public var account: String
    public var region: String
    public var resources: [String]
    public var notResources: [String]
    public var listOfTags: [TagCondition]
    public var conditions: SelectionConditions

    public init(
        id: String,
        name: String,
        planID: String,
        iamRoleARN: String,
        account: String,
        region: String,
        resources: [String] = [],
        notResources: [String] = [],
        listOfTags: [TagCondition] = [],
        conditions: SelectionConditions = SelectionConditions()
    ) {
        self.id = id
        self.name = name
        self.planID = planID
        self.iamRoleARN = iamRoleARN
        self.account = account
        self.region = region
        self.resources = resources
        self.notResources = notResources
        self.listOfTags = listOfTags
        self.conditions = conditions
    }
}

/// One `ListOfTags` entry: `ConditionType` is always `STRINGEQUALS`, and the key is a plain tag key.
public struct TagCondition: Hashable, Sendable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The `Conditions` block; every listed condition must hold.
public struct SelectionConditions: Hashable, Sendable {
    public var stringEquals: [TagCondition]
    public var stringNotEquals: [TagCondition]
    public var stringLike: [TagCondition]
    public var stringNotLike: [TagCondition]

    /// Keys here are plain tag keys; the `aws:ResourceTag/` prefix of the AWS shape is removed on reading.
    public init(
        stringEquals: [TagCondition] = [],
        stringNotEquals: [TagCondition] = [],
        stringLike: [TagCondition] = [],
        stringNotLike: [TagCondition] = []
    ) {
        self.stringEquals = stringEquals
        self.stringNotEquals = stringNotEquals
        self.stringLike = stringLike
        self.stringNotLike = stringNotLike
    }

    public var isEmpty: Bool {
        stringEquals.isEmpty && stringNotEquals.isEmpty && stringLike.isEmpty && stringNotLike.isEmpty
    }
}
