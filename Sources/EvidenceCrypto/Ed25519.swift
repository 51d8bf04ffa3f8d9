internal import CEvidenceCrypto

/// Why a key could not be read or a signature made.
///
/// The ``code`` says what kind of failure it is, for callers and tests to match; the message says it in words.
public struct CryptoError: Error, Hashable, CustomStringConvertible {
    /// The kinds of crypto failure.
    public enum Code: String, Hashable, Sendable {
        /// The bytes are not a PEM key of the kind expected, or not an Ed25519 key.
        case invalidKey
        /// A certificate is not PEM or cannot be decoded.
        case invalidCertificate
        /// The time-stamp authority did not grant a time-stamp.
        case timeStampRefused
        /// The bytes are not a time-stamp response or token, or a field of it cannot be read.
        case malformedTimeStamp
        /// The time-stamp token's signature does not verify against the authority's certificates.
        case timeStampInvalid
        /// OpenSSL failed to make, sign with or encode something, or had no randomness.
        case library
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An Ed25519 key pair held by OpenSSL; it can sign, and export its public key.
///
/// ```swift
/// let key = try Ed25519PrivateKey(pem: pemBytes)
/// let signature = try key.sign(message)        // 64 bytes, deterministic (RFC 8032)
/// ```
public final class Ed25519PrivateKey {
    let key: OpaquePointer

    /// Reads a PKCS#8 PEM private key; it must be Ed25519.
    public init(pem: [UInt8]) throws(CryptoError) {
        guard let parsed = withBIO(pem, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
            throw CryptoError(.invalidKey, "not a PEM private key (expected PKCS#8, BEGIN PRIVATE KEY)")
        }
        guard EVP_PKEY_get_id(parsed) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(parsed)
            throw CryptoError(.invalidKey, "the private key is not an Ed25519 key")
        }
        key = parsed
    }

    /// Generates a new key from the operating system's randomness (its only other use in this tool is the nonce of
    /// a time-stamp request).
    public static func generate() throws(CryptoError) -> Ed25519PrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else {
            throw CryptoError(.library, "cannot create a key")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &generated) == 1, let generated else {
            throw CryptoError(.library, "cannot generate an Ed25519 key")
        }
        return Ed25519PrivateKey(taking: generated)
    }

    private init(taking key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// The private key as PKCS#8 PEM.
    public func pem() throws(CryptoError) -> [UInt8] {
        try writeBIO { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) == 1 }
    }

    /// The public half.
    public func publicKey() throws(CryptoError) -> Ed25519PublicKey {
        try Ed25519PublicKey(pem: try writeBIO { PEM_write_bio_PUBKEY($0, key) == 1 })
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else {
            throw CryptoError(.library, "cannot start signing")
        }
        var length = 64
        var signature = [UInt8](repeating: 0, count: 64)
        let status = message.withUnsafeBufferPointer { buffer in
            EVP_DigestSign(context, &signature, &length, buffer.baseAddress, buffer.count)
        }
        guard status == 1, length == 64 else { throw CryptoError(.library, "Ed25519 signing failed") }
        return signature
    }
}

@available(*, unavailable, message: "A key holds a C handle; use it from one task only")
extension Ed25519PrivateKey: Sendable {}

/// An Ed25519 public key, as PEM SubjectPublicKeyInfo.
public final class Ed25519PublicKey {
    let key: OpaquePointer

    /// Reads a PEM public key (`BEGIN PUBLIC KEY`); it must be Ed25519.
    public init(pem: [UInt8]) throws(CryptoError) {
        guard let parsed = withBIO(pem, { PEM_read_bio_PUBKEY($0, nil, nil, nil) }) else {
            throw CryptoError(.invalidKey, "not a PEM public key (expected BEGIN PUBLIC KEY)")
        }
        guard EVP_PKEY_get_id(parsed) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(parsed)
            throw CryptoError(.invalidKey, "the public key is not an Ed25519 key")
        }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// The key as PEM, as `openssl pkey -pubout` writes it.
    public func pem() throws(CryptoError) -> [UInt8] {
        try writeBIO { PEM_write_bio_PUBKEY($0, key) == 1 }
    }

    /// The DER SubjectPublicKeyInfo bytes.
    public func der() throws(CryptoError) -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &pointer)
        guard length > 0, let pointer else { throw CryptoError(.library, "cannot encode the public key") }
        defer { CRYPTO_free(pointer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo, the key's fingerprint:
    /// `openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum`.
    public func fingerprint() throws(CryptoError) -> SHA256Digest { SHA256.hash(try der()) }

    /// Whether `signature` is a valid Ed25519 signature of `message` under this key.
    public func verify(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        guard signature.count == 64, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        return message.withUnsafeBufferPointer { buffer in
            EVP_DigestVerify(context, signature, signature.count, buffer.baseAddress, buffer.count) == 1
        }
    }
}

@available(*, unavailable, message: "A key holds a C handle; use it from one task only")
extension Ed25519PublicKey: Sendable {}

/// Runs `body` with a read-only memory BIO over `bytes`.
private func withBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T?) -> T? {
    bytes.withUnsafeBytes { raw -> T? in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
        defer { BIO_free(bio) }
        return body(bio)
    }
}

/// Collects what `body` writes into a memory BIO.
private func writeBIO(_ body: (OpaquePointer) -> Bool) throws(CryptoError) -> [UInt8] {
    guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError(.library, "cannot allocate a buffer") }
    defer { BIO_free(bio) }
    guard body(bio) else { throw CryptoError(.library, "cannot encode the key") }
    var data: UnsafeMutablePointer<CChar>?
    let length = cevidence_bio_get_mem_data(bio, &data)
    guard length > 0, let data else { throw CryptoError(.library, "cannot encode the key") }
    return data.withMemoryRebound(to: UInt8.self, capacity: length) {
        Array(UnsafeBufferPointer(start: $0, count: length))
    }
}
