public import EvidenceModel

/// What happened in a month: jobs, recovery points and plan coverage, in a total order.
public struct SimulationResult: Sendable {
    /// Backup jobs that ended in `[month start, as-of)` or were still active at as-of; sorted by account,
    /// Region, creation date, then job id (the report order).
    public var backupJobs: [BackupJob]
    public var copyJobs: [CopyJob]
    public var restoreJobs: [RestoreJob]
    /// Recovery points that exist at some instant of the month: made in it, or made before and still kept;
    /// sorted by ARN.
    public var recoveryPoints: [RecoveryPoint]
    /// Every expected backup window of the month, sorted by account, Region, resource ARN, scheduled time, plan
    /// and rule.
    public var windows: [ExpectedWindow]
    public var coverage: Coverage
    public var month: Month
    public var asOf: Instant
    /// For each protected resource's ARN, the indices of its recovery points in `recoveryPoints`, newest first.
    public var pointsByResource: [String: [Int]] = [:]
}

/// Why a simulation could not run: a plan that cannot be scheduled or targets a vault that does not exist, named by
/// its ``InputLocation`` (the plan's file and the rule's JSON path).
public struct SimulationError: Error, Hashable, CustomStringConvertible {
    public var inputLocation: InputLocation
    public var message: String

    public init(file: String, location: String, message: String) {
        self.inputLocation = InputLocation(file: file, position: location)
        self.message = message
    }

    public var file: String { inputLocation.file }

    /// The place in the file in its printed form, such as `$.BackupPlan.Rules[0]`.
    public var location: String { inputLocation.positionText }

    public var description: String { "\(inputLocation): \(message)" }
}

/// The deterministic simulator: the month's jobs from exports, or synthesized from the plans and the seed.
///
/// Pure: no file access, no clock. The same estate, month and as-of instant give the same result.
public enum Simulator {
    /// How far before the month firings are simulated, so jobs that began then and ended inside it appear.
    static let lookbackDays = 2

    public static func run(estate: Estate, month: Month, asOf: Instant) throws -> SimulationResult {
        try run(MonthSimulation(estate: estate, month: month, asOf: asOf))
    }

    /// The whole month in memory, in report order: for what-if comparisons, tests and exported job sources.
    public static func run(_ simulation: MonthSimulation) throws -> SimulationResult {
        let (estate, month, asOf) = (simulation.estate, simulation.month, simulation.asOf)
        let coverage = simulation.coverage
        let context = simulation.context
        var result = SimulationResult(
            backupJobs: [],
            copyJobs: [],
            restoreJobs: [],
            recoveryPoints: [],
            windows: [],
            coverage: coverage,
            month: month,
            asOf: asOf
        )
        if estate.hasJobSource {
            result.backupJobs = attributeOrigins(
                estate.backupJobs.filter { context.inReport(ended: $0.terminalInstant, created: $0.creationDate) },
                context: context,
                coverage: coverage
            )
            .map { context.enrich($0) }
            result.copyJobs = inheritOrigins(
                estate.copyJobs.filter { context.inReport(ended: $0.completionDate, created: $0.creationDate) },
                from: result.backupJobs
            )
            .map { context.enrich($0) }
            result.restoreJobs = estate.restoreJobs.filter {
                context.inReport(ended: $0.completionDate, created: $0.creationDate)
            }
            result.recoveryPoints = context.recoveryPointsFromExports(result.backupJobs, result.copyJobs)
            result.windows = exportedWindows(context: context, coverage: coverage, jobs: result.backupJobs)
        } else {
            let synthesis = Synthesis(context: context, coverage: coverage)
            // Resources are independent; each is simulated on its own core and results are merged in order.
            for month in Parallel.map(estate.resources, synthesis.resourceMonth) {
                result.backupJobs += month.backupJobs
                result.copyJobs += month.copyJobs
                result.windows += month.windows
                result.recoveryPoints += month.recoveryPoints
                result.restoreJobs += month.restoreJobs
            }
        }
        result.windows.sort {
            ($0.account, $0.region, $0.resourceARN, $0.scheduled, $0.planName, $0.ruleName)
                < ($1.account, $1.region, $1.resourceARN, $1.scheduled, $1.planName, $1.ruleName)
        }
        result.backupJobs = reportOrder(result.backupJobs) { ($0.account, $0.region, $0.creationDate, $0.id) }
        result.copyJobs = reportOrder(result.copyJobs) { ($0.account, $0.region, $0.creationDate, $0.id) }
        result.restoreJobs = reportOrder(result.restoreJobs) { ($0.account, $0.region, $0.creationDate, $0.id) }
        result.recoveryPoints = reportOrder(result.recoveryPoints) { ("", "", Instant(milliseconds: 0), $0.arn) }
        // Indexed after the final order, which the indices point into.
        var byResource: [String: [Int]] = [:]
        for (index, point) in result.recoveryPoints.enumerated() {
            byResource[point.resourceARN, default: []].append(index)
        }
        result.pointsByResource = byResource.mapValues { indices in
            indices.sorted {
                let (a, b) = (result.recoveryPoints[$0], result.recoveryPoints[$1])
                return (a.creationDate, a.arn) > (b.creationDate, b.arn)
            }
        }
        return result
    }

    /// Names the plan and rule of jobs whose source does not (CloudTrail's service events carry no `createdBy`).
    ///
    /// The rule of a plan covering the resource, targeting the job's vault, whose firing's start window holds the
    /// job's creation; among several, the one keeping its points longest, as AWS runs overlapping rules
    /// (Docs/ASSUMPTIONS.md A48). A job no rule explains (an on-demand backup) keeps an empty origin.
    static func attributeOrigins(_ jobs: [BackupJob], context: Context, coverage: Coverage) -> [BackupJob] {
        var byResource: [String: [Int]] = [:]
        for index in jobs.indices where jobs[index].origin.planID.isEmpty {
            byResource[jobs[index].resourceARN, default: []].append(index)
        }
        guard !byResource.isEmpty else { return jobs }
        let synthesis = Synthesis(context: context, coverage: coverage)
        var result = jobs
        for resource in context.estate.resources {
            guard let indices = byResource[resource.arnString] else { continue }
            attributeOrigins(&result, indices, of: resource, synthesis: synthesis)
        }
        return result
    }

    /// Names the plan and rule of the jobs at `indices`, all of `resource`, as `attributeOrigins(_:context:coverage:)`.
    static func attributeOrigins(
        _ jobs: inout [BackupJob],
        _ indices: [Int],
        of resource: Resource,
        synthesis: Synthesis
    ) {
        let candidates = synthesis.candidates(for: resource, from: nil)
        for index in indices {
            let job = jobs[index]
            let matches = candidates.filter { c in
                c.rule.targetVaultName == job.placement.vaultName
                    && job.creationDate >= c.scheduled.adding(minutes: -5)
                    && job.creationDate < c.scheduled.adding(minutes: c.rule.startWindowMinutes)
            }
            let best = matches.max { a, b in
                let (x, y) = (
                    a.rule.lifecycle.deleteAfterDays ?? Int.max, b.rule.lifecycle.deleteAfterDays ?? Int.max
                )
                if x != y { return x < y }
                if a.scheduled != b.scheduled { return a.scheduled < b.scheduled }
                return (a.plan.name, a.rule.name) > (b.plan.name, b.rule.name)
            }
            if let best {
                jobs[index].origin.planID = best.plan.id
                jobs[index].origin.ruleID = best.rule.id
            }
        }
    }

    /// Copy jobs whose events name no plan, or no backup job, take them from the backup job that made their source
    /// recovery point (Docs/ASSUMPTIONS.md A48).
    static func inheritOrigins(_ copies: [CopyJob], from backups: [BackupJob]) -> [CopyJob] {
        guard copies.contains(where: { $0.origin.planID.isEmpty || $0.createdByBackupJobID.isEmpty }) else {
            return copies
        }
        var byPoint: [String: BackupJob] = [:]
        for job in backups where !job.recoveryPointARN.isEmpty { byPoint[job.recoveryPointARN] = job }
        return copies.map { copy in
            guard let source = byPoint[copy.sourceRecoveryPointARN] else { return copy }
            var copy = copy
            if copy.origin.planID.isEmpty {
                copy.origin.planID = source.origin.planID
                copy.origin.ruleID = source.origin.ruleID
            }
            if copy.createdByBackupJobID.isEmpty { copy.createdByBackupJobID = source.id }
            return copy
        }
    }

    /// The month's expected windows answered by exported jobs: a window's job is a job of the same resource, plan
    /// and rule initiated at the scheduled time, or created inside its start window; a completed one is preferred.
    static func exportedWindows(context: Context, coverage: Coverage, jobs: [BackupJob]) -> [ExpectedWindow] {
        var byResource: [String: [BackupJob]] = [:]
        for job in jobs { byResource[job.resourceARN, default: []].append(job) }
        let synthesis = Synthesis(context: context, coverage: coverage)
        var windows: [ExpectedWindow] = []
        for resource in context.estate.resources {
            windows += exportedWindows(resource, synthesis: synthesis, jobs: byResource[resource.arnString] ?? [])
        }
        return windows
    }

    /// One resource's expected windows answered by `jobs`, its own exported backup jobs, in firing order.
    static func exportedWindows(_ resource: Resource, synthesis: Synthesis, jobs: [BackupJob]) -> [ExpectedWindow] {
        var byRule: [String: [BackupJob]] = [:]
        for job in jobs { byRule["\(job.origin.planID)|\(job.origin.ruleID)", default: []].append(job) }
        let context = synthesis.context
        var candidates = synthesis.candidates(for: resource, from: context.month.start)
        for index in candidates.indices {
            let c = candidates[index]
            let startBy = c.scheduled.adding(minutes: c.rule.startWindowMinutes)
            let matching = (byRule["\(c.plan.id)|\(c.rule.id)"] ?? []).filter { job in
                if let initiated = job.initiationDate { return initiated == c.scheduled }
                return job.creationDate >= c.scheduled.adding(minutes: -5) && job.creationDate < startBy
            }
            candidates[index].job = matching.first { $0.state == .completed } ?? matching.last
        }
        let order = Synthesis.firingOrder(candidates)
        return Synthesis.windows(resource, candidates, order: order, month: context.month, asOf: context.asOf)
    }

    /// Sorts by (account, Region, instant, id), the total order of job reports, moving each value once.
    static func reportOrder<T>(_ items: [T], key: (T) -> (String, String, Instant, String)) -> [T] {
        let keys = items.map(key)
        let order = keys.indices.sorted { a, b in
            let (x, y) = (keys[a], keys[b])
            if x.0 != y.0 { return x.0 < y.0 }
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            return x.3 < y.3
        }
        return order.map { items[$0] }
    }

    /// The first thing AWS Backup refuses in a rule's windows and lifecycle, or nil.
    public static func ruleProblem(_ rule: BackupRule) -> String? { ruleProblems(rule).first }

    /// Everything AWS Backup refuses in a rule's windows and lifecycle (facts sheet §3.4–§3.6).
    public static func ruleProblems(_ rule: BackupRule) -> [String] {
        var out: [String] = []
        let maximumWindow = 52_560_000
        if rule.startWindowMinutes < 60 || rule.startWindowMinutes > maximumWindow {
            out.append(
                "StartWindowMinutes must be from 60 to \(maximumWindow) minutes, found \(rule.startWindowMinutes)"
            )
        }
        if rule.completionWindowMinutes < 1 || rule.completionWindowMinutes > maximumWindow {
            out.append(
                "CompletionWindowMinutes must be from 1 to \(maximumWindow) minutes, found \(rule.completionWindowMinutes)"
            )
        }
        let lifecycles =
            [("Lifecycle", rule.lifecycle)]
            + rule.copyActions.enumerated().compactMap { index, action in
                action.lifecycle.map { ("CopyActions[\(index)].Lifecycle", $0) }
            }
        for (name, lifecycle) in lifecycles {
            if let days = lifecycle.deleteAfterDays, days < 1 || days > 36_500 {
                out.append("\(name).DeleteAfterDays must be from 1 to 36500 days, found \(days)")
            }
            if let cold = lifecycle.moveToColdAfterDays {
                if cold < 1 { out.append("\(name).MoveToColdStorageAfterDays must be at least 1 day, found \(cold)") }
                if let delete = lifecycle.deleteAfterDays, delete < cold + 90 {
                    out.append(
                        "\(name).DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays "
                            + "(\(cold) + 90), found \(delete)"
                    )
                }
            }
        }
        if rule.continuous, let days = rule.lifecycle.deleteAfterDays, days > 35 {
            out.append("a continuous backup rule keeps recovery points at most 35 days, found DeleteAfterDays \(days)")
        }
        return out
    }

    /// Every rule's schedule, parsed; the first invalid one is an error naming the plan file and rule.
    static func validatedSchedules(_ estate: Estate) throws -> [String: Schedule] {
        var out: [String: Schedule] = [:]
        let vaultNames = Set(estate.vaults.map { "\($0.account)/\($0.region)/\($0.name)" })
        for plan in estate.plans {
            if let (index, message) = planProblem(plan) {
                throw SimulationError(file: plan.source, location: "$.BackupPlan.Rules[\(index)]", message: message)
            }
            for (index, rule) in plan.rules.enumerated() {
                do {
                    out[Context.ruleKey(plan, rule)] = try Schedule(
                        expression: rule.scheduleExpression,
                        timeZone: rule.scheduleTimezone
                    )
                } catch {
                    throw SimulationError(
                        file: plan.source,
                        location: "$.BackupPlan.Rules[\(index)].ScheduleExpression",
                        message: error.description
                    )
                }
                if let problem = ruleProblem(rule) {
                    throw SimulationError(file: plan.source, location: "$.BackupPlan.Rules[\(index)]", message: problem)
                }
                guard vaultNames.contains("\(plan.account)/\(plan.region)/\(rule.targetVaultName)")
                else {
                    throw SimulationError(
                        file: plan.source,
                        location: "$.BackupPlan.Rules[\(index)].TargetBackupVaultName",
                        message:
                            "vault \(rule.targetVaultName) is not in backup-vaults.json of \(plan.account)/\(plan.region)"
                    )
                }
            }
        }
        return out
    }
}

extension BackupJob {
    /// When the job reached its final state: completion, or the end of the start window for a job that expired.
    var terminalInstant: Instant? {
        if let completionDate { return completionDate }
        if state == .expired { return startBy ?? creationDate }
        return nil
    }
}

/// Shared lookups for one run.
struct Context: Sendable {
    let estate: Estate
    let month: Month
    let asOf: Instant
    let schedules: [String: Schedule]
    let plans: [String: BackupPlan]
    let vaults: [String: Vault]
    let resources: [String: Resource]
    /// Vaults by `account/region/name`.
    let vaultsByName: [String: Vault]

    init(estate: Estate, month: Month, asOf: Instant, schedules: [String: Schedule]) {
        self.estate = estate
        self.month = month
        self.asOf = asOf
        self.schedules = schedules
        var plans: [String: BackupPlan] = [:]
        for plan in estate.plans { plans["\(plan.account)/\(plan.region)/\(plan.id)"] = plan }
        self.plans = plans
        var vaults: [String: Vault] = [:]
        var vaultsByName: [String: Vault] = [:]
        for vault in estate.vaults {
            vaults[vault.arn.description] = vault
            let key = "\(vault.account)/\(vault.region)/\(vault.name)"
            if vaultsByName[key] == nil { vaultsByName[key] = vault }
        }
        self.vaults = vaults
        self.vaultsByName = vaultsByName
        var resources: [String: Resource] = [:]
        for resource in estate.resources { resources[resource.arnString] = resource }
        self.resources = resources
    }

    /// The vault of that name in the account and Region, as `Estate.vault(named:account:region:)` finds it.
    func vault(named name: String, account: String, region: String) -> Vault? {
        vaultsByName["\(account)/\(region)/\(name)"]
    }

    static func ruleKey(_ plan: BackupPlan, _ rule: BackupRule) -> String {
        "\(plan.account)/\(plan.region)/\(plan.id)/\(rule.id)"
    }

    /// A job belongs to the month's report when it ended inside `[month start, as-of)`, or had not ended by
    /// as-of although created before it (jobs reports list finished jobs plus active ones, facts sheet §1.4).
    func inReport(ended: Instant?, created: Instant) -> Bool {
        if let ended, ended < asOf { return ended >= month.start }
        return created < asOf
    }

    func plan(account: String, region: String, id: String) -> BackupPlan? { plans["\(account)/\(region)/\(id)"] }

    /// Fills report fields an export leaves out (plan and rule names, schedule, vault protection) from the estate.
    func enrich(_ job: BackupJob) -> BackupJob {
        var job = job
        if let plan = plan(account: job.account, region: job.region, id: job.origin.planID) {
            fill(&job.origin, plan: plan)
            // Without the export's RecoveryPointLifecycle (event streams carry none), the rule that created the
            // job supplies it.
            if job.lifecycle == Lifecycle(), let rule = plan.rules.first(where: { $0.id == job.origin.ruleID }) {
                job.lifecycle = rule.lifecycle
            }
        }
        if let vault = vaults[job.placement.vaultARN] {
            fill(&job.placement, vault: vault)
        }
        if job.resourceName.isEmpty, let resource = resources[job.resourceARN] { job.resourceName = resource.name }
        return job
    }

    func enrich(_ job: CopyJob) -> CopyJob {
        var job = job
        if let plan = plan(account: job.account, region: job.region, id: job.origin.planID) {
            fill(&job.origin, plan: plan)
            if job.lifecycle == Lifecycle(), let rule = plan.rules.first(where: { $0.id == job.origin.ruleID }) {
                let action = rule.copyActions.first { $0.destinationVaultARN.description == job.destinationVaultARN }
                job.lifecycle = action?.lifecycle ?? rule.lifecycle
            }
        }
        if let vault = vaults[job.destinationVaultARN] { fill(&job.placement, vault: vault) }
        if job.resourceName.isEmpty, let resource = resources[job.resourceARN] { job.resourceName = resource.name }
        return job
    }

    private func fill(_ origin: inout JobOrigin, plan: BackupPlan) {
        if origin.planARN.isEmpty { origin.planARN = plan.arn }
        if origin.planName.isEmpty { origin.planName = plan.name }
        if origin.planVersion.isEmpty { origin.planVersion = plan.versionID }
        if let rule = plan.rules.first(where: { $0.id == origin.ruleID }) {
            if origin.ruleName.isEmpty { origin.ruleName = rule.name }
            if origin.schedule.isEmpty { origin.schedule = rule.scheduleExpression }
            if origin.timezone.isEmpty { origin.timezone = rule.scheduleTimezone }
        }
    }

    private func fill(_ placement: inout VaultPlacement, vault: Vault) {
        if placement.vaultName.isEmpty { placement.vaultName = vault.name }
        if placement.vaultType.isEmpty { placement.vaultType = vault.vaultType }
        if placement.lockStatus.isEmpty { placement.lockStatus = vault.lockStatus }
    }

    /// Recovery points of exported completed jobs; encryption from the export, else the vault key for
    /// fully managed types and the source's declared encryption for snapshot types.
    func recoveryPointsFromExports(_ backups: [BackupJob], _ copies: [CopyJob]) -> [RecoveryPoint] {
        var points: [String: RecoveryPoint] = [:]
        for job in backups where job.state == .completed && !job.recoveryPointARN.isEmpty {
            let resource = resources[job.resourceARN]
            let vault = vaults[job.placement.vaultARN]
            let fullyManaged = BackupResourceType(rawValue: job.resourceType)?.isFullyManaged ?? false
            let encrypted = job.placement.isEncrypted ?? (fullyManaged || (resource?.sourceEncrypted ?? true))
            var key = job.placement.encryptionKeyARN
            if key.isEmpty { key = (fullyManaged ? vault?.encryptionKeyARN : resource?.sourceKMSKeyARN) ?? "" }
            let tags = (resource?.tags ?? [:]).merging(
                recoveryPointTags(job.origin, account: job.account, region: job.region)
            ) { $1 }
            if var existing = points[job.recoveryPointARN] {
                existing.jobIDs.append(job.id)
                points[job.recoveryPointARN] = existing
                continue
            }
            points[job.recoveryPointARN] = RecoveryPoint(
                arn: job.recoveryPointARN,
                resourceARN: job.resourceARN,
                resourceType: job.resourceType,
                account: vault?.account ?? job.account,
                region: vault?.region ?? job.region,
                vaultName: job.placement.vaultName,
                creationDate: job.creationDate,
                lifecycle: job.lifecycle,
                isEncrypted: encrypted,
                encryptionKeyARN: key,
                isContinuous: job.recoveryPointARN.contains(":recovery-point:continuous:"),
                isCopy: false,
                tags: tags,
                jobIDs: [job.id],
                coldAt: BackupResourceType(rawValue: job.resourceType).flatMap {
                    Synthesis.coldAt(job.creationDate, job.lifecycle, $0)
                },
                deleteAt: job.lifecycle.deleteAfterDays.map { job.creationDate.adding(days: $0) }
            )
        }
        for job in copies where job.state == .completed && !job.destinationRecoveryPointARN.isEmpty {
            let resource = resources[job.resourceARN]
            let vault = vaults[job.destinationVaultARN]
            let tags = (resource?.tags ?? [:]).merging(
                recoveryPointTags(job.origin, account: job.account, region: job.region)
            ) { $1 }
            points[job.destinationRecoveryPointARN] = RecoveryPoint(
                arn: job.destinationRecoveryPointARN,
                resourceARN: job.resourceARN,
                resourceType: job.resourceType,
                account: vault?.account ?? job.account,
                region: vault?.region ?? job.region,
                vaultName: vault?.name ?? "",
                creationDate: job.creationDate,
                lifecycle: job.lifecycle,
                isEncrypted: job.placement.isEncrypted ?? (vault?.encryptionKeyARN != nil),
                encryptionKeyARN: job.placement.encryptionKeyARN.isEmpty
                    ? (vault?.encryptionKeyARN ?? "") : job.placement.encryptionKeyARN,
                isCopy: true,
                tags: tags,
                jobIDs: [job.id],
                deleteAt: job.lifecycle.deleteAfterDays.map { job.creationDate.adding(days: $0) }
            )
        }
        return Array(points.values)
    }

    func recoveryPointTags(_ origin: JobOrigin, account: String, region: String) -> [String: String] {
        plan(account: account, region: region, id: origin.planID)?.rules.first { $0.id == origin.ruleID }?
            .recoveryPointTags ?? [:]
    }
}

/// The exported jobs of one resource: backup and copy jobs of its ARN and restore jobs whose source it is.
public struct ExportedJobs: Sendable {
    public var backupJobs: [BackupJob] = []
    public var copyJobs: [CopyJob] = []
    public var restoreJobs: [RestoreJob] = []

    public init() {}

    public var isEmpty: Bool { backupJobs.isEmpty && copyJobs.isEmpty && restoreJobs.isEmpty }
}

/// One resource's month, as the streaming month pipeline consumes it.
public struct ResourceMonth: Sendable {
    /// Backup jobs in the month's report.
    public var backupJobs: [BackupJob] = []
    /// Copy jobs in the month's report.
    public var copyJobs: [CopyJob] = []
    /// Expected windows of the month, in report order.
    public var windows: [ExpectedWindow] = []
    /// The resource's recovery points (any vault, copies included) that exist at some instant of the month before
    /// the evaluation instant, newest first.
    public var recoveryPoints: [RecoveryPoint] = []
    /// Restore jobs of the restore tests scenario.json declares for the resource.
    public var restoreJobs: [RestoreJob] = []

    public init() {}
}

/// A month ready to simulate: the estate, its validated schedules, selections resolved and lookups indexed.
///
/// `Simulator.run` simulates the whole month in memory; the month pipeline calls `simulate(_:)` one resource at a
/// time, so memory follows the resources, not the jobs.
public struct MonthSimulation: Sendable {
    public let estate: Estate
    public let month: Month
    public let asOf: Instant
    /// Which plan selections pick each resource.
    public let coverage: Coverage
    let context: Context

    /// Validates every rule (schedule, windows, lifecycle, target vault); throws `SimulationError` on the first
    /// problem.
    public init(estate: Estate, month: Month, asOf: Instant) throws {
        let schedules = try Simulator.validatedSchedules(estate)
        self.estate = estate
        self.month = month
        self.asOf = asOf
        self.coverage = Coverage(estate: estate)
        self.context = Context(estate: estate, month: month, asOf: asOf, schedules: schedules)
    }

    /// Whether the month's jobs are synthesized from the plans (no job list or event stream in the scenario).
    public var synthesizesJobs: Bool { !estate.hasJobSource }

    /// The resource's synthesized month, for estates without a job source.
    public func simulate(_ resource: Resource) -> ResourceMonth {
        Synthesis(context: context, coverage: coverage).resourceMonth(resource)
    }

    /// The month of one resource from its exported jobs, for estates with a job source: the jobs in the month's
    /// report (plans and rules named where the export does not, report fields filled from the estate), the recovery
    /// points their completed jobs made (newest first), the restore jobs whose source it is (in report order) and,
    /// when the resource is in the estate, its expected windows answered by its own backup jobs.
    ///
    /// `jobs` are every exported job of the resource's ARN (restore jobs by their source), each list in the order
    /// the estate keeps them (creation date, then id); a job of another resource would be judged as this one's.
    /// The result is the resource's share of `Simulator.run`.
    public func exportedMonth(resource: Resource?, jobs: ExportedJobs) -> ResourceMonth {
        let synthesis = Synthesis(context: context, coverage: coverage)
        var backups = jobs.backupJobs.filter { context.inReport(ended: $0.terminalInstant, created: $0.creationDate) }
        if let resource {
            let unnamed = backups.indices.filter { backups[$0].origin.planID.isEmpty }
            if !unnamed.isEmpty { Simulator.attributeOrigins(&backups, unnamed, of: resource, synthesis: synthesis) }
        }
        backups = backups.map { context.enrich($0) }
        let copies = Simulator.inheritOrigins(
            jobs.copyJobs.filter { context.inReport(ended: $0.completionDate, created: $0.creationDate) },
            from: backups
        )
        .map { context.enrich($0) }
        var month = ResourceMonth()
        month.recoveryPoints = context.recoveryPointsFromExports(backups, copies).sorted {
            ($0.creationDate, $0.arn) > ($1.creationDate, $1.arn)
        }
        if let resource { month.windows = Simulator.exportedWindows(resource, synthesis: synthesis, jobs: backups) }
        month.backupJobs = backups
        month.copyJobs = copies
        month.restoreJobs = Simulator.reportOrder(
            jobs.restoreJobs.filter { context.inReport(ended: $0.completionDate, created: $0.creationDate) }
        ) { ($0.account, $0.region, $0.creationDate, $0.id) }
        return month
    }

    /// The plan of that id in the account and Region.
    public func plan(account: String, region: String, id: String) -> BackupPlan? {
        context.plan(account: account, region: region, id: id)
    }

    /// The vault of that name in the account and Region.
    public func vault(named name: String, account: String, region: String) -> Vault? {
        context.vault(named: name, account: account, region: region)
    }

    /// The vault with that ARN.
    public func vault(arn: String) -> Vault? { context.vaults[arn] }
}
