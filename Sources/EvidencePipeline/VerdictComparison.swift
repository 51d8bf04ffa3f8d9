internal import EvidenceControls
internal import EvidenceModel
public import EvidenceReports
internal import EvidenceSimulation
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

extension MonthPipeline {
    /// What `proposed` changes: this month's verdicts and control roll-ups against those of the same month of the
    /// same inventory with other plans, selections or frameworks (`what-if`).
    ///
    /// Both months are judged side by side through `MonthStream`, partition by partition in report order and a
    /// batch of resources at a time, each resource with its recovery points; only the verdicts that differ and each
    /// control's tallies are kept, so memory grows with the changes, not with jobs or rows. No report is written.
    /// Months whose jobs come from exports go the same way, each resource judged on both sides with its exported
    /// jobs, read once for both (as `writeReports` reads them, spilling sorted runs to a scratch folder in the
    /// temporary folder, removed afterwards).
    ///
    /// - Precondition: `proposed` holds this month's resources and exported jobs.
    public func verdictChanges(proposed: MonthPipeline) throws -> WhatIfResult {
        var comparison = try VerdictComparison(
            before: MonthStream(simulation: simulation, budget: Self.defaultSortBudget, exports: exports),
            after: MonthStream(simulation: proposed.simulation, budget: Self.defaultSortBudget)
        )
        if simulation.synthesizesJobs {
            comparison.compareSynthesized(progress: progress)
        } else {
            // A new folder of this user's only, in the existing temporary folder (`$TMPDIR`, or /tmp): no
            // missing parent is created.
            let temporary = FileManager.default.temporaryDirectory.path
            var template = Array("\(temporary)/backup-evidence-what-if-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.flatMap { mkdtemp($0) } != nil
            }
            guard made else { throw PipelineError.system(temporary, "cannot create a folder for sorted runs") }
            let scratch = URL(
                fileURLWithPath: String(
                    decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                    as: UTF8.self
                ),
                isDirectory: true
            )
            defer { try? FileManager.default.removeItem(at: scratch) }
            try comparison.compareExported(progress: progress, scratch: scratch)
        }
        return comparison.result()
    }
}

/// A verdict with its framework control's index in its stream's `work`.
typealias Judged = (index: Int, verdict: ResourceVerdict)

/// Two months' verdicts compared a group at a time (the plans and vaults, then each resource with its recovery
/// points): a verdict's key is its control's account, Region, framework and name and its Resource ID, and no key is
/// in two groups.
struct VerdictComparison {
    let before: MonthStream
    let after: MonthStream
    /// Each framework control's tallies, in its stream's `work` order.
    private var beforeTallies: [ControlSummary]
    private var afterTallies: [ControlSummary]
    private var changes: [VerdictChange] = []

    init(before: MonthStream, after: MonthStream) {
        self.before = before
        self.after = after
        beforeTallies = before.work.map(Self.summary)
        afterTallies = after.work.map(Self.summary)
    }

    private static func summary(_ work: ControlWork) -> ControlSummary {
        ControlSummary(location: work.location, framework: work.framework, control: work.control, frequency: nil)
    }

    /// Where a verdict is reported: its control's deployment and its Resource ID.
    private struct Key: Hashable {
        var control: ControlKey
        var resourceID: String
    }

    /// A framework control's deployment: account, Region, framework name and control name.
    private struct ControlKey: Hashable {
        var account: String
        var region: String
        var framework: String
        var control: String

        init(_ work: ControlWork) {
            account = work.location.account
            region = work.location.region
            framework = work.framework.name
            control = work.control.name
        }
    }

    /// Judges the plans and vaults, each side's from its own estate.
    private mutating func compareFolders() {
        var old: [Judged] = []
        before.estateVerdicts { old.append(($0, $1)) }
        var new: [Judged] = []
        after.estateVerdicts { new.append(($0, $1)) }
        compare(old, new)
    }

    /// Judges the plans and vaults, then every resource with its exported jobs, on both sides, a batch at a time
    /// on all cores, in the order `before` writes them (`MonthStream.exportedBatches`): the estate's resources,
    /// partitions in report order, then the jobs of ARNs the estate does not list, for their recovery points.
    mutating func compareExported(progress: MonthProgressHandler?, scratch: URL) throws {
        compareFolders()
        let (before, after) = (self.before, self.after)
        let (beforeResourceWork, beforePointWork) = before.workBySubject()
        let (afterResourceWork, afterPointWork) = after.workBySubject()
        _ = try before.exportedBatches(scratch: scratch, progress: progress) { location, batch in
            let beforeWork = location.flatMap { beforeResourceWork[$0] } ?? []
            let afterWork = location.flatMap { afterResourceWork[$0] } ?? []
            let judged = Parallel.map(batch) { item -> ([Judged], [Judged]) in
                // Each side's month of the resource is made of the same exported jobs.
                (
                    Self.verdicts(
                        before,
                        item.resource,
                        before.simulation.exportedMonth(resource: item.resource, jobs: item.jobs),
                        beforeWork,
                        beforePointWork
                    ),
                    Self.verdicts(
                        after,
                        item.resource,
                        after.simulation.exportedMonth(resource: item.resource, jobs: item.jobs),
                        afterWork,
                        afterPointWork
                    )
                )
            }
            for (old, new) in judged { compare(old, new) }
        }
    }

    /// One side's verdicts on one resource's month, each with its framework control's index in that side's `work`.
    private static func verdicts(
        _ stream: MonthStream,
        _ resource: Resource?,
        _ month: ResourceMonth,
        _ work: [Int],
        _ pointWork: [AccountRegion: [Int]]
    ) -> [Judged] {
        var verdicts: [Judged] = []
        stream.judge(resource, month, resourceWork: work, pointWork: pointWork) { verdicts.append(($0, $1)) }
        return verdicts
    }

    /// Judges the plans and vaults, then every resource, partitions in report order, a batch of resources at a
    /// time on all cores.
    mutating func compareSynthesized(progress: MonthProgressHandler?, batchSize: Int = 512) {
        compareFolders()

        let (before, after) = (self.before, self.after)
        let (beforeResourceWork, beforePointWork) = before.workBySubject()
        let (afterResourceWork, afterPointWork) = after.workBySubject()
        let total = before.simulation.estate.resources.count
        var done = 0
        progress?(MonthProgress(stage: .simulating, done: 0, total: total))
        for (location, resources) in before.partitions() {
            let beforeWork = beforeResourceWork[location] ?? []
            let afterWork = afterResourceWork[location] ?? []
            var start = 0
            while start < resources.count {
                let batch = Array(resources[start..<min(start + batchSize, resources.count)])
                start += batch.count
                let judged = Parallel.map(batch) { resource -> ([Judged], [Judged]) in
                    (
                        Self.verdicts(
                            before,
                            resource,
                            before.simulation.simulate(resource),
                            beforeWork,
                            beforePointWork
                        ),
                        Self.verdicts(after, resource, after.simulation.simulate(resource), afterWork, afterPointWork)
                    )
                }
                for (old, new) in judged { compare(old, new) }
                done += batch.count
                progress?(MonthProgress(stage: .simulating, done: done, total: total))
            }
        }
    }

    /// Counts one group's verdicts on each side and keeps those whose status differs (or that one side lacks).
    mutating func compare(_ old: [Judged], _ new: [Judged]) {
        var oldByKey: [Key: Judged] = [:]
        for item in old {
            beforeTallies[item.index].count(item.verdict.status)
            oldByKey[key(before, item)] = item
        }
        var newByKey: [Key: Judged] = [:]
        for item in new {
            afterTallies[item.index].count(item.verdict.status)
            newByKey[key(after, item)] = item
        }
        var seen = Set<Key>()
        for item in new {
            let key = key(after, item)
            guard seen.insert(key).inserted, let latest = newByKey[key] else { continue }
            let previous = oldByKey[key]?.verdict.status
            guard previous != latest.verdict.status else { continue }
            changes.append(change(key, latest.verdict, before: previous, after: latest.verdict.status))
        }
        for item in old {
            let key = key(before, item)
            guard newByKey[key] == nil, seen.insert(key).inserted, let latest = oldByKey[key] else { continue }
            changes.append(change(key, latest.verdict, before: latest.verdict.status, after: nil))
        }
    }

    private func key(_ stream: MonthStream, _ item: Judged) -> Key {
        Key(control: ControlKey(stream.work[item.index]), resourceID: item.verdict.resourceID)
    }

    private func change(
        _ key: Key,
        _ verdict: ResourceVerdict,
        before: ComplianceStatus?,
        after: ComplianceStatus?
    ) -> VerdictChange {
        VerdictChange(
            account: key.control.account,
            region: key.control.region,
            framework: key.control.framework,
            control: key.control.control,
            resourceID: verdict.resourceID,
            protectedResourceARN: verdict.protectedResourceARN,
            before: before,
            after: after,
            reason: verdict.reason
        )
    }

    /// The changed verdicts, and the control deployments whose roll-up or counts differ (or that one side lacks).
    func result() -> WhatIfResult {
        typealias RollUp = (status: ComplianceStatus, compliant: Int, nonCompliant: Int)
        func rollUps(_ stream: MonthStream, _ tallies: [ControlSummary]) -> [ControlKey: RollUp] {
            var out: [ControlKey: RollUp] = [:]
            for (index, tally) in tallies.enumerated() {
                out[ControlKey(stream.work[index])] = (tally.status, tally.compliantCount, tally.nonCompliantCount)
            }
            return out
        }
        let old = rollUps(before, beforeTallies)
        let new = rollUps(after, afterTallies)
        var controlChanges: [WhatIfResult.ControlChange] = []
        var seen = Set<ControlKey>()
        for key in before.work.map(ControlKey.init) + after.work.map(ControlKey.init) {
            guard seen.insert(key).inserted else { continue }
            let previous = old[key]
            let next = new[key]
            if let previous, let next, previous == next { continue }
            controlChanges.append(
                WhatIfResult.ControlChange(
                    account: key.account,
                    region: key.region,
                    framework: key.framework,
                    control: key.control,
                    before: previous,
                    after: next
                )
            )
        }
        return WhatIfResult(changes: changes, controlChanges: controlChanges)
    }
}
