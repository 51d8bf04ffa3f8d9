import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import EvidencePublish
import EvidenceTestSupport
import Foundation
import Testing

/// moto's S3 server (`python3 -m moto.server`, Python as `Python.process` finds it) on a free loopback port, stopped
/// when released.
final class MotoServer {
    let process: Process
    let port: Int
    let log: URL

    init() throws {
        port = try MotoServer.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("be-moto-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Python.process(["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)])
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// SIGTERM first; moto's handler may wait for open keep-alive connections, so SIGKILL after 2 s.
    deinit {
        if process.isRunning {
            process.terminate()
            for _ in 0..<20 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A port the kernel just handed out, asked for by binding port 0.
    static func freePort() throws -> Int {
        let probe = Python.process([
            "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ])
        let pipe = Pipe()
        probe.standardOutput = pipe
        try probe.run()
        probe.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw PublishError(.transport, "could not find a free port: \(text)")
        }
        return port
    }

    /// A client of this server; the test fails (does not skip) when the server does not answer within 60 s.
    func client(bucket: String) throws -> S3Client {
        let client = S3Client(
            endpoint: S3Endpoint(bucket: bucket, region: "us-east-1", endpoint: URL(string: endpoint)),
            credentials: PublishTests.credentials,
            clock: { Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }
        )
        for _ in 0..<300 {
            if (try? client.send("GET", key: "")) != nil { return client }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw PublishError(
            .transport,
            "moto server did not start on port \(port) (needs moto[server]: \(Python.setupHint)): \(output)"
        )
    }
}

@Suite("Publish to S3 (moto on loopback)", .serialized)
struct PublishTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIAEXAMPLEPUBLISH", secretAccessKey: "publish-test-secret")

    /// golden/org-estate copied to a temporary folder, with the test signing key dropped into keys/ beside the
    /// public key: a private key lying in the evidence folder must still never be uploaded.
    static func evidence() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for name in ["2028-03", "2028-04", "keys"] {
            try FileManager.default.copyItem(
                at: RepositoryPaths.golden.appendingPathComponent("org-estate/\(name)"),
                to: folder.url.appendingPathComponent(name)
            )
        }
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: RepositoryPaths.testKey),
            to: folder.url.appendingPathComponent("keys/TEST-ONLY-signing-key.pem")
        )
        return folder
    }

    static func environment() {
        setenv("AWS_ACCESS_KEY_ID", credentials.accessKeyID, 1)
        setenv("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey, 1)
        unsetenv("AWS_SESSION_TOKEN")
        setenv("AWS_REGION", "us-east-1", 1)
    }

    /// Every key and version id in the bucket (ListObjectVersions), delete markers included.
    static func versions(_ client: S3Client) throws -> [(key: String, version: String)] {
        let response = try client.expectSuccess(
            try client.send("GET", key: "", query: [("versions", "")]),
            "ListObjectVersions"
        )
        let text = String(decoding: response.body, as: UTF8.self)
        var out: [(String, String)] = []
        for part in text.components(separatedBy: "<Version>").dropFirst()
            + text.components(
                separatedBy: "<DeleteMarker>"
            ).dropFirst()
        {
            guard let key = Self.element("Key", part), let version = Self.element("VersionId", part) else { continue }
            out.append((key, version))
        }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    static func element(_ name: String, _ text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>") else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// The evidence folder's files as object keys under `prefix`, with their bytes.
    static func localObjects(_ evidence: TemporaryFolder, prefix: String) -> [String: URL] {
        var out: [String: URL] = [:]
        for path in evidence.files() where !path.hasSuffix("TEST-ONLY-signing-key.pem") {
            out["\(prefix)/\(path)"] = evidence.url.appendingPathComponent(path)
        }
        return out
    }

    @Test("Publishes golden/org-estate under COMPLIANCE lock, verifies it on a second run, and finds tampering")
    func publishGolden() async throws {
        let server = try MotoServer()
        let client = try server.client(bucket: "evidence-archive")
        try client.createBucket(objectLock: true)
        let evidence = try Self.evidence()
        Self.environment()
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        let fingerprint = try Ed25519PrivateKey(pem: pem).publicKey().fingerprint().hex
        let arguments = [
            "publish", "--evidence", evidence.path, "--expect-key-sha256", fingerprint, "--bucket", "evidence-archive",
            "--prefix", "acme/org-estate/", "--endpoint", server.endpoint,
        ]
        #expect(await CLITests.run(arguments) == 0)

        // Every sealed file and the public key, byte for byte; nothing else (no private key).
        let local = Self.localObjects(evidence, prefix: "acme/org-estate")
        // Per month: the files SHA256SUMS lists (MANIFEST.json among them), SHA256SUMS and its signature; one key.
        let perMonth = try ["2028-03", "2028-04"].map { month in
            try String(contentsOf: evidence.url.appendingPathComponent("\(month)/SHA256SUMS"), encoding: .utf8)
                .split(separator: "\n").count + 2
        }
        #expect(local.count == 1 + perMonth.reduce(0, +))
        #expect(perMonth == [68, 68])
        let stored = try Self.versions(client)
        #expect(stored.map(\.key) == local.keys.sorted())
        for (key, source) in local.sorted(by: { $0.key < $1.key }) {
            let bytes = [UInt8](try Data(contentsOf: source))
            let remote = try client.getObject(key: key)
            #expect(remote == bytes, "\(key) differs")
            #expect(!PrivateKeyGuard.containsPrivateKey(remote))
        }

        // Retention and checksum headers, as HEAD returns them.
        let march = try #require(Ledger(root: evidence.url).entries().first)
        let sums = "acme/org-estate/2028-03/SHA256SUMS"
        let head = try client.headObject(key: sums)
        #expect(head.status == 200)
        #expect(head.header("x-amz-object-lock-mode") == "COMPLIANCE")
        let until = try #require(head.header("x-amz-object-lock-retain-until-date").flatMap { Instant(iso8601: $0) })
        #expect(until == march.manifest.dataAsOf.adding(days: 2557))
        #expect(until == Instant(iso8601: "2035-04-02T00:00:00Z"))
        let sumsBytes = [UInt8](try Data(contentsOf: evidence.url.appendingPathComponent("2028-03/SHA256SUMS")))
        #expect(head.header("x-amz-checksum-sha256") == Data(SHA256.hash(sumsBytes).bytes).base64EncodedString())
        let keyHead = try client.headObject(key: "acme/org-estate/keys/\(fingerprint.prefix(16)).pub.pem")
        #expect(
            keyHead.header("x-amz-object-lock-retain-until-date").flatMap { Instant(iso8601: $0) }
                == Instant(iso8601: "2035-05-02T00:00:00Z")
        )

        // A locked version cannot be deleted.
        let version = try #require(head.header("x-amz-version-id"))
        let delete = try client.deleteObject(key: sums, versionID: version)
        #expect(delete.status == 403)
        #expect(delete.errorCode == "AccessDenied")

        // Publishing again writes nothing and reports every month present and verified.
        #expect(await CLITests.run(arguments) == 0)
        let groups = try Publisher.plan(
            ledger: Ledger(root: evidence.url),
            entries: Ledger(root: evidence.url).entries(),
            prefix: "acme/org-estate",
            retainDays: Publisher.defaultRetainDays
        )
        let again = try Publisher.publish(groups, client: client)
        #expect(again.uploaded == 0 && again.extended == 0 && again.findings.isEmpty)
        #expect(
            again.lines == [
                "KEYS\tkeys\tPRESENT: 1 objects already there and verified",
                "MONTH\t2028-03\tPRESENT: 68 objects already there and verified",
                "MONTH\t2028-04\tPRESENT: 68 objects already there and verified",
            ]
        )
        #expect(try Self.versions(client).map(\.version) == stored.map(\.version))

        // A new version with other bytes, or a delete marker, hides the locked version: both are findings.
        let sig = "acme/org-estate/2028-04/SHA256SUMS.sig"
        try client.putObject(key: sig, body: Array("forged signature".utf8), retainUntil: nil)
        #expect(try client.deleteObject(key: "acme/org-estate/2028-03/MANIFEST.json", versionID: nil).status == 204)
        #expect(await CLITests.run(arguments) == 1)
        let tampered = try Publisher.publish(groups, client: client)
        #expect(
            tampered.findings.map(\.description).sorted()
                == [
                    "OBJECT\ts3://evidence-archive/acme/org-estate/2028-03/MANIFEST.json\tINVALID: a delete marker hides the "
                        + "locked version",
                    "OBJECT\ts3://evidence-archive/acme/org-estate/2028-04/SHA256SUMS.sig\tINVALID: size 16 bytes, sealed 64",
                    "OBJECT\ts3://evidence-archive/acme/org-estate/2028-04/SHA256SUMS.sig\tINVALID: sha256 checksum "
                        + "\(Data(SHA256.hash(Array("forged signature".utf8)).bytes).base64EncodedString()), sealed "
                        + "\(Data(SHA256.hash(try Data(contentsOf: evidence.url.appendingPathComponent("2028-04/SHA256SUMS.sig"))).bytes).base64EncodedString())",
                    "OBJECT\ts3://evidence-archive/acme/org-estate/2028-04/SHA256SUMS.sig\tINVALID: object lock mode none, "
                        + "expected COMPLIANCE",
                ].sorted()
        )
        #expect(tampered.uploaded == 0)
    }

    @Test("A private key never leaves: the client refuses the body before sending it")
    func privateKeyRefused() throws {
        let server = try MotoServer()
        let client = try server.client(bucket: "evidence-keys")
        try client.createBucket(objectLock: true)
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        #expect(throws: PublishError.self) {
            try client.putObject(key: "keys/leak.pem", body: pem, retainUntil: nil)
        }
        #expect(try Self.versions(client).isEmpty)
    }

    @Test("keys/*.pub.pem holding anything but a public key is refused (exit 2, nothing uploaded)")
    func disguisedPrivateKey() async throws {
        let server = try MotoServer()
        let client = try server.client(bucket: "evidence-disguised")
        try client.createBucket(objectLock: true)
        let evidence = try Self.evidence()
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: RepositoryPaths.testKey),
            to: evidence.url.appendingPathComponent("keys/0000000000000000.pub.pem")
        )
        Self.environment()
        let status = await CLITests.run([
            "publish", "--evidence", evidence.path, "--bucket", "evidence-disguised", "--endpoint", server.endpoint,
        ])
        #expect(status == 2)
        #expect(try Self.versions(client).isEmpty)
    }

    @Test("Tokens in anchors/ are uploaded after the entries, locked as long as the newest; odd files refused")
    func anchors() async throws {
        let server = try MotoServer()
        let client = try server.client(bucket: "evidence-anchors")
        try client.createBucket(objectLock: true)
        let evidence = try Self.evidence()
        let anchors = evidence.url.appendingPathComponent("anchors")
        try FileManager.default.createDirectory(at: anchors, withIntermediateDirectories: false)
        let token = Array("a token as the TSA returned it".utf8)
        try Data(token).write(to: anchors.appendingPathComponent("2028-04.tsr"))
        Self.environment()
        let arguments = [
            "publish", "--evidence", evidence.path, "--bucket", "evidence-anchors", "--endpoint", server.endpoint,
        ]
        // A folder named as a token is refused before anything is sent.
        let odd = anchors.appendingPathComponent("odd.tsr")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: false)
        #expect(await CLITests.run(arguments) == 2)
        #expect(try Self.versions(client).isEmpty)
        try FileManager.default.removeItem(at: odd)

        #expect(await CLITests.run(arguments) == 0)
        #expect(try client.getObject(key: "anchors/2028-04.tsr") == token)
        let head = try client.headObject(key: "anchors/2028-04.tsr")
        #expect(head.header("x-amz-object-lock-mode") == "COMPLIANCE")
        #expect(
            head.header("x-amz-object-lock-retain-until-date").flatMap { Instant(iso8601: $0) }
                == Instant(iso8601: "2035-05-02T00:00:00Z")
        )
        let ledger = Ledger(root: evidence.url)
        let groups = try Publisher.plan(
            ledger: ledger,
            entries: ledger.entries(),
            prefix: "",
            retainDays: Publisher.defaultRetainDays
        )
        #expect(groups.map(\.name) == ["keys", "2028-03", "2028-04", "anchors"])
        let again = try Publisher.publish(groups, client: client)
        #expect(again.lines.last == "ANCHORS\tanchors\tPRESENT: 1 objects already there and verified")
    }

    @Test("A chain that does not verify is refused before anything is sent")
    func refused() async throws {
        let evidence = try Self.evidence()
        try Data("tampered\n".utf8).write(
            to: evidence.url.appendingPathComponent("2028-03/reports/BACKUP_JOB_REPORT.csv")
        )
        Self.environment()
        let status = await CLITests.run([
            "publish", "--evidence", evidence.path, "--bucket", "unreachable", "--endpoint", "http://127.0.0.1:9",
        ])
        #expect(status == 1)
    }

    @Test("No S3 at the endpoint: one line naming the first request and curl's reason, exit 2")
    func unreachable() throws {
        let evidence = try Self.evidence()
        Self.environment()
        let result = try BuiltBinary.run([
            "publish", "--evidence", evidence.path, "--bucket", "unreachable", "--endpoint", "http://127.0.0.1:9",
        ])
        #expect(result.status == 2)
        let errors = result.errorLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("error: HEAD s3://unreachable/keys/") == true, "\(errors)")
        #expect(errors.first?.contains("Couldn't connect to server") == true, "\(errors)")
    }

    @Test("The binary does not link libcurl: only a request loads it, so other commands start without it")
    func curlNotLinked() throws {
        let result = try Tools.run("ldd", [BuiltBinary.path])
        #expect(result.status == 0)
        #expect(!result.output.contains("libcurl"), "\(result.output)")
        #expect(!result.output.contains("FoundationNetworking"), "\(result.output)")
    }
}
