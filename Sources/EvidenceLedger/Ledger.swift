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
        let context = SHA256Context()
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBytes { context.digest(prefix: nil, raw, into: $0.baseAddress.unsafelyUnwrapped) }
        let sha = SHA256Digest(bytes: digest).hex
        guard path.hasSuffix(".csv") else { return ManifestFile(path: path, bytes: raw.count, sha256: sha) }
        let records = CSVRecords.ranges(raw)
        var header = [UInt8](repeating: 0, count: 32)
        let first =
            records.first.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        header.withUnsafeMutableBytes { context.digest(prefix: nil, first, into: $0.baseAddress.unsafelyUnwrapped) }
        let rows = Array(records.dropFirst())
        return ManifestFile(
            path: path,
            bytes: raw.count,
            sha256: sha,
            rows: rows.count,
            headerSHA256: SHA256Digest(bytes: header).hex,
            merkleRoot: SHA256Digest(bytes: Merkle.root(records: rows, in: raw, parallel: parallel)).hex
        )
    }
}

extension Merkle {
    /// Leaf hashes of the given records of `bytes`.
    static func leaves(_ bytes: [UInt8], _ records: [Range<Int>]) -> [[UInt8]] {
        records.map { Merkle.leaf(bytes[$0]) }
    }

    /// The RFC 6962 root over the records of a buffer, computed on all cores.
    ///
    /// Complete subtrees of 4,096 leaves are hashed in parallel, then the tree over their roots. Pairwise reduction that carries an odd last node up equals
    /// RFC 6962's split at the largest power of two, and chunk boundaries at powers of two keep it so.
    static func root(records: [Range<Int>], in raw: UnsafeRawBufferPointer, parallel: Bool = true) -> [UInt8] {
        guard !records.isEmpty else { return SHA256.hash([UInt8]()).bytes }
        let chunk = 4096
        let starts = Array(stride(from: 0, to: records.count, by: chunk))
        nonisolated(unsafe) let buffer = raw
        let subtree = { @Sendable (start: Int) -> [UInt8] in
            let context = SHA256Context()
            let end = min(start + chunk, records.count)
            var level = [UInt8](repeating: 0, count: (end - start) * 32)
            level.withUnsafeMutableBytes { out in
                for index in start..<end {
                    context.digest(
                        prefix: 0,
                        UnsafeRawBufferPointer(rebasing: buffer[records[index]]),
                        into: out.baseAddress.unsafelyUnwrapped + (index - start) * 32
                    )
                }
            }
            return reduce(&level, count: end - start, context: context)
        }
        let roots = parallel ? Parallel.map(starts, subtree) : starts.map(subtree)
        var top = roots.flatMap { $0 }
        return reduce(&top, count: roots.count, context: SHA256Context())
    }

    /// Reduces `count` hashes held back to back in `level` to their root, in place.
    private static func reduce(_ level: inout [UInt8], count: Int, context: SHA256Context) -> [UInt8] {
        var n = count
        level.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress.unsafelyUnwrapped
            while n > 1 {
                var next = 0
                var index = 0
                var scratch = [UInt8](repeating: 0, count: 32)
                while index + 1 < n {
                    scratch.withUnsafeMutableBytes { out in
                        context.digest(
                            prefix: 1,
                            UnsafeRawBufferPointer(start: base + index * 32, count: 32),
                            UnsafeRawBufferPointer(start: base + (index + 1) * 32, count: 32),
                            into: out.baseAddress.unsafelyUnwrapped
                        )
                    }
                    scratch.withUnsafeBytes {
                        (base + next * 32).copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: 32)
                    }
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
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var out: [ChainEntry] = []
        for name in names where Ledger.isEntryName(name) {
            let folder = root.appendingPathComponent(name)
            guard
                let manifestData = FileManager.default.contents(
                    atPath: folder.appendingPathComponent("MANIFEST.json").path
                ),
                let sums = FileManager.default.contents(atPath: folder.appendingPathComponent("SHA256SUMS").path),
                let manifest = try? Manifest.decode([UInt8](manifestData))
            else { continue }
            out.append(ChainEntry(folder: name, manifest: manifest, seal: SHA256.hash([UInt8](sums)).hex))
        }
        return out.sorted { ($0.manifest.seq, $0.folder) < ($1.manifest.seq, $1.folder) }
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
