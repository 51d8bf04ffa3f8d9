import EvidenceCrypto
import EvidenceModel
import EvidencePublish
import Testing

/// The worked examples of the S3 API Reference, "Signature Calculations for the Authorization Header: Transferring
/// Payload in a Single Chunk (AWS Signature Version 4)": bucket `examplebucket` in us-east-1, 2013-05-24T00:00:00Z.
@Suite("AWS Signature Version 4")
struct SigV4Tests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    static let amzDate = "20130524T000000Z"
    static let host = ("host", "examplebucket.s3.amazonaws.com")

    static func sign(_ request: SignableRequest) -> String {
        SigV4.authorization(request, credentials: credentials, amzDate: amzDate, region: "us-east-1", service: "s3")
    }

    @Test("The request time in x-amz-date form")
    func amzDate() throws {
        let instant = try #require(Instant(iso8601: "2013-05-24T00:00:00Z"))
        #expect(SigV4.amzDate(instant) == Self.amzDate)
    }

    @Test("Signing key of the examples' secret, date, Region and service")
    func signingKey() {
        let key = SigV4.signingKey(
            secret: Self.credentials.secretAccessKey,
            amzDate: Self.amzDate,
            region: "us-east-1",
            service: "s3"
        )
        #expect(SHA256Digest(bytes: key).hex == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378")
    }

    @Test("Example: GET Object (Range: bytes=0-9)")
    func getObject() {
        let request = SignableRequest(
            method: "GET",
            path: "/test.txt",
            headers: [
                Self.host, ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.emptyPayloadSHA256),
                ("x-amz-date", Self.amzDate),
            ],
            payloadSHA256: SigV4.emptyPayloadSHA256
        )
        let canonical = SigV4.canonicalRequest(request)
        #expect(
            canonical == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        let scope = SigV4.scope(amzDate: Self.amzDate, region: "us-east-1", service: "s3")
        #expect(
            SigV4.stringToSign(canonicalRequest: canonical, amzDate: Self.amzDate, scope: scope) == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """
        )
        #expect(
            Self.sign(request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test("Example: PUT Object (a key that needs percent-encoding, a real payload)")
    func putObject() {
        let payload = SHA256.hash(Array("Welcome to Amazon S3.".utf8)).hex
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SignableRequest(
            method: "PUT",
            path: "/test$file.text",
            headers: [
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"), Self.host, ("x-amz-content-sha256", payload),
                ("x-amz-date", Self.amzDate), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            payloadSHA256: payload
        )
        let canonical = SigV4.canonicalRequest(request)
        #expect(canonical.hasPrefix("PUT\n/test%24file.text\n\n"))
        let scope = SigV4.scope(amzDate: Self.amzDate, region: "us-east-1", service: "s3")
        #expect(
            SigV4.stringToSign(canonicalRequest: canonical, amzDate: Self.amzDate, scope: scope).hasSuffix(
                "\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"
            )
        )
        #expect(SigV4.signedHeaders(request) == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(
            Self.sign(request).hasSuffix("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        )
    }

    @Test("Example: GET Bucket Lifecycle (a query parameter without a value)")
    func getLifecycle() {
        let request = SignableRequest(
            method: "GET",
            path: "/",
            query: [("lifecycle", "")],
            headers: [
                Self.host, ("x-amz-content-sha256", SigV4.emptyPayloadSHA256), ("x-amz-date", Self.amzDate),
            ],
            payloadSHA256: SigV4.emptyPayloadSHA256
        )
        #expect(SigV4.canonicalRequest(request).hasPrefix("GET\n/\nlifecycle=\n"))
        #expect(
            Self.sign(request).hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        )
    }

    @Test("Example: Get Bucket (List Objects): query parameters sorted by name")
    func listObjects() {
        let request = SignableRequest(
            method: "GET",
            path: "/",
            query: [("max-keys", "2"), ("prefix", "J")],
            headers: [
                Self.host, ("x-amz-content-sha256", SigV4.emptyPayloadSHA256), ("x-amz-date", Self.amzDate),
            ],
            payloadSHA256: SigV4.emptyPayloadSHA256
        )
        #expect(SigV4.canonicalQuery(request.query) == "max-keys=2&prefix=J")
        #expect(
            Self.sign(request).hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
        )
    }

    @Test("URI encoding keeps only unreserved characters, and slashes in paths")
    func uriEncoding() {
        #expect(SigV4.uriEncode("a b*(c)~-_.") == "a%20b%2A%28c%29~-_.")
        #expect(SigV4.uriEncode("a/b", encodeSlash: true) == "a%2Fb")
        #expect(SigV4.uriEncode("/2028-03/reports/X.csv", encodeSlash: false) == "/2028-03/reports/X.csv")
    }
}

@Suite("AWS credentials and Region")
struct AWSEnvironmentTests {
    @Test("Environment variables win over the shared credentials file")
    func environment() throws {
        let credentials = try AWSEnvironment.credentials(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "T"],
            home: "/nonexistent"
        )
        #expect(credentials == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "T"))
    }

    @Test("The shared credentials file, profile from AWS_PROFILE")
    func sharedFile() throws {
        let text = """
            # comment
            [default]
            aws_access_key_id = DEFAULTID
            aws_secret_access_key = DEFAULTSECRET

            [audit] ; the auditor's profile
            aws_access_key_id=AUDITID
            aws_secret_access_key=AUDITSECRET
            aws_session_token = AUDITTOKEN
            """
        let sections = try AWSEnvironment.parseCredentialsFile(text, path: "credentials")
        #expect(sections["default"]?["aws_access_key_id"] == "DEFAULTID")
        #expect(sections["audit"]?["aws_session_token"] == "AUDITTOKEN")
        // A file saved with CRLF line ends reads the same.
        let crlf = try AWSEnvironment.parseCredentialsFile(
            text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") + "\r\n",
            path: "credentials"
        )
        #expect(crlf == sections)
        // Tests match the code; the message says where.
        let malformed = #expect(throws: PublishError.self) {
            try AWSEnvironment.parseCredentialsFile("nonsense", path: "credentials")
        }
        #expect(malformed?.code == .malformedCredentials)
        #expect(malformed?.message == "credentials:1: expected key = value")
    }

    @Test("A Region is required")
    func region() throws {
        #expect(try AWSEnvironment.region(environment: ["AWS_DEFAULT_REGION": "eu-west-1"]) == "eu-west-1")
        #expect(
            try AWSEnvironment.region(environment: ["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "x"])
                == "us-east-2"
        )
        let missing = #expect(throws: PublishError.self) { try AWSEnvironment.region(environment: [:]) }
        #expect(missing?.code == .missingCredentials)
    }

    @Test("Private keys are recognized in any PEM armor")
    func privateKeyGuard() {
        #expect(PrivateKeyGuard.containsPrivateKey(Array("x\n-----BEGIN PRIVATE KEY-----\nMC4C".utf8)))
        #expect(PrivateKeyGuard.containsPrivateKey(Array("-----BEGIN OPENSSH PRIVATE KEY-----".utf8)))
        #expect(!PrivateKeyGuard.containsPrivateKey(Array("-----BEGIN PUBLIC KEY-----\nMCow".utf8)))
    }
}
