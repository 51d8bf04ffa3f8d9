public import EvidenceModel

/// One file recorded in a manifest.
public struct ManifestFile: Hashable, Sendable {
    public var path: String
    public var bytes: Int
    public var sha256: String
    /// For CSV reports: data rows (header excluded), the header record's SHA-256 and the RFC 6962 root of the rows.
    public var rows: Int?
    public var headerSHA256: String?
    public var merkleRoot: String?

    public init(
        path: String,
        bytes: Int,
        sha256: String,
        rows: Int? = nil,
        headerSHA256: String? = nil,
        merkleRoot: String? = nil
    ) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.rows = rows
        self.headerSHA256 = headerSHA256
        self.merkleRoot = merkleRoot
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["path": .string(path), "bytes": .int(bytes), "sha256": .string(sha256)]
        if let rows, let headerSHA256, let merkleRoot {
            members["rows"] = .int(rows)
            members["header_sha256"] = .string(headerSHA256)
            members["merkle_root"] = .string(merkleRoot)
            members["leaf"] = .string("rfc6962:csv-record")
        }
        return .object(members)
    }

    /// Reads one entry; nil when a member is missing or mistyped, or when `rows`, `header_sha256` and `merkle_root`
    /// are not all present or all absent (a report's tree is sealed whole, and `json` writes all three or none).
    init?(json: JSONValue) {
        guard let path = json["path"]?.stringValue, let bytes = json["bytes"]?.intValue,
            let sha256 = json["sha256"]?.stringValue
        else { return nil }
        let tree = [
            json["rows"]?.intValue != nil, json["header_sha256"]?.stringValue != nil,
            json["merkle_root"]?.stringValue != nil,
        ]
        guard tree.allSatisfy({ $0 }) || !tree.contains(true) else { return nil }
        self.init(
            path: path,
            bytes: bytes,
            sha256: sha256,
            rows: json["rows"]?.intValue,
            headerSHA256: json["header_sha256"]?.stringValue,
            merkleRoot: json["merkle_root"]?.stringValue
        )
    }
}

/// What a sealed entry is (MANIFEST.json's `kind`).
public enum EntryKind: String, Hashable, Sendable {
    /// A calendar month, in the folder named after it.
    case period
    /// Late data for a sealed month, appended at the tip in `YYYY-MM.amend-N`.
    case amendment
}

/// A sealed entry's MANIFEST.json (evidence-chain.md §6.2), written as canonical JSON.
public struct Manifest: Hashable, Sendable {
    public static let schema = "backup-evidence.manifest/v1"

    public var kind: EntryKind
    public var chainID: String
    public var period: Month
    public var seq: Int
    public var prevPeriod: String?
    public var prevSeq: Int?
    public var prevSealSHA256: String?
    public var dataAsOf: Instant
    public var generatorVersion: String
    public var signingKeySHA256: String
    public var nextSigningKeySHA256: String?
    public var files: [ManifestFile]
    public var inputs: [ManifestFile]
    public var supersedesPeriod: String?
    public var supersedesSealSHA256: String?
    public var reason: String?

    public init(
        kind: EntryKind,
        chainID: String,
        period: Month,
        seq: Int,
        prevPeriod: String?,
        prevSeq: Int?,
        prevSealSHA256: String?,
        dataAsOf: Instant,
        generatorVersion: String,
        signingKeySHA256: String,
        nextSigningKeySHA256: String? = nil,
        files: [ManifestFile],
        inputs: [ManifestFile],
        supersedesPeriod: String? = nil,
        supersedesSealSHA256: String? = nil,
        reason: String? = nil
    ) {
        self.kind = kind
        self.chainID = chainID
        self.period = period
        self.seq = seq
        self.prevPeriod = prevPeriod
        self.prevSeq = prevSeq
        self.prevSealSHA256 = prevSealSHA256
        self.dataAsOf = dataAsOf
        self.generatorVersion = generatorVersion
        self.signingKeySHA256 = signingKeySHA256
        self.nextSigningKeySHA256 = nextSigningKeySHA256
        self.files = files
        self.inputs = inputs
        self.supersedesPeriod = supersedesPeriod
        self.supersedesSealSHA256 = supersedesSealSHA256
        self.reason = reason
    }

    /// The canonical bytes of MANIFEST.json.
    public func encode() -> [UInt8] {
        var members: [String: JSONValue] = [
            "schema": .string(Manifest.schema),
            "kind": .string(kind.rawValue),
            "chain_id": .string(chainID),
            "period": .string(period.description),
            "period_start": .string(period.start.iso8601),
            "period_end": .string(period.end.iso8601),
            "seq": .int(seq),
            "prev_period": .optional(prevPeriod),
            "prev_seq": prevSeq.map { JSONValue.int($0) } ?? .null,
            "prev_seal_sha256": .optional(prevSealSHA256),
            "data_as_of": .string(dataAsOf.iso8601),
            "generator": .object(["name": .string("backup-evidence"), "version": .string(generatorVersion)]),
            "signing_alg": .string("ed25519"),
            "signing_key_sha256": .string(signingKeySHA256),
            "files": .array(files.map(\.json)),
            "inputs": .array(inputs.map(\.json)),
            "gaps": .array([]),
        ]
        if let nextSigningKeySHA256 { members["next_signing_key_sha256"] = .string(nextSigningKeySHA256) }
        if kind == .amendment {
            members["supersedes_period"] = .optional(supersedesPeriod)
            members["supersedes_seal_sha256"] = .optional(supersedesSealSHA256)
            members["reason"] = .optional(reason)
        }
        return CanonicalJSON.encode(.object(members))
    }

    /// Reads MANIFEST.json; nil detail means it is not a manifest of this schema.
    public static func decode(_ bytes: [UInt8]) throws(LedgerError) -> Manifest {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw LedgerError(.unreadableEntry, "not valid JSON at \(error.line):\(error.column): \(error.message)")
        }
        guard value["schema"]?.stringValue == Manifest.schema else {
            throw LedgerError(.unreadableEntry, "not a \(Manifest.schema) manifest")
        }
        guard let kind = value["kind"]?.stringValue.flatMap(EntryKind.init(rawValue:)),
            let chainID = value["chain_id"]?.stringValue,
            let periodText = value["period"]?.stringValue, let period = Month(periodText),
            let seq = value["seq"]?.intValue,
            let asOfText = value["data_as_of"]?.stringValue, let dataAsOf = Instant(iso8601: asOfText),
            let key = value["signing_key_sha256"]?.stringValue,
            let files = value["files"]?.arrayValue, let inputs = value["inputs"]?.arrayValue
        else { throw LedgerError(.unreadableEntry, "a required manifest field is missing or malformed") }
        // Written as the sealer writes it: an instant in whole seconds, and amendment members only in an amendment.
        guard dataAsOf.iso8601 == asOfText else {
            throw LedgerError(
                .unreadableEntry,
                "data_as_of is not a UTC instant in whole seconds (YYYY-MM-DDTHH:MM:SSZ)"
            )
        }
        if kind == .period {
            for member in ["supersedes_period", "supersedes_seal_sha256", "reason"] where value[member] != nil {
                throw LedgerError(.unreadableEntry, "a period manifest has no \(member) (only an amendment has)")
            }
        }
        let parsedFiles = files.compactMap(ManifestFile.init(json:))
        let parsedInputs = inputs.compactMap(ManifestFile.init(json:))
        guard parsedFiles.count == files.count, parsedInputs.count == inputs.count else {
            throw LedgerError(.unreadableEntry, "a file entry of the manifest is malformed")
        }
        return Manifest(
            kind: kind,
            chainID: chainID,
            period: period,
            seq: seq,
            prevPeriod: value["prev_period"]?.stringValue,
            prevSeq: value["prev_seq"]?.intValue,
            prevSealSHA256: value["prev_seal_sha256"]?.stringValue,
            dataAsOf: dataAsOf,
            generatorVersion: value["generator"]?["version"]?.stringValue ?? "",
            signingKeySHA256: key,
            nextSigningKeySHA256: value["next_signing_key_sha256"]?.stringValue,
            files: parsedFiles,
            inputs: parsedInputs,
            supersedesPeriod: value["supersedes_period"]?.stringValue,
            supersedesSealSHA256: value["supersedes_seal_sha256"]?.stringValue,
            reason: value["reason"]?.stringValue
        )
    }
}
