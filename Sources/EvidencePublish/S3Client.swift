internal import EvidenceCrypto
internal import EvidenceHTTP
public import EvidenceModel
public import Foundation

/// One S3 response: status, headers (names lower-cased) and body.
public struct S3Response: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header's value; `name` is lower-case.
    public func header(_ name: String) -> String? { headers[name] }

    /// The `<Code>` of an S3 error body, or nil.
    public var errorCode: String? { S3Response.element("Code", in: body) }

    /// The text of the first `<name>` element of an XML body.
    static func element(_ name: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

/// How a request names its bucket: in the host name or in the first segment of the path.
public enum S3Addressing: Sendable, Equatable {
    /// `https://B.s3.REGION.amazonaws.com/KEY`.
    case virtualHosted
    /// `https://s3.REGION.amazonaws.com/B/KEY`, or `URL/B/KEY` under an explicit endpoint.
    case pathStyle
}

/// The scheme, the `host[:port]` authority and the unencoded path (the canonical URI before encoding) of a request.
public struct S3Location: Sendable, Equatable {
    public var scheme: String
    public var authority: String
    public var path: String

    public init(scheme: String, authority: String, path: String) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
    }
}

/// Where the bucket is reached: virtual-hosted on AWS when the bucket name is one DNS label, path-style otherwise.
///
/// S3's TLS certificate for `*.s3.REGION.amazonaws.com` matches one label only, so a bucket name with dots
/// (`my.evidence.bucket`) is reached path-style on the Regional endpoint, as is any name that is not a valid host
/// label. An explicit S3-compatible endpoint is always reached path-style.
public struct S3Endpoint: Sendable {
    public var bucket: String
    public var region: String
    /// An S3-compatible endpoint (`http://127.0.0.1:9000`); nil for AWS.
    public var endpoint: URL?

    public init(bucket: String, region: String, endpoint: URL?) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
    }

    /// Virtual-hosted for an AWS bucket whose name is one DNS label; path-style for any other name or an endpoint.
    public var addressing: S3Addressing {
        endpoint == nil && S3Endpoint.isHostLabel(bucket) ? .virtualHosted : .pathStyle
    }

    /// Whether `name` is one host-name label: 3 to 63 lower-case letters, digits and hyphens, starting and ending
    /// with a letter or digit (so no dots, upper case or underscores).
    static func isHostLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, alphanumeric(first), alphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// The location of an object, or of the bucket itself for `key` "".
    public func location(key: String) -> S3Location {
        if let endpoint {
            let host = endpoint.host ?? ""
            let authority = endpoint.port.map { "\(host):\($0)" } ?? host
            var base = endpoint.path
            while base.hasSuffix("/") { base.removeLast() }
            return S3Location(
                scheme: endpoint.scheme ?? "https",
                authority: authority,
                path: key.isEmpty ? "\(base)/\(bucket)" : "\(base)/\(bucket)/\(key)"
            )
        }
        switch addressing {
        case .virtualHosted:
            return S3Location(scheme: "https", authority: "\(bucket).s3.\(region).amazonaws.com", path: "/\(key)")
        case .pathStyle:
            return S3Location(
                scheme: "https",
                authority: "s3.\(region).amazonaws.com",
                path: key.isEmpty ? "/\(bucket)" : "/\(bucket)/\(key)"
            )
        }
    }

    /// The request URL of `key` with `query` (names and values URI-encoded, a parameter without a value bare).
    public func url(key: String, query: [(name: String, value: String)] = []) -> String {
        let location = location(key: key)
        let queryText = query.map {
            $0.value.isEmpty ? SigV4.uriEncode($0.name) : "\(SigV4.uriEncode($0.name))=\(SigV4.uriEncode($0.value))"
        }
        .joined(separator: "&")
        return "\(location.scheme)://\(location.authority)\(SigV4.uriEncode(location.path, encodeSlash: false))"
            + (queryText.isEmpty ? "" : "?\(queryText)")
    }

    /// `s3://bucket/key`, for messages.
    public func describe(_ key: String) -> String { "s3://\(bucket)/\(key)" }
}

/// A minimal S3 REST client: SigV4-signed requests over HTTP (`HTTPClient`), one at a time.
///
/// Every request body passes `PrivateKeyGuard`: nothing holding a PEM private key is ever sent.
public final class S3Client: Sendable {
    public let endpoint: S3Endpoint
    let credentials: AWSCredentials
    let clock: @Sendable () -> Instant

    /// `clock` gives the signing time (`x-amz-date`); nothing else depends on it.
    public init(endpoint: S3Endpoint, credentials: AWSCredentials, clock: @escaping @Sendable () -> Instant) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.clock = clock
    }

    /// The largest response body `send` takes by default.
    ///
    /// S3's XML answers are far smaller; a server that sends without end is stopped here instead of filling memory.
    /// `getObject` sets its own limit.
    public static let answerLimit = 64 << 20

    /// Sends one signed request and returns the response whatever its status.
    public func send(
        _ method: String,
        key: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        maxResponseBytes: Int = S3Client.answerLimit
    ) throws(PublishError) -> S3Response {
        try PrivateKeyGuard.check(body, destination: endpoint.describe(key))
        let location = endpoint.location(key: key)
        let payload = body.isEmpty ? SigV4.emptyPayloadSHA256 : SHA256.hash(body).hex
        let amzDate = SigV4.amzDate(clock())
        var signed: [(name: String, value: String)] =
            headers + [("host", location.authority), ("x-amz-content-sha256", payload), ("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        let request = SignableRequest(
            method: method,
            path: location.path,
            query: query,
            headers: signed,
            payloadSHA256: payload
        )
        let authorization = SigV4.authorization(
            request,
            credentials: credentials,
            amzDate: amzDate,
            region: endpoint.region,
            service: "s3"
        )
        let urlText = endpoint.url(key: key, query: query)
        guard URL(string: urlText) != nil else { throw PublishError(.invalidRequest, "\(urlText): not a valid URL") }
        let http = HTTPRequest(
            method: method,
            url: urlText,
            headers: signed.filter { $0.name != "host" } + [("Authorization", authorization)],
            body: body
        )
        do throws(HTTPError) {
            let response = try HTTPClient.send(http, maxResponseBytes: maxResponseBytes)
            return S3Response(status: response.status, headers: response.headers, body: response.body)
        } catch {
            throw PublishError(
                error.code == .responseTooLarge ? .responseTooLarge : .transport,
                "\(method) \(endpoint.describe(key)): \(error.message)"
            )
        }
    }

    /// Throws unless the response is a success, naming the request and S3's error code.
    @discardableResult
    public func expectSuccess(_ response: S3Response, _ what: String) throws(PublishError) -> S3Response {
        guard (200..<300).contains(response.status) else {
            let code = response.errorCode ?? "no error code"
            let message = S3Response.element("Message", in: response.body).map { ": \($0)" } ?? ""
            throw PublishError(.httpStatus, "\(what): HTTP \(response.status) \(code)\(message)")
        }
        return response
    }

    // MARK: Operations

    /// PutObject under COMPLIANCE retention until `retainUntil`, with a SHA-256 checksum; returns the version id.
    @discardableResult
    public func putObject(key: String, body: [UInt8], retainUntil: Instant?) throws(PublishError) -> String? {
        var headers = Self.checksumHeaders(body)
        if let retainUntil {
            headers += [
                ("x-amz-object-lock-mode", "COMPLIANCE"),
                ("x-amz-object-lock-retain-until-date", retainUntil.iso8601),
            ]
        }
        let response = try expectSuccess(
            try send("PUT", key: key, headers: headers, body: body),
            "PUT \(endpoint.describe(key))"
        )
        return response.header("x-amz-version-id")
    }

    /// HeadObject asking for the stored checksum; any status is returned (404 means absent or deleted).
    public func headObject(key: String, versionID: String? = nil) throws(PublishError) -> S3Response {
        try send(
            "HEAD",
            key: key,
            query: versionID.map { [("versionId", $0)] } ?? [],
            headers: [("x-amz-checksum-mode", "ENABLED")]
        )
    }

    /// GetObject of the current version, refused when its body is larger than `maxBytes`.
    public func getObject(key: String, maxBytes: Int = .max) throws(PublishError) -> [UInt8] {
        try expectSuccess(try send("GET", key: key, maxResponseBytes: maxBytes), "GET \(endpoint.describe(key))").body
    }

    /// PutObjectRetention: COMPLIANCE until `retainUntil` on one version (S3 only lets it grow).
    public func putObjectRetention(key: String, versionID: String?, retainUntil: Instant) throws(PublishError) {
        let body = Array(
            ("<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>COMPLIANCE</Mode>"
                + "<RetainUntilDate>\(retainUntil.iso8601)</RetainUntilDate></Retention>").utf8
        )
        var query: [(name: String, value: String)] = [("retention", "")]
        if let versionID { query.append(("versionId", versionID)) }
        try expectSuccess(
            try send("PUT", key: key, query: query, headers: Self.checksumHeaders(body), body: body),
            "PutObjectRetention \(endpoint.describe(key))"
        )
    }

    /// `x-amz-sdk-checksum-algorithm: SHA256` and the base64 `x-amz-checksum-sha256` of a body.
    static func checksumHeaders(_ body: [UInt8]) -> [(name: String, value: String)] {
        [
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
            ("x-amz-checksum-sha256", Data(SHA256.hash(body).bytes).base64EncodedString()),
        ]
    }
}

/// Refuses any request body that holds a PEM private key (`-----BEGIN ... PRIVATE KEY-----`).
public enum PrivateKeyGuard {
    static let marker = Data("PRIVATE KEY-----".utf8)

    /// Whether `bytes` contain a PEM private-key armor line (PKCS#8, encrypted PKCS#8, RSA, EC, OpenSSH).
    public static func containsPrivateKey(_ bytes: [UInt8]) -> Bool {
        Data(bytes).range(of: marker) != nil
    }

    /// Throws when `bytes` hold a private key: it must never leave the machine.
    public static func check(_ bytes: [UInt8], destination: String) throws(PublishError) {
        if containsPrivateKey(bytes) {
            throw PublishError(.refusedContent, "\(destination): refusing to upload: the body holds a PEM private key")
        }
    }
}
