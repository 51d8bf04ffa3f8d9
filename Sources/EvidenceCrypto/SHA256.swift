internal import CEvidenceCrypto

/// A SHA-256 digest: 32 bytes, printed as 64 lower-case hex digits.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        self.bytes = bytes
    }

    /// The digest as 64 lower-case hexadecimal digits, as `sha256sum` prints it.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
}

/// An incremental SHA-256 computation over OpenSSL's EVP interface.
///
/// ```swift
/// var hasher = SHA256Hasher()
/// hasher.update(Array("abc".utf8))
/// let digest = hasher.finalize()
/// ```
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not initialise SHA-256")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the digest.
    public func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            feed(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { feed($0) }
        }
    }

    private func feed(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        guard EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1 else {
            fatalError("OpenSSL SHA-256 update failed")
        }
    }

    /// Ends the computation and returns the digest; the hasher must not be used afterwards.
    public func finalize() -> SHA256Digest {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &length) == 1, length == 32 else {
            fatalError("OpenSSL SHA-256 finalisation failed")
        }
        return SHA256Digest(bytes: out)
    }
}

@available(*, unavailable, message: "A hasher holds a C handle; use it from one task only")
extension SHA256Hasher: Sendable {}

/// One-shot SHA-256.
public enum SHA256 {
    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> SHA256Digest {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { output in
            let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                digest(prefix: nil, UnsafeRawBufferPointer(buffer), into: output.baseAddress.unsafelyUnwrapped)
            }
            if done == nil {
                Array(bytes).withUnsafeBytes {
                    digest(prefix: nil, $0, into: output.baseAddress.unsafelyUnwrapped)
                }
            }
        }
        return SHA256Digest(bytes: out)
    }

    /// Writes SHA-256(prefix || first || second) to `output`, which must hold 32 bytes.
    ///
    /// For many small digests, such as Merkle leaves and nodes: no allocation, and the hashing context lives on
    /// the stack (OpenSSL's low-level SHA-256, the same block code as EVP's without EVP's per-digest set-up).
    /// Safe to call from any thread.
    public static func digest(
        prefix: UInt8?,
        _ first: UnsafeRawBufferPointer,
        _ second: UnsafeRawBufferPointer? = nil,
        into output: UnsafeMutableRawPointer
    ) {
        let done = cevidence_sha256(
            prefix.map { Int32($0) } ?? -1,
            first.baseAddress,
            first.count,
            second?.baseAddress,
            second?.count ?? 0,
            output.assumingMemoryBound(to: UInt8.self)
        )
        guard done == 1 else { fatalError("OpenSSL SHA-256 failed") }
    }
}
