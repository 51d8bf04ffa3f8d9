public import EvidenceCrypto
internal import EvidenceModel
public import Foundation

/// The file-level facts of one month folder's content, computed the same way when sealing and verifying.
public enum FileDigest {
    /// The manifest entry of a file: size and SHA-256, plus rows, header hash and Merkle root for CSV files.
    public static func entry(path: String, bytes: [UInt8]) -> ManifestFile {
        bytes.withUnsafeBytes { entry(path: path, raw: $0) }
    }

    /// The manifest entry of a file held in memory, without copying it.
    public static func entry(path: String, raw: UnsafeRawBufferPointer, parallel: Bool = true) -> ManifestFile {
        let file = ManifestFile(path: path, bytes: raw.count, sha256: sha256(raw))
        guard path.hasSuffix(".csv") else { return file }
        return rows(of: file, raw: raw, parallel: parallel)
    }

    /// The SHA-256 of a whole file, in hex.
    static func sha256(_ raw: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBytes { SHA256.digest(prefix: nil, raw, into: $0.baseAddress.unsafelyUnwrapped) }
        return SHA256Digest(bytes: digest).hex
    }

    /// `file` with the row facts of the CSV bytes `raw` added: data rows, the header's SHA-256 and the Merkle root.
    static func rows(of file: ManifestFile, raw: UnsafeRawBufferPointer, parallel: Bool) -> ManifestFile {
        let records = CSVRecords.ranges(raw)
        var header = [UInt8](repeating: 0, count: 32)
        let first =
            records.first.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        header.withUnsafeMutableBytes { SHA256.digest(prefix: nil, first, into: $0.baseAddress.unsafelyUnwrapped) }
        let rows = records.dropFirst()
        var file = file
        file.rows = rows.count
        file.headerSHA256 = SHA256Digest(bytes: header).hex
        file.merkleRoot = SHA256Digest(bytes: Merkle.root(records: rows, in: raw, parallel: parallel)).hex
        return file
    }
}

extension Merkle {
    /// Leaf hashes of the given records of `bytes`.
    static func leaves(_ bytes: [UInt8], _ records: [Range<Int>]) -> [[UInt8]] {
        records.map { Merkle.leaf(bytes[$0]) }
    }

    /// The RFC 6962 root over the records of a buffer, on all cores when `parallel`.
    ///
    /// Complete subtrees of 4,096 leaves are hashed as units (in parallel when asked), then the tree over their
    /// roots. Pairwise reduction that carries an odd last node up equals RFC 6962's split at the largest power of
    /// two, and chunk boundaries at powers of two keep it so.
    static func root(
        records: ArraySlice<Range<Int>>,
        in raw: UnsafeRawBufferPointer,
        parallel: Bool = true
    ) -> [UInt8] {
        guard !records.isEmpty else { return SHA256.hash([UInt8]()).bytes }
        let chunk = 4096
        let first = records.startIndex
        let starts = Array(stride(from: first, to: records.endIndex, by: chunk))
        nonisolated(unsafe) let buffer = raw
        let subtree = { @Sendable (start: Int) -> [UInt8] in
            let end = min(start + chunk, records.endIndex)
            var level = [UInt8](repeating: 0, count: (end - start) * 32)
            level.withUnsafeMutableBytes { out in
                let base = out.baseAddress.unsafelyUnwrapped
                for index in start..<end {
                    SHA256.digest(
                        prefix: 0,
                        UnsafeRawBufferPointer(rebasing: buffer[records[index]]),
                        into: base + (index - start) * 32
                    )
                }
            }
            return reduce(&level, count: end - start)
        }
        let roots = parallel ? Parallel.map(starts, subtree) : starts.map(subtree)
        guard roots.count > 1 else { return roots[0] }
        var top = roots.flatMap { $0 }
        return reduce(&top, count: roots.count)
    }

    /// Reduces `count` hashes held back to back in `level` to their root, in place.
    ///
    /// A node is written over the left child it was made from or over an earlier slot: the digest reads both
    /// children before it writes.
    private static func reduce(_ level: inout [UInt8], count: Int) -> [UInt8] {
        var n = count
        level.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress.unsafelyUnwrapped
            while n > 1 {
                var next = 0
                var index = 0
                while index + 1 < n {
                    SHA256.digest(
                        prefix: 1,
                        UnsafeRawBufferPointer(start: base + index * 32, count: 32),
                        UnsafeRawBufferPointer(start: base + (index + 1) * 32, count: 32),
                        into: base + next * 32
                    )
                    next += 1
                    index += 2
                }
                if index < n {
                    (base + next * 32).copyMemory(from: base + index * 32, byteCount: 32)
                    next += 1
                }
                n = next
            }
        }
        return Array(level[0..<32])
    }
}

/// One sealed entry of the chain, as found on disk.
public struct ChainEntry: Sendable {
    /// The folder name: `2028-03`, or `2028-03.amend-1` for an amendment.
    public var folder: String
    public var manifest: Manifest
    /// SHA-256 of the entry's exact SHA256SUMS bytes: its seal, which the next entry links to.
    public var seal: String
}

/// The evidence folder: sealed months in a hash chain (evidence-chain.md §6), and the public keys.
public struct Ledger: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Whether a folder name is a month (`YYYY-MM`) or an amendment (`YYYY-MM.amend-N`).
    public static func isEntryName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let first = parts.first, Month(first) != nil else { return false }
        guard parts.count == 2 else { return true }
        let suffix = parts[1]
        guard suffix.hasPrefix("amend-"), let n = Int(suffix.dropFirst(6)), n >= 1,
            String(n) == String(suffix.dropFirst(6))
        else {
            return false
        }
        return true
    }

    /// Entries whose MANIFEST.json and SHA256SUMS read, sorted by seq; unreadable ones are left to `verify`.
    public func entries() -> [ChainEntry] {
        scan().entries
    }

    /// Every entry, sorted by seq, or an error naming the first damaged one.
    ///
    /// An entry folder whose MANIFEST.json or SHA256SUMS cannot be read is damaged. Sealing reads the chain this
    /// way: a damaged entry is reported, never skipped.
    public func readEntries() throws(LedgerError) -> [ChainEntry] {
        let (entries, damaged) = scan()
        if let (name, reason) = damaged.first {
            throw LedgerError(
                .unreadableEntry,
                "\(root.appendingPathComponent(name).path): the sealed entry cannot be read (\(reason)); "
                    + "the chain is not extended or resealed until it verifies again (run verify)"
            )
        }
        return entries
    }

    /// The readable entries sorted by seq, and the damaged ones (folder name and why) sorted by name.
    private func scan() -> (entries: [ChainEntry], damaged: [(String, String)]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var out: [ChainEntry] = []
        var damaged: [(String, String)] = []
        for name in names.sorted() where Ledger.isEntryName(name) {
            let folder = root.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                damaged.append((name, "not a folder"))
                continue
            }
            guard
                let manifestData = FileManager.default.contents(
                    atPath: folder.appendingPathComponent("MANIFEST.json").path
                )
            else {
                damaged.append((name, "MANIFEST.json cannot be read"))
                continue
            }
            guard let sums = FileManager.default.contents(atPath: folder.appendingPathComponent("SHA256SUMS").path)
            else {
                damaged.append((name, "SHA256SUMS cannot be read"))
                continue
            }
            do {
                let manifest = try Manifest.decode([UInt8](manifestData))
                out.append(ChainEntry(folder: name, manifest: manifest, seal: SHA256.hash([UInt8](sums)).hex))
            } catch {
                damaged.append((name, "MANIFEST.json: \(error.message)"))
            }
        }
        return (out.sorted { ($0.manifest.seq, $0.folder) < ($1.manifest.seq, $1.folder) }, damaged)
    }

    /// The public key with this fingerprint among `keys/*.pub.pem`.
    public func publicKey(fingerprint: String) -> Ed25519PublicKey? {
        let folder = root.appendingPathComponent("keys")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        where name.hasSuffix(".pub.pem") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let key = try? Ed25519PublicKey(pem: [UInt8](data)),
                (try? key.fingerprint().hex) == fingerprint
            else { continue }
            return key
        }
        return nil
    }

    /// The file name a public key is published under: `<first 16 hex digits of its fingerprint>.pub.pem`.
    public static func keyFileName(_ fingerprint: String) -> String { "\(fingerprint.prefix(16)).pub.pem" }

    /// `SHA256SUMS` in GNU format: `<hex>  <path>` lines sorted by the paths' bytes.
    public static func sums(_ files: [String: [UInt8]]) -> [UInt8] {
        let paths = files.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var out = ""
        for path in paths { out += "\(SHA256.hash(files[path] ?? []).hex)  \(path)\n" }
        return Array(out.utf8)
    }

    /// The one-line checkpoint of the chain's tip (evidence-chain.md §6.6).
    ///
    /// The chain id is written as
    /// `checkpointToken` writes it, so the line is one line of five space-separated fields whatever the id holds.
    public static func checkpoint(_ tip: ChainEntry) -> String {
        "backup-evidence-checkpoint \(checkpointToken(tip.manifest.chainID)) \(tip.folder) \(tip.manifest.seq) \(tip.seal)"
    }

    /// A chain id as a checkpoint line holds it: escaped as `Printable.value` escapes it, and a space as `\x20`.
    public static func checkpointToken(_ chainID: String) -> String {
        Printable.value(chainID).replacingOccurrences(of: " ", with: "\\x20")
    }
}
