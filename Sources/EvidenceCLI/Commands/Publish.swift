internal import ArgumentParser
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePublish
internal import Foundation

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Upload the sealed months that verify, the public keys and the time-stamp tokens to S3 under COMPLIANCE "
            + "Object Lock.",
        discussion: """
            The chain is verified first: a month with an INVALID or MISSING finding is refused. Object keys \
            mirror the evidence folder under --prefix. Every PUT carries x-amz-object-lock-mode: COMPLIANCE, a \
            retain-until date (the month's data_as_of plus --retain-days) and an x-amz-checksum-sha256. An \
            object already in the bucket is checked (size, SHA-256 checksum, lock mode, retain-until) instead of \
            written again. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, \
            or the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials; profile \
            AWS_PROFILE, default "default"); the Region from AWS_REGION or AWS_DEFAULT_REGION. Private keys are \
            never uploaded. The examples need a bucket created with Object Lock enabled (or an S3-compatible \
            store at --endpoint).

            Examples:
              $ AWS_PROFILE=audit backup-evidence publish --evidence golden/org-estate \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem \\
                  --bucket evidence-bucket
              $ backup-evidence publish --evidence golden/org-estate \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem \\
                  --bucket evidence-bucket --endpoint http://127.0.0.1:9000 \\
                  --retain-days 30 --format json

            Exit status: 0 every month is in the bucket, locked; 1 the chain does not verify, or an object in \
            the bucket differs; 2 unreadable input, missing credentials, or a request S3 refuses; 64 usage \
            error.
            """
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var keys: KeyOptions

    @Option(help: "The S3 bucket (created beforehand with Object Lock enabled).")
    var bucket: String

    @Option(help: "Key prefix inside the bucket.")
    var prefix = ""

    @Option(help: "An S3-compatible endpoint URL; requests then use path-style addressing.")
    var endpoint: String?

    @Option(help: "Days of COMPLIANCE retention, counted from each month's data_as_of.")
    var retainDays = Publisher.defaultRetainDays

    @OptionGroup var output: FormatOptions<TextOrJSON>

    func validate() throws {
        if retainDays < 1 { throw ValidationError("--retain-days: expected a positive number of days") }
        if let endpoint, Publish.endpointURL(endpoint) == nil {
            throw ValidationError("--endpoint: expected an http:// or https:// URL with a host")
        }
        if bucket.isEmpty { throw ValidationError("--bucket: expected a bucket name") }
        do { _ = try Publisher.normalizedPrefix(prefix) } catch { throw ValidationError(error.description) }
    }

    static func endpointURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    func run() throws {
        var failed = false
        try withExitStatuses {
            // The evidence folder, the Region and the credentials are looked at before the chain is verified.
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: evidence, isDirectory: &isFolder) || !isFolder.boolValue {
                try Ledger(root: URL(fileURLWithPath: evidence)).requireSealedEntry()
            }
            let environment = ProcessInfo.processInfo.environment
            let client = S3Client(
                endpoint: S3Endpoint(
                    bucket: bucket,
                    region: try AWSEnvironment.region(environment: environment),
                    endpoint: endpoint.flatMap(Publish.endpointURL)
                ),
                credentials: try AWSEnvironment.credentials(
                    environment: environment,
                    home: environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
                ),
                // The wall clock signs requests (x-amz-date) and nothing else: object bytes and headers do not use it.
                clock: { Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }
            )
            let (ledger, entries) = try verifiedChain(evidence: evidence, keys: keys, refusingTo: "publish")
            let normalized = try Publisher.normalizedPrefix(prefix)
            let groups = try Publisher.plan(
                ledger: ledger,
                entries: entries,
                prefix: normalized,
                retainDays: retainDays
            )
            let report = try Publisher.publish(groups, client: client)
            let months = groups.filter { Publisher.reservedScopes[$0.name] == nil }.count
            let target = "s3://\(bucket)/\(normalized.isEmpty ? "" : normalized + "/")"
            switch output.format {
            case .text:
                try StandardOutput.lines(report.findings.map(\.description) + report.lines)
                try StandardOutput.line(
                    "Summary: \(target): \(months) months; "
                        + "\(report.uploaded) objects uploaded, \(report.verified) already there and verified, "
                        + "\(report.extended) retentions extended, \(report.findings.count) findings"
                )
            case .json:
                let findings = report.findings.map { finding in
                    JSONValue.object([
                        "detail": .string(finding.detail), "scope": .string(finding.scope.rawValue),
                        "status": .string(finding.status.rawValue), "subject": .string(finding.subject),
                    ])
                }
                try JSONOutput.print(
                    .object([
                        "destination": .string(target), "extended": .int(report.extended),
                        "findings": .array(findings), "lines": .array(report.lines.map(JSONValue.string)),
                        "months": .int(months), "uploaded": .int(report.uploaded), "verified": .int(report.verified),
                    ])
                )
            }
            failed = !report.findings.isEmpty
        }
        if failed { throw ExitCode(ExitStatus.integrityFailure) }
    }
}
