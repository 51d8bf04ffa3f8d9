internal import EvidenceControls
internal import EvidenceModel
internal import EvidenceReports
internal import EvidenceSimulation
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Writes a month's six report CSVs, streaming: resources are simulated and judged a batch at a time, and their
/// rows go to the files in the reports' documented order without the month being held in memory.
///
/// - Backup, copy and restore job rows (ordered by account, Region, creation date, job id) come from the resources
///   of their own account and Region: partitions are simulated in (account, Region) order and each partition's rows
///   are sorted by (creation date, job id) in a `RowSorter`, which spills sorted runs to the scratch folder when a
///   partition outgrows its budget.
/// - Window rows (account, Region, resource ARN, scheduled time, plan, rule) are written as each resource is
///   simulated, resources in ARN order.
/// - Resource compliance rows are keyed by (framework control in report order, Resource ID): a recovery point is
///   judged in the account and Region of its vault, which may be another partition's, so they go through one
///   sorter for the whole month.
/// - Control compliance rows are the controls' tallies, written last.
///
/// Months whose jobs come from exports (job lists, event streams) are simulated in memory, since the exports are
/// read whole; their rows are written from that result through the same row renderer.
struct MonthStream {
    let simulation: MonthSimulation
    let rows: ReportRows
    let work: [ControlWork]
    /// Each item of `work` by reference, with its verdict rows' renderer: looked up per resource and recovery
    /// point without copying the control's framework and context.
    let judges: [Judge]
    /// Memory budget of each sorter, in bytes.
    let budget: Int
    /// Resources simulated at once (on all cores) before their rows are handed to the writers.
    let batchSize: Int
    /// Told after each batch of resources, and when the sorted reports are written.
    let progress: MonthProgressHandler?

    init(simulation: MonthSimulation, budget: Int, batchSize: Int = 512, progress: MonthProgressHandler? = nil) throws {
        self.simulation = simulation
        let estate = simulation.estate
        let rows = ReportRows(estate: estate, month: simulation.month, asOf: simulation.asOf)
        self.rows = rows
        let work = try ComplianceEvaluator.work(
            index: EstateIndex(estate),
            month: simulation.month,
            asOf: simulation.asOf
        )
        self.work = work
        judges = work.map { item in
            Judge(
                work: item,
                rows: rows.verdictRows(location: item.location, framework: item.framework, control: item.control)
            )
        }
        self.budget = budget
        self.batchSize = batchSize
        self.progress = progress
    }

    /// A framework control in its folder, with the renderer of its verdict rows.
    final class Judge: Sendable {
        let work: ControlWork
        let rows: VerdictRows

        init(work: ControlWork, rows: VerdictRows) {
            self.work = work
            self.rows = rows
        }
    }

    /// Statistics of one run.
    struct Statistics {
        var rows: [ReportTemplate: Int] = [:]
        /// Sorted runs spilled to the scratch folder.
        var spilledRuns = 0
    }

    /// Writes `<TEMPLATE>.csv` for every template into `folder`, using `scratch` for sorted runs.
    func write(to folder: URL, scratch: URL) throws -> Statistics {
        var files: [ReportTemplate: OutputFile] = [:]
        for template in ReportTemplate.allCases {
            let file = try OutputFile(path: folder.appendingPathComponent(template.fileName).path)
            try file.write(ReportRows.header(template))
            files[template] = file
        }
        func file(_ template: ReportTemplate) -> OutputFile {
            guard let file = files[template] else { preconditionFailure("every template has a file") }
            return file
        }
        var statistics = Statistics()
        if simulation.synthesizesJobs {
            try writeSynthesized(file, scratch: scratch, statistics: &statistics)
        } else {
            try writeFromExports(file, statistics: &statistics)
        }
        for template in ReportTemplate.allCases { try file(template).close() }
        return statistics
    }

    // MARK: Exported jobs

    private func writeFromExports(
        _ file: (ReportTemplate) -> OutputFile,
        statistics: inout Statistics
    ) throws {
        progress?(MonthProgress(stage: .simulating))
        let result = try Simulator.run(simulation)
        progress?(MonthProgress(stage: .writingReports))
        let evaluations = try ComplianceEvaluator.evaluate(estate: simulation.estate, simulation: result)
        func write<T>(_ template: ReportTemplate, _ items: [T], _ append: (T, inout [UInt8]) -> Void) throws {
            var bytes: [UInt8] = []
            for item in items {
                append(item, &bytes)
                if bytes.count >= 1 << 20 {
                    try file(template).write(bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            try file(template).write(bytes)
            statistics.rows[template] = items.count
        }
        try write(.backupJob, result.backupJobs, rows.append)
        try write(.copyJob, result.copyJobs, rows.append)
        try write(.restoreJob, result.restoreJobs, rows.append)
        try write(.backupWindow, result.windows, rows.append)
        try write(.resourceCompliance, VerdictRow.rows(of: evaluations), rows.append)
        try write(.controlCompliance, evaluations.map(ControlSummary.init), rows.append)
    }

    /// Every verdict of a month whose jobs come from exports, judged from the month simulated in memory as the
    /// reports are, telling `visit` each one with its framework control's index in `work`, in `work` order.
    func exportedVerdicts(_ visit: (Int, ResourceVerdict) throws -> Void) throws {
        let result = try Simulator.run(simulation)
        // One evaluation per item of `work`, in its order.
        let evaluations = try ComplianceEvaluator.evaluate(estate: simulation.estate, simulation: result)
        for (index, evaluation) in evaluations.enumerated() {
            for verdict in evaluation.verdicts { try visit(index, verdict) }
        }
    }

    // MARK: Synthesized jobs

    /// What one resource contributes: rendered rows and its verdicts' statuses per framework control.
    private struct ResourceRows {
        var backupJobs = KeyedRows()
        var copyJobs = KeyedRows()
        var restoreJobs = KeyedRows()
        var windows: [UInt8] = []
        var windowCount = 0
        var verdicts = KeyedRows()
        /// (index in `work`, status) of each verdict.
        var tallies: [(Int, ComplianceStatus)] = []
    }

    private func writeSynthesized(
        _ file: (ReportTemplate) -> OutputFile,
        scratch: URL,
        statistics: inout Statistics
    ) throws {
        let estate = simulation.estate
        var summaries = work.map {
            ControlSummary(
                location: $0.location,
                framework: $0.framework,
                control: $0.control,
                frequency: $0.type.frequency
            )
        }
        let (resourceWork, pointWork) = workBySubject()

        let verdicts = RowSorter(scratch: scratch, name: "verdicts", budget: budget)
        let backups = RowSorter(scratch: scratch, name: "backup-jobs", budget: budget)
        let copies = RowSorter(scratch: scratch, name: "copy-jobs", budget: budget)
        let restores = RowSorter(scratch: scratch, name: "restore-jobs", budget: budget)
        var windowCount = 0

        // Plans and vaults are judged from the estate alone, each folder's from its own.
        var keyed = KeyedRows()
        estateVerdicts { index, verdict in
            summaries[index].count(verdict.status)
            addVerdict(index, verdict, to: &keyed)
        }
        try verdicts.append(keyed)

        var resourcesDone = 0
        progress?(MonthProgress(stage: .simulating, done: 0, total: estate.resources.count))
        for (location, resources) in Self.partitions(of: estate) {
            let resourceIndices = resourceWork[location] ?? []
            var start = 0
            while start < resources.count {
                let batch = Array(resources[start..<min(start + batchSize, resources.count)])
                start += batch.count
                let rendered = Parallel.map(batch) { resource in
                    self.rows(of: resource, resourceWork: resourceIndices, pointWork: pointWork)
                }
                for item in rendered {
                    try backups.append(item.backupJobs)
                    try copies.append(item.copyJobs)
                    try restores.append(item.restoreJobs)
                    try verdicts.append(item.verdicts)
                    try file(.backupWindow).write(item.windows)
                    windowCount += item.windowCount
                    for (index, status) in item.tallies { summaries[index].count(status) }
                }
                resourcesDone += batch.count
                progress?(MonthProgress(stage: .simulating, done: resourcesDone, total: estate.resources.count))
            }
            statistics.spilledRuns += backups.runCount + copies.runCount + restores.runCount
            try backups.drain(into: file(.backupJob))
            try copies.drain(into: file(.copyJob))
            try restores.drain(into: file(.restoreJob))
        }
        statistics.spilledRuns += verdicts.runCount
        progress?(MonthProgress(stage: .writingReports))
        try verdicts.drain(into: file(.resourceCompliance))
        var bytes: [UInt8] = []
        for summary in summaries { rows.append(summary, to: &bytes) }
        try file(.controlCompliance).write(bytes)

        statistics.rows[.backupJob] = backups.count
        statistics.rows[.copyJob] = copies.count
        statistics.rows[.restoreJob] = restores.count
        statistics.rows[.backupWindow] = windowCount
        statistics.rows[.resourceCompliance] = verdicts.count
        statistics.rows[.controlCompliance] = summaries.count
    }

    /// One resource simulated, judged and rendered.
    private func rows(of resource: Resource, resourceWork: [Int], pointWork: [AccountRegion: [Int]]) -> ResourceRows {
        let month = simulation.simulate(resource)
        var out = ResourceRows()
        for job in month.backupJobs {
            out.backupJobs.add(key: { jobKey(job.creationDate, job.id, &$0) }, row: { rows.append(job, to: &$0) })
        }
        for job in month.copyJobs {
            out.copyJobs.add(key: { jobKey(job.creationDate, job.id, &$0) }, row: { rows.append(job, to: &$0) })
        }
        for job in month.restoreJobs {
            out.restoreJobs.add(key: { jobKey(job.creationDate, job.id, &$0) }, row: { rows.append(job, to: &$0) })
        }
        for window in month.windows { rows.append(window, to: &out.windows) }
        out.windowCount = month.windows.count
        judge(resource, month, resourceWork: resourceWork, pointWork: pointWork) { index, verdict in
            out.tallies.append((index, verdict.status))
            addVerdict(index, verdict, to: &out.verdicts)
        }
        return out
    }

    /// Judges a simulated resource and its recovery points, telling `visit` each verdict with its framework
    /// control's index in `work`: the resource's controls in `work` order, then each point's, points in `month`'s
    /// order.
    func judge(
        _ resource: Resource,
        _ month: ResourceMonth,
        resourceWork: [Int],
        pointWork: [AccountRegion: [Int]],
        _ visit: (Int, ResourceVerdict) -> Void
    ) {
        if !resourceWork.isEmpty {
            let facts = ResourceFacts(
                assignments: simulation.coverage.assignments(for: resource),
                recoveryPoints: month.recoveryPoints,
                restoreJobs: month.restoreJobs
            )
            for index in resourceWork {
                let judge = judges[index]
                guard judge.work.context.evaluates(resource),
                    let verdict = judge.work.type.verdict(resource: resource, facts: facts, context: judge.work.context)
                else { continue }
                visit(index, verdict)
            }
        }
        // A resource's points are mostly in one or two folders: the last folder's controls are kept at hand.
        var folder: (account: String, region: String, work: [Int]) = ("", "", [])
        for point in month.recoveryPoints {
            if point.account != folder.account || point.region != folder.region {
                folder = (
                    point.account, point.region,
                    pointWork[AccountRegion(account: point.account, region: point.region)] ?? []
                )
            }
            for index in folder.work {
                let judge = judges[index]
                guard judge.work.context.evaluates(point),
                    let verdict = judge.work.type.verdict(recoveryPoint: point, context: judge.work.context)
                else { continue }
                visit(index, verdict)
            }
        }
    }

    /// The indices in `work` of the controls judging resources, and of those judging recovery points, by the
    /// account and Region they are deployed in.
    func workBySubject() -> (resource: [AccountRegion: [Int]], recoveryPoint: [AccountRegion: [Int]]) {
        var bySubject: [ControlSubject: [AccountRegion: [Int]]] = [:]
        for (index, item) in work.enumerated() {
            bySubject[item.type.subject, default: [:]][item.location, default: []].append(index)
        }
        return (bySubject[.resource] ?? [:], bySubject[.recoveryPoint] ?? [:])
    }

    /// Judges every plan and vault, each folder's from its own, telling `visit` each verdict with its framework
    /// control's index in `work`, in `work` order.
    func estateVerdicts(_ visit: (Int, ResourceVerdict) throws -> Void) rethrows {
        let estate = simulation.estate
        let plans = Dictionary(grouping: estate.plans) { AccountRegion(account: $0.account, region: $0.region) }
        let vaults = Dictionary(grouping: estate.vaults) { AccountRegion(account: $0.account, region: $0.region) }
        for (index, item) in work.enumerated() where item.type.subject == .plan || item.type.subject == .vault {
            let found =
                item.type.subject == .plan
                ? (plans[item.location] ?? []).compactMap { item.type.verdict(plan: $0, context: item.context) }
                : (vaults[item.location] ?? []).compactMap { item.type.verdict(vault: $0, context: item.context) }
            for verdict in found { try visit(index, verdict) }
        }
    }

    /// An estate's resources by (account, Region) partition: partitions and their resources in report order
    /// (resources by ARN).
    static func partitions(of estate: Estate) -> [(location: AccountRegion, resources: [Resource])] {
        var partitions: [AccountRegion: [Resource]] = [:]
        for resource in estate.resources {
            partitions[AccountRegion(account: resource.account, region: resource.region), default: []].append(resource)
        }
        return partitions.keys.sorted().map { location in
            (location, (partitions[location] ?? []).sorted { $0.arnString < $1.arnString })
        }
    }

    /// A job row's key inside its partition: creation date, then job id.
    private func jobKey(_ created: Instant, _ id: String, _ bytes: inout [UInt8]) {
        SortKey.append(created, to: &bytes)
        SortKey.append(id, to: &bytes)
    }

    /// A verdict row keyed by its framework control's place in the report, then its Resource ID.
    private func addVerdict(_ index: Int, _ verdict: ResourceVerdict, to keyed: inout KeyedRows) {
        let judge = judges[index]
        keyed.add(
            key: { bytes in
                SortKey.append(UInt64(index), to: &bytes)
                SortKey.append(verdict.resourceID, to: &bytes)
            },
            row: { bytes in judge.rows.append(verdict, to: &bytes) }
        )
    }
}
