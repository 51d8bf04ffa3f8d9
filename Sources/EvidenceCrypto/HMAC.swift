internal import CEvidenceCrypto

/// HMAC-SHA256 (RFC 2104) over OpenSSL's one-shot `HMAC` function.
///
/// ```swift
/// let tag = HMACSHA256.authenticate(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
/// ```
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                HMAC(
                    EVP_sha256(),
                    keyBuffer.baseAddress,
                    Int32(keyBuffer.count),
                    messageBuffer.baseAddress,
                    messageBuffer.count,
                    &out,
                    &length
                )
            }
        }
        guard status != nil, length == 32 else { fatalError("OpenSSL HMAC-SHA256 failed") }
        return out
    }
}
