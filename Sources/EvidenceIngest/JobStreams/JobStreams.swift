internal import EvidenceCompression
public import EvidenceModel
internal import Foundation

/// The jobs of a scenario's event streams: CloudTrail log files under `AWSLogs/` and EventBridge events under
/// `events/` (ARCHITECTURE.md §3, facts sheet §6).
///
/// Files are read in batches spread over all cores; each batch's events are folded into a ``JobAssembler`` before
/// the next batch is read. A CloudTrail file is inflated and split into records as it is read, and an EventBridge
/// file is read a block of lines at a time, so memory holds a record or a block per file of the batch plus the jobs,
/// however large the files and however many events there are. The result does not depend on file, record or line
/// order.
public struct JobStreams: Sendable {
    public var backupJobs: [BackupJob]
    public var copyJobs: [CopyJob]
    public var restoreJobs: [RestoreJob]
    /// Counts for progress and benchmarks.
    public var statistics: Statistics

    /// What was read.
    public struct Statistics: Hashable, Sendable {
        public var cloudTrailFiles = 0
        public var eventFiles = 0
        /// Bytes of JSON read, after decompression.
        public var bytes = 0
        /// CloudTrail records and EventBridge events read, of every service and kind.
        public var records = 0
        /// Job events read, duplicates included.
        public var events = 0
        /// Job events whose `eventID` had already been read for the same job.
        public var duplicates = 0
        public var jobs = 0
        /// Jobs seen only CREATED or PENDING, by events that name no resource: not reported.
        public var unnamedStarts = 0
    }

    /// Whether a scenario folder holds an event stream.
    static func present(in files: FileSystem) -> Bool {
        files.exists("AWSLogs") || files.exists("events")
    }

    /// Whether the scenario folder at `folder` holds an event stream.
    public static func present(folder: String) -> Bool {
        present(in: FileSystem(root: URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL))
    }

    /// Reads every stream file of the scenario folder at `root`.
    ///
    /// CloudTrail files are read as they inflate, a record at a time, and EventBridge files a block of lines at a
    /// time, so memory follows the largest record and the batch, never a file's size; `limits` bounds each file
    /// (``ReadLimits/inflatedBytesPerFile``, ``ReadLimits/recordBytes``).
    public static func read(folder: String, limits: ReadLimits = .defaults) throws -> JobStreams {
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        return try read(files: FileSystem(root: root), limits: limits)
    }

    static func read(files: FileSystem, limits: ReadLimits) throws -> JobStreams {
        var statistics = Statistics()
        var assembler = JobAssembler()
        try scan(files: files, limits: limits, statistics: &statistics) { assembler.add($0) }
        let (backups, copies, restores, unnamedStarts) = try assembler.jobs()
        statistics.events = assembler.eventCount
        statistics.duplicates = assembler.duplicateCount
        statistics.unnamedStarts = unnamedStarts
        statistics.jobs = assembler.jobCount - statistics.unnamedStarts
        return JobStreams(backupJobs: backups, copyJobs: copies, restoreJobs: restores, statistics: statistics)
    }

    /// Reads every stream file, handing each batch's job events to `body`; a bad file is thrown as today's first
    /// problem, in the order files are read.
    private static func scan(
        files: FileSystem,
        limits: ReadLimits,
        statistics: inout Statistics,
        _ body: ([JobEvent]) throws -> Void
    ) throws {
        var units: [Unit] = try cloudTrailFiles(files).map { .cloudTrail($0) }
        statistics.cloudTrailFiles = units.count
        let eventFiles = try files.list("events").map { "events/\($0)" }
        for file in eventFiles {
            guard file.hasSuffix(".jsonl") else {
                throw ImportError(
                    file: file,
                    message: "expected EventBridge events in *.jsonl files, one event per line"
                )
            }
        }
        statistics.eventFiles = eventFiles.count

        let batchSize = max(4, ProcessInfo.processInfo.activeProcessorCount * 4)
        var start = 0
        while start < units.count {
            let batch = Array(units[start..<min(start + batchSize, units.count)])
            try fold(batch, files: files, limits: limits, into: body, statistics: &statistics)
            start += batchSize
        }
        units.removeAll()
        for file in eventFiles {
            var pending: [Unit] = []
            try files.readLineBlocks(file, blockSize: 4 << 20, lineLimit: limits.recordBytes) { block, firstLine in
                pending.append(.eventLines(file: file, bytes: block, firstLine: firstLine))
                if pending.count == batchSize {
                    try fold(pending, files: files, limits: limits, into: body, statistics: &statistics)
                    pending.removeAll()
                }
            }
            try fold(pending, files: files, limits: limits, into: body, statistics: &statistics)
        }
    }

    // MARK: Reading in pieces

    /// One job event as read, encoded for keeping on disk: the job it belongs to and the event's bytes.
    public struct EncodedEvent: Sendable {
        /// Backup 0, copy 1, restore 2: with `jobID`, the job's identity.
        public var kind: Int
        public var jobID: String
        public var bytes: [UInt8]
    }

    /// Reads every stream file of the scenario folder at `folder`, handing each batch's job events to `body`.
    ///
    /// The events are encoded, so they need not be held together; `job(events:)` assembles a job from all of its
    /// events. Each file is read within the limits `scenario.json` sets. A bad file is thrown as `read(folder:)` throws it.
    public static func scan(folder: String, _ body: ([EncodedEvent]) throws -> Void) throws {
        let files = FileSystem(root: URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL)
        let limits = try ScenarioFile.read(try files.json("scenario.json")).limits
        var statistics = Statistics()
        try scan(files: files, limits: limits, statistics: &statistics) { events in
            try body(events.map { EncodedEvent(kind: $0.kind.rawValue, jobID: $0.jobID, bytes: $0.encoded()) })
        }
    }

    /// A job assembled from its events.
    public enum Job: Sendable {
        case backup(BackupJob)
        case copy(CopyJob)
        case restore(RestoreJob)
    }

    /// The job made of `events`, every encoded event of one job, as `read(folder:)` makes it.
    ///
    /// The events may come in any order, duplicates included. Nil for a job seen only CREATED or PENDING without its
    /// resource; a job that lacks a field is thrown as `read(folder:)` throws it.
    public static func job(events: [ArraySlice<UInt8>]) throws -> Job? {
        var assembler = JobAssembler()
        for bytes in events { assembler.add(JobEvent(encoded: bytes)) }
        let (backups, copies, restores, _) = try assembler.jobs()
        if let job = backups.first { return .backup(job) }
        if let job = copies.first { return .copy(job) }
        if let job = restores.first { return .restore(job) }
        return nil
    }

    /// One piece of work: a CloudTrail file, or a block of whole lines of an EventBridge file.
    private enum Unit: Sendable {
        case cloudTrail(String)
        case eventLines(file: String, bytes: [UInt8], firstLine: Int)
    }

    private static func fold(
        _ batch: [Unit],
        files: FileSystem,
        limits: ReadLimits,
        into body: ([JobEvent]) throws -> Void,
        statistics: inout Statistics
    ) throws {
        let results = Parallel.map(batch) { unit -> Result<([JobEvent], Int, Int), ImportError> in
            do {
                return .success(try events(of: unit, files: files, limits: limits))
            } catch let error as ImportError {
                return .failure(error)
            } catch {
                return .failure(ImportError(file: "", message: "\(error)"))
            }
        }
        for result in results {
            let (events, bytes, records) = try result.get()
            statistics.bytes += bytes
            statistics.records += records
            try body(events)
        }
    }

    /// The unit's job events, its bytes of JSON and its count of records.
    private static func events(of unit: Unit, files: FileSystem, limits: ReadLimits) throws -> ([JobEvent], Int, Int) {
        switch unit {
        case .cloudTrail(let file):
            return try cloudTrailEvents(file, files: files, limits: limits)
        case .eventLines(let file, let bytes, let firstLine):
            var events: [JobEvent] = []
            var line = firstLine
            var start = 0
            var records = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
                let text = bytes[start..<end]
                if text.count > limits.recordBytes { throw FileSystem.longLine(file, line, limit: limits.recordBytes) }
                if !text.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { records += 1 }
                if let event = try EventReaders.eventBridge(line: text, file: file, lineNumber: line) {
                    events.append(event)
                }
                line += 1
                start = end + 1
            }
            return (events, bytes.count, records)
        }
    }

    /// The job events of one CloudTrail log file, its bytes of JSON and its count of records, read as it inflates.
    private static func cloudTrailEvents(
        _ file: String,
        files: FileSystem,
        limits: ReadLimits
    ) throws -> ([JobEvent], Int, Int) {
        let url = try files.confined(file)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ImportError(file: file, message: "cannot read the file")
        }
        defer { try? handle.close() }
        let inflater = GzipInflater(limit: limits.inflatedBytesPerFile)
        var splitter = RecordSplitter(file: file, limit: limits.recordBytes)
        var events: [JobEvent] = []
        var records = 0
        do {
            while true {
                let chunk: Data
                do {
                    chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                } catch {
                    throw ImportError(file: file, message: "cannot read the file")
                }
                if chunk.isEmpty { break }
                try inflater.inflate([UInt8](chunk)) { piece in
                    try splitter.feed(piece) { record in
                        records += 1
                        if let event = try EventReaders.cloudTrailRecord(record, file: file) { events.append(event) }
                    }
                }
            }
            try inflater.finish()
        } catch let error as CompressionError {
            var message = error.description
            if case .outputLimitExceeded = error {
                message += " (limits.inflated_bytes_per_file in scenario.json raises the limit)"
            }
            throw ImportError(file: file, message: message)
        }
        try splitter.finish()
        if let whole = splitter.wholeDocument {
            let (events, records) = try EventReaders.cloudTrail(json: whole, file: file)
            return (events, whole.count, records)
        }
        return (events, inflater.total, records)
    }

    // MARK: The CloudTrail layout

    /// The `.json.gz` files of `AWSLogs/`, laid out as CloudTrail delivers them.
    ///
    /// The layout is `AWSLogs/[<o-org-id>/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz`. Folders CloudTrail uses
    /// for other record kinds (`CloudTrail-Digest`, `CloudTrail-Insight`, …) are skipped.
    static func cloudTrailFiles(_ files: FileSystem) throws -> [String] {
        var found: [String] = []
        for top in try files.list("AWSLogs") {
            let path = "AWSLogs/\(top)"
            if ARN.isAccountID(top) {
                try accountFolder(files, path, into: &found)
            } else if isOrganizationID(top) {
                for account in try files.list(path) {
                    guard ARN.isAccountID(account) else {
                        throw ImportError(
                            file: "\(path)/\(account)",
                            message: "expected a folder named after a 12-digit account id"
                        )
                    }
                    try accountFolder(files, "\(path)/\(account)", into: &found)
                }
            } else {
                throw ImportError(
                    file: path,
                    message: "expected a folder named after a 12-digit account id or an organization id (o-…)"
                )
            }
        }
        return found
    }

    private static func accountFolder(_ files: FileSystem, _ path: String, into found: inout [String]) throws {
        for service in try files.list(path) {
            if service.hasPrefix("CloudTrail-") { continue }
            guard service == "CloudTrail" else {
                throw ImportError(file: "\(path)/\(service)", message: "expected the CloudTrail folder of the account")
            }
            for region in try files.list("\(path)/CloudTrail") {
                let regionPath = "\(path)/CloudTrail/\(region)"
                guard ARN.isRegion(region) else {
                    throw ImportError(
                        file: regionPath,
                        message: "expected a folder named after a Region, such as us-east-1"
                    )
                }
                try datedFiles(files, regionPath, depth: 0, into: &found)
            }
        }
    }

    /// `<yyyy>/<mm>/<dd>/<file>.json.gz` under a Region folder.
    private static func datedFiles(_ files: FileSystem, _ path: String, depth: Int, into found: inout [String]) throws {
        let widths = [4, 2, 2]
        for name in try files.list(path) {
            let child = "\(path)/\(name)"
            if depth == widths.count {
                guard name.hasSuffix(".json.gz"), !files.isDirectory(child) else {
                    throw ImportError(file: child, message: "expected a CloudTrail log file (*.json.gz)")
                }
                found.append(child)
            } else {
                guard name.count == widths[depth], name.allSatisfy(\.isASCIIDigitCharacter), files.isDirectory(child)
                else {
                    let what = ["a year folder (yyyy)", "a month folder (mm)", "a day folder (dd)"][depth]
                    throw ImportError(file: child, message: "expected \(what)")
                }
                try datedFiles(files, child, depth: depth + 1, into: &found)
            }
        }
    }

    /// `o-` followed by 10 to 32 lower-case letters or digits.
    static func isOrganizationID(_ text: String) -> Bool {
        guard text.hasPrefix("o-") else { return false }
        let rest = text.dropFirst(2)
        return (10...32).contains(rest.count)
            && rest.allSatisfy { $0.isASCIIDigitCharacter || ("a"..."z").contains($0) }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension FileSystem {
    /// Reads a file in blocks of whole lines, handing each block and the number of its first line (from 1) to
    /// `body`; a file too large for memory is never held whole.
    func readLineBlocks(
        _ relative: String,
        blockSize: Int,
        lineLimit: Int,
        _ body: ([UInt8], Int) throws -> Void
    ) throws {
        let url = try confined(relative)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ImportError(file: relative, message: "cannot read the file")
        }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var line = 1
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: blockSize) ?? Data()
            } catch {
                throw ImportError(file: relative, message: "cannot read the file")
            }
            if chunk.isEmpty { break }
            carry.append(contentsOf: chunk)
            guard let lastNewline = carry.lastIndex(of: 10) else {
                if carry.count > lineLimit { throw Self.longLine(relative, line, limit: lineLimit) }
                continue
            }
            let block = Array(carry[...lastNewline])
            carry.removeSubrange(...lastNewline)
            let lines = block.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            try body(block, line)
            line += lines
        }
        if !carry.isEmpty { try body(carry, line) }
    }

    /// A line longer than the limit of one record.
    static func longLine(_ relative: String, _ line: Int, limit: Int) -> ImportError {
        ImportError(
            file: relative,
            location: "\(line):1",
            message: "the line is longer than \(limit) bytes (limits.record_bytes in scenario.json raises the limit)"
        )
    }
}
