internal import EvidenceModel

/// Jobs synthesized from the plans when the scenario exports none.
///
/// For each resource, every (plan, rule) firing is a candidate window. AWS's rules then apply, in this order:
/// - one job per plan however many of its selections pick the resource;
/// - within a plan, a firing whose start window overlaps a firing of a rule with longer retention is taken by that
///   rule (facts sheet §3.9);
/// - one continuous recovery point per resource: the first plan evaluated (by plan name) with a continuous rule makes
///   it, with its continuous rule of longest retention; its other continuous rules are disregarded; continuous rules
///   of every other plan take snapshots (AWS's "Overlapping continuous backups on the same resource", A32);
/// - one running job per resource: a job that would start while another backup or copy job of the resource runs is
///   retried every 10 minutes and expires if its start window closes first (`CONCURRENT_JOB`);
/// - a job still running at its completion deadline expires (`JOB_EXPIRED`), except FSx, to which the completion
///   window does not apply.
///
/// Every random draw is keyed by what it decides (resource, plan, rule, scheduled time), so the result does not
/// depend on the order in which resources or plans are visited.
struct Synthesis: Sendable {
    let context: Context
    let coverage: Coverage
    init(context: Context, coverage: Coverage) {
        self.context = context
        self.coverage = coverage
    }

    var seed: UInt64 { context.estate.settings.seed }

    /// The longest retention simulated before the month, so points made then and still kept are known.
    static let maximumLookbackDays = 400

    /// What one resource's month produced.
    struct ResourceResult: Sendable {
        var backupJobs: [BackupJob] = []
        var copyJobs: [CopyJob] = []
        var windows: [ExpectedWindow] = []
        var points: [String: RecoveryPoint] = [:]
    }

    /// One resource's month: its jobs in the report, windows, recovery points and restore tests.
    ///
    /// Resources are independent: a resource's jobs, copies and points depend only on it, its plans and the seed.
    func resourceMonth(_ resource: Resource) -> ResourceMonth {
        var result = ResourceResult()
        simulate(resource, into: &result)
        let to = min(context.month.end, context.asOf)
        var month = ResourceMonth()
        month.backupJobs = result.backupJobs
        month.copyJobs = result.copyJobs
        month.windows = result.windows
        month.recoveryPoints = result.points.values.filter { $0.exists(during: context.month.start, to) }
            .sorted { ($0.creationDate, $0.arn) > ($1.creationDate, $1.arn) }
        for test in context.estate.settings.restoreTests where test.resourceARN == resource.arnString {
            if let job = restoreJob(test, resource: resource, points: result.points.values) {
                month.restoreJobs.append(job)
            }
        }
        return month
    }

    /// The restore job of a restore test scenario.json declares: it restores the resource's latest recovery point
    /// (in its own account and Region, not a copy) that exists at the test's instant.
    func restoreJob(
        _ test: RestoreTest,
        resource: Resource,
        points: some Collection<RecoveryPoint>
    ) -> RestoreJob? {
        let candidates = points.filter {
            $0.resourceARN == test.resourceARN && !$0.isCopy && $0.creationDate < test.at
                && ($0.deleteAt.map { $0 > test.at } ?? true)
        }
        guard let point = candidates.max(by: { ($0.creationDate, $0.arn) < ($1.creationDate, $1.arn) }) else {
            return nil
        }
        var random = SeededRandom(seed: seed, key: "restore|\(test.resourceARN)|\(test.at.milliseconds)")
        let id = random.guid()
        let completed = test.at.adding(minutes: test.minutes)
        var status = test.status
        var completion: Optional = completed
        if context.asOf < completed {
            status = .running
            completion = nil
        }
        guard test.at < context.asOf, context.inReport(ended: completion, created: test.at) else { return nil }
        let vault = context.vault(named: point.vaultName, account: point.account, region: point.region)
        return RestoreJob(
            id: id,
            account: resource.account,
            region: resource.region,
            status: status,
            statusMessage: status == .completed || status == .running ? "" : test.message,
            recoveryPointARN: point.arn,
            sourceResourceARN: resource.arnString,
            createdResourceARN: status == .completed
                ? RecoveryPointNaming.restoredARN(resource: resource, suffix: random.hex(8)) : "",
            resourceType: resource.type.rawValue,
            creationDate: test.at,
            completionDate: completion,
            sizeBytes: nil,
            percentDone: status == .completed ? "100.00%" : "0.00%",
            iamRoleARN: coverage.assignments(for: resource).first?.iamRoleARN ?? "",
            backupVaultARN: vault?.arn.description ?? ""
        )
    }

    // MARK: Candidates

    enum Mode: Hashable {
        case snapshot
        case continuous
        /// A continuous rule of another plan than the one that makes the continuous point.
        case snapshotFallback(ownerPlanARN: String)
        case ignored
    }

    /// A rule of a plan that picks the resource, shared by all of its firings.
    final class PlannedRule: Sendable {
        let plan: BackupPlan
        let rule: BackupRule
        let ruleIndex: Int
        let assignment: Assignment
        let mode: Mode
        /// The rule's target vault in the plan's account and Region, if it exists.
        let vault: Vault?
        /// The destination vault of each of the rule's copy actions, if it exists.
        let destinations: [Vault?]

        init(plan: BackupPlan, rule: BackupRule, ruleIndex: Int, assignment: Assignment, mode: Mode, context: Context) {
            self.plan = plan
            self.rule = rule
            self.ruleIndex = ruleIndex
            self.assignment = assignment
            self.mode = mode
            vault = context.vault(named: rule.targetVaultName, account: plan.account, region: plan.region)
            destinations = rule.copyActions.map { context.vaults[$0.destinationVaultARN.description] }
        }
    }

    struct Candidate {
        var scheduled: Instant
        let planned: PlannedRule
        /// Index of the candidate that took this window over.
        var takenBy: Int?
        var job: BackupJob?

        var plan: BackupPlan { planned.plan }
        var rule: BackupRule { planned.rule }
        var ruleIndex: Int { planned.ruleIndex }
        var assignment: Assignment { planned.assignment }
        var mode: Mode { planned.mode }
    }

    /// The indices of `candidates` in firing order: scheduled time, then plan and rule name.
    static func firingOrder(_ candidates: [Candidate]) -> [Int] {
        candidates.indices.sorted { a, b in
            let (x, y) = (candidates[a], candidates[b])
            if x.scheduled != y.scheduled { return x.scheduled < y.scheduled }
            if x.planned === y.planned { return false }
            return (x.planned.plan.name, x.planned.rule.name) < (y.planned.plan.name, y.planned.rule.name)
        }
    }

    /// Days before the month whose firings are simulated for a rule: its longest retention (copies included).
    func lookbackDays(_ rule: BackupRule, mode: Mode) -> Int {
        if mode == .continuous { return Simulator.lookbackDays }
        var longest: Int? = rule.lifecycle.deleteAfterDays
        for action in rule.copyActions {
            guard let days = (action.lifecycle ?? rule.lifecycle).deleteAfterDays else {
                return Self.maximumLookbackDays
            }
            longest = max(longest ?? 0, days)
        }
        guard let longest else { return Self.maximumLookbackDays }
        return min(Self.maximumLookbackDays, max(Simulator.lookbackDays, longest + 1))
    }

    /// Which continuous rules make the continuous point, fall back to snapshots, or are ignored.
    func continuousModes(_ resource: Resource, _ plans: [(BackupPlan, Assignment)]) -> [String: Mode] {
        guard resource.type.supportsContinuousBackup else { return [:] }
        var rules: [(BackupPlan, BackupRule)] = []
        for (plan, _) in plans { for rule in plan.rules where rule.continuous { rules.append((plan, rule)) } }
        rules.sort { ($0.0.name, $0.1.name) < ($1.0.name, $1.1.name) }
        guard let first = rules.first else { return [:] }
        // The first plan evaluated makes the continuous point; within it the rule with the longest retention does
        // (the first in rule-name order on a tie), and its other continuous rules are disregarded.
        let ownerPlan = first.0
        func longer(_ a: Int?, _ b: Int?) -> Bool {
            switch (a, b) {
            case (nil, nil): false
            case (nil, _): true
            case (_, nil): false
            case (let x?, let y?): x > y
            }
        }
        var owner = first
        for candidate in rules
        where candidate.0.id == ownerPlan.id
            && longer(candidate.1.lifecycle.deleteAfterDays, owner.1.lifecycle.deleteAfterDays)
        {
            owner = candidate
        }
        var modes: [String: Mode] = [:]
        for (plan, rule) in rules {
            let key = Context.ruleKey(plan, rule)
            if plan.id == owner.0.id && rule.id == owner.1.id {
                modes[key] = .continuous
            } else if plan.id == ownerPlan.id {
                modes[key] = .ignored
            } else {
                modes[key] = .snapshotFallback(ownerPlanARN: owner.0.arn)
            }
        }
        return modes
    }

    /// Marks firings taken over by an overlapping rule of the same plan with longer retention.
    static func resolveOverlaps(_ candidates: inout [Candidate]) {
        func rank(_ c: Candidate) -> (Int, Int) {
            // Longer retention first (forever is longest), then the rule listed first.
            (-(c.rule.lifecycle.deleteAfterDays ?? Int.max / 2), c.ruleIndex)
        }
        let byPlan = Dictionary(grouping: candidates.indices, by: { candidates[$0].plan.id })
        for planID in byPlan.keys.sorted() {
            guard let indices = byPlan[planID], Set(indices.map { candidates[$0].ruleIndex }).count > 1 else {
                continue
            }
            let sorted = indices.sorted { candidates[$0].scheduled < candidates[$1].scheduled }
            let widest = indices.map { candidates[$0].rule.startWindowMinutes }.max() ?? 0
            for (position, index) in sorted.enumerated() {
                let c = candidates[index]
                let end = c.scheduled.adding(minutes: c.rule.startWindowMinutes)
                var best: Int?
                var other = position
                while other > 0, candidates[sorted[other - 1]].scheduled.adding(minutes: widest) > c.scheduled {
                    other -= 1
                }
                while other < sorted.count, candidates[sorted[other]].scheduled < end {
                    let o = candidates[sorted[other]]
                    let oEnd = o.scheduled.adding(minutes: o.rule.startWindowMinutes)
                    if o.ruleIndex != c.ruleIndex, oEnd > c.scheduled, rank(o) < rank(c),
                        best.map({ rank(o) < rank(candidates[$0]) }) ?? true
                    {
                        best = sorted[other]
                    }
                    other += 1
                }
                candidates[index].takenBy = best
            }
            // Follow chains so a window points at the firing that really ran.
            for index in indices {
                var target = candidates[index].takenBy
                var steps = 0
                while let t = target, let next = candidates[t].takenBy, steps < indices.count {
                    target = next
                    steps += 1
                }
                candidates[index].takenBy = target
            }
        }
    }

    // MARK: Per resource

    /// The resource's candidate windows from `from` to the end of the month (or the evaluation instant), with
    /// overlaps and continuous-rule conflicts resolved.
    func candidates(for resource: Resource, from fixedStart: Instant?) -> [Candidate] {
        var seenPlans = Set<String>()
        var plans: [(BackupPlan, Assignment)] = []
        for assignment in coverage.assignments(for: resource) where seenPlans.insert(assignment.planID).inserted {
            if let plan = context.plan(account: resource.account, region: resource.region, id: assignment.planID) {
                plans.append((plan, assignment))
            }
        }
        guard !plans.isEmpty else { return [] }
        let modes = continuousModes(resource, plans)
        let to = min(context.month.end, context.asOf)
        var candidates: [Candidate] = []
        for (plan, assignment) in plans {
            for (ruleIndex, rule) in plan.rules.enumerated() {
                let key = Context.ruleKey(plan, rule)
                let mode = modes[key] ?? .snapshot
                guard mode != .ignored, let schedule = context.schedules[key] else { continue }
                let from = fixedStart ?? context.month.start.adding(days: -lookbackDays(rule, mode: mode))
                let planned = PlannedRule(
                    plan: plan,
                    rule: rule,
                    ruleIndex: ruleIndex,
                    assignment: assignment,
                    mode: mode,
                    context: context
                )
                for firing in schedule.firings(from: from, to: to) where resource.exists(at: firing) {
                    candidates.append(Candidate(scheduled: firing, planned: planned))
                }
            }
        }
        Synthesis.resolveOverlaps(&candidates)
        return candidates
    }

    private func simulate(_ resource: Resource, into out: inout ResourceResult) {
        var candidates = candidates(for: resource, from: nil)
        guard !candidates.isEmpty else { return }
        let order = Synthesis.firingOrder(candidates)
        out.backupJobs.reserveCapacity(out.backupJobs.count + candidates.count)
        out.points.reserveCapacity(out.points.count + candidates.count)
        var busyUntil = Instant(milliseconds: Int64.min / 2)
        for index in order where candidates[index].takenBy == nil {
            candidates[index].job = backup(resource, candidates[index], busyUntil: &busyUntil, into: &out)
        }
        let windows = Synthesis.windows(resource, candidates, order: order, month: context.month, asOf: context.asOf)
        // Taken whole when empty: each window holds its job, which appending would copy field by field.
        if out.windows.isEmpty { out.windows = windows } else { out.windows += windows }
    }

    /// The month's expected windows of one resource, each answered by its own job or the job of the rule that
    /// took it over.
    static func windows(
        _ resource: Resource,
        _ candidates: [Candidate],
        order: [Int],
        month: Month,
        asOf: Instant
    ) -> [ExpectedWindow] {
        var windows: [ExpectedWindow] = []
        windows.reserveCapacity(order.count)
        for index in order where candidates[index].scheduled >= month.start {
            // Read in place: a candidate holds its job, and its plan and rule are shared by reference.
            let scheduled = candidates[index].scheduled
            let takenBy = candidates[index].takenBy
            let planned = candidates[index].planned
            let job = takenBy.map { candidates[$0].job } ?? candidates[index].job
            let completeBy = scheduled.adding(minutes: planned.rule.completionWindowMinutes)
            let required = planned.rule.lifecycle.deleteAfterDays
            var outcome = ExpectedWindow.outcome(job: job, completeBy: completeBy, required: required)
            var detail = ""
            if let taker = takenBy {
                detail =
                    "taken by rule \(candidates[taker].planned.rule.name) (overlapping start window, longer retention)"
            }
            if let job, outcome != .onTime {
                let reason: String
                switch outcome {
                case .late: reason = "completed \(job.completionDate?.iso8601 ?? ""), after the completion deadline"
                case .retentionShort:
                    reason =
                        "kept \(job.lifecycle.deleteAfterDays.map(String.init) ?? "forever") days; "
                        + "\(required.map(String.init) ?? "forever") required"
                case .running: reason = "not ended at \(asOf.iso8601)"
                default: reason = job.statusMessage
                }
                detail = detail.isEmpty ? reason : "\(detail); \(reason)"
            }
            if job == nil { outcome = .missed }
            // A start in the second half of the start window is within AWS's contract, but worth a note.
            if let job, let started = job.startDate, job.state == .completed,
                started.milliseconds - scheduled.milliseconds > Int64(planned.rule.startWindowMinutes) * 30_000
            {
                let minutes = (started.milliseconds - scheduled.milliseconds) / 60_000
                let note = "started \(minutes) minutes after the scheduled time"
                detail = detail.isEmpty ? note : "\(detail); \(note)"
            }
            windows.append(
                ExpectedWindow(
                    account: resource.account,
                    region: resource.region,
                    resourceARN: resource.arnString,
                    resourceType: resource.type.rawValue,
                    resourceName: resource.name,
                    planName: planned.plan.name,
                    ruleName: planned.rule.name,
                    schedule: planned.rule.scheduleExpression,
                    timezone: planned.rule.scheduleTimezone,
                    scheduled: scheduled,
                    startBy: scheduled.adding(minutes: planned.rule.startWindowMinutes),
                    completeBy: completeBy,
                    requiredRetentionDays: required,
                    job: job.map(WindowJob.init),
                    takenByRule: takenBy.map { candidates[$0].planned.rule.name },
                    outcome: outcome,
                    detail: detail
                )
            )
        }
        return windows
    }

    // MARK: Jobs

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
        var stable = SeededRandom(seed: seed, key: SeededRandom.Key("size|").then(resource.arnString))
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

    /// Cold-storage transition for types with a cold tier (facts sheet §3.5); other types ignore the setting.
    static func coldAt(_ created: Instant, _ lifecycle: Lifecycle, _ type: BackupResourceType) -> Instant? {
        guard let days = lifecycle.moveToColdAfterDays else { return nil }
        switch type {
        case .efs, .cloudFormation, .sapHANA, .timestream, .virtualMachine: return created.adding(days: days)
        case .ebs: return lifecycle.optInToArchive ? created.adding(days: days) : nil
        default: return nil
        }
    }

    private func backup(
        _ resource: Resource,
        _ c: Candidate,
        busyUntil: inout Instant,
        into out: inout ResourceResult
    ) -> BackupJob? {
        // The plan and rule are read in place from the firing's shared reference, not copied per job.
        let planned = c.planned
        let scheduled = c.scheduled
        guard let vault = c.planned.vault else { return nil }
        var random = SeededRandom(
            seed: seed,
            key: SeededRandom.Key("job|").then(resource.arnString).then("|").then(planned.plan.id).then("|").then(
                planned.rule.id
            )
            .then("|").then(scheduled.milliseconds)
        )
        let id = random.guid()
        let created = scheduled.adding(milliseconds: Int64(random.int(in: 2_000...90_000)))
        let startBy = scheduled.adding(minutes: planned.rule.startWindowMinutes)
        let completeBy = scheduled.adding(minutes: planned.rule.completionWindowMinutes)
        var delay = random.int(in: 1...max(1, min(30, planned.rule.startWindowMinutes / 4)))
        let duration = Synthesis.durationMinutes(resource.type, &random)
        let jitter = Int64(random.int(in: 0...59_999))
        let continuous = c.mode == .continuous
        var lifecycle = planned.rule.lifecycle
        if continuous { lifecycle.moveToColdAfterDays = nil }

        var state = BackupJobState.completed
        var message = ""
        var category = "SUCCESS"
        let fault = fault(resource: resource, plan: planned.plan, scheduled: scheduled, random: &random)
        if let fault, fault.kind == .lateStart {
            delay =
                fault.delayMinutes
                ?? random.int(in: max(1, planned.rule.startWindowMinutes * 3 / 4)...planned.rule.startWindowMinutes)
        }
        var started = scheduled.adding(minutes: delay).adding(milliseconds: jitter)
        // One running job per resource: retry every 10 minutes while another job runs.
        if started < busyUntil {
            let wait = busyUntil.milliseconds - started.milliseconds
            let retries = (wait + 599_999) / 600_000
            started = started.adding(minutes: Int(retries) * 10)
        }
        var ended = started.adding(minutes: duration).adding(milliseconds: jitter / 7)
        var ran = true
        if started >= startBy {
            ran = false
            state = .expired
            ended = startBy
            if fault?.kind == .lateStart {
                message = fault?.message ?? "Backup job expired before completion."
                category = "JOB_EXPIRED"
            } else {
                message = "Backup job failed because there was a running job for the same resource."
                category = "CONCURRENT_JOB"
            }
        } else if !vault.acceptsRetention(days: lifecycle.deleteAfterDays) {
            state = .failed
            message =
                "Backup job failed. The retention specified in the job is not within the range specified for "
                + "the target Backup Vault."
            category = "INVALID_LIFECYCLE"
            ended = started.adding(seconds: Int64(random.int(in: 5...120)))
        } else if let fault, fault.kind != .lateStart {
            switch fault.kind {
            case .failed:
                state = .failed
                message = fault.message ?? "An internal error occurred while processing the backup job."
                category = "MISCELLANEOUS"
                ended = started.adding(minutes: random.int(in: 1...10))
            case .expired:
                ran = false
                state = .expired
                message = fault.message ?? "Backup job expired before completion."
                category = "JOB_EXPIRED"
                ended = startBy
            case .aborted:
                state = .aborted
                message = fault.message ?? "Backup job was stopped by user."
                category = "ABORTED"
            case .partial:
                state = .partial
                message = fault.message ?? "Backup job completed with some items not backed up."
                category = "MISCELLANEOUS"
            case .lateStart:
                break
            }
        } else if ended > completeBy && resource.type != .fsx {
            state = .expired
            message = "Backup job expired before completion."
            category = "JOB_EXPIRED"
            ended = completeBy
        }
        if case .snapshotFallback(let owner) = c.mode, state == .completed {
            message =
                "Enabling continuous backup failed, because of the following error: PITR already configured in "
                + "backup plan: [\(owner)]"
        }
        if ran { busyUntil = max(busyUntil, ended) }

        // The state as of the evaluation instant: a job that has not yet ended is still CREATED or RUNNING.
        var reportedState = state
        var completionDate: Instant? = state == .expired ? nil : ended
        if context.asOf < ended {
            reportedState = ran && context.asOf >= started ? .running : .created
            completionDate = nil
            message = ""
            category = ""
        }

        let fullyManaged = resource.type.isFullyManaged
        let encrypted = fullyManaged || resource.sourceEncrypted
        let key =
            fullyManaged
            ? (vault.encryptionKeyARN ?? "") : (resource.sourceEncrypted ? (resource.sourceKMSKeyARN ?? "") : "")
        var pointARN = ""
        if reportedState == .completed || reportedState == .partial {
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
            planID: planned.plan.id,
            planARN: planned.plan.arn,
            planName: planned.plan.name,
            planVersion: planned.plan.versionID,
            ruleID: planned.rule.id,
            ruleName: planned.rule.name,
            schedule: planned.rule.scheduleExpression,
            timezone: planned.rule.scheduleTimezone
        )
        let job = BackupJob(
            id: id,
            account: resource.account,
            region: resource.region,
            state: reportedState,
            statusMessage: message,
            messageCategory: category,
            resourceARN: resource.arnString,
            resourceType: resource.type.rawValue,
            resourceName: resource.name,
            origin: origin,
            creationDate: created,
            initiationDate: scheduled,
            startDate: ran && context.asOf >= started ? started : nil,
            startBy: startBy,
            completionDate: completionDate,
            expectedCompletionDate: completeBy,
            recoveryPointARN: pointARN,
            sizeBytes: completionDate == nil || reportedState != .completed ? nil : sizeBytes(resource, &random),
            placement: VaultPlacement(
                vaultName: vault.name,
                vaultARN: vault.arn.description,
                vaultType: vault.vaultType,
                lockStatus: vault.lockStatus,
                isEncrypted: encrypted,
                encryptionKeyARN: key
            ),
            lifecycle: lifecycle,
            iamRoleARN: c.assignment.iamRoleARN,
            backupOptions: planned.plan.advancedBackupSettings[resource.type] ?? [:]
        )
        if created < context.asOf,
            context.inReport(ended: completionDate ?? (state == .expired ? startBy : nil), created: created)
        {
            out.backupJobs.append(job)
        }
        guard reportedState == .completed, let completionDate else { return job }

        let tags = resource.tags.merging(planned.rule.recoveryPointTags) { $1 }
        if let existing = out.points.index(forKey: pointARN) {
            // In place: a continuous point collects every job of the month, and a copy of its list per job would
            // cost the square of their number.
            out.points.values[existing].jobIDs.append(id)
        } else {
            out.points[pointARN] = RecoveryPoint(
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
                jobIDs: [id],
                coldAt: Synthesis.coldAt(started, lifecycle, resource.type),
                deleteAt: lifecycle.deleteAfterDays.map { started.adding(days: $0) }
            )
        }
        for (actionIndex, action) in planned.rule.copyActions.enumerated() {
            copy(
                resource: resource,
                source: job,
                action: action,
                actionIndex: actionIndex,
                destinations: c.planned.destinations,
                sourceStart: started,
                sourceCompletion: completionDate,
                tags: tags,
                busyUntil: &busyUntil,
                into: &out
            )
        }
        return job
    }

    private func copy(
        resource: Resource,
        source: BackupJob,
        action: CopyAction,
        actionIndex: Int,
        destinations: [Vault?],
        sourceStart: Instant,
        sourceCompletion: Instant,
        tags: [String: String],
        busyUntil: inout Instant,
        into out: inout ResourceResult
    ) {
        var random = SeededRandom(
            seed: seed,
            key: SeededRandom.Key("copy|").then(source.id).then("|").then(action.destinationVaultARN.description)
        )
        let id = random.guid()
        let created = sourceCompletion.adding(seconds: Int64(random.int(in: 20...600)))
        var completed = created.adding(minutes: random.int(in: 3...40)).adding(
            milliseconds: Int64(random.int(in: 0...999))
        )
        let destination = destinations[actionIndex]
        let lifecycle = action.lifecycle ?? source.lifecycle
        var state = CopyJobState.completed
        var message = ""
        if let destination, !destination.acceptsRetention(days: lifecycle.deleteAfterDays) {
            state = .failed
            message =
                "Copy job failed. The retention specified in the job is not within the range specified for the "
                + "target Backup Vault."
            completed = created.adding(seconds: Int64(random.int(in: 5...120)))
        } else if destination == nil {
            state = .failed
            message = "Copy job failed. The destination backup vault \(action.destinationVaultARN) was not found."
            completed = created.adding(seconds: Int64(random.int(in: 5...120)))
        }
        busyUntil = max(busyUntil, completed)
        var completionDate: Instant? = completed
        if context.asOf < completed {
            state = context.asOf < created ? .created : .running
            completionDate = nil
            message = ""
        }
        guard created < context.asOf else { return }

        let destinationVault =
            destination
            ?? Vault(
                name: action.destinationVaultARN.backupVaultName ?? action.destinationVaultARN.resource,
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
        if context.inReport(ended: completionDate, created: created) {
            out.copyJobs.append(
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
        }
        guard state == .completed else { return }
        out.points[pointARN] = RecoveryPoint(
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
            jobIDs: [id],
            coldAt: Synthesis.coldAt(sourceStart, lifecycle, resource.type),
            deleteAt: lifecycle.deleteAfterDays.map { sourceStart.adding(days: $0) }
        )
    }
}
