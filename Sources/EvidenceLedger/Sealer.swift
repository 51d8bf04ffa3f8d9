public import EvidenceCrypto
public import EvidenceModel
public import Foundation

/// What to seal: a month's files (paths relative to the month folder, `reports/…` and `inputs/…`) and how.
public struct SealRequest {
    public var period: Month
    /// Files held in memory; a month too large for that is written into ``StagedSeal/folder`` instead.
    public var files: [String: [UInt8]]
    public var dataAsOf: Instant
    public var chainID: String
    public var key: Ed25519PrivateKey
    /// Announces a rotation: the next entry must be signed by this key.
    public var nextKey: Ed25519PublicKey?
    /// Seal an amendment of an already sealed month, with this reason, instead of the month itself.
    public var amendmentReason: String?
    public var generatorVersion: String

    public init(
        period: Month,
        files: [String: [UInt8]],
        dataAsOf: Instant,
        chainID: String,
        key: Ed25519PrivateKey,
        nextKey: Ed25519PublicKey? = nil,
        amendmentReason: String? = nil,
        generatorVersion: String
    ) {
        self.period = period
        self.files = files
        self.dataAsOf = dataAsOf
        self.chainID = chainID
        self.key = key
        self.nextKey = nextKey
        self.amendmentReason = amendmentReason
        self.generatorVersion = generatorVersion
    }
}

extension Ledger {
    /// Named points inside a seal at which a test may stop the process (`BACKUP_EVIDENCE_FAILPOINT`).
    public enum SealStep: String, CaseIterable, Sendable {
        case filesWritten = "files-written"
        case manifestWritten = "manifest-written"
        case sumsWritten = "sums-written"
        case signed = "signed"
        case renamed = "renamed"
    }

    /// Where the next entry for `period` goes, from the chain alone: the checks a seal makes before any of the
    /// month is computed.
    ///
    /// It refuses a damaged entry, another chain's evidence folder, a key the chain does not expect, a month
    /// already sealed, a month out of order and an amendment of a month not sealed. Reads only MANIFEST.json and
    /// SHA256SUMS of each entry.
    ///
    /// - Parameters:
    ///   - signingKeySHA256: the fingerprint of the key that will sign the entry.
    ///   - amendment: an amendment of `period` instead of the month itself.
    public func plan(
        period: Month,
        chainID: String,
        signingKeySHA256 fingerprint: String,
        amendment: Bool
    ) throws(LedgerError) -> SealPlan {
        let chain = try readEntries()
        let tip = chain.last
        if let tip {
            guard tip.manifest.chainID == chainID else {
                throw LedgerError(
                    .otherChain,
                    "\(root.path) holds chain \(tip.manifest.chainID), not \(chainID); use another evidence folder"
                )
            }
            let expected = tip.manifest.nextSigningKeySHA256 ?? tip.manifest.signingKeySHA256
            guard fingerprint == expected else {
                throw LedgerError(
                    .unexpectedKey,
                    "the chain's next entry must be signed by key \(expected.prefix(16)), not \(fingerprint.prefix(16)); "
                        + "announce a new key with --next-key in the month before"
                )
            }
        }
        let periods = chain.filter { $0.manifest.kind == .period }
        if amendment {
            guard let sealed = periods.first(where: { $0.manifest.period == period }) else {
                throw LedgerError(.notSealed, "\(period) is not sealed; there is nothing to amend")
            }
            let count = chain.filter { $0.manifest.kind == .amendment && $0.manifest.period == period }.count
            return SealPlan(
                folder: "\(period).amend-\(count + 1)",
                kind: .amendment,
                tip: tip,
                supersedes: chain.last { $0.manifest.period == period } ?? sealed
            )
        }
        if periods.contains(where: { $0.manifest.period == period }) {
            throw LedgerError(
                .alreadySealed,
                "\(period) is already sealed in \(root.path); a sealed month is never rewritten "
                    + "(late data goes in an amendment: monthly --amend)"
            )
        }
        if let last = periods.last?.manifest.period, period != last.next {
            throw LedgerError(
                .outOfOrder,
                period < last
                    ? "\(period) is before the chain's last sealed month \(last); months are sealed in order"
                    : "\(last.next) is not sealed yet; seal the months in order (a month with no activity is sealed too)"
            )
        }
        return SealPlan(folder: period.description, kind: .period, tip: tip, supersedes: nil)
    }

    /// Starts sealing a month: checks the chain (``plan(period:chainID:signingKeySHA256:amendment:)``), publishes
    /// the signing (and next) public keys under `keys/`, and creates the hidden staging folder beside the chain,
    /// with the request's files written into it.
    ///
    /// More files may then be written into ``StagedSeal/folder`` in the month folder's layout (`reports/…`,
    /// `inputs/…`) before ``StagedSeal/seal(failpoint:)``; on any failure, ``StagedSeal/discard()`` leaves the
    /// evidence folder as it was.
    public func stage(_ request: SealRequest) throws -> StagedSeal {
        let fingerprint = try request.key.publicKey().fingerprint().hex
        let plan = try plan(
            period: request.period,
            chainID: request.chainID,
            signingKeySHA256: fingerprint,
            amendment: request.amendmentReason != nil
        )
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = root.appendingPathComponent(".\(plan.folder).sealing-\(pid)")
        // What this run created, removed again if the seal fails: a failed seal leaves the chain as it was.
        var created: [URL] = []
        do {
            created += try makeFolders(root)
            for key in [try request.key.publicKey()] + (request.nextKey.map { [$0] } ?? []) {
                created += try publish(key)
            }
            if FileManager.default.fileExists(atPath: staging.path) {
                do {
                    try FileManager.default.removeItem(at: staging)
                } catch {
                    throw LedgerError(.fileSystem, "\(staging.path): cannot remove a previous staging folder")
                }
            }
            created += try makeFolders(staging)
            for path in request.files.keys.sorted() {
                try writeDurably(request.files[path] ?? [], to: staging.appendingPathComponent(path), sync: false)
            }
        } catch {
            for url in created.reversed() { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        var terms = request
        terms.files = [:]
        return StagedSeal(
            ledger: self,
            request: terms,
            plan: plan,
            folder: staging,
            signingKeySHA256: fingerprint,
            created: created
        )
    }

    /// Seals a month whose files are all in the request.
    ///
    /// It assembles the month in a hidden folder beside the chain, flushes every file, renames it into place
    /// and flushes the evidence folder, so a crash leaves the previous chain or the new one, never a half-sealed
    /// month. Publishes the signing (and next) public keys under `keys/`.
    ///
    /// - Parameter failpoint: stops the process at that step (tests of crash safety); nil in normal use.
    @discardableResult
    public func seal(_ request: SealRequest, failpoint: SealStep? = nil) throws -> ChainEntry {
        try stage(request).seal(failpoint: failpoint)
    }

    /// Removes folders that interrupted seals left behind (hidden `.…sealing-…` folders); they never verify.
    public func removeInterruptedSeals() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        where name.hasPrefix(".") && name.contains(".sealing-") {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Publishes a public key under `keys/`; returns what it created (the folder, the file), nothing if present.
    @discardableResult
    func publish(_ key: Ed25519PublicKey) throws -> [URL] {
        let folder = root.appendingPathComponent("keys")
        let file = folder.appendingPathComponent(Ledger.keyFileName(try key.fingerprint().hex))
        guard !FileManager.default.fileExists(atPath: file.path) else { return [] }
        let created = try makeFolders(folder)
        do {
            try writeDurably(try key.pem(), to: file)
        } catch {
            try? FileManager.default.removeItem(at: file)
            for url in created.reversed() { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        return created + [file]
    }

    /// Creates `url` and any missing parents; returns the folders it created, outermost first.
    func makeFolders(_ url: URL) throws(LedgerError) -> [URL] {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        while current.path != "/", !FileManager.default.fileExists(atPath: current.path) {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        var created: [URL] = []
        for folder in missing.reversed() {
            guard mkdir(folder.path, 0o755) == 0 || errno == EEXIST else {
                let failure = LedgerError.system(folder.path, "cannot create the folder")
                for url in created.reversed() { rmdir(url.path) }
                throw failure
            }
            created.append(folder)
        }
        return created
    }

    func writeDurably(_ bytes: [UInt8], to url: URL, sync: Bool = true) throws(LedgerError) {
        _ = try makeFolders(url.deletingLastPathComponent())
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .system(url.path, "cannot create the file") }
        defer { close(descriptor) }
        var offset = 0
        var failed = false
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else {
                    failed = true
                    return
                }
                offset += written
            }
        }
        if failed { throw .system(url.path, "cannot write") }
        guard !sync || fsync(descriptor) == 0 else { throw .system(url.path, "cannot flush to disk") }
    }

    /// Flushes a file already written to disk.
    func syncFile(_ url: URL) throws(LedgerError) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(url.path, "cannot open") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .system(url.path, "cannot flush to disk") }
    }

    func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// Where the next entry goes in the chain: what ``Ledger/plan(period:chainID:signingKeySHA256:amendment:)`` found.
public struct SealPlan: Sendable {
    /// The entry's folder name: `2028-04`, or `2028-04.amend-1`.
    public var folder: String
    /// A month, or an amendment of one.
    public var kind: EntryKind
    /// The chain's tip, which the entry links to; nil for the first entry.
    public var tip: ChainEntry?
    /// The entry an amendment supersedes (the month's newest).
    public var supersedes: ChainEntry?
}

/// A month being sealed: the keys are published and the hidden staging folder exists, holding what is written
/// into it so far.
///
/// Nothing in the chain changes until ``seal(failpoint:)`` renames the folder into place. Each file's digests are
/// computed from disk, a chunk at a time, as `verify` computes them, so a month of any size is sealed in bounded
/// memory.
public final class StagedSeal {
    public let ledger: Ledger
    public let plan: SealPlan
    /// The staging folder: the month folder's layout is written here (`reports/…`, `inputs/…`).
    public let folder: URL
    private let request: SealRequest
    private let fingerprint: String
    /// What staging created (folders, published keys, the staging folder), outermost first.
    private var created: [URL]

    init(
        ledger: Ledger,
        request: SealRequest,
        plan: SealPlan,
        folder: URL,
        signingKeySHA256: String,
        created: [URL]
    ) {
        self.ledger = ledger
        self.folder = folder
        self.request = request
        self.plan = plan
        fingerprint = signingKeySHA256
        self.created = created
    }

    /// Removes the staging folder and what staging created: the evidence folder is left as it was.
    public func discard() {
        try? FileManager.default.removeItem(at: folder)
        for url in created.reversed() { try? FileManager.default.removeItem(at: url) }
        created = []
    }

    /// Seals the staged files.
    ///
    /// It hashes every file under the staging folder (``FileDigest/entries(of:chunk:)``), writes MANIFEST.json,
    /// SHA256SUMS and SHA256SUMS.sig, flushes every file and folder, renames the folder into place and flushes the
    /// evidence folder, so a crash leaves the previous chain or the new one, never a half-sealed month. On failure
    /// the staging folder and what staging created are removed.
    ///
    /// - Parameter failpoint: stops the process at that step (tests of crash safety); nil in normal use.
    @discardableResult
    public func seal(failpoint: Ledger.SealStep? = nil) throws -> ChainEntry {
        do {
            return try sealStaged(failpoint: failpoint)
        } catch {
            discard()
            throw error
        }
    }

    private func sealStaged(failpoint: Ledger.SealStep?) throws -> ChainEntry {
        func stop(_ step: Ledger.SealStep) {
            if failpoint == step { kill(getpid(), SIGKILL) }
        }
        let sealFiles: Set = ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.sig"]
        let paths = Ledger.files(under: folder).filter { !sealFiles.contains($0) }
        let digests = FileDigest.entries(of: paths.map { (path: $0, location: folder.appendingPathComponent($0).path) })
        var reports: [ManifestFile] = []
        var inputs: [ManifestFile] = []
        var hashes: [String: String] = [:]
        for (path, digest) in zip(paths, digests) {
            guard let digest else {
                throw LedgerError(
                    .fileSystem,
                    "\(folder.appendingPathComponent(path).path): cannot read the staged file"
                )
            }
            hashes[path] = digest.sha256
            if path.hasPrefix("inputs/") { inputs.append(digest) } else { reports.append(digest) }
        }
        let tip = plan.tip
        let manifest = Manifest(
            kind: plan.kind,
            chainID: request.chainID,
            period: request.period,
            seq: (tip?.manifest.seq ?? 0) + 1,
            prevPeriod: tip?.folder,
            prevSeq: tip?.manifest.seq,
            prevSealSHA256: tip?.seal,
            dataAsOf: request.dataAsOf,
            generatorVersion: request.generatorVersion,
            signingKeySHA256: fingerprint,
            nextSigningKeySHA256: try request.nextKey?.fingerprint().hex,
            files: reports,
            inputs: inputs,
            supersedesPeriod: plan.supersedes.map { _ in request.period.description },
            supersedesSealSHA256: plan.supersedes?.seal,
            reason: request.amendmentReason
        )
        let manifestBytes = manifest.encode()
        hashes["MANIFEST.json"] = SHA256.hash(manifestBytes).hex
        let sums = Ledger.sums(hexDigests: hashes)
        let signature = try request.key.sign(sums)
        for path in paths { try ledger.syncFile(folder.appendingPathComponent(path)) }
        stop(.filesWritten)
        try ledger.writeDurably(manifestBytes, to: folder.appendingPathComponent("MANIFEST.json"))
        stop(.manifestWritten)
        try ledger.writeDurably(sums, to: folder.appendingPathComponent("SHA256SUMS"))
        stop(.sumsWritten)
        try ledger.writeDurably(signature, to: folder.appendingPathComponent("SHA256SUMS.sig"))
        stop(.signed)
        var folders = Set(paths.map { folder.appendingPathComponent($0).deletingLastPathComponent().path })
        folders.insert(folder.path)
        for path in folders.sorted() { ledger.syncDirectory(URL(fileURLWithPath: path)) }
        let destination = ledger.root.appendingPathComponent(plan.folder)
        guard rename(folder.path, destination.path) == 0 else {
            throw LedgerError.system(destination.path, "cannot move the sealed month into place")
        }
        // In place: nothing is removed any more, whatever happens next.
        created = []
        ledger.syncDirectory(ledger.root)
        stop(.renamed)
        return ChainEntry(folder: plan.folder, manifest: manifest, seal: SHA256.hash(sums).hex)
    }
}
