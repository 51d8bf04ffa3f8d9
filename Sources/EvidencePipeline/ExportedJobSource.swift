internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// A month's exported jobs, handed out by resource ARN in the order resources are written.
///
/// Backup and copy jobs go by the resource they protect, restore jobs by their source; each resource's lists are in
/// the estate's order (creation date, then id). Jobs the estate holds are grouped in memory. Jobs read from the
/// scenario folder are never held together: each job of a job list, as it is read (`JobLists.scan`), and each job of
/// an event stream, assembled from its events once they are sorted by job in a `RowSorter`, goes into one more
/// sorter by the place of its resource in the writing order; both spill runs to the scratch folder, so `take` reads
/// one resource's jobs at a time.
final class ExportedJobSource {
    private var groups: [String: ExportedJobs] = [:]
    private var taken = Set<String>()
    /// Each resource's place in the writing order.
    private let ordinals: [String: UInt64]
    /// The jobs read from the scenario folder, by resource place, then kind, creation date and id; nil when the
    /// estate holds every job.
    private var cursor: SortedCursor?
    /// Whether `cursor` is on a record not yet handed out.
    private var pending = false
    /// Sorted runs the exported jobs and the streams' events spilled to the scratch folder.
    private(set) var spilledRuns = 0
    /// The listed jobs' ARNs outside the writing order not yet handed out, once every resource is taken.
    private var listed: ArraySlice<String>?

    /// - Parameters:
    ///   - order: the ARNs of the estate's resources in the order `take` is called.
    ///   - exports: the scenario folder whose job lists and event streams are read, or nil when the estate holds
    ///     every job.
    init(estate: Estate, order: [String], exports: String?, scratch: URL, budget: Int) throws {
        for job in estate.backupJobs { groups[job.resourceARN, default: ExportedJobs()].backupJobs.append(job) }
        for job in estate.copyJobs { groups[job.resourceARN, default: ExportedJobs()].copyJobs.append(job) }
        for job in estate.restoreJobs {
            groups[job.sourceResourceARN, default: ExportedJobs()].restoreJobs.append(job)
        }
        var ordinals: [String: UInt64] = [:]
        for (index, arn) in order.enumerated() where ordinals[arn] == nil { ordinals[arn] = UInt64(index) }
        self.ordinals = ordinals
        guard let exports else { return }

        // Jobs by their resource's place in the writing order (jobs of other resources last, by ARN), kind, creation
        // date and id; each record holds a listed job's element (tag 1) or a stream job's events (tag 0). Listed
        // jobs go first, so that of equal keys they come first, as in the estate.
        let jobs = RowSorter(scratch: scratch, name: "exported-jobs", budget: budget)
        func add(_ job: JobStreams.Job, row: (inout [UInt8]) -> Void) throws {
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
                row: row
            )
            try jobs.append(keyed)
        }
        if JobLists.present(folder: exports) {
            try JobLists.scan(folder: exports) { batch in
                for listed in batch {
                    try add(listed.job) { bytes in
                        bytes.append(Self.listedTag)
                        bytes.append(contentsOf: listed.bytes)
                    }
                }
            }
        }
        if JobStreams.present(folder: exports) { try readStreams(exports, scratch: scratch, budget: budget, add) }
        spilledRuns += jobs.runCount
        cursor = try jobs.cursor()
        pending = try cursor?.advance() ?? false
    }

    /// A record of a listed job's element.
    private static let listedTag: UInt8 = 1
    /// A record of a stream job's events.
    private static let streamedTag: UInt8 = 0

    /// Reads the event streams of the scenario folder `streams`, handing each assembled job and its record to `add`.
    private func readStreams(
        _ streams: String,
        scratch: URL,
        budget: Int,
        _ add: (JobStreams.Job, (inout [UInt8]) -> Void) throws -> Void
    ) throws {
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
        spilledRuns += events.runCount
        let byJob = try events.cursor()
        defer { byJob.close() }
        var key: [UInt8] = []
        var rows: [ArraySlice<UInt8>] = []
        func assemble() throws {
            defer { rows.removeAll(keepingCapacity: true) }
            guard !rows.isEmpty, let job = try JobStreams.job(events: rows) else { return }
            try add(job) { bytes in
                bytes.append(Self.streamedTag)
                for row in rows {
                    RowSorter.appendLength(row.count, to: &bytes)
                    bytes.append(contentsOf: row)
                }
            }
        }
        while try byJob.advance() {
            if !byJob.key.elementsEqual(key) {
                try assemble()
                key = Array(byJob.key)
            }
            rows.append(ArraySlice(Array(byJob.row)))
        }
        try assemble()
    }

    deinit { cursor?.close() }

    /// The jobs of the resource with that ARN; resources are taken in the writing order given to `init`.
    func take(_ arn: String) throws -> ExportedJobs {
        taken.insert(arn)
        var jobs = groups[arn] ?? ExportedJobs()
        if let ordinal = ordinals[arn] {
            try streamJobs(into: &jobs, prefix: Self.bytes(ordinal))
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
            if streamed == next {
                // Jobs outside the writing order are keyed by the largest place, then their ARN.
                var prefix = Self.bytes(UInt64.max)
                SortKey.append(next, to: &prefix)
                try streamJobs(into: &jobs, prefix: prefix)
            }
            out.append(jobs)
        }
        return out
    }

    /// Appends the jobs read from the scenario folder from the cursor while their key starts with `prefix` (one
    /// resource's), keeping each list in (creation date, id) order with the jobs the estate holds of the same
    /// resource.
    ///
    /// The records are read off the cursor first, then decoded on all cores (a listed job is parsed again from its
    /// element, a stream job assembled again from its events).
    private func streamJobs(into jobs: inout ExportedJobs, prefix: [UInt8]) throws {
        guard let cursor else { return }
        var records: [[UInt8]] = []
        while pending, cursor.key.starts(with: prefix) {
            records.append(Array(cursor.row))
            pending = try cursor.advance()
        }
        guard !records.isEmpty else { return }
        let decoded = Parallel.map(records) { record in Result { try Self.job(record[...]) } }
        for result in decoded {
            switch try result.get() {
            case .backup(let job)?: jobs.backupJobs.append(job)
            case .copy(let job)?: jobs.copyJobs.append(job)
            case .restore(let job)?: jobs.restoreJobs.append(job)
            case nil: continue
            }
        }
        guard !groups.isEmpty else { return }
        jobs.backupJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        jobs.copyJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        jobs.restoreJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
    }

    /// The job the cursor is on.
    private func currentJob() throws -> JobStreams.Job? {
        guard pending, let cursor else { return nil }
        return try Self.job(cursor.row)
    }

    /// The job of a record of the sorter: a listed job's element or a stream job's events.
    private static func job(_ record: ArraySlice<UInt8>) throws -> JobStreams.Job? {
        if record.first == Self.listedTag { return try JobLists.job(encoded: record.dropFirst()) }
        let row = record.dropFirst()
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
