public import EvidenceCrypto
public import EvidenceModel
public import Foundation

/// One line of `verify`'s report: `<SCOPE>\t<subject>\t<STATUS>[: detail]` (evidence-chain.md §6.7).
///
/// The subject and detail hold values read from the evidence (folder and file names, lines of SHA256SUMS, chain
/// ids); `description` prints them escaped (`Printable.value`), so a finding is always exactly one line.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    public enum Status: String, Sendable {
        case ok = "OK"
        case invalid = "INVALID"
        case missing = "MISSING"
        case unverified = "UNVERIFIED"
        case unanchored = "UNANCHORED"
        case warn = "WARN"
        /// A checkpoint line time-stamped by a verified RFC 3161 token; the detail gives the token's time.
        case anchored = "ANCHORED"
    }

    public var scope: String
    public var subject: String
    public var status: Status
    public var detail: String

    public init(_ scope: String, _ subject: String, _ status: Status, _ detail: String = "") {
        self.scope = scope
        self.subject = subject
        self.status = status
        self.detail = detail
    }

    public var description: String {
        "\(scope)\t\(Printable.value(subject))\t\(status.rawValue)"
            + (detail.isEmpty ? "" : ": \(Printable.value(detail))")
    }
}

extension Finding {
    /// The finding of a check made with no pinned key: inconclusive, whatever else passed.
    ///
    /// `keys/` lies inside the evidence checked, and a chain re-sealed with another key brings that key along. The
    /// finding names the key the chain claims (its first entry's), for the auditor to compare with the fingerprint
    /// given out of band and pin.
    public static func unpinnedKey(claimed: String) -> Finding {
        Finding(
            "KEY",
            "keys/",
            .unverified,
            "no key pinned; the chain claims key \(claimed): compare it with the fingerprint you were given, "
                + "then run again with --expect-key-sha256 \(claimed)"
        )
    }
}

/// What `verify` is told to trust and to expect.
public struct VerifyOptions {
    /// The pinned key: the chain's first entry must be signed by it, later keys only by announced handover.
    public var trustedKey: Ed25519PublicKey?
    /// The pinned key's fingerprint, looked up among `keys/`.
    public var expectedKeySHA256: String?
    /// A checkpoint line saved earlier: the chain must hold exactly that seal at that seq.
    public var checkpoint: String?
    /// The chain must reach at least this month.
    public var expectThrough: Month?
    /// An unanchored tip is inconclusive (exit 3) rather than a warning.
    public var requireAnchor: Bool
    /// RFC 3161 tokens given to `verify` (`--timestamp`), each over an entry's checkpoint line.
    public var timestamps: [TimeStampFile]
    /// The TSA certificates tokens are checked against; when set, `anchors/*.tsr` are checked too.
    public var timeStampAuthority: TimeStampAuthority?
    /// Rebuilds an entry's reports from its sealed inputs; bytes that differ are INVALID.
    public var rebuild: (@Sendable (URL, Manifest) throws -> [String: [UInt8]])?
    /// Whether a rebuilt file whose bytes differ from the sealed one still holds the same content (path, sealed,
    /// rebuilt): a PDF whose streams another zlib compressed differently.
    public var sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)?

    public init(
        trustedKey: Ed25519PublicKey? = nil,
        expectedKeySHA256: String? = nil,
        checkpoint: String? = nil,
        expectThrough: Month? = nil,
        requireAnchor: Bool = false,
        timestamps: [TimeStampFile] = [],
        timeStampAuthority: TimeStampAuthority? = nil,
        rebuild: (@Sendable (URL, Manifest) throws -> [String: [UInt8]])? = nil,
        sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)? = nil
    ) {
        self.trustedKey = trustedKey
        self.expectedKeySHA256 = expectedKeySHA256
        self.checkpoint = checkpoint
        self.expectThrough = expectThrough
        self.requireAnchor = requireAnchor
        self.timestamps = timestamps
        self.timeStampAuthority = timeStampAuthority
        self.rebuild = rebuild
        self.sameContent = sameContent
    }
}

/// An RFC 3161 token file: the name it is reported by and its bytes.
public struct TimeStampFile: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The outcome of `verify`: findings in check order, a summary and the exit status of ARCHITECTURE.md §4.
///
/// The exit status and the summary are computed from the findings alone, so neither can contradict them.
public struct VerifyReport: Sendable {
    public var findings: [Finding]
    /// One line, printable as it stands: counts taken from the findings, and the verdict.
    public var summary: String
    /// 0 verified against a pinned key, 1 any INVALID or MISSING finding, 3 otherwise any UNVERIFIED finding (an
    /// unpinned or unknown key) or, under `--require-anchor`, an UNANCHORED one.
    public var exitStatus: Int32
    /// Bytes of files checked, and CSV rows whose leaves were recomputed.
    public var bytesChecked: Int
    public var rowsChecked: Int
}

extension Ledger {
    /// Runs the checks of evidence-chain.md §6.7 in order: layout, key, signature, file hashes, manifest, links,
    /// contiguity, tail, and (optionally) rebuild.
    ///
    /// Throws when there is nothing to verify (`requireSealedEntry`).
    public func verify(_ options: VerifyOptions) throws -> VerifyReport {
        try requireSealedEntry()
        var findings: [Finding] = []
        var bytesChecked = 0
        var rowsChecked = 0

        // 1. Layout.
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        var folders: [String] = []
        for name in names where !name.hasPrefix(".") && name != "keys" && name != "anchors" {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: root.appendingPathComponent(name).path,
                isDirectory: &isDirectory
            )
            guard isDirectory.boolValue, Ledger.isEntryName(name) else {
                findings.append(Finding("LAYOUT", name, .invalid, "not a month or amendment folder"))
                continue
            }
            let missing = ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.sig"].filter {
                !FileManager.default.fileExists(atPath: root.appendingPathComponent("\(name)/\($0)").path)
            }
            if !missing.isEmpty {
                findings.append(
                    Finding("LAYOUT", name, .invalid, "missing \(missing.joined(separator: ", ")) (not sealed)")
                )
                continue
            }
            folders.append(name)
        }

        struct Loaded {
            var folder: String
            var manifest: Manifest
            var sums: [UInt8]
            var seal: String
            var valid: Bool
        }
        var loaded: [Loaded] = []
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            let manifestBytes = [UInt8](
                FileManager.default.contents(atPath: base.appendingPathComponent("MANIFEST.json").path) ?? Data()
            )
            let sums = [UInt8](
                FileManager.default.contents(atPath: base.appendingPathComponent("SHA256SUMS").path) ?? Data()
            )
            do {
                let manifest = try Manifest.decode(manifestBytes)
                loaded.append(
                    Loaded(folder: folder, manifest: manifest, sums: sums, seal: SHA256.hash(sums).hex, valid: true)
                )
            } catch {
                findings.append(Finding("MANIFEST", "\(folder)/MANIFEST.json", .invalid, error.description))
            }
        }
        loaded.sort { ($0.manifest.seq, $0.folder) < ($1.manifest.seq, $1.folder) }

        // 2. Key: the first entry must be signed by the pinned key; later keys by handover only.
        var pinned: String?
        if let trusted = options.trustedKey { pinned = try trusted.fingerprint().hex }
        if let expected = options.expectedKeySHA256?.lowercased() { pinned = expected }
        if pinned == nil, let claimed = loaded.first?.manifest.signingKeySHA256 {
            findings.append(Finding.unpinnedKey(claimed: claimed))
        }
        var trustedFingerprint = pinned
        for index in loaded.indices {
            let entry = loaded[index]
            let fingerprint = entry.manifest.signingKeySHA256
            if let expected = trustedFingerprint, fingerprint != expected {
                findings.append(
                    Finding(
                        "KEY",
                        entry.folder,
                        .invalid,
                        "signed by key \(fingerprint.prefix(16)), expected \(expected.prefix(16))"
                    )
                )
                loaded[index].valid = false
            }
            trustedFingerprint = entry.manifest.nextSigningKeySHA256 ?? fingerprint
            // 3. Signature.
            let key =
                options.trustedKey.flatMap { (try? $0.fingerprint().hex) == fingerprint ? $0 : nil }
                ?? publicKey(fingerprint: fingerprint)
            guard let key else {
                findings.append(
                    Finding("KEY", entry.folder, .unverified, "key \(fingerprint.prefix(16)) not found in keys/")
                )
                loaded[index].valid = false
                continue
            }
            let signature = [UInt8](
                FileManager.default.contents(atPath: root.appendingPathComponent("\(entry.folder)/SHA256SUMS.sig").path)
                    ?? Data()
            )
            if !key.verify(signature, of: entry.sums) {
                findings.append(
                    Finding(
                        "SEAL",
                        "\(entry.folder)/SHA256SUMS",
                        .invalid,
                        "signature verification failed (key \(fingerprint.prefix(16)))"
                    )
                )
                loaded[index].valid = false
            } else {
                findings.append(Finding("SEAL", "\(entry.folder)/SHA256SUMS", .ok))
            }
        }

        // 4. and 5. Files against SHA256SUMS, and the manifest against both.
        // Every listed file of every entry is hashed in one pass over all cores (FileDigest.entries).
        var work: [(String, String)] = []
        var locations: [String] = []
        for entry in loaded {
            let folder = root.appendingPathComponent(entry.folder).path
            for line in String(decoding: entry.sums, as: UTF8.self).split(separator: "\n") where line.utf8.count > 66 {
                let path = String(line.dropFirst(66))
                if !path.split(separator: "/").contains("..") {
                    work.append((entry.folder, path))
                    locations.append("\(folder)/\(path)")
                }
            }
        }
        let computed = FileDigest.entries(of: zip(work, locations).map { (path: $0.1, location: $1) })
        var digests: [String: [String: ManifestFile]] = [:]
        for ((folder, path), digest) in zip(work, computed) {
            if let digest { digests[folder, default: [:]][path] = digest }
        }
        let found = digests
        let checked = Parallel.map(loaded) {
            checkFiles($0.folder, $0.manifest, $0.sums, digests: found[$0.folder] ?? [:])
        }
        for index in loaded.indices {
            let entry = loaded[index]
            let (fileFindings, bytes, rows) = checked[index]
            findings += fileFindings
            bytesChecked += bytes
            rowsChecked += rows
            if fileFindings.contains(where: { $0.status != .ok }) { loaded[index].valid = false }
            if entry.manifest.kind == "period", entry.folder != entry.manifest.period.description {
                findings.append(
                    Finding(
                        "MANIFEST",
                        entry.folder,
                        .invalid,
                        "folder holds period \(entry.manifest.period), not \(entry.folder)"
                    )
                )
                loaded[index].valid = false
            }
            if entry.manifest.kind == "amendment", !entry.folder.hasPrefix("\(entry.manifest.period).amend-") {
                findings.append(
                    Finding(
                        "MANIFEST",
                        entry.folder,
                        .invalid,
                        "amendment of \(entry.manifest.period) in the wrong folder"
                    )
                )
                loaded[index].valid = false
            }
        }

        // 6. Links, seq and chain id.
        for index in loaded.indices {
            let entry = loaded[index]
            guard index > 0 else {
                if entry.manifest.seq != 1 || entry.manifest.prevSealSHA256 != nil {
                    findings.append(
                        Finding(
                            "LINK",
                            entry.folder,
                            .invalid,
                            "the first entry has seq \(entry.manifest.seq) and a previous seal; earlier entries are missing"
                        )
                    )
                    loaded[index].valid = false
                }
                continue
            }
            let previous = loaded[index - 1]
            let subject = "\(previous.folder) -> \(entry.folder)"
            var problems: [String] = []
            if entry.manifest.seq == previous.manifest.seq {
                findings.append(
                    Finding(
                        "CHAIN",
                        entry.folder,
                        .invalid,
                        "seq \(entry.manifest.seq) follows seq \(previous.manifest.seq) (duplicate or reordered)"
                    )
                )
                loaded[index].valid = false
                continue
            }
            if entry.manifest.seq != previous.manifest.seq + 1 {
                problems.append("seq \(entry.manifest.seq) follows seq \(previous.manifest.seq)")
            }
            if entry.manifest.chainID != previous.manifest.chainID {
                problems.append("chain_id \(entry.manifest.chainID), expected \(previous.manifest.chainID)")
            }
            if entry.manifest.prevPeriod != previous.folder {
                problems.append("prev_period is \(entry.manifest.prevPeriod ?? "null"), expected \(previous.folder)")
            }
            if entry.manifest.prevSealSHA256 != previous.seal {
                problems.append(
                    "prev_seal_sha256 is \(entry.manifest.prevSealSHA256?.prefix(16) ?? "null"), expected \(previous.seal.prefix(16))"
                )
            }
            if problems.isEmpty {
                findings.append(Finding("LINK", subject, .ok))
            } else {
                findings.append(Finding("LINK", subject, .invalid, problems.joined(separator: "; ")))
                loaded[index].valid = false
            }
        }

        // 7. Contiguity of the months.
        let periods = loaded.filter { $0.manifest.kind == "period" }.map(\.manifest.period)
        if let first = periods.min(), let last = periods.max() {
            var month = first
            let present = Set(periods)
            while month < last {
                if !present.contains(month) {
                    findings.append(
                        Finding("CHAIN", month.description, .missing, "no sealed folder between \(first) and \(last)")
                    )
                }
                month = month.next
            }
        }

        // 9. RFC 3161 tokens, checked before the tail, which they may anchor.
        let stamped = checkTimeStamps(
            options,
            entries: loaded.map { ChainEntry(folder: $0.folder, manifest: $0.manifest, seal: $0.seal) }
        )
        let tipStamped = loaded.last.map { stamped.seqs.contains($0.manifest.seq) } ?? false

        // 8. Tail: a checkpoint, an expected last month, a time-stamped tip, or an unanchored warning.
        var anchored = tipStamped
        if let line = options.checkpoint {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 5, parts[0] == "backup-evidence-checkpoint", let seq = Int(parts[3]) else {
                throw LedgerError(
                    "checkpoint: expected 'backup-evidence-checkpoint <chain_id> <period> <seq> <seal_sha256>'"
                )
            }
            if let entry = loaded.first(where: { $0.manifest.seq == seq }) {
                if entry.seal == parts[4] && entry.folder == parts[2]
                    && Ledger.checkpointToken(entry.manifest.chainID) == parts[1]
                {
                    findings.append(Finding("TAIL", parts[2], .ok, "checkpoint seq \(seq) found"))
                    anchored = anchored || loaded.last?.manifest.seq == seq
                    if !anchored, let tip = loaded.last {
                        findings.append(
                            Finding(
                                "TAIL",
                                tip.folder,
                                options.requireAnchor ? .unanchored : .warn,
                                "entries after the checkpoint are not anchored"
                            )
                        )
                        anchored = true
                    }
                } else {
                    findings.append(
                        Finding(
                            "TAIL",
                            parts[2],
                            .invalid,
                            "seq \(seq) is sealed as \(entry.folder) with seal \(entry.seal.prefix(16)), the checkpoint says \(parts[2]) \(parts[4].prefix(16))"
                        )
                    )
                    anchored = true
                }
            } else {
                findings.append(
                    Finding(
                        "TAIL",
                        parts[2],
                        .missing,
                        "the chain ends at seq \(loaded.last?.manifest.seq ?? 0), before the checkpoint's seq \(seq) (truncated)"
                    )
                )
                anchored = true
            }
        }
        if let through = options.expectThrough {
            anchored = true
            var month = (periods.max() ?? through.previous).next
            while month <= through {
                findings.append(Finding("TAIL", month.description, .missing, "expected sealed through \(through)"))
                month = month.next
            }
        }
        if !anchored, let tip = loaded.last, !stamped.seqs.isEmpty {
            findings.append(
                Finding(
                    "TAIL",
                    tip.folder,
                    options.requireAnchor ? .unanchored : .warn,
                    "entries after the newest time-stamped checkpoint are not anchored"
                )
            )
            anchored = true
        }
        if !anchored, let tip = loaded.last {
            findings.append(
                Finding("TAIL", tip.folder, .unanchored, "newest seal not covered by a checkpoint or --expect-through")
            )
        }
        findings += stamped.findings

        // 10. Rebuild from the sealed inputs.
        if let rebuild = options.rebuild {
            for entry in loaded where entry.valid {
                let base = root.appendingPathComponent(entry.folder)
                do {
                    let rebuilt = try rebuild(base, entry.manifest)
                    for path in rebuilt.keys.sorted() {
                        let sealed = FileManager.default.contents(atPath: base.appendingPathComponent(path).path).map {
                            [UInt8]($0)
                        }
                        if sealed != rebuilt[path], let sealed, let fresh = rebuilt[path],
                            options.sameContent?(path, sealed, fresh) == true
                        {
                            findings.append(
                                Finding(
                                    "REBUILD",
                                    "\(entry.folder)/\(path)",
                                    .ok,
                                    "same content; its streams are compressed differently here"
                                )
                            )
                        } else if sealed != rebuilt[path] {
                            findings.append(
                                Finding(
                                    "REBUILD",
                                    "\(entry.folder)/\(path)",
                                    .invalid,
                                    "rebuilt bytes differ from the sealed file"
                                )
                            )
                        } else {
                            findings.append(Finding("REBUILD", "\(entry.folder)/\(path)", .ok))
                        }
                    }
                } catch {
                    findings.append(
                        Finding("REBUILD", entry.folder, .invalid, "cannot rebuild from the sealed inputs: \(error)")
                    )
                }
            }
        }

        let range =
            periods.isEmpty ? "(empty)" : "\(periods.min()?.description ?? "")..\(periods.max()?.description ?? "")"
        return VerifyReport(
            findings: findings,
            options: options,
            chain: loaded.first?.manifest.chainID ?? "-",
            range: range,
            entries: (valid: loaded.filter(\.valid).count, all: loaded.count),
            checked: (bytes: bytesChecked, rows: rowsChecked)
        )
    }

    /// Checks every RFC 3161 token (`--timestamp`, then `anchors/*.tsr` by name when TSA certificates are given)
    /// and finds the entry whose checkpoint line, as `checkpoint` prints it, the token's imprint is the SHA-256 of.
    ///
    /// A verified token over an entry's line is ANCHORED with its time, which is reported, not judged; a token that
    /// does not verify, or verifies over no entry's line (another chain's, or this chain's before it was re-sealed),
    /// is INVALID. Returns the findings and the seqs of the entries time-stamped.
    func checkTimeStamps(_ options: VerifyOptions, entries: [ChainEntry]) -> (findings: [Finding], seqs: Set<Int>) {
        guard let authority = options.timeStampAuthority else { return ([], []) }
        var files = options.timestamps
        let folder = root.appendingPathComponent("anchors")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        var findings: [Finding] = []
        for name in names where name.hasSuffix(".tsr") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                findings.append(Finding("TIMESTAMP", "anchors/\(name)", .invalid, "cannot be read"))
                continue
            }
            files.append(TimeStampFile(name: "anchors/\(name)", bytes: [UInt8](data)))
        }
        let lines = entries.map { SHA256.hash(Array((Ledger.checkpoint($0) + "\n").utf8)) }
        var seqs: Set<Int> = []
        for file in files {
            let token: TimeStampToken
            do {
                token = try TimeStamp.verify(file.bytes, authority: authority)
            } catch {
                findings.append(Finding("TIMESTAMP", file.name, .invalid, error.message))
                continue
            }
            guard let index = lines.firstIndex(of: token.imprint) else {
                findings.append(
                    Finding(
                        "TIMESTAMP",
                        file.name,
                        .invalid,
                        "the token time-stamps \(token.imprint.hex.prefix(16)), the checkpoint line of no entry of "
                            + "this chain"
                    )
                )
                continue
            }
            let entry = entries[index]
            seqs.insert(entry.manifest.seq)
            findings.append(
                Finding(
                    "TIMESTAMP",
                    entry.folder,
                    .anchored,
                    "checkpoint seq \(entry.manifest.seq) time-stamped \(token.time) (\(file.name), serial 0x\(token.serial))"
                )
            )
        }
        return (findings, seqs)
    }

    /// Throws when there is nothing to verify: the folder is missing or not a folder, or holds no sealed entry (a
    /// month or amendment folder with MANIFEST.json, SHA256SUMS and SHA256SUMS.sig).
    public func requireSealedEntry() throws(LedgerError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw LedgerError("\(root.path): no such evidence folder; nothing to verify")
        }
        guard isDirectory.boolValue else {
            throw LedgerError("\(root.path): not a folder (expected an evidence folder); nothing to verify")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let sealed = names.contains { name in
            Ledger.isEntryName(name)
                && ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.sig"].allSatisfy {
                    FileManager.default.fileExists(atPath: root.appendingPathComponent("\(name)/\($0)").path)
                }
        }
        guard sealed else {
            throw LedgerError(
                "\(root.path): no sealed month (no YYYY-MM folder holding MANIFEST.json, SHA256SUMS and "
                    + "SHA256SUMS.sig); nothing to verify"
            )
        }
    }

    /// Hashes every file of an entry against SHA256SUMS and checks the manifest's entries, rows and roots.
    func checkFiles(
        _ folder: String,
        _ manifest: Manifest,
        _ sums: [UInt8],
        digests: [String: ManifestFile]
    ) -> ([Finding], Int, Int) {
        var findings: [Finding] = []
        let base = root.appendingPathComponent(folder)
        var listed: [String: String] = [:]
        // Lines end at LF bytes only: a CR is part of the line (and makes it malformed or its path unsafe).
        for line in sums.split(separator: 10, omittingEmptySubsequences: false) where !line.isEmpty {
            let bytes = Array(line)
            guard bytes.count > 66,
                bytes.prefix(64).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
                bytes[64] == 32, bytes[65] == 32
            else {
                let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
                findings.append(Finding("SUMS", "\(folder)/SHA256SUMS", .invalid, "malformed line: \(shown)"))
                continue
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let path = String(decoding: bytes[66...], as: UTF8.self)
            let safe =
                !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
                && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._/-".contains($0)) }
            guard safe else {
                findings.append(Finding("SUMS", "\(folder)/\(path)", .invalid, "unsafe path"))
                continue
            }
            if listed[path] != nil { findings.append(Finding("SUMS", "\(folder)/\(path)", .invalid, "listed twice")) }
            listed[path] = String(text.prefix(64))
        }
        // Unlisted files.
        let present = Ledger.files(under: base).filter { $0 != "SHA256SUMS" && $0 != "SHA256SUMS.sig" }
        for path in present where listed[path] == nil {
            findings.append(Finding("FILE", "\(folder)/\(path)", .invalid, "not listed in SHA256SUMS (unsealed file)"))
        }
        let entries = Dictionary(
            (manifest.files + manifest.inputs).map { ($0.path, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        let paths = listed.keys.sorted()
        let results = paths.map { path in (path, digests[path], digests[path] != nil) }
        var bytes = 0
        var rows = 0
        for (path, computed, exists) in results {
            guard exists, let computed else {
                findings.append(Finding("FILE", "\(folder)/\(path)", .missing, "listed in SHA256SUMS but absent"))
                continue
            }
            bytes += computed.bytes
            rows += computed.rows ?? 0
            if computed.sha256 != listed[path] {
                findings.append(
                    Finding(
                        "FILE",
                        "\(folder)/\(path)",
                        .invalid,
                        "sha256 mismatch (sealed \(listed[path]?.prefix(16) ?? ""), found \(computed.sha256.prefix(16)))"
                    )
                )
                continue
            }
            if path == "MANIFEST.json" { continue }
            guard let sealed = entries[path] else {
                findings.append(
                    Finding("MANIFEST", "\(folder)/\(path)", .invalid, "listed in SHA256SUMS but not in the manifest")
                )
                continue
            }
            if sealed != computed {
                findings.append(
                    Finding(
                        "MANIFEST",
                        "\(folder)/\(path)",
                        .invalid,
                        "manifest entry (size, rows, header or Merkle root) does not match the file"
                    )
                )
            }
        }
        if listed["MANIFEST.json"] == nil {
            findings.append(Finding("SUMS", "\(folder)/SHA256SUMS", .invalid, "MANIFEST.json is not listed"))
        }
        for path in entries.keys.sorted() where listed[path] == nil {
            findings.append(Finding("MANIFEST", "\(folder)/\(path)", .invalid, "in the manifest but not in SHA256SUMS"))
        }
        if findings.isEmpty { findings.append(Finding("FILES", folder, .ok, "\(paths.count) files")) }
        return (findings, bytes, rows)
    }
}

extension VerifyReport {
    /// The report of a run: its exit status and summary computed from `findings` alone.
    init(
        findings: [Finding],
        options: VerifyOptions,
        chain: String,
        range: String,
        entries: (valid: Int, all: Int),
        checked: (bytes: Int, rows: Int)
    ) {
        func count(_ status: Finding.Status) -> Int { findings.filter { $0.status == status }.count }
        let missingEntries = findings.filter { ($0.scope == "CHAIN" || $0.scope == "TAIL") && $0.status == .missing }
        let inconclusive =
            findings.contains { $0.status == .unverified }
            || (options.requireAnchor && findings.contains { $0.status == .unanchored })
        let exitStatus: Int32 = count(.invalid) + count(.missing) > 0 ? 1 : (inconclusive ? 3 : 0)
        let verdict = ["VERIFIED", "INVALID", "", "INCONCLUSIVE"][Int(exitStatus)]
        self.init(
            findings: findings,
            summary:
                "Summary: chain \(Printable.value(chain)) \(range): \(entries.valid)/\(entries.all) entries valid, "
                + "\(missingEntries.count) missing; findings: \(count(.invalid)) INVALID, \(count(.missing)) MISSING, "
                + "\(count(.unverified)) UNVERIFIED; \(checked.bytes) bytes and \(checked.rows) rows checked; \(verdict)",
            exitStatus: exitStatus,
            bytesChecked: checked.bytes,
            rowsChecked: checked.rows
        )
    }
}
