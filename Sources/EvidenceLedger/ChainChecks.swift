public import EvidenceCrypto
public import EvidenceModel
public import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Step 1, layout: every folder but `keys/` and `anchors/` is a sealed entry; reads the entries.
///
/// Each is a month or amendment folder holding MANIFEST.json, SHA256SUMS and SHA256SUMS.sig, whose MANIFEST.json
/// decodes.
public struct LayoutCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        let root = chain.ledger.root
        let manager = FileManager.default
        var findings: [Finding] = []
        var folders: [String] = []
        for name in ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        where !name.hasPrefix(".") && !Ledger.reservedFolders.contains(name) {
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
            guard isDirectory.boolValue, Ledger.isEntryName(name) else {
                findings.append(Finding(.layout, name, .invalid, "not a month or amendment folder"))
                continue
            }
            let missing = ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.sig"].filter {
                !manager.fileExists(atPath: root.appendingPathComponent("\(name)/\($0)").path)
            }
            if !missing.isEmpty {
                findings.append(
                    Finding(.layout, name, .invalid, "missing \(missing.joined(separator: ", ")) (not sealed)")
                )
                continue
            }
            folders.append(name)
        }
        var entries: [ChainEntry] = []
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            let manifestBytes = [UInt8](
                manager.contents(atPath: base.appendingPathComponent("MANIFEST.json").path) ?? Data()
            )
            let sums = [UInt8](manager.contents(atPath: base.appendingPathComponent("SHA256SUMS").path) ?? Data())
            do {
                let manifest = try Manifest.decode(manifestBytes)
                entries.append(ChainEntry(folder: folder, manifest: manifest, seal: SHA256.hash(sums).hex))
                chain.sums[folder] = sums
            } catch {
                findings.append(Finding(.manifest, "\(folder)/MANIFEST.json", .invalid, error.description))
            }
        }
        chain.entries = entries.sorted { ($0.manifest.seq, $0.folder) < ($1.manifest.seq, $1.folder) }
        return findings
    }
}

/// Step 2, key: the chain is signed by the pinned key and the keys it hands over to.
///
/// The first entry is signed by the pinned key (`--trusted-key`, or `--expect-key-sha256` found in `keys/`), each
/// later one by the key of the last entry so signed or the key that entry hands over to; an entry signed by another
/// key is INVALID and hands nothing on. With no key pinned the result is inconclusive. Finds each entry's key for
/// step 3.
public struct KeyCheck: ChainCheck {
    public var trustedKey: Ed25519PublicKey?
    public var expectedKeySHA256: String?

    public init(trustedKey: Ed25519PublicKey? = nil, expectedKeySHA256: String? = nil) {
        self.trustedKey = trustedKey
        self.expectedKeySHA256 = expectedKeySHA256
    }

    public func check(_ chain: inout ChainState) throws -> [Finding] {
        var findings: [Finding] = []
        let trustedFingerprint = try trustedKey?.fingerprint().hex
        var pinned = trustedFingerprint
        if let expected = expectedKeySHA256?.lowercased() { pinned = expected }
        if pinned == nil, let claimed = chain.entries.first?.manifest.signingKeySHA256 {
            findings.append(Finding.unpinnedKey(claimed: claimed))
        }
        var expected = pinned
        for entry in chain.entries {
            let fingerprint = entry.manifest.signingKeySHA256
            if let trusted = expected, fingerprint != trusted {
                findings.append(
                    Finding(
                        .key,
                        entry.folder,
                        .invalid,
                        "signed by key \(fingerprint.prefix(16)), expected \(trusted.prefix(16))",
                        entry: entry.folder
                    )
                )
            } else {
                // Only an entry signed by the trusted key hands it on, as verify-row follows a handover.
                expected = entry.manifest.nextSigningKeySHA256 ?? fingerprint
            }
            let key = trustedFingerprint == fingerprint ? trustedKey : chain.ledger.publicKey(fingerprint: fingerprint)
            guard let key else {
                findings.append(
                    Finding(
                        .key,
                        entry.folder,
                        .unverified,
                        "key \(fingerprint.prefix(16)) not found in keys/",
                        entry: entry.folder
                    )
                )
                continue
            }
            chain.keys[entry.folder] = key
        }
        return findings
    }
}

/// Step 3, signature: each entry's SHA256SUMS.sig is its key's Ed25519 signature over the exact bytes of SHA256SUMS.
public struct SignatureCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        var findings: [Finding] = []
        for entry in chain.entries {
            guard let key = chain.keys[entry.folder] else { continue }
            let path = chain.ledger.root.appendingPathComponent("\(entry.folder)/SHA256SUMS.sig").path
            let signature = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            let subject = "\(entry.folder)/SHA256SUMS"
            if key.verify(signature, of: chain.sums[entry.folder] ?? []) {
                findings.append(Finding(.seal, subject, .ok, entry: entry.folder))
            } else {
                findings.append(
                    Finding(
                        .seal,
                        subject,
                        .invalid,
                        "signature verification failed (key \(entry.manifest.signingKeySHA256.prefix(16)))",
                        entry: entry.folder
                    )
                )
            }
        }
        return findings
    }
}

/// Step 4, files: each entry's files are exactly the ones SHA256SUMS lists, with those hashes.
///
/// Every SHA256SUMS line is well formed with a safe path listed once, every file of the entry is listed, and every
/// listed file is present with that SHA-256. Every listed file of every entry is hashed in one pass over all cores
/// (`FileDigest.entries`), rows and Merkle roots included, for step 5.
public struct FileHashCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        let root = chain.ledger.root
        let parsed = chain.entries.map { FileHashCheck.lines($0.folder, chain.sums[$0.folder] ?? []) }
        var work: [(folder: String, path: String)] = []
        var locations: [String] = []
        for (entry, lines) in zip(chain.entries, parsed) {
            let folder = root.appendingPathComponent(entry.folder).path
            for path in lines.order {
                work.append((entry.folder, path))
                locations.append("\(folder)/\(path)")
            }
        }
        let computed = FileDigest.entries(of: zip(work, locations).map { (path: $0.path, location: $1) })
        var digests: [String: [String: ManifestFile]] = [:]
        for (item, digest) in zip(work, computed) {
            if let digest { digests[item.folder, default: [:]][item.path] = digest }
        }
        let found = digests
        let results = Parallel.map(Array(zip(chain.entries.map(\.folder), parsed))) { folder, lines in
            FileHashCheck.compare(root, folder, lines, digests: found[folder] ?? [:])
        }
        var findings: [Finding] = []
        for (entry, (lines, result)) in zip(chain.entries, zip(parsed, results)) {
            findings += lines.findings + result.findings
            chain.listed[entry.folder] = lines.order
            chain.hashed[entry.folder] = result.hashed
            chain.bytesChecked += result.bytes
            chain.rowsChecked += result.rows
        }
        return findings
    }

    /// The paths SHA256SUMS lists in order, with the SHA-256 of each, and the findings of its malformed, unsafe and
    /// repeated lines.
    struct Lines: Sendable {
        var order: [String] = []
        var sealed: [String: String] = [:]
        var findings: [Finding] = []
    }

    static func lines(_ folder: String, _ sums: [UInt8]) -> Lines {
        var out = Lines()
        // Lines end at LF bytes only: a CR is part of the line (and makes it malformed or its path unsafe).
        for line in sums.split(separator: 10, omittingEmptySubsequences: false) where !line.isEmpty {
            let bytes = Array(line)
            guard bytes.count > 66,
                bytes.prefix(64).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
                bytes[64] == 32, bytes[65] == 32
            else {
                let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
                out.findings.append(
                    Finding(.sums, "\(folder)/SHA256SUMS", .invalid, "malformed line: \(shown)", entry: folder)
                )
                continue
            }
            let path = String(decoding: bytes[66...], as: UTF8.self)
            let safe =
                !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
                && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._/-".contains($0)) }
            guard safe else {
                out.findings.append(Finding(.sums, "\(folder)/\(path)", .invalid, "unsafe path", entry: folder))
                continue
            }
            if out.sealed[path] != nil {
                out.findings.append(Finding(.sums, "\(folder)/\(path)", .invalid, "listed twice", entry: folder))
            } else {
                out.order.append(path)
            }
            out.sealed[path] = String(decoding: bytes.prefix(64), as: UTF8.self)
        }
        return out
    }

    /// The files of one entry against its SHA256SUMS lines: unlisted, absent and changed files.
    static func compare(
        _ root: URL,
        _ folder: String,
        _ lines: Lines,
        digests: [String: ManifestFile]
    ) -> (findings: [Finding], hashed: [String: ManifestFile], bytes: Int, rows: Int) {
        var findings: [Finding] = []
        let present = Ledger.files(under: root.appendingPathComponent(folder)).filter {
            $0 != "SHA256SUMS" && $0 != "SHA256SUMS.sig"
        }
        for path in present where lines.sealed[path] == nil {
            findings.append(
                Finding(
                    .file,
                    "\(folder)/\(path)",
                    .invalid,
                    "not listed in SHA256SUMS (unsealed file)",
                    entry: folder
                )
            )
        }
        var hashed: [String: ManifestFile] = [:]
        var bytes = 0
        var rows = 0
        for path in lines.order.sorted() {
            guard let computed = digests[path] else {
                findings.append(
                    Finding(.file, "\(folder)/\(path)", .missing, "listed in SHA256SUMS but absent", entry: folder)
                )
                continue
            }
            bytes += computed.bytes
            rows += computed.rows ?? 0
            let sealed = lines.sealed[path] ?? ""
            guard computed.sha256 == sealed else {
                findings.append(
                    Finding(
                        .file,
                        "\(folder)/\(path)",
                        .invalid,
                        "sha256 mismatch (sealed \(sealed.prefix(16)), found \(computed.sha256.prefix(16)))",
                        entry: folder
                    )
                )
                continue
            }
            hashed[path] = computed
        }
        if lines.sealed["MANIFEST.json"] == nil {
            findings.append(
                Finding(.sums, "\(folder)/SHA256SUMS", .invalid, "MANIFEST.json is not listed", entry: folder)
            )
        }
        return (findings, hashed, bytes, rows)
    }
}

/// Step 5, manifest: the manifest's files are the ones SHA256SUMS lists, each with the size, rows, header hash and
/// Merkle root recomputed from the file; a month's manifest is in its month's folder, an amendment's in an
/// amendment folder of its month.
public struct ManifestCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        var findings: [Finding] = []
        for entry in chain.entries {
            let folder = entry.folder
            let hashed = chain.hashed[folder] ?? [:]
            let listed = Set(chain.listed[folder] ?? [])
            var files: [Finding] = []
            let sealed = Dictionary(
                (entry.manifest.files + entry.manifest.inputs).map { ($0.path, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            for path in hashed.keys.sorted() where path != "MANIFEST.json" {
                guard let recorded = sealed[path] else {
                    files.append(
                        Finding(
                            .manifest,
                            "\(folder)/\(path)",
                            .invalid,
                            "listed in SHA256SUMS but not in the manifest",
                            entry: folder
                        )
                    )
                    continue
                }
                if recorded != hashed[path] {
                    files.append(
                        Finding(
                            .manifest,
                            "\(folder)/\(path)",
                            .invalid,
                            "manifest entry (size, rows, header or Merkle root) does not match the file",
                            entry: folder
                        )
                    )
                }
            }
            for path in sealed.keys.sorted() where !listed.contains(path) {
                files.append(
                    Finding(
                        .manifest,
                        "\(folder)/\(path)",
                        .invalid,
                        "in the manifest but not in SHA256SUMS",
                        entry: folder
                    )
                )
            }
            // The OK line of steps 4 and 5: nothing said about the entry's files.
            let earlier = chain.findings.contains { $0.entry == folder && ($0.scope == .sums || $0.scope == .file) }
            if files.isEmpty && !earlier {
                files.append(Finding(.files, folder, .ok, "\(listed.count) files", entry: folder))
            }
            findings += files
            switch entry.manifest.kind {
            case .period where folder != entry.manifest.period.description:
                findings.append(
                    Finding(
                        .manifest,
                        folder,
                        .invalid,
                        "folder holds period \(entry.manifest.period), not \(folder)",
                        entry: folder
                    )
                )
            case .amendment where !folder.hasPrefix("\(entry.manifest.period).amend-"):
                findings.append(
                    Finding(
                        .manifest,
                        folder,
                        .invalid,
                        "amendment of \(entry.manifest.period) in the wrong folder",
                        entry: folder
                    )
                )
            default:
                break
            }
        }
        return findings
    }
}

/// Step 6, links: the first entry is seq 1 with no previous seal; each next one has the next seq, the same chain id,
/// and names the entry before it and the SHA-256 of its SHA256SUMS.
public struct LinkCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        var findings: [Finding] = []
        for (index, entry) in chain.entries.enumerated() {
            let manifest = entry.manifest
            guard index > 0 else {
                if manifest.seq != 1 || manifest.prevSealSHA256 != nil {
                    findings.append(
                        Finding(
                            .link,
                            entry.folder,
                            .invalid,
                            "the first entry has seq \(manifest.seq) and a previous seal; earlier entries are missing",
                            entry: entry.folder
                        )
                    )
                }
                continue
            }
            let previous = chain.entries[index - 1]
            if manifest.seq == previous.manifest.seq {
                findings.append(
                    Finding(
                        .chain,
                        entry.folder,
                        .invalid,
                        "seq \(manifest.seq) follows seq \(previous.manifest.seq) (duplicate or reordered)",
                        entry: entry.folder
                    )
                )
                continue
            }
            var problems: [String] = []
            if manifest.seq != previous.manifest.seq + 1 {
                problems.append("seq \(manifest.seq) follows seq \(previous.manifest.seq)")
            }
            if manifest.chainID != previous.manifest.chainID {
                problems.append("chain_id \(manifest.chainID), expected \(previous.manifest.chainID)")
            }
            if manifest.prevPeriod != previous.folder {
                problems.append("prev_period is \(manifest.prevPeriod ?? "null"), expected \(previous.folder)")
            }
            if manifest.prevSealSHA256 != previous.seal {
                problems.append(
                    "prev_seal_sha256 is \(manifest.prevSealSHA256?.prefix(16) ?? "null"), "
                        + "expected \(previous.seal.prefix(16))"
                )
            }
            let subject = "\(previous.folder) -> \(entry.folder)"
            findings.append(
                problems.isEmpty
                    ? Finding(.link, subject, .ok, entry: entry.folder)
                    : Finding(.link, subject, .invalid, problems.joined(separator: "; "), entry: entry.folder)
            )
        }
        return findings
    }
}

/// Step 7, contiguity: every month between the chain's first and last is sealed; each missing one is named.
public struct ContiguityCheck: ChainCheck {
    public init() {}

    public func check(_ chain: inout ChainState) -> [Finding] {
        let periods = chain.periods
        guard let first = periods.min(), let last = periods.max() else { return [] }
        let present = Set(periods)
        var findings: [Finding] = []
        var month = first
        while month < last {
            if !present.contains(month) {
                findings.append(
                    Finding(.chain, month.description, .missing, "no sealed folder between \(first) and \(last)")
                )
            }
            month = month.next
        }
        return findings
    }
}

/// Step 8, tail: the newest entries are anchored by a checkpoint line kept outside the operator's control (the chain
/// holds exactly that seal at that seq), by the month the chain must reach, or by a time-stamped checkpoint of the
/// tip (step 9, run first); otherwise the tail is UNANCHORED, inconclusive under `requireAnchor`.
public struct TailCheck: ChainCheck {
    public var checkpoint: String?
    public var expectThrough: Month?
    public var requireAnchor: Bool

    public init(checkpoint: String? = nil, expectThrough: Month? = nil, requireAnchor: Bool = false) {
        self.checkpoint = checkpoint
        self.expectThrough = expectThrough
        self.requireAnchor = requireAnchor
    }

    /// What a checkpoint line must look like, as an error says it.
    public static let checkpointForm =
        "expected one line 'backup-evidence-checkpoint <chain_id> <period> <seq> <seal_sha256>'"

    /// Whether `line` (without its line feed) has the five fields of a checkpoint line, its seq a number.
    public static func isCheckpointLine(_ line: String) -> Bool {
        let parts = line.split(separator: " ").map(String.init)
        return parts.count == 5 && parts[0] == "backup-evidence-checkpoint" && Int(parts[3]) != nil
    }

    public func check(_ chain: inout ChainState) throws -> [Finding] {
        var findings: [Finding] = []
        let tip = chain.entries.last
        var anchored = tip.map { chain.timeStamped.contains($0.manifest.seq) } ?? false
        if let line = checkpoint {
            let parts = line.split(separator: " ").map(String.init)
            guard TailCheck.isCheckpointLine(line), let seq = Int(parts[3]) else {
                throw LedgerError("checkpoint: \(TailCheck.checkpointForm)")
            }
            if let entry = chain.entries.first(where: { $0.manifest.seq == seq }) {
                if entry.seal == parts[4] && entry.folder == parts[2]
                    && Ledger.checkpointToken(entry.manifest.chainID) == parts[1]
                {
                    findings.append(Finding(.tail, parts[2], .ok, "checkpoint seq \(seq) found"))
                    anchored = anchored || tip?.manifest.seq == seq
                    if !anchored, let tip {
                        findings.append(
                            Finding(
                                .tail,
                                tip.folder,
                                requireAnchor ? .unanchored : .warn,
                                "entries after the checkpoint are not anchored"
                            )
                        )
                        anchored = true
                    }
                } else {
                    findings.append(
                        Finding(
                            .tail,
                            parts[2],
                            .invalid,
                            "seq \(seq) is sealed as \(entry.folder) with seal \(entry.seal.prefix(16)), "
                                + "the checkpoint says \(parts[2]) \(parts[4].prefix(16))"
                        )
                    )
                    anchored = true
                }
            } else {
                findings.append(
                    Finding(
                        .tail,
                        parts[2],
                        .missing,
                        "the chain ends at seq \(tip?.manifest.seq ?? 0), before the checkpoint's seq \(seq) (truncated)"
                    )
                )
                anchored = true
            }
        }
        if let through = expectThrough {
            anchored = true
            var month = (chain.periods.max() ?? through.previous).next
            while month <= through {
                findings.append(Finding(.tail, month.description, .missing, "expected sealed through \(through)"))
                month = month.next
            }
        }
        if !anchored, let tip, !chain.timeStamped.isEmpty {
            findings.append(
                Finding(
                    .tail,
                    tip.folder,
                    requireAnchor ? .unanchored : .warn,
                    "entries after the newest time-stamped checkpoint are not anchored"
                )
            )
            anchored = true
        }
        if !anchored, let tip {
            findings.append(
                Finding(.tail, tip.folder, .unanchored, "newest seal not covered by a checkpoint or --expect-through")
            )
        }
        return findings
    }
}

/// Step 9, time-stamps: each RFC 3161 token (given, then `anchors/*.tsr` by name) verifies against the TSA's
/// certificates and time-stamps the checkpoint line of an entry, as `checkpoint` prints it.
///
/// A verified token over an entry's line is ANCHORED with its time, which is reported, not judged; a token that does
/// not verify, or verifies over no entry's line (another chain's, or this chain's before it was re-sealed), is
/// INVALID. With no TSA certificates nothing is checked, and tokens kept in `anchors/` are a WARN saying so. Leaves the
/// seqs time-stamped for step 8.
public struct TimeStampCheck: ChainCheck {
    public var tokens: [TimeStampFile]
    public var authority: TimeStampAuthority?

    public init(tokens: [TimeStampFile] = [], authority: TimeStampAuthority?) {
        self.tokens = tokens
        self.authority = authority
    }

    public func check(_ chain: inout ChainState) -> [Finding] {
        let folder = chain.ledger.root.appendingPathComponent("anchors")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }.filter { $0.hasSuffix(".tsr") }
        guard let authority else {
            // Tokens the evidence holds are said to be there, unchecked, so an auditor knows to ask for the TSA.
            guard !names.isEmpty else { return [] }
            let (count, them) =
                names.count == 1 ? ("1 time-stamp token", "it") : ("\(names.count) time-stamp tokens", "them")
            return [
                Finding(
                    .timestamp,
                    "anchors/",
                    .warn,
                    "\(count) not checked; give --tsa-cert with the TSA's certificates to check \(them)"
                )
            ]
        }
        var files = tokens
        var findings: [Finding] = []
        for name in names {
            switch TimeStampCheck.token(at: folder.appendingPathComponent(name).path) {
            case .success(let bytes): files.append(TimeStampFile(name: "anchors/\(name)", bytes: bytes))
            case .failure(let problem): findings.append(Finding(.timestamp, "anchors/\(name)", .invalid, problem.text))
            }
        }
        let lines = chain.entries.map { SHA256.hash(Array((Ledger.checkpoint($0) + "\n").utf8)) }
        for file in files {
            let token: TimeStampToken
            do {
                token = try TimeStamp.verify(file.bytes, authority: authority)
            } catch {
                findings.append(Finding(.timestamp, file.name, .invalid, error.message))
                continue
            }
            guard let index = lines.firstIndex(of: token.imprint) else {
                findings.append(
                    Finding(
                        .timestamp,
                        file.name,
                        .invalid,
                        "the token time-stamps \(token.imprint.hex.prefix(16)), the checkpoint line of no entry of "
                            + "this chain"
                    )
                )
                continue
            }
            let entry = chain.entries[index]
            chain.timeStamped.insert(entry.manifest.seq)
            findings.append(
                Finding(
                    .timestamp,
                    entry.folder,
                    .anchored,
                    "checkpoint seq \(entry.manifest.seq) time-stamped \(token.time) "
                        + "(\(file.name), serial 0x\(token.serial))",
                    entry: entry.folder
                )
            )
        }
        return findings
    }
}

extension TimeStampCheck {
    /// The largest file of `anchors/` read as a token: an RFC 3161 token with its TSA's certificates is a few
    /// kilobytes.
    public static let largestToken = 1 << 20

    /// Why a file of `anchors/` is not read as a token.
    public struct Unread: Error {
        public var text: String
    }

    /// The bytes of a file of `anchors/`, which lies in the evidence checked: only a regular file (a FIFO or device
    /// could block a read or never end) no larger than `largestToken` is read.
    public static func token(at path: String) -> Result<[UInt8], Unread> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Unread(text: "cannot be read")) }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = ""
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a FIFO"
        case S_IFSOCK: kind = "a socket"
        case S_IFCHR, S_IFBLK: kind = "a device"
        default: kind = "a special file"
        }
        guard kind.isEmpty else { return .failure(Unread(text: "is \(kind), not a regular file")) }
        guard info.st_size <= largestToken else {
            return .failure(
                Unread(text: "is \(info.st_size) bytes, larger than a time-stamp token (at most \(largestToken))")
            )
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= largestToken else {
            return .failure(Unread(text: "cannot be read"))
        }
        return .success([UInt8](data))
    }
}

/// Step 10, rebuild: each entry that verified so far is computed again from its sealed inputs, and its files must
/// be the sealed ones: the same paths, each with the sealed size and SHA-256 (or, for a PDF, the same content).
///
/// The month is rebuilt into a scratch folder of its own, removed afterwards whatever happens, and its files are
/// hashed a chunk at a time (``FileDigest``), so memory holds chunks, never a month's files.
public struct RebuildCheck: ChainCheck {
    /// Writes an entry's month folder again from its sealed inputs (the entry's folder, its manifest) into the
    /// given empty folder, in the month folder's layout (`reports/…`, `inputs/…`).
    public var rebuild: @Sendable (URL, Manifest, URL) throws -> Void
    /// Whether a rebuilt file whose bytes differ from the sealed one still holds the same content (path, sealed,
    /// rebuilt); asked only of a PDF whose digest differs, with both files read whole.
    public var sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)?
    /// Where each month is rebuilt, in a new folder of its own.
    public var scratch: URL

    public init(
        rebuild: @escaping @Sendable (URL, Manifest, URL) throws -> Void,
        sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)? = nil,
        scratch: URL = FileManager.default.temporaryDirectory
    ) {
        self.rebuild = rebuild
        self.sameContent = sameContent
        self.scratch = scratch
    }

    public func check(_ chain: inout ChainState) -> [Finding] {
        var findings: [Finding] = []
        for entry in chain.entries where chain.isValid(entry.folder) {
            let base = chain.ledger.root.appendingPathComponent(entry.folder)
            do {
                let folder = try makeScratchFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                try rebuild(base, entry.manifest, folder)
                findings += try compare(entry, sealed: base, rebuilt: folder)
            } catch {
                findings.append(
                    Finding(
                        .rebuild,
                        entry.folder,
                        .invalid,
                        "cannot rebuild from the sealed inputs: \(error)",
                        entry: entry.folder
                    )
                )
            }
        }
        return findings
    }

    /// A new empty folder under `scratch`, readable by this user only.
    private func makeScratchFolder() throws(LedgerError) -> URL {
        var template = Array("\(scratch.path)/backup-evidence-rebuild-XXXXXX".utf8CString)
        // mkdtemp fills in the template where it stands.
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) } != nil
        }
        guard made else {
            throw LedgerError(.fileSystem, "\(scratch.path): cannot create a folder to rebuild in")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// One finding per file of the sealed or the rebuilt month, in path order.
    private func compare(_ entry: ChainEntry, sealed: URL, rebuilt: URL) throws -> [Finding] {
        var manifest: [String: ManifestFile] = [:]
        for file in entry.manifest.files + entry.manifest.inputs { manifest[file.path] = file }
        let paths = Ledger.files(under: rebuilt)
        let digests = FileDigest.entries(
            of: paths.map { (path: $0, location: rebuilt.appendingPathComponent($0).path) },
            rows: false
        )
        var fresh: [String: ManifestFile] = [:]
        for (path, digest) in zip(paths, digests) {
            guard let digest else {
                throw LedgerError(
                    .fileSystem,
                    "\(rebuilt.appendingPathComponent(path).path): cannot read the rebuilt file"
                )
            }
            fresh[path] = digest
        }
        var findings: [Finding] = []
        for path in Set(manifest.keys).union(fresh.keys).sorted() {
            let subject = "\(entry.folder)/\(path)"
            guard let sealedFile = manifest[path] else {
                findings.append(
                    Finding(
                        .rebuild,
                        subject,
                        .invalid,
                        "rebuilt bytes differ from the sealed file",
                        entry: entry.folder
                    )
                )
                continue
            }
            guard let rebuiltFile = fresh[path] else {
                findings.append(
                    Finding(
                        .rebuild,
                        subject,
                        .invalid,
                        "the sealed inputs do not rebuild this sealed file",
                        entry: entry.folder
                    )
                )
                continue
            }
            if sealedFile.bytes == rebuiltFile.bytes, sealedFile.sha256 == rebuiltFile.sha256 {
                findings.append(Finding(.rebuild, subject, .ok, entry: entry.folder))
            } else if let sameContent, path.hasSuffix(".pdf"),
                let old = FileManager.default.contents(atPath: sealed.appendingPathComponent(path).path),
                let new = FileManager.default.contents(atPath: rebuilt.appendingPathComponent(path).path),
                sameContent(path, [UInt8](old), [UInt8](new))
            {
                findings.append(
                    Finding(
                        .rebuild,
                        subject,
                        .ok,
                        "same content; its streams are compressed differently here",
                        entry: entry.folder
                    )
                )
            } else {
                findings.append(
                    Finding(
                        .rebuild,
                        subject,
                        .invalid,
                        "rebuilt bytes differ from the sealed file",
                        entry: entry.folder
                    )
                )
            }
        }
        return findings
    }
}
