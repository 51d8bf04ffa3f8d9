/// Everything one scenario folder holds, read and validated: the estate, its job sources and its settings.
public struct Estate: Hashable, Sendable {
    public var settings: ScenarioSettings
    public var resources: [Resource]
    public var plans: [BackupPlan]
    public var selections: [BackupSelection]
    public var vaults: [Vault]
    public var frameworks: [Framework]
    /// The account/Region folders of the scenario, sorted.
    public var locations: [AccountRegion]
    /// Exported jobs; when `hasJobSource` is true these are the jobs and nothing is synthesized.
    public var backupJobs: [BackupJob]
    public var copyJobs: [CopyJob]
    public var restoreJobs: [RestoreJob]
    /// Whether the scenario holds any job source anywhere (ARCHITECTURE.md §3).
    public var hasJobSource: Bool
    /// Region settings per account/Region folder (`region-settings.json`); absent means every type opted in.
    public var regionSettings: [AccountRegion: RegionSettings]

    public init(
        settings: ScenarioSettings,
        resources: [Resource] = [],
        plans: [BackupPlan] = [],
        selections: [BackupSelection] = [],
        vaults: [Vault] = [],
        frameworks: [Framework] = [],
        locations: [AccountRegion] = [],
        backupJobs: [BackupJob] = [],
        copyJobs: [CopyJob] = [],
        restoreJobs: [RestoreJob] = [],
        hasJobSource: Bool = false,
        regionSettings: [AccountRegion: RegionSettings] = [:]
    ) {
        self.settings = settings
        self.resources = resources
        self.plans = plans
        self.selections = selections
        self.vaults = vaults
        self.frameworks = frameworks
        self.locations = locations
        self.backupJobs = backupJobs
        self.copyJobs = copyJobs
        self.restoreJobs = restoreJobs
        self.hasJobSource = hasJobSource
        self.regionSettings = regionSettings
    }

    /// Adds what another part of the same scenario holds, such as one account/Region folder read on its own.
    ///
    /// Every list is appended in order, the part's Region settings are added, and its job source counts; the
    /// settings stay this estate's. A new field of the estate must be added here too.
    public mutating func append(part: Estate) {
        resources += part.resources
        plans += part.plans
        selections += part.selections
        vaults += part.vaults
        frameworks += part.frameworks
        locations += part.locations
        backupJobs += part.backupJobs
        copyJobs += part.copyJobs
        restoreJobs += part.restoreJobs
        hasJobSource = hasJobSource || part.hasJobSource
        regionSettings.merge(part.regionSettings) { _, theirs in theirs }
    }

    /// The vault with this ARN, if the estate has it.
    public func vault(arn: String) -> Vault? { vaults.first { $0.arn.description == arn } }

    /// The vault of this name in an account and Region.
    public func vault(named name: String, account: String, region: String) -> Vault? {
        vaults.first { $0.name == name && $0.account == account && $0.region == region }
    }
}

/// One account/Region folder of a scenario.
public struct AccountRegion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var account: String
    public var region: String

    public init(account: String, region: String) {
        self.account = account
        self.region = region
    }

    public static func < (lhs: AccountRegion, rhs: AccountRegion) -> Bool {
        (lhs.account, lhs.region) < (rhs.account, rhs.region)
    }

    public var description: String { "\(account)/\(region)" }
}

/// What `scenario.json` declares: identity, month, seed, and what the AWS shapes cannot carry.
public struct ScenarioSettings: Hashable, Sendable {
    public var name: String
    public var month: Month
    public var seed: UInt64
    public var chainID: String
    /// Per-account settings, such as the organization path shown in `Path to Root`.
    public var accounts: [String: AccountSettings]
    /// Injected faults, applied in order; the first that matches a job decides it.
    public var faults: [FaultRule]
    /// Restore tests to synthesize when the scenario exports no jobs.
    public var restoreTests: [RestoreTest]

    public init(
        name: String,
        month: Month,
        seed: UInt64,
        chainID: String? = nil,
        accounts: [String: AccountSettings] = [:],
        faults: [FaultRule] = [],
        restoreTests: [RestoreTest] = []
    ) {
        self.name = name
        self.month = month
        self.seed = seed
        self.chainID = chainID ?? name
        self.accounts = accounts
        self.faults = faults
        self.restoreTests = restoreTests
    }
}

/// Settings of one account in scenario.json.
public struct AccountSettings: Hashable, Sendable {
    public var name: String
    public var pathToRoot: String

    public init(name: String = "", pathToRoot: String = "") {
        self.name = name
        self.pathToRoot = pathToRoot
    }
}

/// A fault: which jobs it hits (every given criterion must match) and what happens to them.
public struct FaultRule: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case failed = "FAILED"
        case expired = "EXPIRED"
        case aborted = "ABORTED"
        case partial = "PARTIAL"
        /// The job starts late in its start window (or after `delayMinutes`), and expires if that is too late.
        case lateStart = "LATE_START"
    }

    public var kind: Kind
    /// The share of matching jobs hit, 0…1, drawn from the seed per job.
    public var rate: Double
    /// ARN patterns with `*` wildcards.
    public var resources: [String]
    public var tagKey: String?
    public var tagValue: String?
    public var resourceType: BackupResourceType?
    public var planName: String?
    public var window: Interval?
    public var message: String?
    /// For `LATE_START`: minutes after the scheduled time at which the job starts.
    public var delayMinutes: Int?

    public init(
        kind: Kind,
        rate: Double = 1,
        resources: [String] = [],
        tagKey: String? = nil,
        tagValue: String? = nil,
        resourceType: BackupResourceType? = nil,
        planName: String? = nil,
        window: Interval? = nil,
        message: String? = nil,
        delayMinutes: Int? = nil
    ) {
        self.kind = kind
        self.rate = rate
        self.resources = resources
        self.tagKey = tagKey
        self.tagValue = tagValue
        self.resourceType = resourceType
        self.planName = planName
        self.window = window
        self.message = message
        self.delayMinutes = delayMinutes
    }
}

/// A restore test declared in scenario.json: restore the resource's latest recovery point at an instant.
public struct RestoreTest: Hashable, Sendable {
    public var resourceARN: String
    public var at: Instant
    public var minutes: Int
    public var status: RestoreJobStatus
    public var message: String

    public init(
        resourceARN: String,
        at: Instant,
        minutes: Int,
        status: RestoreJobStatus = .completed,
        message: String = ""
    ) {
        self.resourceARN = resourceARN
        self.at = at
        self.minutes = minutes
        self.status = status
        self.message = message
    }
}

/// `backup describe-region-settings` of one account and Region.
public struct RegionSettings: Hashable, Sendable {
    /// `ResourceTypeOptInPreference`: types absent from the map are opted in.
    public var optIn: [BackupResourceType: Bool]

    public init(optIn: [BackupResourceType: Bool] = [:]) { self.optIn = optIn }

    public func isOptedIn(_ type: BackupResourceType) -> Bool { optIn[type] ?? true }
}
