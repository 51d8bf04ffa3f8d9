internal import EvidenceModel
internal import Foundation

/// The jobs of a scenario's job lists: `accounts/<account>/<region>/backup-jobs.json`, `copy-jobs.json` and
/// `restore-jobs.json`, the JSON `aws backup list-backup-jobs`, `list-copy-jobs` and `list-restore-jobs` print
/// (`{"BackupJobs": [...]}`).
///
/// A file is read a chunk at a time and split into its array's elements (``RecordSplitter``), each element within
/// ``ReadLimits/recordBytes``; a batch of elements at a time is converted on all cores by `AWSShapes`, the one reader
/// of each job's shape. Memory holds a chunk and a batch, never the file.
public enum JobLists {
    /// The three lists, in the order a folder's are read.
    enum Kind: Int, CaseIterable, Sendable {
        case backup
        case copy
        case restore

        var fileName: String { ["backup-jobs.json", "copy-jobs.json", "restore-jobs.json"][rawValue] }
        var key: String { ["BackupJobs", "CopyJobs", "RestoreJobs"][rawValue] }
    }

    /// One job list of the scenario: its path in the scenario folder, what it lists, and where.
    struct File: Sendable {
        var path: String
        var kind: Kind
        var location: AccountRegion
    }

    /// One listed job with the element it was read from.
    struct Listed {
        var job: JobStreams.Job
        var record: RecordSplitter.Record
    }

    /// Elements converted at once, on all cores.
    static let batchSize = 1024

    /// The job lists of the folder `base` of one account and Region, in reading order.
    static func files(_ files: FileSystem, base: String, location: AccountRegion) -> [File] {
        Kind.allCases.compactMap { kind in
            let path = "\(base)/\(kind.fileName)"
            return files.exists(path) ? File(path: path, kind: kind, location: location) : nil
        }
    }

    /// Every job list of the scenario, in the order `ScenarioReader` reads the folders (which it has checked).
    static func files(_ files: FileSystem) throws -> [File] {
        var found: [File] = []
        for account in try files.list("accounts") where ARN.isAccountID(account) {
            for region in try files.list("accounts/\(account)") where ARN.isRegion(region) {
                let base = "accounts/\(account)/\(region)"
                guard files.isDirectory(base) else { continue }
                found += Self.files(files, base: base, location: AccountRegion(account: account, region: region))
            }
        }
        return found
    }

    /// Reads one job list a chunk at a time, handing its jobs to `body` a batch at a time, in file order.
    ///
    /// A problem is thrown located as the whole file's reader locates it (`$.BackupJobs[3].State`): the file's frame
    /// or an element's size as it is met, an element's syntax or a field of a job when its batch is converted (the
    /// first of the batch in file order). So a problem of the frame is thrown before one in an element of the batch
    /// before it, as the whole file's reader names a syntax error before any job; batches handed to `body` before
    /// a problem are not taken back. Members other than the array are checked for syntax and dropped, never kept.
    static func read(_ file: File, files: FileSystem, limits: ReadLimits, _ body: ([Listed]) throws -> Void) throws {
        let url = try files.confined(file.path)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ImportError(file: file.path, message: "cannot read the file")
        }
        defer { try? handle.close() }
        var splitter = RecordSplitter(
            file: file.path,
            limit: limits.recordBytes,
            frame: RecordSplitter.Frame(
                key: file.kind.key,
                otherMembers: true,
                name: "a job list ({\"\(file.kind.key)\": [...]})"
            )
        )
        var records: [RecordSplitter.Record] = []
        func flush() throws {
            defer { records.removeAll(keepingCapacity: true) }
            let converted = Parallel.map(records) { record in
                Result { () throws(ImportError) in Listed(job: try job(record, of: file), record: record) }
            }
            try body(converted.map { try $0.get() })
        }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw ImportError(file: file.path, message: "cannot read the file")
            }
            if chunk.isEmpty { break }
            try splitter.feed(ArraySlice(chunk)) { records.append($0) }
            if records.count >= batchSize { try flush() }
        }
        try splitter.finish()
        if let whole = splitter.wholeDocument {
            // Not in the frame (within the limit): the whole file's reader reads it, or names what is wrong.
            let elements = try JSONNode.parse(whole, file: file.path).required(file.kind.key).array()
            for (position, element) in elements.enumerated() {
                records.append(
                    RecordSplitter.Record(
                        position: position,
                        bytes: CanonicalJSON.encode(element.value),
                        line: 1,
                        column: 1
                    )
                )
            }
        }
        try flush()
    }

    /// The job an element of the list holds, read by `AWSShapes` as the whole file's reader reads it.
    private static func job(_ record: RecordSplitter.Record, of file: File) throws(ImportError) -> JobStreams.Job {
        let value: JSONValue
        do {
            value = try JSONParser.parse(record.bytes)
        } catch {
            throw ImportError(
                file: file.path,
                location: record.location(of: error),
                message: "invalid JSON: \(error.message)"
            )
        }
        let entry = JSONNode(value: value, file: file.path, path: "$.\(file.kind.key)[\(record.position)]")
        do {
            switch file.kind {
            case .backup: return .backup(try AWSShapes.backupJob(entry, location: file.location))
            case .copy: return .copy(try AWSShapes.copyJob(entry, location: file.location))
            case .restore: return .restore(try AWSShapes.restoreJob(entry, location: file.location))
            }
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(file: file.path, location: entry.path, message: "\(error)")
        }
    }

    /// What a path inside the scenario folder lists, when it is a job list.
    static func kind(ofPath path: String) -> Kind? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "accounts", ARN.isAccountID(String(parts[1])),
            ARN.isRegion(String(parts[2]))
        else { return nil }
        return Kind.allCases.first { $0.fileName == parts[3] }
    }

    /// Hands `body` the canonical JSON of the job list at `url` in pieces, a job at a time.
    ///
    /// The bytes are `CanonicalJSON.encode` of the whole file's value. The file is read twice a chunk at a time:
    /// once to check every job's syntax and keep the other members, once to write. Throws, before handing
    /// anything, when the file is not a job list.
    static func canonical(_ url: URL, kind: Kind, limits: ReadLimits, _ body: ([UInt8]) throws -> Void) throws {
        let frame = RecordSplitter.Frame(key: kind.key, otherMembers: true, name: "a job list", keepMembers: true)
        func split(_ each: (RecordSplitter.Record) throws -> Void) throws -> RecordSplitter {
            guard let handle = try? FileHandle(forReadingFrom: url) else {
                throw ImportError(file: url.path, message: "cannot read the file")
            }
            defer { try? handle.close() }
            var splitter = RecordSplitter(file: url.path, limit: limits.recordBytes, frame: frame)
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try splitter.feed(ArraySlice(chunk), each)
            }
            try splitter.finish()
            guard splitter.wholeDocument == nil else {
                throw ImportError(file: url.path, message: "not a job list")
            }
            return splitter
        }
        let others = try split { _ = try JSONParser.parse($0.bytes) }.otherMembers
        let keys = (Array(others.keys) + [kind.key]).sorted {
            Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16))
        }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, key) in keys.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(CanonicalJSON.string(key).utf8)
            out.append(UInt8(ascii: ":"))
            guard key == kind.key else {
                if let value = others[key] { out += Array(CanonicalJSON.text(value).utf8) }
                continue
            }
            out.append(UInt8(ascii: "["))
            var first = true
            _ = try split { record in
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += Array(CanonicalJSON.text(try JSONParser.parse(record.bytes)).utf8)
                if out.count >= 1 << 20 {
                    try body(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out += [UInt8(ascii: "}"), 10]
        try body(out)
    }

    // MARK: Reading in pieces

    /// One listed job, encoded for keeping on disk: the job, and the bytes `job(encoded:)` reads it back from.
    public struct EncodedJob: Sendable {
        public var job: JobStreams.Job
        public var bytes: [UInt8]
    }

    /// Reads every job list of the scenario folder at `folder`, handing each batch of jobs to `body`, files in
    /// `ScenarioReader`'s order and each file's jobs in file order.
    ///
    /// Each file is read within the limits `scenario.json` sets; a bad file is thrown as
    /// `ScenarioReader.read(folder:)` throws it.
    public static func scan(folder: String, _ body: ([EncodedJob]) throws -> Void) throws {
        let files = FileSystem(root: URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL)
        let limits = try ScenarioFile.read(try files.json("scenario.json")).limits
        for file in try Self.files(files) {
            let header = encodedHeader(file)
            try read(file, files: files, limits: limits) { batch in
                try body(
                    batch.map { listed in
                        var bytes = header
                        append(UInt64(listed.record.position), to: &bytes)
                        bytes.append(contentsOf: listed.record.bytes)
                        return EncodedJob(job: listed.job, bytes: bytes)
                    }
                )
            }
        }
    }

    /// Whether the scenario folder at `folder` holds a job list.
    public static func present(folder: String) -> Bool {
        let files = FileSystem(root: URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL)
        return (try? Self.files(files).isEmpty == false) ?? false
    }

    /// The job an encoded job holds, read again from its element as `scan` read it.
    public static func job(encoded bytes: ArraySlice<UInt8>) throws -> JobStreams.Job {
        var position = bytes.startIndex
        func number() throws -> UInt64 {
            guard bytes.endIndex - position >= 8 else { throw damaged }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * index) }
            position += 8
            return value
        }
        func text() throws -> String {
            let count = Int(try number())
            guard bytes.endIndex - position >= count else { throw damaged }
            defer { position += count }
            return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
        }
        guard let kind = Kind(rawValue: Int(try number())) else { throw damaged }
        let path = try text()
        let location = AccountRegion(account: try text(), region: try text())
        let record = RecordSplitter.Record(
            position: Int(try number()),
            bytes: Array(bytes[position...]),
            line: 1,
            column: 1
        )
        return try job(record, of: File(path: path, kind: kind, location: location))
    }

    private static let damaged = ImportError(file: "", message: "a listed job kept on disk is damaged")

    /// What every encoded job of a file starts with: the kind, the file's path, account and Region.
    private static func encodedHeader(_ file: File) -> [UInt8] {
        var bytes: [UInt8] = []
        append(UInt64(file.kind.rawValue), to: &bytes)
        for text in [file.path, file.location.account, file.location.region] {
            append(UInt64(text.utf8.count), to: &bytes)
            bytes.append(contentsOf: text.utf8)
        }
        return bytes
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
