internal import EvidenceModel

/// Which kind of job an event reports on.
enum JobKind: Int, Hashable, Sendable, Comparable {
    case backup
    case copy
    case restore

    static func < (lhs: JobKind, rhs: JobKind) -> Bool { lhs.rawValue < rhs.rawValue }

    var noun: String {
        switch self {
        case .backup: "backup job"
        case .copy: "copy job"
        case .restore: "restore job"
        }
    }
}

/// What one event (a CloudTrail record or an EventBridge event) says about one job.
///
/// Every field but the identity is optional: a CREATED event may carry only the id, the state and the creation date.
/// Values are kept as read; the assembler decides which event's value wins.
struct JobEvent: Sendable {
    var kind: JobKind
    var jobID: String
    var eventID: String
    /// When the event was emitted; orders events of the same state.
    var eventTime: Instant
    var account: String
    var region: String
    /// The state (backup and copy jobs) or status (restore jobs), already validated against its enumeration.
    var state: String
    /// Where the event was read, for errors about the job it builds: `file: location`.
    var file: String
    var location: String

    var resourceARN: String?
    var resourceType: String?
    var creationDate: Instant?
    var completionDate: Instant?
    var startBy: Instant?
    var expectedCompletionDate: Instant?
    var statusMessage: String?
    var sizeBytes: Int64?
    var percentDone: String?
    var iamRoleARN: String?
    var vaultName: String?
    var vaultARN: String?
    /// Backup: the recovery point made; copy: the source point; restore: the point restored.
    var recoveryPointARN: String?
    var destinationVaultARN: String?
    var destinationRecoveryPointARN: String?
    var createdResourceARN: String?
    var planID: String?
    var planARN: String?
    var planVersion: String?
    var ruleID: String?
    var isEncrypted: Bool?

    init(
        kind: JobKind,
        jobID: String,
        eventID: String,
        eventTime: Instant,
        account: String,
        region: String,
        state: String,
        file: String,
        location: String
    ) {
        self.kind = kind
        self.jobID = jobID
        self.eventID = eventID
        self.eventTime = eventTime
        self.account = account
        self.region = region
        self.state = state
        self.file = file
        self.location = location
    }

    /// How far along a state is: events of later states override earlier ones, so the order of records in the
    /// files does not matter (facts sheet §6.2: records are unordered and may repeat).
    var stateRank: Int {
        switch state {
        case "CREATED": 0
        case "PENDING": 1
        case "RUNNING": 2
        case "ABORTING", "COMPLETING", "FAILING": 3
        default: 4
        }
    }

    /// A total order over a job's events: state, then emission time, then event id.
    static func precedes(_ a: JobEvent, _ b: JobEvent) -> Bool {
        (a.stateRank, a.eventTime, a.eventID, a.file, a.location) < (
            b.stateRank, b.eventTime, b.eventID, b.file, b.location
        )
    }
}
