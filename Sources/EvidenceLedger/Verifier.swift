public import EvidenceCrypto
public import EvidenceModel
public import Foundation

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
    /// An unanchored tip makes the verdict inconclusive rather than being a warning.
    public var requireAnchor: Bool
    /// RFC 3161 tokens given to `verify` (`--timestamp`), each over an entry's checkpoint line.
    public var timestamps: [TimeStampFile]
    /// The TSA certificates tokens are checked against; when set, `anchors/*.tsr` are checked too.
    public var timeStampAuthority: TimeStampAuthority?
    /// Writes an entry's month folder again from its sealed inputs (the entry's folder, its manifest) into the
    /// given empty folder; files that differ from the sealed ones are INVALID.
    public var rebuild: (@Sendable (URL, Manifest, URL) throws -> Void)?
    /// Whether a rebuilt file whose bytes differ from the sealed one still holds the same content (path, sealed,
    /// rebuilt): a PDF whose streams another zlib compressed differently.
    public var sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)?
    /// Where a month is rebuilt, in a new folder of its own removed afterwards; nil means the system's temporary
    /// folder.
    public var scratch: URL?

    public init(
        trustedKey: Ed25519PublicKey? = nil,
        expectedKeySHA256: String? = nil,
        checkpoint: String? = nil,
        expectThrough: Month? = nil,
        requireAnchor: Bool = false,
        timestamps: [TimeStampFile] = [],
        timeStampAuthority: TimeStampAuthority? = nil,
        rebuild: (@Sendable (URL, Manifest, URL) throws -> Void)? = nil,
        sameContent: (@Sendable (String, [UInt8], [UInt8]) -> Bool)? = nil,
        scratch: URL? = nil
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
        self.scratch = scratch
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

/// The outcome of `verify`: findings in check order, and the summary and verdict computed from them alone.
///
/// Neither can contradict the findings. The CLI maps the verdict to an exit status (ARCHITECTURE.md §4).
public struct VerifyReport: Sendable {
    public var findings: [Finding]
    /// One line, printable as it stands: counts taken from the findings, and the verdict.
    public var summary: String
    public var verdict: Verdict
    /// Bytes of files checked, and CSV rows whose leaves were recomputed.
    public var bytesChecked: Int
    public var rowsChecked: Int

    /// The report of a run over `entries` (the folders of the entries read): an entry is valid when no finding
    /// about it fails.
    init(
        findings: [Finding],
        requireAnchor: Bool,
        chain: String,
        range: String,
        entries: [String],
        checked: (bytes: Int, rows: Int)
    ) {
        func count(_ status: Finding.Status) -> Int { findings.filter { $0.status == status }.count }
        let failed = Set(findings.filter(\.status.isFailure).compactMap(\.entry))
        let valid = entries.filter { !failed.contains($0) }.count
        let missing = findings.filter { ($0.scope == .chain || $0.scope == .tail) && $0.status == .missing }.count
        let verdict = Verdict(findings, requireAnchor: requireAnchor)
        self.findings = findings
        self.verdict = verdict
        self.summary =
            "Summary: chain \(Printable.value(chain)) \(range): \(valid)/\(entries.count) entries valid, "
            + "\(missing) missing; findings: \(count(.invalid)) INVALID, \(count(.missing)) MISSING, "
            + "\(count(.unverified)) UNVERIFIED; \(checked.bytes) bytes and \(checked.rows) rows checked; "
            + verdict.rawValue
        self.bytesChecked = checked.bytes
        self.rowsChecked = checked.rows
    }
}

/// One numbered step of evidence-chain.md §6.7, as swift-certificates' verifier policies are one requirement each.
///
/// A check reads the evidence and what earlier checks left in `chain`, returns its findings (the verifier appends
/// them to `chain.findings`), and may leave facts for later checks. Its configuration (a pinned key, a checkpoint,
/// TSA certificates) is its own.
public protocol ChainCheck {
    func check(_ chain: inout ChainState) throws -> [Finding]
}

/// What the checks of one verification share: the evidence folder, the entries read, the findings so far, and the
/// facts one check leaves for a later one.
public struct ChainState {
    public let ledger: Ledger
    /// The sealed entries whose MANIFEST.json decoded, sorted by seq then folder (step 1).
    public internal(set) var entries: [ChainEntry] = []
    /// Each entry's exact SHA256SUMS bytes, by folder (step 1).
    public internal(set) var sums: [String: [UInt8]] = [:]
    /// The findings of the checks run so far, in order.
    public internal(set) var findings: [Finding] = []
    /// The key that signs each entry, by folder, when found (step 2, for step 3).
    var keys: [String: Ed25519PublicKey] = [:]
    /// Each entry's files whose SHA-256 matches SHA256SUMS, with their computed facts, by folder then path
    /// (step 4, for step 5).
    var hashed: [String: [String: ManifestFile]] = [:]
    /// The paths each entry's SHA256SUMS lists, in order, by folder (step 4, for step 5).
    var listed: [String: [String]] = [:]
    /// The seqs of the entries whose checkpoint line a verified token time-stamps (step 9, for step 8).
    var timeStamped: Set<Int> = []
    var bytesChecked = 0
    var rowsChecked = 0

    public init(ledger: Ledger) { self.ledger = ledger }

    /// Whether no finding so far fails the entry in `folder`.
    public func isValid(_ folder: String) -> Bool {
        !findings.contains { $0.entry == folder && $0.status.isFailure }
    }

    /// The months the `period` entries cover.
    var periods: [Month] { entries.filter { $0.manifest.kind == .period }.map(\.manifest.period) }
}

/// Runs a list of checks over an evidence folder and reports their findings.
///
/// ```swift
/// let report = try ChainVerifier(options).verify(ledger)
/// // or a custom list: ChainVerifier(checks: [LayoutCheck(), KeyCheck(trustedKey: key), SignatureCheck()])
/// ```
public struct ChainVerifier {
    public var checks: [any ChainCheck]
    /// Whether an UNANCHORED finding makes the verdict inconclusive.
    public var requireAnchor: Bool

    public init(checks: [any ChainCheck], requireAnchor: Bool = false) {
        self.checks = checks
        self.requireAnchor = requireAnchor
    }

    /// The checks of evidence-chain.md §6.7 in order, configured by `options`: layout, key, signature, files,
    /// manifest, links, contiguity, then time-stamps (9) before the tail (8), which they may anchor, and the
    /// rebuild when one is asked for.
    public init(_ options: VerifyOptions) {
        var checks: [any ChainCheck] = [
            LayoutCheck(),
            KeyCheck(trustedKey: options.trustedKey, expectedKeySHA256: options.expectedKeySHA256),
            SignatureCheck(),
            FileHashCheck(),
            ManifestCheck(),
            LinkCheck(),
            ContiguityCheck(),
            TimeStampCheck(tokens: options.timestamps, authority: options.timeStampAuthority),
            TailCheck(
                checkpoint: options.checkpoint,
                expectThrough: options.expectThrough,
                requireAnchor: options.requireAnchor
            ),
        ]
        if let rebuild = options.rebuild {
            checks.append(
                RebuildCheck(
                    rebuild: rebuild,
                    sameContent: options.sameContent,
                    scratch: options.scratch ?? FileManager.default.temporaryDirectory
                )
            )
        }
        self.init(checks: checks, requireAnchor: options.requireAnchor)
    }

    /// Runs every check in order.
    ///
    /// Throws when there is nothing to verify (`Ledger.requireSealedEntry`) or a check cannot run (an unreadable
    /// checkpoint line).
    public func verify(_ ledger: Ledger) throws -> VerifyReport {
        try ledger.requireSealedEntry()
        var chain = ChainState(ledger: ledger)
        for check in checks {
            let found = try check.check(&chain)
            chain.findings += found
        }
        let periods = chain.periods
        let range =
            periods.isEmpty ? "(empty)" : "\(periods.min()?.description ?? "")..\(periods.max()?.description ?? "")"
        return VerifyReport(
            findings: chain.findings,
            requireAnchor: requireAnchor,
            chain: chain.entries.first?.manifest.chainID ?? "-",
            range: range,
            entries: chain.entries.map(\.folder),
            checked: (bytes: chain.bytesChecked, rows: chain.rowsChecked)
        )
    }
}

extension Ledger {
    /// The folders of an evidence folder that are not entries: the public keys and the time-stamp tokens.
    public static let reservedFolders: Set<String> = ["keys", "anchors"]

    /// Runs the checks of evidence-chain.md §6.7 (`ChainVerifier(options)`).
    ///
    /// Throws when there is nothing to verify (`requireSealedEntry`).
    public func verify(_ options: VerifyOptions) throws -> VerifyReport {
        try ChainVerifier(options).verify(self)
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

}
