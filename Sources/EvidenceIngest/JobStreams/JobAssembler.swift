internal import EvidenceModel

/// Rebuilds jobs from their events, whatever order the events arrive in and however often each repeats.
///
/// Events are grouped by job; a repeated `eventID` counts once. Each field of the job takes the value of the
/// latest event that carries it, "latest" being the total order of ``JobEvent/precedes(_:_:)`` (state first, then
/// emission time, then event id), so the result does not depend on file or record order. Memory grows with the
/// number of jobs, not of events: a job keeps one event per distinct event id, a handful per job.
struct JobAssembler {
    private struct Key: Hashable {
        var kind: JobKind
        var jobID: String
    }

    private var events: [Key: [JobEvent]] = [:]
    /// Events read, duplicates included.
    private(set) var eventCount = 0
    /// Events dropped because their `eventID` had been seen for the same job.
    private(set) var duplicateCount = 0

    var jobCount: Int { events.count }

    mutating func add(_ event: JobEvent) {
        eventCount += 1
        let key = Key(kind: event.kind, jobID: event.jobID)
        if let existing = events[key]?.firstIndex(where: { $0.eventID == event.eventID }) {
            duplicateCount += 1
            // Keep the one that sorts first, so which copy is kept does not depend on reading order.
            if let current = events[key]?[existing], JobEvent.precedes(event, current) {
                events[key]?[existing] = event
            }
            return
        }
        events[key, default: []].append(event)
    }

    mutating func add(_ batch: [JobEvent]) {
        for event in batch { add(event) }
    }

    /// The jobs, each in the shape list-backup-jobs, list-copy-jobs or list-restore-jobs would print.
    ///
    /// `unnamedStarts` counts the jobs left out because no event got further than CREATED or PENDING with the
    /// resource named.
    func jobs() throws -> (backups: [BackupJob], copies: [CopyJob], restores: [RestoreJob], unnamedStarts: Int) {
        var backups: [BackupJob] = []
        var copies: [CopyJob] = []
        var restores: [RestoreJob] = []
        var unnamedStarts = 0
        let keys = events.keys.sorted { ($0.kind, $0.jobID) < ($1.kind, $1.jobID) }
        for key in keys {
            guard let list = events[key] else { continue }
            let merged = Merged(list.sorted(by: JobEvent.precedes))
            // AWS's CREATED events carry only the id, the state and the creation date (facts sheet §6.1): a job seen
            // no further than that names no resource and cannot be reported (Docs/ASSUMPTIONS.md A49).
            if merged.isBareStart {
                unnamedStarts += 1
                continue
            }
            switch key.kind {
            case .backup: backups.append(try merged.backupJob())
            case .copy: copies.append(try merged.copyJob())
            case .restore: restores.append(try merged.restoreJob())
            }
        }
        return (backups, copies, restores, unnamedStarts)
    }
}

/// A job's events folded in order: each field is the last non-nil value.
private struct Merged {
    let last: JobEvent
    let value: JobEvent

    init(_ ordered: [JobEvent]) {
        guard var folded = ordered.first else { preconditionFailure("a job has at least one event") }
        for event in ordered.dropFirst() {
            folded.state = event.state
            folded.account = event.account
            folded.region = event.region
            folded.resourceARN = event.resourceARN ?? folded.resourceARN
            folded.resourceType = event.resourceType ?? folded.resourceType
            folded.creationDate = event.creationDate ?? folded.creationDate
            folded.completionDate = event.completionDate ?? folded.completionDate
            folded.startBy = event.startBy ?? folded.startBy
            folded.expectedCompletionDate = event.expectedCompletionDate ?? folded.expectedCompletionDate
            folded.statusMessage = event.statusMessage ?? folded.statusMessage
            folded.sizeBytes = event.sizeBytes ?? folded.sizeBytes
            folded.percentDone = event.percentDone ?? folded.percentDone
            folded.iamRoleARN = event.iamRoleARN ?? folded.iamRoleARN
            folded.vaultName = event.vaultName ?? folded.vaultName
            folded.vaultARN = event.vaultARN ?? folded.vaultARN
            folded.recoveryPointARN = event.recoveryPointARN ?? folded.recoveryPointARN
            folded.destinationVaultARN = event.destinationVaultARN ?? folded.destinationVaultARN
            folded.destinationRecoveryPointARN = event.destinationRecoveryPointARN ?? folded.destinationRecoveryPointARN
            folded.createdResourceARN = event.createdResourceARN ?? folded.createdResourceARN
            folded.planID = event.planID ?? folded.planID
            folded.planARN = event.planARN ?? folded.planARN
            folded.planVersion = event.planVersion ?? folded.planVersion
            folded.ruleID = event.ruleID ?? folded.ruleID
            folded.isEncrypted = event.isEncrypted ?? folded.isEncrypted
        }
        guard let last = ordered.last else { preconditionFailure("a job has at least one event") }
        self.last = last
        self.value = folded
    }

    /// Whether the job was seen only CREATED or PENDING, by events that do not name what it backs up, copies or
    /// restores.
    var isBareStart: Bool {
        (value.state == "CREATED" || value.state == "PENDING")
            && (value.kind == .restore ? value.recoveryPointARN == nil : value.resourceARN == nil)
    }

    private func missing(_ field: String) -> ImportError {
        ImportError(
            file: last.file,
            location: last.location,
            message: "no event of \(value.kind.noun) \(value.jobID) gives its \(field)"
        )
    }

    private func require<T>(_ field: T?, _ name: String) throws -> T {
        guard let field else { throw missing(name) }
        return field
    }

    private func resourceType(_ arn: String) -> String {
        if let type = value.resourceType { return type }
        return ARN(arn).flatMap { BackupResourceType.of($0)?.rawValue } ?? ""
    }

    private var origin: JobOrigin {
        JobOrigin(
            planID: value.planID ?? "",
            planARN: value.planARN ?? "",
            planVersion: value.planVersion ?? "",
            ruleID: value.ruleID ?? ""
        )
    }

    func backupJob() throws -> BackupJob {
        let resource = try require(value.resourceARN, "resourceArn")
        guard let state = BackupJobState(rawValue: value.state) else { throw missing("state") }
        return BackupJob(
            id: value.jobID,
            account: value.account,
            region: value.region,
            state: state,
            statusMessage: value.statusMessage ?? "",
            resourceARN: resource,
            resourceType: resourceType(resource),
            origin: origin,
            creationDate: try require(value.creationDate, "creationDate"),
            startBy: value.startBy,
            completionDate: value.completionDate,
            expectedCompletionDate: value.expectedCompletionDate,
            recoveryPointARN: state == .completed || state == .partial ? value.recoveryPointARN ?? "" : "",
            sizeBytes: value.sizeBytes,
            placement: VaultPlacement(
                vaultName: value.vaultName ?? value.vaultARN.flatMap { ARN($0)?.backupVaultName } ?? "",
                vaultARN: value.vaultARN ?? "",
                isEncrypted: value.isEncrypted
            ),
            iamRoleARN: value.iamRoleARN ?? ""
        )
    }

    func copyJob() throws -> CopyJob {
        let resource = try require(value.resourceARN, "resourceArn")
        guard let state = CopyJobState(rawValue: value.state) else { throw missing("state") }
        return CopyJob(
            id: value.jobID,
            account: value.account,
            region: value.region,
            state: state,
            statusMessage: value.statusMessage ?? "",
            resourceARN: resource,
            resourceType: resourceType(resource),
            origin: origin,
            creationDate: try require(value.creationDate, "creationDate"),
            completionDate: value.completionDate,
            sizeBytes: value.sizeBytes,
            sourceRecoveryPointARN: try require(value.recoveryPointARN, "source recovery point"),
            sourceVaultARN: try require(value.vaultARN, "sourceBackupVaultArn"),
            destinationRecoveryPointARN: value.destinationRecoveryPointARN ?? "",
            destinationVaultARN: try require(value.destinationVaultARN, "destinationBackupVaultArn"),
            iamRoleARN: value.iamRoleARN ?? ""
        )
    }

    func restoreJob() throws -> RestoreJob {
        guard let status = RestoreJobStatus(rawValue: value.state) else { throw missing("status") }
        return RestoreJob(
            id: value.jobID,
            account: value.account,
            region: value.region,
            status: status,
            statusMessage: value.statusMessage ?? "",
            recoveryPointARN: try require(value.recoveryPointARN, "recoveryPointArn"),
            sourceResourceARN: value.resourceARN ?? "",
            createdResourceARN: value.createdResourceARN ?? "",
            resourceType: value.resourceType ?? "",
            creationDate: try require(value.creationDate, "creationDate"),
            completionDate: value.completionDate,
            sizeBytes: value.sizeBytes,
            percentDone: value.percentDone ?? "",
            iamRoleARN: value.iamRoleARN ?? "",
            backupVaultARN: value.vaultARN ?? ""
        )
    }

}
