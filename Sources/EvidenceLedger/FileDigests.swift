internal import EvidenceCrypto
internal import EvidenceModel
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// The file-level facts of one month folder's content, computed the same way when sealing and verifying.
///
/// A file is read in chunks and hashed as it comes: its SHA-256 incrementally, and for a CSV file its records split
/// as they are read, each data row a Merkle leaf folded into a stack of complete subtrees (``MerkleStack``). So
/// hashing holds a chunk and at most one record beyond it, whatever the file's size.
public enum FileDigest {
    /// Bytes read at a time by ``entries(of:chunk:)``.
    public static let defaultChunk = 1 << 20

    /// The manifest entry of a file: size and SHA-256, plus rows, header hash and Merkle root for CSV files.
    public static func entry(path: String, bytes: [UInt8]) -> ManifestFile {
        bytes.withUnsafeBytes { entry(path: path, raw: $0) }
    }

    /// The manifest entry of a file held in memory, without copying it.
    public static func entry(path: String, raw: UnsafeRawBufferPointer) -> ManifestFile {
        var file = ManifestFile(path: path, bytes: raw.count, sha256: sha256(raw))
        guard path.hasSuffix(".csv") else { return file }
        var rows = RowDigest()
        _ = rows.consume(raw, final: true)
        rows.fill(&file)
        return file
    }

    /// The manifest entries of files on disk, computed on all cores; nil for a file that cannot be read or is not
    /// a regular file.
    ///
    /// Every byte is hashed twice, in its file's SHA-256 and, for a CSV file, in its row's Merkle leaf. The two
    /// are separate units of work, each reading the file in chunks of `chunk` bytes, so one large file keeps both
    /// cores busy, and all units of all files are scheduled largest first. Memory holds a chunk per core, never a
    /// file.
    ///
    /// - Parameters:
    ///   - files: each file's path as the manifest names it, and where it is on disk.
    ///   - chunk: bytes read at a time (a record longer than that is read whole).
    ///   - rows: compute the row facts of CSV files too; without them an entry holds the size and SHA-256 only.
    public static func entries(
        of files: [(path: String, location: String)],
        chunk: Int = defaultChunk,
        rows: Bool = true
    )
        -> [ManifestFile?]
    {
        struct Unit: Sendable {
            var file: Int
            var rows: Bool
            var cost: Int
        }
        var units: [Unit] = []
        for (index, file) in files.enumerated() {
            // The size only orders the work; a file that cannot be read costs nothing and is reported unreadable.
            var status = stat()
            let size = stat(file.location, &status) == 0 ? Int(status.st_size) : 0
            units.append(Unit(file: index, rows: false, cost: size))
            if rows, file.path.hasSuffix(".csv") {
                // Leaves carry a prefix and padding each, and the nodes come on top: about half again the file.
                units.append(Unit(file: index, rows: true, cost: size + size / 2))
            }
        }
        let size = max(chunk, 1)
        let done = Parallel.map(units, costliestFirst: \.cost) { unit -> ManifestFile? in
            let file = files[unit.file]
            return unit.rows
                ? Self.rows(path: file.path, location: file.location, chunk: size)
                : whole(path: file.path, location: file.location, chunk: size)
        }
        var out = [ManifestFile?](repeating: nil, count: files.count)
        var failed = [Bool](repeating: false, count: files.count)
        for (unit, result) in zip(units, done) {
            guard let result else {
                failed[unit.file] = true
                continue
            }
            if unit.rows {
                out[unit.file]?.rows = result.rows
                out[unit.file]?.headerSHA256 = result.headerSHA256
                out[unit.file]?.merkleRoot = result.merkleRoot
            } else {
                out[unit.file] = result
            }
        }
        for index in files.indices where failed[index] { out[index] = nil }
        return out
    }

    /// The SHA-256 of a whole buffer, in hex.
    static func sha256(_ raw: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBytes { SHA256.digest(prefix: nil, raw, into: $0.baseAddress.unsafelyUnwrapped) }
        return SHA256Digest(bytes: digest).hex
    }

    /// The size and SHA-256 of a file, read in chunks; nil when it cannot be read.
    private static func whole(path: String, location: String, chunk: Int) -> ManifestFile? {
        guard let reader = ChunkReader(location: location, chunk: chunk) else { return nil }
        let hasher = SHA256Hasher()
        var bytes = 0
        while let count = reader.next(keeping: 0) {
            if count == 0 { return ManifestFile(path: path, bytes: bytes, sha256: hasher.finalize().hex) }
            reader.withBytes(0..<count) { hasher.update($0) }
            bytes += count
        }
        return nil
    }

    /// The row facts of a CSV file (size, data rows, header hash, Merkle root), read in chunks; nil when it cannot
    /// be read.
    private static func rows(path: String, location: String, chunk: Int) -> ManifestFile? {
        guard let reader = ChunkReader(location: location, chunk: chunk) else { return nil }
        var rows = RowDigest()
        var bytes = 0
        var kept = 0
        while let count = reader.next(keeping: kept) {
            bytes += count
            let end = kept + count
            let final = count == 0
            let consumed = reader.withBytes(0..<end) { rows.consume($0, final: final) }
            if final {
                var file = ManifestFile(path: path, bytes: bytes, sha256: "")
                rows.fill(&file)
                return file
            }
            rows.shift(consumed)
            kept = end - consumed
        }
        return nil
    }
}

/// A regular file read front to back through one buffer, a chunk at a time.
private final class ChunkReader {
    private let descriptor: Int32
    private var buffer: [UInt8]
    private let chunk: Int

    /// Opens a regular file; nil for anything else (a folder, a FIFO, a device) or when it cannot be opened.
    init?(location: String, chunk: Int) {
        // Non-blocking, so a FIFO is refused below instead of waiting for a writer.
        let descriptor = open(location, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.chunk = chunk
        buffer = [UInt8](repeating: 0, count: chunk)
    }

    deinit { close(descriptor) }

    /// Moves the last `keeping` bytes of the previous fill to the front and reads up to a chunk after them.
    ///
    /// - Returns: the bytes read (0 at the end of the file), or nil when reading fails.
    func next(keeping: Int) -> Int? {
        if keeping > 0 {
            let from = filled - keeping
            buffer.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress.unsafelyUnwrapped
                base.copyMemory(from: base + from, byteCount: keeping)
            }
        }
        // A record longer than the buffer makes it grow: the record is kept whole.
        if buffer.count - keeping < chunk { buffer += [UInt8](repeating: 0, count: chunk) }
        while true {
            let capacity = buffer.count - keeping
            let got = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress.unsafelyUnwrapped + keeping, capacity)
            }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            filled = keeping + got
            return got
        }
    }

    private var filled = 0

    /// Calls `body` with the given bytes of the buffer.
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// The row facts of CSV bytes given in order, a buffer at a time.
///
/// A record is the exact bytes of each record without its line terminator; a line break inside a quoted field
/// belongs to the record; both `\n` and `\r\n` end a record, and the bytes after the last line break are the last
/// record. These are the boundaries of the project's one CSV reader (`CSVReader.recordRanges`), found the same way:
/// line feeds, with the quotes before each counted for parity.
struct RowDigest {
    /// Where the unfinished record begins in the current buffer, and how far it has been scanned.
    private var start = 0
    private var scanned = 0
    private var quoted = false
    private var records = 0
    /// SHA-256 of the first record; of no bytes when there is none.
    private var header = SHA256.hash([UInt8]()).bytes
    private var tree = MerkleStack()

    /// Takes every complete record of `buffer`, which begins with the unfinished record of the previous one.
    ///
    /// - Parameter final: the buffer ends the file, so what follows the last line break is the last record.
    /// - Returns: where the unfinished record begins; the caller passes the bytes from there first next time and
    ///   calls ``shift(_:)`` with this offset.
    mutating func consume(_ buffer: UnsafeRawBufferPointer, final: Bool) -> Int {
        let end = buffer.count
        if let base = buffer.baseAddress {
            while scanned < end, let found = memchr(base + scanned, 10, end - scanned) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                var quote = scanned
                while quote < newline, let next = memchr(base + quote, 34, newline - quote) {
                    quoted.toggle()
                    quote = base.distance(to: UnsafeRawPointer(next)) + 1
                }
                scanned = newline + 1
                guard !quoted else { continue }
                var stop = newline
                if stop > start && base.load(fromByteOffset: stop - 1, as: UInt8.self) == 13 { stop -= 1 }
                add(UnsafeRawBufferPointer(start: base + start, count: stop - start))
                start = scanned
            }
            if final, start < end {
                add(UnsafeRawBufferPointer(start: base + start, count: end - start))
                start = end
            }
        }
        if final { scanned = end }
        return min(start, end)
    }

    /// The next buffer begins `offset` bytes into the previous one.
    mutating func shift(_ offset: Int) {
        start -= offset
        scanned -= offset
    }

    private mutating func add(_ record: UnsafeRawBufferPointer) {
        if records == 0 {
            header.withUnsafeMutableBytes { SHA256.digest(prefix: nil, record, into: $0.baseAddress.unsafelyUnwrapped) }
        } else {
            tree.add(record)
        }
        records += 1
    }

    /// Sets the file's data rows, header SHA-256 and Merkle root.
    func fill(_ file: inout ManifestFile) {
        file.rows = max(records - 1, 0)
        file.headerSHA256 = SHA256Digest(bytes: header).hex
        file.merkleRoot = SHA256Digest(bytes: tree.root()).hex
    }
}

extension Ledger {
    /// Every entry below `folder` that is not a directory, as sorted paths relative to it.
    ///
    /// A directory, or a link to one, is not listed, and a link is not followed into; anything else is, a link
    /// to nothing included. Read with `readdir`: verify walks every entry, and Foundation's enumerator with a
    /// `stat` per entry costs more than hashing the small files it finds.
    static func files(under folder: URL) -> [String] {
        var out: [String] = []
        func walk(_ path: String, _ relative: String) {
            guard let directory = opendir(path) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let full = "\(path)/\(name)"
                let inside = relative.isEmpty ? name : "\(relative)/\(name)"
                switch entry.pointee.d_type {
                case UInt8(DT_DIR):
                    walk(full, inside)
                case UInt8(DT_LNK), UInt8(DT_UNKNOWN):
                    var status = stat()
                    let isDirectory = stat(full, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
                    if entry.pointee.d_type == UInt8(DT_UNKNOWN), isDirectory, lstat(full, &status) == 0,
                        (status.st_mode & S_IFMT) == S_IFDIR
                    {
                        walk(full, inside)
                    } else if !isDirectory {
                        out.append(inside)
                    }
                default:
                    out.append(inside)
                }
            }
        }
        walk(folder.path, "")
        return out.sorted()
    }
}
