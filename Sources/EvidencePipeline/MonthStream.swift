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
///   sorter for the whole month, which writes a folder's rows once no later partition can reach it
///   (`verdictBounds`).
/// - Control compliance rows are the controls' tallies, written last.
///
/// Months whose jobs come from exports (job lists, event streams) take the same path, each resource's month made of
/// its own exported jobs; job rows are then sorted for the whole month, since a job's account and Region need not be
/// its resource's.
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
    /// About how many exported jobs a batch holds at most.
    let batchJobs = 1 << 12
    /// The scenario folder whose job lists and event streams hold the month's jobs, read in pieces; nil when the
    /// estate holds every job.
    let exports: String?
    /// Told after each batch of resources, and when the sorted reports are written.
    let progress: MonthProgressHandler?

    init(
        simulation: MonthSimulation,
        budget: Int,
        batchSize: Int = 512,
        progress: MonthProgressHandler? = nil,
        exports: String? = nil
    ) throws {
        self.simulation = simulation
        self.exports = exports
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
        /// Whether the month was written a second time, its verdict rows held to the end, because one reached a
        /// folder whose rows were already written (`verdictBounds`).
        var rewritten = false
    }

    /// Replaces `verdictBounds` when set: tests use it to reach the second writing.
    var verdictBoundsOverride: [[UInt8]?]?

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
            if try !writeSynthesized(files, scratch: scratch, statistics: &statistics, flushingVerdicts: true) {
                // A verdict reached a folder already written: the month is written again, its verdicts held to
                // the end.
                for template in ReportTemplate.allCases {
                    try file(template).restart()
                    try file(template).write(ReportRows.header(template))
                }
                statistics = Statistics()
                statistics.rewritten = true
                _ = try writeSynthesized(files, scratch: scratch, statistics: &statistics, flushingVerdicts: false)
            }
        } else {
            try writeFromExports(files, scratch: scratch, statistics: &statistics)
        }
        for template in ReportTemplate.allCases { try file(template).close() }
        return statistics
    }

    // MARK: Exported jobs

    /// Writes a month whose jobs come from exports, resource by resource as a synthesized month.
    ///
    /// Each resource's month is its own exported jobs (`MonthSimulation.exportedMonth`), judged and rendered as a
    /// synthesized resource's. Jobs naming no resource of the estate are rendered after the estate's resources, one ARN at a
    /// time, for their job rows and recovery points. A job's report partition is its own account and Region, not
    /// necessarily its resource's, so job rows are keyed by (account, Region, creation date, job id) and sorted
    /// for the whole month.
    private func writeFromExports(
        _ files: [ReportTemplate: OutputFile],
        scratch: URL,
        statistics: inout Statistics
    ) throws {
        let writer = RowWriter(stream: self, files: files, scratch: scratch, partitionedJobs: false)
        try writer.writeFolderVerdicts()
        let pointWork = writer.pointWork
        statistics.spilledRuns += try exportedBatches(scratch: scratch, progress: progress) { location, batch in
            let resourceIndices = location.flatMap { writer.resourceWork[$0] } ?? []
            let rendered = Parallel.map(batch) { item in
                self.rows(
                    of: item.resource,
                    month: simulation.exportedMonth(resource: item.resource, jobs: item.jobs),
                    resourceWork: resourceIndices,
                    pointWork: pointWork,
                    partitionedJobs: false
                )
            }
            for item in rendered { try writer.add(item) }
        }
        progress?(MonthProgress(stage: .writingReports))
        try writer.finish(statistics: &statistics)
    }

    /// A resource's exported jobs; a nil resource holds the jobs of one ARN the estate does not list.
    typealias ExportedItem = (resource: Resource?, jobs: ExportedJobs)

    /// Hands `body` the month's exported jobs a batch at a time, in the writing order; returns the sorted runs
    /// spilled to `scratch`.
    ///
    /// First each partition's resources (with the partition), a batch at most `batchSize` resources and about
    /// `batchJobs` jobs, then the jobs of ARNs the estate does not list, ARN by ARN (with no partition). Jobs in the
    /// scenario folder are read in pieces (`ExportedJobSource`).
    func exportedBatches(
        scratch: URL,
        progress: MonthProgressHandler?,
        _ body: (AccountRegion?, [ExportedItem]) throws -> Void
    ) throws -> Int {
        var resourcesDone = 0
        let total = simulation.estate.resources.count
        progress?(MonthProgress(stage: .simulating, done: 0, total: total))
        let partitions = partitions()
        let source = try ExportedJobSource(
            estate: simulation.estate,
            order: partitions.flatMap { $0.1.map(\.arnString) },
            exports: exports,
            scratch: scratch,
            budget: budget
        )
        for (location, resources) in partitions {
            var start = 0
            while start < resources.count {
                var batch: [ExportedItem] = []
                var jobCount = 0
                while start < resources.count, batch.count < batchSize, jobCount < batchJobs {
                    let jobs = try source.take(resources[start].arnString)
                    jobCount += jobs.backupJobs.count + jobs.copyJobs.count + jobs.restoreJobs.count
                    batch.append((resources[start], jobs))
                    start += 1
                }
                try body(location, batch)
                resourcesDone += batch.count
                progress?(MonthProgress(stage: .simulating, done: resourcesDone, total: total))
            }
        }
        // Jobs of resources the estate does not list: their rows and recovery points only.
        while true {
            let batch = try source.others(batchSize)
            if batch.isEmpty { break }
            try body(nil, batch.map { (nil, $0) })
        }
        return source.spilledRuns
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

    /// The estate's resources by (account, Region) partition, partitions and resources in report order.
    func partitions() -> [(AccountRegion, [Resource])] {
        var partitions: [AccountRegion: [Resource]] = [:]
        for resource in simulation.estate.resources {
            partitions[AccountRegion(account: resource.account, region: resource.region), default: []].append(resource)
        }
        return partitions.keys.sorted().map { location in
            (location, (partitions[location] ?? []).sorted { $0.arnString < $1.arnString })
        }
    }

    /// The sorters and tallies of one month's rows, fed resource by resource.
    ///
    /// With `partitionedJobs`, job rows are keyed by (creation date, job id) inside the partition being written
    /// and drained at each `endPartition`; otherwise they are keyed by (account, Region, creation date, job id)
    /// and drained once by `finish`.
    private final class RowWriter {
        let stream: MonthStream
        let files: [ReportTemplate: OutputFile]
        let partitionedJobs: Bool
        let resourceWork: [AccountRegion: [Int]]
        let pointWork: [AccountRegion: [Int]]
        private var summaries: [ControlSummary]
        private let verdicts: RowSorter
        private let backups: RowSorter
        private let copies: RowSorter
        private let restores: RowSorter
        private var windowCount = 0
        private var spilledRuns = 0

        init(
            stream: MonthStream,
            files: [ReportTemplate: OutputFile],
            scratch: URL,
            partitionedJobs: Bool
        ) {
            self.stream = stream
            self.files = files
            self.partitionedJobs = partitionedJobs
            summaries = stream.work.map {
                ControlSummary(
                    location: $0.location,
                    framework: $0.framework,
                    control: $0.control,
                    frequency: $0.type.frequency
                )
            }
            (resourceWork, pointWork) = stream.workBySubject()
            let budget = stream.budget
            verdicts = RowSorter(scratch: scratch, name: "verdicts", budget: budget)
            backups = RowSorter(scratch: scratch, name: "backup-jobs", budget: budget)
            copies = RowSorter(scratch: scratch, name: "copy-jobs", budget: budget)
            restores = RowSorter(scratch: scratch, name: "restore-jobs", budget: budget)
        }

        private func file(_ template: ReportTemplate) -> OutputFile {
            guard let file = files[template] else { preconditionFailure("every template has a file") }
            return file
        }

        /// Plans and vaults, judged from the estate alone, each folder's from its own.
        func writeFolderVerdicts() throws {
            var keyed = KeyedRows()
            stream.estateVerdicts { index, verdict in
                summaries[index].count(verdict.status)
                stream.addVerdict(index, verdict, to: &keyed)
            }
            try verdicts.append(keyed)
        }

        /// One resource's rows, in the order resources are written.
        func add(_ item: ResourceRows) throws {
            try backups.append(item.backupJobs)
            try copies.append(item.copyJobs)
            try restores.append(item.restoreJobs)
            try verdicts.append(item.verdicts)
            try file(.backupWindow).write(item.windows)
            windowCount += item.windowCount
            for (index, status) in item.tallies { summaries[index].count(status) }
        }

        /// Writes the job rows of the partition just added, and sorts its verdict rows as a stretch of their own
        /// (on the write-behind thread, so `finish` only merges the stretches).
        ///
        /// With `verdictsBefore`, the verdict rows whose keys sort before it are written too: no later partition
        /// adds rows there (`MonthStream.verdictBounds`).
        func endPartition(verdictsBefore bound: [UInt8]? = nil) throws {
            spilledRuns += backups.runCount + copies.runCount + restores.runCount
            try backups.drain(into: file(.backupJob))
            try copies.drain(into: file(.copyJob))
            try restores.drain(into: file(.restoreJob))
            if let bound {
                try verdicts.flush(before: bound, into: file(.resourceCompliance))
            } else {
                verdicts.sortAdded()
            }
        }

        /// Whether a verdict row came after the rows before it were written, so that the report is out of order.
        var verdictsOutOfOrder: Bool { verdicts.addedBeforeFlushed }

        /// Writes what is left: job rows not yet written, resource compliance rows, control compliance rows.
        func finish(statistics: inout Statistics) throws {
            if !partitionedJobs { try endPartition() }
            spilledRuns += verdicts.runCount
            try verdicts.drain(into: file(.resourceCompliance))
            var bytes: [UInt8] = []
            for summary in summaries { stream.rows.append(summary, to: &bytes) }
            try file(.controlCompliance).write(bytes)

            statistics.spilledRuns += spilledRuns
            statistics.rows[.backupJob] = backups.count
            statistics.rows[.copyJob] = copies.count
            statistics.rows[.restoreJob] = restores.count
            statistics.rows[.backupWindow] = windowCount
            statistics.rows[.resourceCompliance] = verdicts.count
            statistics.rows[.controlCompliance] = summaries.count
        }
    }

    /// Writes a synthesized month partition by partition; false when the resource compliance rows written early
    /// turned out not to be final (the files then hold a partial month, to be written again without flushing).
    private func writeSynthesized(
        _ files: [ReportTemplate: OutputFile],
        scratch: URL,
        statistics: inout Statistics,
        flushingVerdicts: Bool
    ) throws -> Bool {
        let writer = RowWriter(stream: self, files: files, scratch: scratch, partitionedJobs: true)
        try writer.writeFolderVerdicts()
        var resourcesDone = 0
        let total = simulation.estate.resources.count
        progress?(MonthProgress(stage: .simulating, done: 0, total: total))
        // Each batch is written on the write-behind thread while the next one is rendered; `writer` is not
        // touched here again until `behind.finish()`.
        let behind = WriteBehind()
        nonisolated(unsafe) let written = writer
        let resourceWork = writer.resourceWork
        let pointWork = writer.pointWork
        let partitions = partitions()
        let bounds =
            flushingVerdicts
            ? verdictBoundsOverride ?? verdictBounds(partitions.map(\.0)) : partitions.map { _ in nil }
        for ((location, resources), bound) in zip(partitions, bounds) {
            let resourceIndices = resourceWork[location] ?? []
            var start = 0
            while start < resources.count {
                let batch = Array(resources[start..<min(start + batchSize, resources.count)])
                start += batch.count
                let rendered = Parallel.map(batch) { resource in
                    self.rows(
                        of: resource,
                        month: simulation.simulate(resource),
                        resourceWork: resourceIndices,
                        pointWork: pointWork,
                        partitionedJobs: true
                    )
                }
                let last = start == resources.count
                try behind.submit {
                    for item in rendered { try written.add(item) }
                    if last { try written.endPartition(verdictsBefore: bound) }
                }
                resourcesDone += batch.count
                progress?(MonthProgress(stage: .simulating, done: resourcesDone, total: total))
            }
        }
        try behind.finish()
        if writer.verdictsOutOfOrder { return false }
        progress?(MonthProgress(stage: .writingReports))
        try writer.finish(statistics: &statistics)
        return true
    }

    /// For each partition (in order), the verdict key before which every resource compliance row is final once
    /// the partition is written, or nil (the last partition, whose rows `finish` writes).
    ///
    /// A partition's resources are judged in its own folder, and their recovery points in the folders of the
    /// vaults that hold them: the partition's own, and the destinations of its plans' copy actions (a plan covers
    /// the resources of its own account and Region). The bound after a partition is the first framework control
    /// (in `work` order, which is folder order) of the first folder any later partition reaches. Should a row
    /// still arrive before a bound, `write` notices and writes the month again without flushing.
    func verdictBounds(_ partitions: [AccountRegion]) -> [[UInt8]?] {
        var reach: [AccountRegion: AccountRegion] = [:]
        for plan in simulation.estate.plans {
            let source = AccountRegion(account: plan.account, region: plan.region)
            for rule in plan.rules {
                for action in rule.copyActions {
                    let destination = AccountRegion(
                        account: action.destinationVaultARN.account,
                        region: action.destinationVaultARN.region
                    )
                    reach[source] = min(reach[source] ?? destination, destination)
                }
            }
        }
        var bounds: [[UInt8]?] = Array(repeating: nil, count: partitions.count)
        var earliest: AccountRegion?
        for index in partitions.indices.reversed() {
            if let earliest {
                // The first framework control in a folder at or after `earliest`: `work` is in folder order, so a
                // binary search (a scan per partition would cost partitions x framework controls).
                var first = 0
                var end = work.count
                while first < end {
                    let middle = (first + end) / 2
                    if work[middle].location < earliest { first = middle + 1 } else { end = middle }
                }
                var key: [UInt8] = []
                SortKey.append(UInt64(first), to: &key)
                bounds[index] = key
            }
            let partition = partitions[index]
            let reached = min(partition, reach[partition] ?? partition)
            earliest = min(earliest ?? reached, reached)
        }
        return bounds
    }

    /// One resource's month judged and rendered; a nil resource (exported jobs naming no resource of the estate)
    /// gives only job rows and its recovery points' verdicts.
    private func rows(
        of resource: Resource?,
        month: ResourceMonth,
        resourceWork: [Int],
        pointWork: [AccountRegion: [Int]],
        partitionedJobs: Bool
    ) -> ResourceRows {
        var out = ResourceRows()
        // Jobs and windows are read in place: a copy of one retains and releases each of its strings.
        func add<Job: KeyedJob>(_ jobs: [Job], to keyed: inout KeyedRows, _ row: (Int, inout [UInt8]) -> Void) {
            for index in jobs.indices {
                keyed.add(
                    key: { bytes in
                        if !partitionedJobs {
                            SortKey.append(jobs[index].account, to: &bytes)
                            SortKey.append(jobs[index].region, to: &bytes)
                        }
                        jobKey(jobs[index].creationDate, jobs[index].id, &bytes)
                    },
                    row: { row(index, &$0) }
                )
            }
        }
        add(month.backupJobs, to: &out.backupJobs) { rows.append(month.backupJobs, at: $0, to: &$1) }
        add(month.copyJobs, to: &out.copyJobs) { rows.append(month.copyJobs, at: $0, to: &$1) }
        add(month.restoreJobs, to: &out.restoreJobs) { rows.append(month.restoreJobs, at: $0, to: &$1) }
        rows.append(month.windows, to: &out.windows)
        out.windowCount = month.windows.count
        judge(resource, month, resourceWork: resourceWork, pointWork: pointWork) { index, verdict in
            out.tallies.append((index, verdict.status))
            addVerdict(index, verdict, to: &out.verdicts)
        }
        return out
    }

    /// Judges one resource's month: the resource (when there is one) by the controls of `resourceWork`, in their
    /// order, then each recovery point by the controls of its folder, points in `month`'s order, telling `visit`
    /// each verdict with its framework control's index in `work`.
    func judge(
        _ resource: Resource?,
        _ month: ResourceMonth,
        resourceWork: [Int],
        pointWork: [AccountRegion: [Int]],
        _ visit: (Int, ResourceVerdict) -> Void
    ) {
        if let resource, !resourceWork.isEmpty {
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

    /// A job row's key inside its partition: creation date, then job id.
    private func jobKey(_ created: Instant, _ id: String, _ bytes: inout [UInt8]) {
        SortKey.append(created, to: &bytes)
        SortKey.append(id, to: &bytes)
    }

    /// A verdict row keyed by its framework control's place in the report, then its Resource ID.
    fileprivate func addVerdict(_ index: Int, _ verdict: ResourceVerdict, to keyed: inout KeyedRows) {
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

/// What a job row's sort key is made of: the job's account, Region, creation date and id.
protocol KeyedJob {
    var account: String { get }
    var region: String { get }
    var creationDate: Instant { get }
    var id: String { get }
}

extension BackupJob: KeyedJob {}
extension CopyJob: KeyedJob {}
extension RestoreJob: KeyedJob {}
