internal import EvidenceModel

/// One line of `verify`'s report: `<SCOPE>\t<subject>\t<STATUS>[: detail]` (evidence-chain.md §6.7).
///
/// The subject and detail hold values read from the evidence (folder and file names, lines of SHA256SUMS, chain
/// ids); `description` prints them escaped (`Printable.value`), so a finding is always exactly one line.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    /// What a finding is about: the first field of its line.
    public enum Scope: String, Hashable, Sendable, CaseIterable {
        /// A folder of the evidence folder: not an entry, or not sealed.
        case layout = "LAYOUT"
        /// The signing key: pinned, handed over, found in `keys/`.
        case key = "KEY"
        /// The signature over an entry's SHA256SUMS.
        case seal = "SEAL"
        /// A line of SHA256SUMS.
        case sums = "SUMS"
        /// A file of an entry against SHA256SUMS.
        case file = "FILE"
        /// All the files of an entry (the OK line of steps 4 and 5).
        case files = "FILES"
        /// MANIFEST.json: readable, matching the files and the folder.
        case manifest = "MANIFEST"
        /// The link from an entry to the one before it.
        case link = "LINK"
        /// The chain's order and its months.
        case chain = "CHAIN"
        /// The chain's newest entries: checkpoint, expected last month.
        case tail = "TAIL"
        /// An RFC 3161 token over a checkpoint line.
        case timestamp = "TIMESTAMP"
        /// A report rebuilt from an entry's sealed inputs.
        case rebuild = "REBUILD"
        /// A row proof (`verify-row`).
        case row = "ROW"
        /// An object in S3 (`publish`).
        case object = "OBJECT"
    }

    public enum Status: String, Hashable, Sendable {
        case ok = "OK"
        case invalid = "INVALID"
        case missing = "MISSING"
        case unverified = "UNVERIFIED"
        case unanchored = "UNANCHORED"
        case warn = "WARN"
        /// A checkpoint line time-stamped by a verified RFC 3161 token; the detail gives the token's time.
        case anchored = "ANCHORED"

        /// Whether the finding fails what it is about: INVALID, MISSING or UNVERIFIED.
        public var isFailure: Bool { self == .invalid || self == .missing || self == .unverified }
    }

    public var scope: Scope
    public var subject: String
    public var status: Status
    public var detail: String
    /// The folder of the sealed entry the finding is about, if it is about one.
    ///
    /// An entry with a failing finding is not valid. Not printed.
    public var entry: String?

    public init(_ scope: Scope, _ subject: String, _ status: Status, _ detail: String = "", entry: String? = nil) {
        self.scope = scope
        self.subject = subject
        self.status = status
        self.detail = detail
        self.entry = entry
    }

    public var description: String {
        "\(scope.rawValue)\t\(Printable.value(subject))\t\(status.rawValue)"
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
            .key,
            "keys/",
            .unverified,
            "no key pinned; the chain claims key \(claimed): compare it with the fingerprint you were given, "
                + "then run again with --expect-key-sha256 \(claimed)"
        )
    }
}

/// The outcome of a verification, from its findings alone.
public enum Verdict: String, Hashable, Sendable {
    /// Nothing failed, and the chain was checked against a pinned key.
    case verified = "VERIFIED"
    /// Tampering or loss: an INVALID or MISSING finding.
    case invalid = "INVALID"
    /// Nothing INVALID or MISSING, but something could not be verified: an UNVERIFIED finding (an unpinned or unknown
    /// key), or an UNANCHORED one when an anchored tail is required.
    case inconclusive = "INCONCLUSIVE"

    public init(_ findings: [Finding], requireAnchor: Bool = false) {
        if findings.contains(where: { $0.status == .invalid || $0.status == .missing }) {
            self = .invalid
        } else if findings.contains(where: {
            $0.status == .unverified || (requireAnchor && $0.status == .unanchored)
        }) {
            self = .inconclusive
        } else {
            self = .verified
        }
    }
}
