public import EvidenceCrypto
public import EvidenceModel
internal import Foundation

/// What to seal: a month's files (paths relative to the month folder, `reports/…` and `inputs/…`) and how.
public struct SealRequest {
    public var period: Month
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

    /// The complete folder an entry would hold.
    ///
    /// That is the files, MANIFEST.json, SHA256SUMS and SHA256SUMS.sig, with the
    /// folder name and manifest. Pure apart from reading the chain.
    public func prepare(_ request: SealRequest) throws -> (folder: String, manifest: Manifest, files: [String: [UInt8]])
    {
        let chain = try readEntries()
        let tip = chain.last
        let fingerprint = try request.key.publicKey().fingerprint().hex
        if let tip {
            guard tip.manifest.chainID == request.chainID else {
                throw LedgerError(
                    .otherChain,
                    "\(root.path) holds chain \(tip.manifest.chainID), not \(request.chainID); use another evidence folder"
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
        var folder = request.period.description
        var kind = EntryKind.period
        var supersedes: ChainEntry?
        if request.amendmentReason != nil {
            guard let sealed = periods.first(where: { $0.manifest.period == request.period }) else {
                throw LedgerError(.notSealed, "\(request.period) is not sealed; there is nothing to amend")
            }
            let count = chain.filter { $0.manifest.kind == .amendment && $0.manifest.period == request.period }.count
            folder = "\(request.period).amend-\(count + 1)"
            kind = .amendment
            supersedes = chain.last { $0.manifest.period == request.period } ?? sealed
        } else {
            if periods.contains(where: { $0.manifest.period == request.period }) {
                throw LedgerError(
                    .alreadySealed,
                    "\(request.period) is already sealed in \(root.path); a sealed month is never rewritten "
                        + "(late data goes in an amendment: monthly --amend)"
                )
            }
            if let last = periods.last?.manifest.period, request.period != last.next {
                throw LedgerError(
                    .outOfOrder,
                    request.period < last
                        ? "\(request.period) is before the chain's last sealed month \(last); months are sealed in order"
                        : "\(last.next) is not sealed yet; seal the months in order (a month with no activity is sealed too)"
                )
            }
        }
        var files = request.files.mapValues { $0 }
        var reports: [ManifestFile] = []
        var inputs: [ManifestFile] = []
        let snapshot = request.files
        let digests = Parallel.map(snapshot.keys.sorted()) { path in
            FileDigest.entry(path: path, bytes: snapshot[path] ?? [])
        }
        for entry in digests {
            if entry.path.hasPrefix("inputs/") { inputs.append(entry) } else { reports.append(entry) }
        }
        let manifest = Manifest(
            kind: kind,
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
            supersedesPeriod: supersedes.map { _ in request.period.description },
            supersedesSealSHA256: supersedes?.seal,
            reason: request.amendmentReason
        )
        files["MANIFEST.json"] = manifest.encode()
        let sums = Ledger.sums(files)
        files["SHA256SUMS"] = sums
        files["SHA256SUMS.sig"] = try request.key.sign(sums)
        return (folder, manifest, files)
    }

    /// Seals a month.
    ///
    /// It assembles the month in a hidden folder beside the chain, flushes every file, renames it into place
    /// and flushes the evidence folder, so a crash leaves the previous chain or the new one, never a half-sealed
    /// month. Publishes the signing (and next) public keys under `keys/`.
    ///
    /// - Parameter failpoint: stops the process at that step (tests of crash safety); nil in normal use.
    @discardableResult
    public func seal(_ request: SealRequest, failpoint: SealStep? = nil) throws -> ChainEntry {
        let (folder, manifest, files) = try prepare(request)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = root.appendingPathComponent(".\(folder).sealing-\(pid)")
        // What this run created, removed again if the seal fails: a failed seal leaves the chain as it was.
        var created: [URL] = []
        do {
            created += try makeFolders(root)
            for key in [try request.key.publicKey()] + (request.nextKey.map { [$0] } ?? []) {
                created += try publish(key)
            }
            try seal(files, manifest: manifest, staging: staging, into: folder, failpoint: failpoint)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            for url in created.reversed() { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        return ChainEntry(folder: folder, manifest: manifest, seal: SHA256.hash(files["SHA256SUMS"] ?? []).hex)
    }

    /// Writes the prepared files into `staging`, flushes them and renames the folder to `folder`.
    private func seal(
        _ files: [String: [UInt8]],
        manifest: Manifest,
        staging: URL,
        into folder: String,
        failpoint: SealStep?
    ) throws(LedgerError) {
        if FileManager.default.fileExists(atPath: staging.path) {
            do {
                try FileManager.default.removeItem(at: staging)
            } catch {
                throw LedgerError(.fileSystem, "\(staging.path): cannot remove a previous staging folder")
            }
        }
        func stop(_ step: SealStep) {
            if failpoint == step { kill(getpid(), SIGKILL) }
        }
        let order = files.keys.sorted().filter { $0 != "MANIFEST.json" && $0 != "SHA256SUMS" && $0 != "SHA256SUMS.sig" }
        for path in order { try writeDurably(files[path] ?? [], to: staging.appendingPathComponent(path)) }
        stop(.filesWritten)
        try writeDurably(files["MANIFEST.json"] ?? [], to: staging.appendingPathComponent("MANIFEST.json"))
        stop(.manifestWritten)
        try writeDurably(files["SHA256SUMS"] ?? [], to: staging.appendingPathComponent("SHA256SUMS"))
        stop(.sumsWritten)
        try writeDurably(files["SHA256SUMS.sig"] ?? [], to: staging.appendingPathComponent("SHA256SUMS.sig"))
        stop(.signed)
        var folders = Set(order.map { staging.appendingPathComponent($0).deletingLastPathComponent().path })
        folders.insert(staging.path)
        for path in folders.sorted() { syncDirectory(URL(fileURLWithPath: path)) }
        let destination = root.appendingPathComponent(folder)
        guard rename(staging.path, destination.path) == 0 else {
            throw .system(destination.path, "cannot move the sealed month into place")
        }
        syncDirectory(root)
        stop(.renamed)
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

    func writeDurably(_ bytes: [UInt8], to url: URL) throws(LedgerError) {
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
        guard fsync(descriptor) == 0 else { throw .system(url.path, "cannot flush to disk") }
    }

    func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
