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

// MARK: A compact encoding, for events kept on disk between reading and assembling

extension JobEvent {
    /// The event as bytes that `init(encoded:)` reads back to the same value.
    func encoded() -> [UInt8] {
        var out = EventBytes()
        out.bytes.append(UInt8(kind.rawValue))
        for text in [jobID, eventID, account, region, state, file, location] { out.string(text) }
        out.int(eventTime.milliseconds)
        for text in [
            resourceARN, resourceType, statusMessage, percentDone, iamRoleARN, vaultName, vaultARN, recoveryPointARN,
            destinationVaultARN, destinationRecoveryPointARN, createdResourceARN, planID, planARN, planVersion, ruleID,
        ] {
            out.optional(text) { $0.string($1) }
        }
        for instant in [creationDate, completionDate, startBy, expectedCompletionDate] {
            out.optional(instant) { $0.int($1.milliseconds) }
        }
        out.optional(sizeBytes) { $0.int($1) }
        out.optional(isEncrypted) { $0.bytes.append($1 ? 1 : 0) }
        return out.bytes
    }

    /// The event `encoded()` wrote.
    init(encoded bytes: ArraySlice<UInt8>) {
        var input = EventBytes.Reader(bytes: bytes)
        guard let kind = JobKind(rawValue: Int(input.byte())) else { preconditionFailure("an encoded job event") }
        let (jobID, eventID, account, region, state, file, location) = (
            input.string(), input.string(), input.string(), input.string(), input.string(), input.string(),
            input.string()
        )
        self.init(
            kind: kind,
            jobID: jobID,
            eventID: eventID,
            eventTime: Instant(milliseconds: input.int()),
            account: account,
            region: region,
            state: state,
            file: file,
            location: location
        )
        resourceARN = input.optionalString()
        resourceType = input.optionalString()
        statusMessage = input.optionalString()
        percentDone = input.optionalString()
        iamRoleARN = input.optionalString()
        vaultName = input.optionalString()
        vaultARN = input.optionalString()
        recoveryPointARN = input.optionalString()
        destinationVaultARN = input.optionalString()
        destinationRecoveryPointARN = input.optionalString()
        createdResourceARN = input.optionalString()
        planID = input.optionalString()
        planARN = input.optionalString()
        planVersion = input.optionalString()
        ruleID = input.optionalString()
        creationDate = input.optionalInstant()
        completionDate = input.optionalInstant()
        startBy = input.optionalInstant()
        expectedCompletionDate = input.optionalInstant()
        sizeBytes = input.present() ? input.int() : nil
        isEncrypted = input.present() ? input.byte() == 1 : nil
    }
}

/// Length-prefixed fields, little-endian.
private struct EventBytes {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int64) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            int(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout EventBytes, T) -> Void) {
        guard let value else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        write(&self, value)
    }

    struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        mutating func byte() -> UInt8 {
            defer { position += 1 }
            return bytes[position]
        }

        mutating func int() -> Int64 {
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
            position += 8
            return Int64(bitPattern: value)
        }

        mutating func string() -> String {
            let count = Int(int())
            defer { position += count }
            return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
        }

        mutating func present() -> Bool { byte() == 1 }

        mutating func optionalString() -> String? { present() ? string() : nil }

        mutating func optionalInstant() -> Instant? { present() ? Instant(milliseconds: int()) : nil }
    }
}
