public import EvidenceModel

/// Writes jobs as the AWS CLI prints its job lists: `aws backup list-backup-jobs`, `list-copy-jobs` and
/// `list-restore-jobs` with `--output json`.
///
/// Used to build job-list scenarios from simulated jobs. Each account and Region gets its own
/// `accounts/<account>/<region>/backup-jobs.json`, `copy-jobs.json` and `restore-jobs.json`, as the CLI lists the
/// jobs of one account in one Region: a copy job in the folder of its source (where AWS runs and lists it, whatever
/// its destination), a restore job in the folder of the restore. Members keep the order of the API's shapes
/// (`BackupJob`, `CopyJob`, `RestoreJobsListMember`), objects are indented by four spaces as the CLI prints them,
/// and timestamps are the CLI's default ISO-8601 form with microseconds and an offset
/// (`2028-04-01T05:00:00.000000+00:00`). Fields a job does not have are left out, as the CLI leaves out what the API
/// does not return. Jobs are listed newest first. The same jobs give the same bytes.
public enum JobListExport {
    /// The job-list files, as (path relative to the scenario folder, bytes), sorted by path.
    public static func files(
        backups: [BackupJob],
        copies: [CopyJob],
        restores: [RestoreJob]
    ) -> [(path: String, bytes: [UInt8])] {
        var lists: [String: [(Instant, String, Value)]] = [:]
        func add(_ account: String, _ region: String, _ file: String, _ key: (Instant, String), _ value: Value) {
            lists["accounts/\(account)/\(region)/\(file)", default: []].append((key.0, key.1, value))
        }
        for job in backups {
            add(job.account, job.region, "backup-jobs.json", (job.creationDate, job.id), member(job))
        }
        for job in copies {
            add(job.account, job.region, "copy-jobs.json", (job.creationDate, job.id), member(job))
        }
        for job in restores {
            add(job.account, job.region, "restore-jobs.json", (job.creationDate, job.id), member(job))
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for path in lists.keys.sorted() {
            guard let entries = lists[path] else { continue }
            let ordered = entries.sorted { ($0.0, $0.1) > ($1.0, $1.1) }.map(\.2)
            let key =
                path.hasSuffix("backup-jobs.json")
                ? "BackupJobs" : path.hasSuffix("copy-jobs.json") ? "CopyJobs" : "RestoreJobs"
            var text = ""
            Value.object([(key, .array(ordered))]).write(into: &text, indent: 0)
            text += "\n"
            files.append((path, Array(text.utf8)))
        }
        return files
    }

    // MARK: Members

    private static func member(_ job: BackupJob) -> Value {
        var m = Members()
        m.add("AccountId", .string(job.account))
        m.add("BackupJobId", .string(job.id))
        m.add("BackupVaultName", text(job.placement.vaultName))
        m.add("BackupVaultArn", text(job.placement.vaultARN))
        m.add("VaultType", text(job.placement.vaultType))
        m.add("VaultLockState", text(job.placement.lockStatus))
        m.add("RecoveryPointArn", text(job.recoveryPointARN))
        if !job.recoveryPointARN.isEmpty { m.add("RecoveryPointLifecycle", lifecycle(job.lifecycle)) }
        m.add("EncryptionKeyArn", text(job.placement.encryptionKeyARN))
        m.add("IsEncrypted", job.placement.isEncrypted.map(Value.bool))
        m.add("ResourceArn", .string(job.resourceARN))
        m.add("CreationDate", .time(job.creationDate))
        m.add("CompletionDate", job.completionDate.map(Value.time))
        m.add("State", .string(job.state.rawValue))
        m.add("StatusMessage", text(job.statusMessage))
        m.add("BackupSizeInBytes", job.sizeBytes.map { .number(String($0)) })
        m.add("IamRoleArn", text(job.iamRoleARN))
        m.add("CreatedBy", createdBy(job.origin))
        m.add("ExpectedCompletionDate", job.expectedCompletionDate.map(Value.time))
        m.add("StartBy", job.startBy.map(Value.time))
        m.add("ResourceType", text(job.resourceType))
        if !job.backupOptions.isEmpty {
            m.add(
                "BackupOptions",
                .object(job.backupOptions.keys.sorted().map { ($0, .string(job.backupOptions[$0] ?? "")) })
            )
        }
        m.add("ParentJobId", text(job.parentJobID))
        m.add("IsParent", .bool(job.isParent))
        m.add("ResourceName", text(job.resourceName))
        m.add("InitiationDate", job.initiationDate.map(Value.time))
        m.add("MessageCategory", text(job.messageCategory))
        return .object(m.items)
    }

    private static func member(_ job: CopyJob) -> Value {
        var m = Members()
        m.add("AccountId", .string(job.account))
        m.add("CopyJobId", .string(job.id))
        m.add("SourceBackupVaultArn", .string(job.sourceVaultARN))
        m.add("SourceRecoveryPointArn", .string(job.sourceRecoveryPointARN))
        m.add("DestinationBackupVaultArn", .string(job.destinationVaultARN))
        m.add("DestinationVaultType", text(job.placement.vaultType))
        m.add("DestinationVaultLockState", text(job.placement.lockStatus))
        m.add("DestinationRecoveryPointArn", text(job.destinationRecoveryPointARN))
        m.add("DestinationEncryptionKeyArn", text(job.placement.encryptionKeyARN))
        if !job.destinationRecoveryPointARN.isEmpty {
            m.add("DestinationRecoveryPointLifecycle", lifecycle(job.lifecycle))
        }
        m.add("ResourceArn", .string(job.resourceARN))
        m.add("CreationDate", .time(job.creationDate))
        m.add("CompletionDate", job.completionDate.map(Value.time))
        m.add("State", .string(job.state.rawValue))
        m.add("StatusMessage", text(job.statusMessage))
        m.add("BackupSizeInBytes", job.sizeBytes.map { .number(String($0)) })
        m.add("IamRoleArn", text(job.iamRoleARN))
        m.add("CreatedBy", createdBy(job.origin))
        m.add("CreatedByBackupJobId", text(job.createdByBackupJobID))
        m.add("ResourceType", text(job.resourceType))
        m.add("ParentJobId", text(job.parentJobID))
        m.add("IsParent", .bool(job.isParent))
        m.add("ResourceName", text(job.resourceName))
        return .object(m.items)
    }

    private static func member(_ job: RestoreJob) -> Value {
        var m = Members()
        m.add("AccountId", .string(job.account))
        m.add("RestoreJobId", .string(job.id))
        m.add("RecoveryPointArn", .string(job.recoveryPointARN))
        m.add("SourceResourceArn", text(job.sourceResourceARN))
        m.add("BackupVaultArn", text(job.backupVaultARN))
        m.add("CreationDate", .time(job.creationDate))
        m.add("CompletionDate", job.completionDate.map(Value.time))
        m.add("Status", .string(job.status.rawValue))
        m.add("StatusMessage", text(job.statusMessage))
        m.add("PercentDone", text(job.percentDone))
        m.add("BackupSizeInBytes", job.sizeBytes.map { .number(String($0)) })
        m.add("IamRoleArn", text(job.iamRoleARN))
        m.add("CreatedResourceArn", text(job.createdResourceARN))
        m.add("ResourceType", text(job.resourceType))
        return .object(m.items)
    }

    /// `RecoveryPointCreator`: the plan and rule that made the job; nil for a job no plan made.
    private static func createdBy(_ origin: JobOrigin) -> Value? {
        guard !origin.planID.isEmpty else { return nil }
        var m = Members()
        m.add("BackupPlanId", .string(origin.planID))
        m.add("BackupPlanArn", text(origin.planARN))
        m.add("BackupPlanName", text(origin.planName))
        m.add("BackupPlanVersion", text(origin.planVersion))
        m.add("BackupRuleId", text(origin.ruleID))
        m.add("BackupRuleName", text(origin.ruleName))
        m.add("BackupRuleCron", text(origin.schedule))
        m.add("BackupRuleTimezone", text(origin.timezone))
        return .object(m.items)
    }

    /// `Lifecycle`: only the values set (no values: the point is kept forever).
    private static func lifecycle(_ lifecycle: Lifecycle) -> Value {
        var m = Members()
        m.add("MoveToColdStorageAfterDays", lifecycle.moveToColdAfterDays.map { .number(String($0)) })
        m.add("DeleteAfterDays", lifecycle.deleteAfterDays.map { .number(String($0)) })
        if lifecycle.optInToArchive { m.add("OptInToArchiveForSupportedResources", .bool(true)) }
        return .object(m.items)
    }

    private static func text(_ value: String) -> Value? { value.isEmpty ? nil : .string(value) }

    // MARK: Writing

    /// The members of one object in the order they are added; absent values are skipped.
    private struct Members {
        var items: [(String, Value)] = []

        mutating func add(_ key: String, _ value: Value?) {
            if let value { items.append((key, value)) }
        }
    }

    /// A JSON value whose objects keep their member order, as the CLI prints them.
    private indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case number(String)
        case bool(Bool)
        case time(Instant)

        /// Writes the value with Python's `json.dumps(indent=4)` layout, which the AWS CLI uses.
        func write(into out: inout String, indent: Int) {
            let inner = String(repeating: " ", count: indent + 4)
            let closing = String(repeating: " ", count: indent)
            switch self {
            case .object(let members):
                guard !members.isEmpty else {
                    out += "{}"
                    return
                }
                out += "{\n"
                for (index, (key, value)) in members.enumerated() {
                    out += inner + CanonicalJSON.string(key) + ": "
                    value.write(into: &out, indent: indent + 4)
                    out += index == members.count - 1 ? "\n" : ",\n"
                }
                out += closing + "}"
            case .array(let items):
                guard !items.isEmpty else {
                    out += "[]"
                    return
                }
                out += "[\n"
                for (index, item) in items.enumerated() {
                    out += inner
                    item.write(into: &out, indent: indent + 4)
                    out += index == items.count - 1 ? "\n" : ",\n"
                }
                out += closing + "]"
            case .string(let text): out += CanonicalJSON.string(text)
            case .number(let text): out += text
            case .bool(let value): out += value ? "true" : "false"
            case .time(let instant): out += CanonicalJSON.string(cliTimestamp(instant))
            }
        }
    }

    /// `2028-04-01T05:00:00.123000+00:00`: the CLI's default rendering of a timestamp, in UTC.
    public static func cliTimestamp(_ instant: Instant) -> String {
        String(instant.iso8601Milliseconds.dropLast()) + "000+00:00"
    }
}
