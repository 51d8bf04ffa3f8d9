internal import EvidenceCrypto
public import EvidenceModel

/// AWS credentials: an access key, its secret, and a session token for temporary credentials.
public struct AWSCredentials: Hashable, Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// An HTTP request as AWS Signature Version 4 sees it.
///
/// `path` is the absolute path before encoding (`/bucket/2028-03/SHA256SUMS`); `headers` are the headers to sign,
/// `host` among them; `payloadSHA256` is the hex SHA-256 of the body (the `x-amz-content-sha256` value).
public struct SignableRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var payloadSHA256: String

    public init(
        method: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)],
        payloadSHA256: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadSHA256 = payloadSHA256
    }
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`): canonical request, string to sign, signing key and signature.
///
/// Pure functions of their arguments; the caller supplies the request time.
///
/// ```swift
/// let auth = SigV4.authorization(request, credentials: credentials, amzDate: "20130524T000000Z",
///                                region: "us-east-1", service: "s3")
/// ```
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The SHA-256 of an empty body, the payload hash of GET, HEAD and DELETE requests.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// `x-amz-date` form of an instant: `20130524T000000Z`.
    public static func amzDate(_ instant: Instant) -> String {
        let c = instant.civil
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// Percent-encodes every byte except the unreserved characters `A-Z a-z 0-9 - . _ ~` (and `/` when kept).
    public static func uriEncode(_ text: String, encodeSlash: Bool = true) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where !encodeSlash:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical query string: names and values encoded, sorted by name then value, `name=value` joined by `&`.
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (uriEncode($0.name), uriEncode($0.value)) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Header names lower-cased and sorted, values trimmed with inner runs of spaces collapsed; repeated names joined
    /// with commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[header.name.lowercased(), default: []].append(value)
        }
        return merged.keys.sorted().map { name in (name, (merged[name] ?? []).joined(separator: ",")) }
    }

    /// The `SignedHeaders` list: lower-case names, sorted, joined by `;`.
    public static func signedHeaders(_ request: SignableRequest) -> String {
        canonicalHeaders(request.headers).map(\.name).joined(separator: ";")
    }

    /// The canonical request (method, URI, query, headers, signed headers, payload hash), lines joined by LF.
    public static func canonicalRequest(_ request: SignableRequest) -> String {
        let headers = canonicalHeaders(request.headers)
        return [
            request.method,
            uriEncode(request.path, encodeSlash: false),
            canonicalQuery(request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            headers.map(\.name).joined(separator: ";"),
            request.payloadSHA256,
        ].joined(separator: "\n")
    }

    /// The credential scope `<yyyymmdd>/<region>/<service>/aws4_request`.
    public static func scope(amzDate: String, region: String, service: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// The string to sign: algorithm, request time, scope and the hex SHA-256 of the canonical request.
    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) -> String {
        [algorithm, amzDate, scope, SHA256.hash(Array(canonicalRequest.utf8)).hex].joined(separator: "\n")
    }

    /// The signing key: HMAC chain over date, Region, service and `aws4_request`, keyed first by `AWS4` + secret.
    public static func signingKey(secret: String, amzDate: String, region: String, service: String) -> [UInt8] {
        var key = Array("AWS4\(secret)".utf8)
        for part in [String(amzDate.prefix(8)), region, service, "aws4_request"] {
            key = HMACSHA256.authenticate(key: key, message: Array(part.utf8))
        }
        return key
    }

    /// The hex signature of a string to sign.
    public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        SHA256Digest(bytes: HMACSHA256.authenticate(key: signingKey, message: Array(stringToSign.utf8))).hex
    }

    /// The `Authorization` header value for a request.
    public static func authorization(
        _ request: SignableRequest,
        credentials: AWSCredentials,
        amzDate: String,
        region: String,
        service: String
    ) -> String {
        let scope = scope(amzDate: amzDate, region: region, service: service)
        let toSign = stringToSign(canonicalRequest: canonicalRequest(request), amzDate: amzDate, scope: scope)
        let key = signingKey(secret: credentials.secretAccessKey, amzDate: amzDate, region: region, service: service)
        return "\(algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders(request)), "
            + "Signature=\(signature(signingKey: key, stringToSign: toSign))"
    }
}
