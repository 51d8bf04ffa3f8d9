internal import EvidenceModel
internal import Foundation

extension FileDigest {
    /// The manifest entries of files on disk, computed on all cores; nil for a file that cannot be read.
    ///
    /// Every byte is hashed twice, in its file's SHA-256 and, for a CSV file, in its row's Merkle leaf. The two
    /// are separate units of work, so one large file keeps both cores busy, and all units of all files are
    /// scheduled largest first. A file is mapped, not copied, once for both of its units, and unmapped when the
    /// second one ends: memory holds the files being hashed, not all of them.
    ///
    /// - Parameter files: each file's path as the manifest names it, and where it is on disk.
    public static func entries(of files: [(path: String, location: String)]) -> [ManifestFile?] {
        struct Unit: Sendable {
            var file: Int
            var rows: Bool
            var cost: Int
        }
        var units: [Unit] = []
        var users = [Int](repeating: 0, count: files.count)
        for (index, file) in files.enumerated() {
            // The size only orders the work; a file that cannot be read costs nothing and is reported unreadable.
            var status = stat()
            let size = stat(file.location, &status) == 0 ? Int(status.st_size) : 0
            units.append(Unit(file: index, rows: false, cost: size))
            users[index] = 1
            if file.path.hasSuffix(".csv") {
                // Leaves carry a prefix and padding each, and the nodes come on top: about half again the file.
                units.append(Unit(file: index, rows: true, cost: size + size / 2))
                users[index] = 2
            }
        }
        let mapped = MappedFiles(locations: files.map(\.location), users: users)
        let done = Parallel.map(units, costliestFirst: \.cost) { unit -> ManifestFile? in
            defer { mapped.release(unit.file) }
            guard let data = mapped.acquire(unit.file) else { return nil }
            let path = files[unit.file].path
            return data.withUnsafeBytes { raw in
                let file = ManifestFile(path: path, bytes: raw.count, sha256: unit.rows ? "" : sha256(raw))
                return unit.rows ? rows(of: file, raw: raw, parallel: false) : file
            }
        }
        var out = [ManifestFile?](repeating: nil, count: files.count)
        for (unit, result) in zip(units, done) {
            guard let result else { continue }
            if unit.rows {
                out[unit.file]?.rows = result.rows
                out[unit.file]?.headerSHA256 = result.headerSHA256
                out[unit.file]?.merkleRoot = result.merkleRoot
            } else {
                out[unit.file] = result
            }
        }
        return out
    }
}

/// Files mapped on first use and unmapped after their last user, shared by the threads that hash them.
private final class MappedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private let locations: [String]
    private var users: [Int]
    private var data: [Data?]
    private var tried: [Bool]

    init(locations: [String], users: [Int]) {
        self.locations = locations
        self.users = users
        data = [Data?](repeating: nil, count: locations.count)
        tried = [Bool](repeating: false, count: locations.count)
    }

    /// The file's bytes, mapped by the first caller; nil when it cannot be read.
    func acquire(_ index: Int) -> Data? {
        lock.lock()
        defer { lock.unlock() }
        if !tried[index] {
            tried[index] = true
            data[index] = try? Data(contentsOf: URL(fileURLWithPath: locations[index]), options: .alwaysMapped)
        }
        return data[index]
    }

    /// Ends one use of the file; the last one drops the mapping.
    func release(_ index: Int) {
        lock.lock()
        defer { lock.unlock() }
        users[index] -= 1
        if users[index] == 0 { data[index] = nil }
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
