internal import EvidenceCrypto
public import EvidenceLedger
public import EvidenceModel
public import Foundation

/// One file to publish: its object key, where it is on disk, and how long S3 must keep it.
public struct PublishedObject: Hashable, Sendable {
    public var key: String
    public var source: URL
    public var retainUntil: Instant
}

/// The objects of one sealed entry (`2028-03`), of the public keys (`keys`) or of the time-stamp tokens (`anchors`), in
/// upload order.
public struct PublishGroup: Hashable, Sendable {
    public var name: String
    public var objects: [PublishedObject]
}

/// What publishing did: one line per group and per finding, and the counts.
public struct PublishReport: Sendable {
    public var lines: [String] = []
    public var findings: [Finding] = []
    public var uploaded = 0
    public var verified = 0
    public var extended = 0
}

/// Uploads sealed months and public keys to S3 under COMPLIANCE Object Lock, or verifies what is already there.
///
/// Object keys mirror the evidence folder under the prefix (`<prefix>/2028-03/reports/BACKUP_JOB_REPORT.csv`,
/// `<prefix>/keys/<name>.pub.pem`), so a downloaded copy is a folder `verify` checks.
public enum Publisher {
    /// The groups that are not entries, and the first field of their report line.
    public static let reservedScopes = ["keys": "KEYS", "anchors": "ANCHORS"]

    /// The default retention, seven years of days.
    public static let defaultRetainDays = 2557

    /// A prefix without leading or trailing slashes, checked to hold only `[A-Za-z0-9._/-]` and no `..` segment.
    public static func normalizedPrefix(_ prefix: String) throws(PublishError) -> String {
        var text = Substring(prefix)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-")
        guard text.allSatisfy({ allowed.contains($0) }),
            !text.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0.isEmpty })
                || text.isEmpty
        else {
            throw PublishError(
                .invalidRequest,
                "--prefix \(prefix): use only A-Z a-z 0-9 . _ / - and no empty or .. segments"
            )
        }
        return String(text)
    }

    /// The object key of a path relative to the evidence folder.
    public static func objectKey(prefix: String, path: String) -> String { prefix.isEmpty ? path : "\(prefix)/\(path)" }

    /// Retain-until of an entry: its manifest's `data_as_of` plus `days` (ASSUMPTIONS A55).
    public static func retainUntil(_ manifest: Manifest, days: Int) -> Instant { manifest.dataAsOf.adding(days: days) }

    /// The groups to publish: the public keys first, then each entry in chain order, then the time-stamp tokens of
    /// `anchors/` (regular files of at most `TimeStampCheck.largestToken` bytes; anything else there is refused).
    ///
    /// An entry's files are those its SHA256SUMS lists, MANIFEST.json last among them, then SHA256SUMS and its
    /// signature, so an entry's seal lands after everything it seals. Keys and tokens are kept as long as the newest entry.
    public static func plan(
        ledger: Ledger,
        entries: [ChainEntry],
        prefix: String,
        retainDays: Int
    ) throws(PublishError) -> [PublishGroup] {
        var groups: [PublishGroup] = []
        let newest = entries.map { retainUntil($0.manifest, days: retainDays) }.max()
        let keysFolder = ledger.root.appendingPathComponent("keys")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: keysFolder.path)) ?? [])
            .filter { $0.hasSuffix(".pub.pem") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        if let newest, !names.isEmpty {
            var objects: [PublishedObject] = []
            for name in names {
                let source = keysFolder.appendingPathComponent(name)
                let bytes = [UInt8](FileManager.default.contents(atPath: source.path) ?? Data())
                guard (try? Ed25519PublicKey(pem: bytes)) != nil else {
                    throw PublishError(
                        .refusedContent,
                        "\(source.path): not a PEM public key; refusing to publish keys/"
                    )
                }
                objects.append(
                    PublishedObject(
                        key: objectKey(prefix: prefix, path: "keys/\(name)"),
                        source: source,
                        retainUntil: newest
                    )
                )
            }
            groups.append(PublishGroup(name: "keys", objects: objects))
        }
        for entry in entries {
            let folder = ledger.root.appendingPathComponent(entry.folder)
            let sumsPath = folder.appendingPathComponent("SHA256SUMS").path
            guard let sums = FileManager.default.contents(atPath: sumsPath) else {
                throw PublishError(.unreadableEvidence, "\(sumsPath): cannot read")
            }
            var paths: [String] = []
            for line in String(decoding: sums, as: UTF8.self).split(separator: "\n") {
                guard line.count > 66 else { throw PublishError(.unreadableEvidence, "\(sumsPath): malformed line") }
                paths.append(String(line.dropFirst(66)))
            }
            paths = paths.filter { $0 != "MANIFEST.json" } + ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.sig"]
            let retain = retainUntil(entry.manifest, days: retainDays)
            groups.append(
                PublishGroup(
                    name: entry.folder,
                    objects: paths.map {
                        PublishedObject(
                            key: objectKey(prefix: prefix, path: "\(entry.folder)/\($0)"),
                            source: folder.appendingPathComponent($0),
                            retainUntil: retain
                        )
                    }
                )
            )
        }
        // The time-stamp tokens last: each covers an entry's checkpoint line, so it lands after that entry.
        let anchorsFolder = ledger.root.appendingPathComponent("anchors")
        let tokens = ((try? FileManager.default.contentsOfDirectory(atPath: anchorsFolder.path)) ?? [])
            .filter { $0.hasSuffix(".tsr") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        if let newest, !tokens.isEmpty {
            var objects: [PublishedObject] = []
            for name in tokens {
                let source = anchorsFolder.appendingPathComponent(name)
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                    throw PublishError(
                        .refusedContent,
                        "\(source.path): use only A-Z a-z 0-9 . _ - in a token's name; refusing to publish anchors/"
                    )
                }
                if case .failure(let problem) = TimeStampCheck.token(at: source.path) {
                    throw PublishError(.refusedContent, "\(source.path): \(problem.text); refusing to publish anchors/")
                }
                objects.append(
                    PublishedObject(
                        key: objectKey(prefix: prefix, path: "anchors/\(name)"),
                        source: source,
                        retainUntil: newest
                    )
                )
            }
            groups.append(PublishGroup(name: "anchors", objects: objects))
        }
        return groups
    }

    /// Publishes each group: an absent object is uploaded; one already there is checked (size, SHA-256 checksum,
    /// COMPLIANCE mode, retain-until) instead of written again, and its retention extended if it is shorter.
    public static func publish(_ groups: [PublishGroup], client: S3Client) throws(PublishError) -> PublishReport {
        var report = PublishReport()
        for group in groups {
            var uploaded = 0
            var verified = 0
            var findings = 0
            for object in group.objects {
                guard let data = FileManager.default.contents(atPath: object.source.path) else {
                    throw PublishError(.unreadableEvidence, "\(object.source.path): cannot read")
                }
                let bytes = [UInt8](data)
                let head = try client.headObject(key: object.key)
                switch head.status {
                case 200:
                    let found = try check(object, bytes: bytes, head: head, client: client, report: &report)
                    if found.isEmpty { verified += 1 } else { findings += found.count }
                    report.findings += found
                case 404 where head.header("x-amz-delete-marker") == "true":
                    report.findings.append(
                        Finding(
                            .object,
                            client.endpoint.describe(object.key),
                            .invalid,
                            "a delete marker hides the locked version"
                        )
                    )
                    findings += 1
                case 404:
                    try client.putObject(key: object.key, body: bytes, retainUntil: object.retainUntil)
                    uploaded += 1
                default:
                    try client.expectSuccess(head, "HEAD \(client.endpoint.describe(object.key))")
                }
            }
            report.uploaded += uploaded
            report.verified += verified
            let scope = Publisher.reservedScopes[group.name] ?? "MONTH"
            let status: String
            if findings > 0 {
                status = "INVALID: \(findings) finding\(findings == 1 ? "" : "s") among \(group.objects.count) objects"
            } else if uploaded == 0 {
                status = "PRESENT: \(verified) objects already there and verified"
            } else if verified == 0 {
                status = "UPLOADED: \(uploaded) objects"
            } else {
                status = "UPLOADED: \(uploaded) objects; \(verified) already there and verified"
            }
            report.lines.append("\(scope)\t\(group.name)\t\(status)")
        }
        return report
    }

    /// Compares an object already in the bucket with the local file; extends a shorter COMPLIANCE retention.
    static func check(
        _ object: PublishedObject,
        bytes: [UInt8],
        head: S3Response,
        client: S3Client,
        report: inout PublishReport
    ) throws(PublishError) -> [Finding] {
        let subject = client.endpoint.describe(object.key)
        var findings: [Finding] = []
        let local = SHA256.hash(bytes)
        let remoteLength = head.header("content-length").flatMap(Int.init)
        if let length = remoteLength, length != bytes.count {
            findings.append(Finding(.object, subject, .invalid, "size \(length) bytes, sealed \(bytes.count)"))
        }
        if let checksum = head.header("x-amz-checksum-sha256") {
            let sealed = Data(local.bytes).base64EncodedString()
            if checksum != sealed {
                findings.append(
                    Finding(.object, subject, .invalid, "sha256 checksum \(checksum), sealed \(sealed)")
                )
            }
        } else if remoteLength == nil || remoteLength == bytes.count {
            // No more than the sealed size is read: a longer body differs, whatever the server sends.
            do throws(PublishError) {
                let remote = SHA256.hash(try client.getObject(key: object.key, maxBytes: bytes.count))
                if remote != local {
                    findings.append(Finding(.object, subject, .invalid, "sha256 \(remote.hex), sealed \(local.hex)"))
                }
            } catch {
                guard error.code == .responseTooLarge else { throw error }
                findings.append(Finding(.object, subject, .invalid, "larger than the sealed \(bytes.count) bytes"))
            }
        }
        let mode = head.header("x-amz-object-lock-mode") ?? "none"
        guard mode == "COMPLIANCE" else {
            findings.append(Finding(.object, subject, .invalid, "object lock mode \(mode), expected COMPLIANCE"))
            return findings
        }
        let until = head.header("x-amz-object-lock-retain-until-date").flatMap { Instant(iso8601: $0) }
        if findings.isEmpty, until.map({ $0 < object.retainUntil }) ?? true {
            try client.putObjectRetention(
                key: object.key,
                versionID: head.header("x-amz-version-id"),
                retainUntil: object.retainUntil
            )
            report.extended += 1
            report.lines.append("RETAIN\t\(subject)\tEXTENDED: until \(object.retainUntil.iso8601)")
        }
        return findings
    }
}
