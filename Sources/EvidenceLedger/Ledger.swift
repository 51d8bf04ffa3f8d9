public import EvidenceCrypto
internal import EvidenceModel
public import Foundation

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
        sums(hexDigests: files.mapValues { SHA256.hash($0).hex })
    }

    /// `SHA256SUMS` of files whose SHA-256 is known, keyed by path, in hex.
    public static func sums(hexDigests: [String: String]) -> [UInt8] {
        let paths = hexDigests.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var out = ""
        for path in paths { out += "\(hexDigests[path] ?? "")  \(path)\n" }
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
