internal import Foundation

/// Why publishing could not start or an S3 request failed (exit status 2).
///
/// The ``code`` says what kind of failure it is, for callers and tests to match; the message says it in words.
public struct PublishError: Error, Hashable, CustomStringConvertible {
    /// The kinds of publishing failure.
    public enum Code: String, Hashable, Sendable {
        /// No credentials or Region in the environment, or a profile without keys.
        case missingCredentials
        /// The shared credentials file is not in its format.
        case malformedCredentials
        /// An option, such as `--prefix` or the endpoint, cannot form a request.
        case invalidRequest
        /// The request got no HTTP response.
        case transport
        /// The response body was larger than the request allowed (`S3Client.send`'s `maxResponseBytes`).
        case responseTooLarge
        /// S3 answered with an error status.
        case httpStatus
        /// The content is refused: a private key, or a key that is not a public key.
        case refusedContent
        /// A file of the evidence folder cannot be read, or is not in its format.
        case unreadableEvidence
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Credentials and Region from the standard AWS environment variables and the shared credentials file.
public enum AWSEnvironment {
    /// Credentials from `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), or else from the shared
    /// credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `<home>/.aws/credentials`), profile `AWS_PROFILE`
    /// (default `default`).
    public static func credentials(environment: [String: String], home: String) throws(PublishError) -> AWSCredentials {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        if let id = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
        }
        let path = value("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        let profile = value("AWS_PROFILE") ?? "default"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PublishError(
                .missingCredentials,
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or provide \(path)"
            )
        }
        let sections = try parseCredentialsFile(String(decoding: data, as: UTF8.self), path: path)
        guard let section = sections[profile] else {
            throw PublishError(.missingCredentials, "\(path): no profile [\(profile)]")
        }
        guard let id = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else {
            throw PublishError(
                .missingCredentials,
                "\(path): profile [\(profile)] lacks aws_access_key_id or aws_secret_access_key"
            )
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: section["aws_session_token"])
    }

    /// The sections of an INI-style credentials file: `[name]` headers, `key = value` lines, `#` and `;` comments.
    public static func parseCredentialsFile(
        _ text: String,
        path: String
    ) throws(PublishError) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        // Any line end: "\r\n" is one Character in Swift, so splitting on "\n" alone would keep a CRLF file one line.
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else {
                    throw PublishError(.malformedCredentials, "\(path):\(number + 1): unterminated section header")
                }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw PublishError(.malformedCredentials, "\(path):\(number + 1): expected key = value")
            }
            guard let section = current else {
                throw PublishError(.malformedCredentials, "\(path):\(number + 1): setting outside a [profile] section")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
        return sections
    }

    /// The Region from `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    public static func region(environment: [String: String]) throws(PublishError) -> String {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[name], !region.isEmpty { return region }
        }
        throw PublishError(.missingCredentials, "no AWS Region: set AWS_REGION or AWS_DEFAULT_REGION")
    }
}
