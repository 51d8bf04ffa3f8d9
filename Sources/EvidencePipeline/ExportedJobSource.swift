internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// A month's exported jobs, handed out by resource ARN in the order resources are written.
///
/// Backup and copy jobs go by the resource they protect, restore jobs by their source; each resource's lists are in
/// the estate's order (creation date, then id). Jobs of the estate (job lists) are grouped in memory. Jobs of event
/// streams are never held together: their events are sorted by job in a `RowSorter` (spilling runs to the scratch
/// folder), each job is assembled from its events, and the assembled job's events are sorted again by the place of
/// its resource in the writing order, so `take` reads one resource's jobs at a time.
final class ExportedJobSource {
    private var groups: [String: ExportedJobs] = [:]
    private var taken = Set<String>()
    /// Each resource's place in the writing order.
    private let ordinals: [String: UInt64]
    /// The streams' jobs, by resource place, then kind, creation date and id; nil without streams.
    private var cursor: SortedCursor?
    /// Whether `cursor` is on a record not yet handed out.
    private var pending = false
    /// Sorted runs the streams' events and jobs spilled to the scratch folder.
    private(set) var spilledRuns = 0
    /// The listed jobs' ARNs outside the writing order not yet handed out, once every resource is taken.
    private var listed: ArraySlice<String>?

    /// - Parameters:
    ///   - order: the ARNs of the estate's resources in the order `take` is called.
    ///   - streams: the scenario folder whose event streams are read, or nil when the estate holds every job.
    init(estate: Estate, order: [String], streams: String?, scratch: URL, budget: Int) throws {
        for job in estate.backupJobs { groups[job.resourceARN, default: ExportedJobs()].backupJobs.append(job) }
        for job in estate.copyJobs { groups[job.resourceARN, default: ExportedJobs()].copyJobs.append(job) }
        for job in estate.restoreJobs {
            groups[job.sourceResourceARN, default: ExportedJobs()].restoreJobs.append(job)
        }
        var ordinals: [String: UInt64] = [:]
        for (index, arn) in order.enumerated() where ordinals[arn] == nil { ordinals[arn] = UInt64(index) }
        self.ordinals = ordinals
        guard let streams else { return }

        // Events by job: kind, job id.
        let events = RowSorter(scratch: scratch, name: "job-events", budget: budget)
        try JobStreams.scan(folder: streams) { batch in
            var keyed = KeyedRows()
            for event in batch {
                keyed.add(
                    key: {
                        SortKey.append(UInt64(event.kind), to: &$0)
                        SortKey.append(event.jobID, to: &$0)
                    },
                    row: { $0.append(contentsOf: event.bytes) }
                )
            }
            try events.append(keyed)
        }
        // Jobs by their resource's place in the writing order (jobs of other resources last, by ARN), kind, creation
        // date and id; each record holds the job's events.
        let jobs = RowSorter(scratch: scratch, name: "stream-jobs", budget: budget)
        spilledRuns += events.runCount
        let byJob = try events.cursor()
        defer { byJob.close() }
        var key: [UInt8] = []
        var rows: [ArraySlice<UInt8>] = []
        func assemble() throws {
            defer { rows.removeAll(keepingCapacity: true) }
            guard !rows.isEmpty, let job = try JobStreams.job(events: rows) else { return }
            var keyed = KeyedRows()
            keyed.add(
                key: { bytes in
                    if let ordinal = ordinals[job.groupARN] {
                        SortKey.append(ordinal, to: &bytes)
                    } else {
                        SortKey.append(UInt64.max, to: &bytes)
                        SortKey.append(job.groupARN, to: &bytes)
                    }
                    SortKey.append(UInt64(job.kindOrder), to: &bytes)
                    SortKey.append(job.creationDate, to: &bytes)
                    SortKey.append(job.id, to: &bytes)
                },
                row: { bytes in
                    for row in rows {
                        RowSorter.appendLength(row.count, to: &bytes)
                        bytes.append(contentsOf: row)
                    }
                }
            )
            try jobs.append(keyed)
        }
        while try byJob.advance() {
            if !byJob.key.elementsEqual(key) {
                try assemble()
                key = Array(byJob.key)
            }
            rows.append(ArraySlice(Array(byJob.row)))
        }
        try assemble()
        spilledRuns += jobs.runCount
        cursor = try jobs.cursor()
        pending = try cursor?.advance() ?? false
    }

    deinit { cursor?.close() }

    /// The jobs of the resource with that ARN; resources are taken in the writing order given to `init`.
    func take(_ arn: String) throws -> ExportedJobs {
        taken.insert(arn)
        var jobs = groups[arn] ?? ExportedJobs()
        if let ordinal = ordinals[arn] {
            try streamJobs(into: &jobs) { key, _ in key.prefix(8).elementsEqual(Self.bytes(ordinal)) }
        }
        return jobs
    }

    /// The jobs of up to `count` ARNs not in the writing order, ARN by ARN in ARN order; empty when none is left.
    ///
    /// Called after every resource of the writing order is taken.
    func others(_ count: Int) throws -> [ExportedJobs] {
        if listed == nil { listed = groups.keys.filter { !taken.contains($0) && ordinals[$0] == nil }.sorted()[...] }
        var out: [ExportedJobs] = []
        while out.count < count {
            let streamed = try currentJob()?.groupARN
            let next: String
            switch (listed?.first, streamed) {
            case (let a?, let b?): next = min(a, b)
            case (let a?, nil): next = a
            case (nil, let b?): next = b
            case (nil, nil): return out
            }
            var jobs = ExportedJobs()
            if listed?.first == next {
                listed?.removeFirst()
                jobs = groups[next] ?? ExportedJobs()
            }
            if streamed == next { try streamJobs(into: &jobs) { _, job in job.groupARN == next } }
            out.append(jobs)
        }
        return out
    }

    /// Appends the streams' jobs from the cursor while `belongs` holds, keeping each list in (creation date, id)
    /// order with the listed jobs of the same resource.
    private func streamJobs(
        into jobs: inout ExportedJobs,
        while belongs: (ArraySlice<UInt8>, JobStreams.Job) -> Bool
    ) throws {
        guard let cursor else { return }
        var added = false
        while pending, let job = try currentJob(), belongs(cursor.key, job) {
            switch job {
            case .backup(let job): jobs.backupJobs.append(job)
            case .copy(let job): jobs.copyJobs.append(job)
            case .restore(let job): jobs.restoreJobs.append(job)
            }
            added = true
            pending = try cursor.advance()
        }
        guard added, !groups.isEmpty else { return }
        jobs.backupJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        jobs.copyJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        jobs.restoreJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
    }

    /// The job the cursor is on.
    private func currentJob() throws -> JobStreams.Job? {
        guard pending, let cursor else { return nil }
        let row = cursor.row
        var events: [ArraySlice<UInt8>] = []
        var position = row.startIndex
        while position < row.endIndex {
            var length = 0
            for index in 0..<4 { length |= Int(row[position + index]) << (8 * index) }
            position += 4
            events.append(row[position..<(position + length)])
            position += length
        }
        return try JobStreams.job(events: events)
    }

    private static func bytes(_ ordinal: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        SortKey.append(ordinal, to: &bytes)
        return bytes
    }
}

extension JobStreams.Job {
    /// The ARN whose resource the job belongs to: what a backup or copy job protects, what a restore job restores.
    var groupARN: String {
        switch self {
        case .backup(let job): job.resourceARN
        case .copy(let job): job.resourceARN
        case .restore(let job): job.sourceResourceARN
        }
    }

    var kindOrder: Int {
        switch self {
        case .backup: 0
        case .copy: 1
        case .restore: 2
        }
    }

    var creationDate: Instant {
        switch self {
        case .backup(let job): job.creationDate
        case .copy(let job): job.creationDate
        case .restore(let job): job.creationDate
        }
    }

    var id: String {
        switch self {
        case .backup(let job): job.id
        case .copy(let job): job.id
        case .restore(let job): job.id
        }
    }
}
