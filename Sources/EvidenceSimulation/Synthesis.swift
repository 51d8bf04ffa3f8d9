internal import EvidenceModel

/// Jobs synthesized from the plans when the scenario exports none: one backup job per (resource, rule)
/// firing, copy jobs for the rule's copy actions, and the recovery points they leave.
///
/// Every random draw is keyed by what it decides (resource, plan, rule, scheduled time), so the result does not
/// depend on the order in which resources or plans are visited.
struct Synthesis {
    let context: Context
    let coverage: Coverage
    var backupJobs: [BackupJob] = []
    var copyJobs: [CopyJob] = []
    private var points: [String: RecoveryPoint] = [:]

    init(context: Context, coverage: Coverage) {
        self.context = context
        self.coverage = coverage
    }

    var seed: UInt64 { context.estate.settings.seed }

    mutating func run() {
        let from = context.month.start.adding(days: -Simulator.lookbackDays)
        let to = min(context.month.end, context.asOf)
        for resource in context.estate.resources {
            for assignment in coverage.assignments(for: resource) {
                guard let plan = context.plan(account: resource.account, region: resource.region, id: assignment.planID)
                else { continue }
                for rule in plan.rules {
                    guard let schedule = context.schedules[Context.ruleKey(plan, rule)] else { continue }
                    for firing in schedule.firings(from: from, to: to) where resource.exists(at: firing) {
                        backup(resource: resource, plan: plan, rule: rule, assignment: assignment, scheduled: firing)
                    }
                }
            }
        }
    }

    func recoveryPoints() -> [RecoveryPoint] { Array(points.values) }

    /// Minutes a backup of this type takes, drawn per job.
    private static func durationMinutes(_ type: BackupResourceType, _ random: inout SeededRandom) -> Int {
        switch type {
        case .ec2: random.int(in: 10...45)
        case .ebs: random.int(in: 5...30)
        case .rds: random.int(in: 8...25)
        case .aurora, .neptune, .documentDB: random.int(in: 5...15)
        case .dynamoDB: random.int(in: 1...6)
        case .efs: random.int(in: 3...40)
        case .s3: random.int(in: 5...35)
        default: random.int(in: 5...30)
        }
    }

    /// Size in bytes as AWS reports it for the type (facts sheet §5.5); nil where AWS leaves it empty.
    private func sizeBytes(_ resource: Resource, _ random: inout SeededRandom) -> Int64? {
        var stable = SeededRandom(seed: seed, key: "size|\(resource.arnString)")
        let gib: Int64 = 1 << 30
        switch resource.type {
        case .ec2, .ebs:
            let sizes: [Int64] = [8, 16, 32, 50, 100, 200, 500]
            return resource.sizeBytes ?? sizes[stable.int(in: 0...(sizes.count - 1))] * gib
        case .rds: return 0
        case .aurora, .neptune, .documentDB, .fsx: return nil
        case .efs: return Int64(random.int(in: 1...5_000)) * (1 << 20)
        default:
            return resource.sizeBytes ?? Int64(stable.int(in: 1...200)) * gib / 4
        }
    }

    /// The first fault whose criteria all match the job, drawn against its rate.
    private func fault(
        resource: Resource,
        plan: BackupPlan,
        scheduled: Instant,
        random: inout SeededRandom
    ) -> FaultRule? {
        for rule in context.estate.settings.faults {
            if !rule.resources.isEmpty, !rule.resources.contains(where: { Wildcard.matches($0, resource.arnString) }) {
                continue
            }
            if let key = rule.tagKey {
                guard let value = resource.tags[key] else { continue }
                if let wanted = rule.tagValue, wanted != value { continue }
            }
            if let type = rule.resourceType, type != resource.type { continue }
            if let name = rule.planName, name != plan.name { continue }
            if let window = rule.window, !window.contains(scheduled) { continue }
            if random.unit() < rule.rate { return rule }
        }
        return nil
    }

    private mutating func backup(
        resource: Resource,
        plan: BackupPlan,
        rule: BackupRule,
        assignment: Assignment,
        scheduled: Instant
    ) {
        guard let vault = context.estate.vault(named: rule.targetVaultName, account: plan.account, region: plan.region)
        else { return }
        var random = SeededRandom(
            seed: seed,
            key: "job|\(resource.arnString)|\(plan.id)|\(rule.id)|\(scheduled.milliseconds)"
        )
        let id = random.guid()
        let created = scheduled.adding(milliseconds: Int64(random.int(in: 2_000...90_000)))
        let started = scheduled.adding(minutes: random.int(in: 1...min(90, max(1, rule.startWindowMinutes - 1))))
            .adding(milliseconds: Int64(random.int(in: 0...59_999)))
        var completed = started.adding(minutes: Synthesis.durationMinutes(resource.type, &random))
            .adding(milliseconds: Int64(random.int(in: 0...59_999)))
        let startBy = scheduled.adding(minutes: rule.startWindowMinutes)
        let continuous = rule.continuous && resource.type.supportsContinuousBackup
        var lifecycle = rule.lifecycle
        if continuous { lifecycle.moveToColdAfterDays = nil }

        var state = BackupJobState.completed
        var message = ""
        var category = "SUCCESS"
        if !vault.acceptsRetention(days: lifecycle.deleteAfterDays) {
            state = .failed
            message =
                "Backup job failed. The retention specified in the job is not within the range specified for the target Backup Vault."
            category = "INVALID_LIFECYCLE"
            completed = started.adding(seconds: Int64(random.int(in: 5...120)))
        } else if let fault = fault(resource: resource, plan: plan, scheduled: scheduled, random: &random) {
            switch fault.kind {
            case .failed:
                state = .failed
                message = fault.message ?? "An internal error occurred while processing the backup job."
                category = "MISCELLANEOUS"
                completed = started.adding(minutes: random.int(in: 1...10))
            case .expired:
                state = .expired
                message = fault.message ?? "Backup job expired before completion."
                category = "JOB_EXPIRED"
                completed = startBy
            case .aborted:
                state = .aborted
                message = fault.message ?? "Backup job was stopped by user."
                category = "ABORTED"
            case .partial:
                state = .partial
                message = fault.message ?? "Backup job completed with some items not backed up."
                category = "MISCELLANEOUS"
            }
        }

        // The state as of the evaluation instant: a job that has not yet ended is still CREATED or RUNNING.
        var completionDate: Instant? = state == .expired ? nil : completed
        let terminal = completed
        if context.asOf < started && state != .expired {
            state = .created
            completionDate = nil
            message = ""
            category = ""
        } else if context.asOf < terminal {
            state = state == .expired ? .created : .running
            completionDate = nil
            message = ""
            category = ""
        }
        guard context.inReport(ended: completionDate ?? (state == .expired ? startBy : nil), created: created) else {
            return
        }

        let fullyManaged = resource.type.isFullyManaged
        let encrypted = fullyManaged || resource.sourceEncrypted
        let key =
            fullyManaged
            ? (vault.encryptionKeyARN ?? "") : (resource.sourceEncrypted ? (resource.sourceKMSKeyARN ?? "") : "")
        var pointARN = ""
        if state == .completed || state == .partial {
            pointARN =
                continuous
                ? RecoveryPointNaming.continuousARN(resource: resource, vault: vault, seed: seed)
                : RecoveryPointNaming.arn(
                    resource: resource,
                    vault: vault,
                    jobID: id,
                    created: started,
                    random: &random,
                    copy: false
                )
        }
        let origin = JobOrigin(
            planID: plan.id,
            planARN: plan.arn,
            planName: plan.name,
            planVersion: plan.versionID,
            ruleID: rule.id,
            ruleName: rule.name,
            schedule: rule.scheduleExpression,
            timezone: rule.scheduleTimezone
        )
        let placement = VaultPlacement(
            vaultName: vault.name,
            vaultARN: vault.arn.description,
            vaultType: vault.vaultType,
            lockStatus: vault.lockStatus,
            isEncrypted: encrypted,
            encryptionKeyARN: key
        )
        let job = BackupJob(
            id: id,
            account: resource.account,
            region: resource.region,
            state: state,
            statusMessage: message,
            messageCategory: category,
            resourceARN: resource.arnString,
            resourceType: resource.type.rawValue,
            resourceName: resource.name,
            origin: origin,
            creationDate: created,
            initiationDate: scheduled,
            startBy: startBy,
            completionDate: completionDate,
            expectedCompletionDate: scheduled.adding(minutes: rule.completionWindowMinutes),
            recoveryPointARN: pointARN,
            sizeBytes: completionDate == nil ? nil : sizeBytes(resource, &random),
            placement: placement,
            lifecycle: lifecycle,
            iamRoleARN: assignment.iamRoleARN,
            backupOptions: plan.advancedBackupSettings[resource.type] ?? [:]
        )
        backupJobs.append(job)
        guard state == .completed, let completionDate else { return }

        let tags = resource.tags.merging(rule.recoveryPointTags) { $1 }
        if var existing = points[pointARN] {
            existing.jobIDs.append(id)
            points[pointARN] = existing
        } else {
            points[pointARN] = RecoveryPoint(
                arn: pointARN,
                resourceARN: resource.arnString,
                resourceType: resource.type.rawValue,
                account: vault.account,
                region: vault.region,
                vaultName: vault.name,
                creationDate: started,
                lifecycle: lifecycle,
                isEncrypted: encrypted,
                encryptionKeyARN: key,
                isContinuous: continuous,
                tags: tags,
                jobIDs: [id]
            )
        }
        for action in rule.copyActions {
            copy(
                resource: resource,
                source: job,
                action: action,
                rule: rule,
                sourceStart: started,
                sourceCompletion: completionDate,
                tags: tags
            )
        }
    }

    private mutating func copy(
        resource: Resource,
        source: BackupJob,
        action: CopyAction,
        rule: BackupRule,
        sourceStart: Instant,
        sourceCompletion: Instant,
        tags: [String: String]
    ) {
        var random = SeededRandom(seed: seed, key: "copy|\(source.id)|\(action.destinationVaultARN)")
        let id = random.guid()
        let created = sourceCompletion.adding(seconds: Int64(random.int(in: 20...600)))
        var completed = created.adding(minutes: random.int(in: 3...40)).adding(
            milliseconds: Int64(random.int(in: 0...999))
        )
        let destination = context.vaults[action.destinationVaultARN.description]
        let lifecycle = action.lifecycle ?? source.lifecycle
        var state = CopyJobState.completed
        var message = ""
        if let destination, !destination.acceptsRetention(days: lifecycle.deleteAfterDays) {
            state = .failed
            message =
                "Copy job failed. The retention specified in the job is not within the range specified for the target Backup Vault."
            completed = created.adding(seconds: Int64(random.int(in: 5...120)))
        } else if destination == nil {
            state = .failed
            message = "Copy job failed. The destination backup vault \(action.destinationVaultARN) was not found."
            completed = created.adding(seconds: Int64(random.int(in: 5...120)))
        }
        var completionDate: Instant? = completed
        if context.asOf < completed {
            state = context.asOf < created ? .created : .running
            completionDate = nil
            message = ""
        }
        guard created < context.asOf, context.inReport(ended: completionDate, created: created) else { return }

        let destinationVault =
            destination
            ?? Vault(
                name: String(action.destinationVaultARN.resource.dropFirst("backup-vault:".count)),
                arn: action.destinationVaultARN,
                account: action.destinationVaultARN.account,
                region: action.destinationVaultARN.region
            )
        // A copy of an encrypted backup is encrypted with the destination vault's key; an unencrypted snapshot
        // stays unencrypted (Docs/ASSUMPTIONS.md).
        let encrypted = source.placement.isEncrypted ?? true
        let key = encrypted ? (destinationVault.encryptionKeyARN ?? "") : ""
        var pointARN = ""
        if state == .completed {
            pointARN = RecoveryPointNaming.arn(
                resource: resource,
                vault: destinationVault,
                jobID: id,
                created: sourceStart,
                random: &random,
                copy: true
            )
        }
        copyJobs.append(
            CopyJob(
                id: id,
                account: source.account,
                region: source.region,
                state: state,
                statusMessage: message,
                resourceARN: resource.arnString,
                resourceType: resource.type.rawValue,
                resourceName: resource.name,
                origin: source.origin,
                createdByBackupJobID: source.id,
                creationDate: created,
                completionDate: completionDate,
                sizeBytes: completionDate == nil ? nil : source.sizeBytes,
                sourceRecoveryPointARN: source.recoveryPointARN,
                sourceVaultARN: source.placement.vaultARN,
                destinationRecoveryPointARN: pointARN,
                destinationVaultARN: action.destinationVaultARN.description,
                placement: VaultPlacement(
                    vaultName: destinationVault.name,
                    vaultARN: destinationVault.arn.description,
                    vaultType: destinationVault.vaultType,
                    lockStatus: destinationVault.lockStatus,
                    isEncrypted: encrypted,
                    encryptionKeyARN: key
                ),
                lifecycle: lifecycle,
                iamRoleARN: source.iamRoleARN
            )
        )
        guard state == .completed else { return }
        points[pointARN] = RecoveryPoint(
            arn: pointARN,
            resourceARN: resource.arnString,
            resourceType: resource.type.rawValue,
            account: destinationVault.account,
            region: destinationVault.region,
            vaultName: destinationVault.name,
            creationDate: sourceStart,
            lifecycle: lifecycle,
            isEncrypted: encrypted,
            encryptionKeyARN: key,
            isCopy: true,
            tags: tags,
            jobIDs: [id]
        )
    }
}
