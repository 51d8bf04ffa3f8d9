public import EvidenceModel

/// How an expected backup window turned out.
public enum WindowOutcome: String, CaseIterable, Hashable, Sendable {
    /// A backup completed by the window's completion deadline, kept at least as long as the rule requires.
    case onTime = "ON_TIME"
    /// A backup completed, but after the completion deadline.
    case late = "LATE"
    /// A backup completed on time but is kept for less than the rule requires.
    case retentionShort = "RETENTION_SHORT"
    /// No job at all for the window.
    case missed = "MISSED"
    case failed = "FAILED"
    case expired = "EXPIRED"
    case aborted = "ABORTED"
    case partial = "PARTIAL"
    /// The job had not ended at the evaluation instant.
    case running = "RUNNING"
}

/// One expected backup: a resource × rule × firing of the rule's schedule, and what satisfied it.
public struct ExpectedWindow: Hashable, Sendable {
    public var account: String
    public var region: String
    public var resourceARN: String
    public var resourceType: String
    public var resourceName: String
    public var planName: String
    public var ruleName: String
    public var schedule: String
    public var timezone: String
    public var scheduled: Instant
    /// Scheduled time plus the start window.
    public var startBy: Instant
    /// Scheduled time plus the completion window.
    public var completeBy: Instant
    /// The rule's `DeleteAfterDays`; nil keeps points forever.
    public var requiredRetentionDays: Int?
    /// The job that answers for the window: its own, or the job of the rule that took it over.
    public var job: WindowJob?
    /// Set when another rule of the same plan took the window (overlapping start windows, longer retention).
    public var takenByRule: String?
    public var outcome: WindowOutcome
    /// Why, in a few words, when the outcome is not ON_TIME or another rule answered.
    public var detail: String

    /// The outcome of a window answered by `job`, with the rule's required retention.
    static func outcome(job: BackupJob?, completeBy: Instant, required: Int?) -> WindowOutcome {
        guard let job else { return .missed }
        switch job.state {
        case .failed: return .failed
        case .expired: return .expired
        case .aborted, .aborting: return .aborted
        case .partial: return .partial
        case .created, .pending, .running: return .running
        case .completed:
            if let completed = job.completionDate, completed > completeBy { return .late }
            if let required {
                guard let taken = job.lifecycle.deleteAfterDays, taken >= required else {
                    return job.lifecycle.deleteAfterDays == nil ? .onTime : .retentionShort
                }
            }
            return .onTime
        }
    }
}

/// What a window's row tells of the job that answers it: the fields of its `BackupJob` the window report and the
/// window's outcome read, held without the job's other strings (a window is copied as it is rendered).
public struct WindowJob: Hashable, Sendable {
    public var id: String
    public var state: BackupJobState
    public var statusMessage: String
    public var messageCategory: String
    public var creationDate: Instant
    public var startDate: Instant?
    public var completionDate: Instant?
    public var recoveryPointARN: String
    public var lifecycle: Lifecycle

    public init(_ job: BackupJob) {
        id = job.id
        state = job.state
        statusMessage = job.statusMessage
        messageCategory = job.messageCategory
        creationDate = job.creationDate
        startDate = job.startDate
        completionDate = job.completionDate
        recoveryPointARN = job.recoveryPointARN
        lifecycle = job.lifecycle
    }
}
