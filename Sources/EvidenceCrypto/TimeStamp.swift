internal import CEvidenceCrypto

/// The certificates a time-stamp token is checked against.
///
/// A time-stamping authority's certificate and its CA chain, read from PEM files; every certificate in every file is
/// trusted for time-stamping.
public struct TimeStampAuthority: Sendable {
    /// Each certificate, DER.
    public let certificates: [[UInt8]]

    /// Reads every certificate of each PEM file.
    ///
    /// Text around the blocks and blocks of other kinds (a CRL) are skipped. A file holding no certificate, a block
    /// that cannot be read or a certificate that does not decode (a file that lost part of the chain), or a private
    /// key (a file whose holder can sign tokens) is an error naming the file.
    public init(pemFiles: [(name: String, bytes: [UInt8])]) throws(CryptoError) {
        var certificates: [[UInt8]] = []
        for file in pemFiles {
            let found = try readCertificates(file.bytes, file: file.name)
            guard !found.isEmpty else {
                throw CryptoError(.invalidCertificate, "\(file.name): no PEM certificate (expected BEGIN CERTIFICATE)")
            }
            certificates += found
        }
        self.certificates = certificates
    }
}

/// What a verified RFC 3161 token says: the SHA-256 imprint it time-stamps and when.
public struct TimeStampToken: Hashable, Sendable {
    /// The message imprint, the SHA-256 of the data time-stamped.
    public var imprint: SHA256Digest
    /// The token's genTime, `YYYY-MM-DDTHH:MM:SSZ` (any fraction of a second left out).
    public var time: String
    /// The token's serial number, in hex.
    public var serial: String
}

/// RFC 3161 time-stamp requests and tokens, made and checked offline with OpenSSL's TS interface.
///
/// ```swift
/// let request = try TimeStamp.request(for: Array("line\n".utf8))   // DER TimeStampReq, for a TSA
/// let token = try TimeStamp.verify(responseBytes, authority: authority)
/// token.imprint == SHA256.hash(Array("line\n".utf8))
/// ```
public enum TimeStamp {
    /// A DER TimeStampReq for `message`.
    ///
    /// Version 1, a SHA-256 message imprint of `message`, a 64-bit nonce from the operating system's randomness
    /// (through OpenSSL's generator, as key generation), and certReq true, so the token carries the TSA's
    /// certificate. `openssl ts -query -data FILE -sha256 -cert` makes the same request.
    public static func request(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        var digest = SHA256.hash(message).bytes
        var nonce = [UInt8](repeating: 0, count: 8)
        guard RAND_bytes(&nonce, Int32(nonce.count)) == 1 else {
            throw CryptoError(.library, "no random nonce available")
        }
        guard let request = TS_REQ_new(), let imprint = TS_MSG_IMPRINT_new(), let algorithm = X509_ALGOR_new(),
            let number = BN_bin2bn(nonce, Int32(nonce.count), nil), let integer = BN_to_ASN1_INTEGER(number, nil)
        else {
            throw CryptoError(.library, "cannot allocate a time-stamp request")
        }
        defer {
            TS_REQ_free(request)
            TS_MSG_IMPRINT_free(imprint)
            X509_ALGOR_free(algorithm)
            BN_free(number)
            ASN1_INTEGER_free(integer)
        }
        let built =
            TS_REQ_set_version(request, 1) == 1
            && X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nil) == 1
            && TS_MSG_IMPRINT_set_algo(imprint, algorithm) == 1
            && TS_MSG_IMPRINT_set_msg(imprint, &digest, 32) == 1
            && TS_REQ_set_msg_imprint(request, imprint) == 1
            && TS_REQ_set_nonce(request, integer) == 1
            && TS_REQ_set_cert_req(request, 1) == 1
        guard built else { throw CryptoError(.library, "cannot build the time-stamp request") }
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_TS_REQ(request, &pointer)
        guard length > 0, let pointer else { throw CryptoError(.library, "cannot encode the time-stamp request") }
        defer { CRYPTO_free(pointer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }

    /// Checks a DER TimeStampResp (as a TSA answers, `openssl ts -reply`) or a bare token (the signed content of
    /// one, `-token_out`) against `authority`, and returns what it time-stamps.
    ///
    /// The response must be granted; the token's signature must verify, its signer's certificate must chain to a
    /// certificate of `authority`, be valid at the token's own time (so no clock is read, and a token stays
    /// verifiable after the TSA's certificate expires) and carry the critical time-stamping extended key usage; the
    /// signing-certificate attribute must name it; the imprint must be SHA-256. It is `openssl ts -verify` without
    /// the data, whose imprint the caller compares.
    public static func verify(_ bytes: [UInt8], authority: TimeStampAuthority) throws(CryptoError) -> TimeStampToken {
        ERR_clear_error()
        defer { ERR_clear_error() }
        var response: OpaquePointer?
        var token: UnsafeMutablePointer<PKCS7>?
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var cursor: UnsafePointer<UInt8>? = base
            if let parsed = d2i_TS_RESP(nil, &cursor, buffer.count) {
                if cursor == base + buffer.count { response = parsed } else { TS_RESP_free(parsed) }
                return
            }
            // Not a response: what OpenSSL queued about that is no reason a token fails.
            ERR_clear_error()
            cursor = base
            if let parsed = d2i_PKCS7(nil, &cursor, buffer.count) {
                if cursor == base + buffer.count { token = parsed } else { PKCS7_free(parsed) }
            }
        }
        defer {
            TS_RESP_free(response)
            PKCS7_free(token)
        }
        var owned: OpaquePointer?
        defer { TS_TST_INFO_free(owned) }
        let info: OpaquePointer
        if let response {
            let status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response)))
            // 0 granted, 1 granted with modifications (RFC 3161 §2.4.2).
            guard status == 0 || status == 1 else {
                throw CryptoError(.timeStampRefused, "the TSA did not grant the time-stamp (PKIStatus \(status))")
            }
            guard let found = TS_RESP_get_tst_info(response) else {
                throw CryptoError(.timeStampRefused, "the response holds no time-stamp token")
            }
            info = found
        } else if let token, let found = PKCS7_to_TS_TST_INFO(token) {
            owned = found
            info = found
        } else {
            throw CryptoError(.malformedTimeStamp, "not a DER time-stamp response or token")
        }

        guard let imprint = TS_TST_INFO_get_msg_imprint(info), let algorithm = TS_MSG_IMPRINT_get_algo(imprint),
            OBJ_obj2nid(algorithm.pointee.algorithm) == NID_sha256, let message = TS_MSG_IMPRINT_get_msg(imprint),
            ASN1_STRING_length(message) == 32, let data = ASN1_STRING_get0_data(message)
        else {
            throw CryptoError(.malformedTimeStamp, "the token's message imprint is not a SHA-256 digest")
        }
        let digest = SHA256Digest(bytes: Array(UnsafeBufferPointer(start: data, count: 32)))
        var moment = tm()
        guard let genTime = TS_TST_INFO_get_time(info), ASN1_TIME_to_tm(genTime, &moment) == 1 else {
            throw CryptoError(.malformedTimeStamp, "the token's genTime cannot be read")
        }
        let serial = try hex(TS_TST_INFO_get_serial(info))

        guard let context = TS_VERIFY_CTX_new(), let store = X509_STORE_new() else {
            throw CryptoError(.library, "cannot allocate a time-stamp verification")
        }
        defer { TS_VERIFY_CTX_free(context) }
        // The context owns the store and the untrusted certificates from here, and frees them.
        TS_VERIFY_CTX_set_store(context, store)
        guard let untrusted = cevidence_x509_stack_new() else {
            throw CryptoError(.library, "cannot allocate a certificate list")
        }
        TS_VERIFY_CTX_set_certs(context, untrusted)
        for der in authority.certificates {
            let certificate = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var cursor = buffer.baseAddress
                return d2i_X509(nil, &cursor, buffer.count)
            }
            guard let certificate else { throw CryptoError(.invalidCertificate, "a TSA certificate cannot be decoded") }
            _ = X509_STORE_add_cert(store, certificate)
            guard cevidence_x509_stack_push(untrusted, certificate) == 1 else {
                X509_free(certificate)
                throw CryptoError(.library, "cannot allocate a certificate list")
            }
        }
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), unixTime(moment))
        TS_VERIFY_CTX_set_flags(context, Int32(TS_VFY_VERSION | TS_VFY_SIGNATURE))
        let verified =
            if let response { TS_RESP_verify_response(context, response) } else { TS_RESP_verify_token(context, token) }
        guard verified == 1 else { throw CryptoError(.timeStampInvalid, "the token does not verify: \(reasons())") }
        return TimeStampToken(imprint: digest, time: iso8601(moment), serial: serial)
    }
}

/// Seconds from 1970-01-01T00:00:00Z to a UTC calendar time.
///
/// Days come from Howard Hinnant's days_from_civil over the proleptic Gregorian calendar; no time zone is consulted.
private func unixTime(_ moment: tm) -> time_t {
    let year = Int(moment.tm_year) + 1900 - (moment.tm_mon < 2 ? 1 : 0)
    let month = Int(moment.tm_mon) + 1
    let era = (year >= 0 ? year : year - 399) / 400
    let yearOfEra = year - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + Int(moment.tm_mday) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return time_t(days * 86_400 + Int(moment.tm_hour) * 3_600 + Int(moment.tm_min) * 60 + Int(moment.tm_sec))
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
private func iso8601(_ moment: tm) -> String {
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(moment.tm_year + 1900)-\(two(moment.tm_mon + 1))-\(two(moment.tm_mday))T"
        + "\(two(moment.tm_hour)):\(two(moment.tm_min)):\(two(moment.tm_sec))Z"
}

/// An ASN.1 integer in hex, as `openssl ts -reply -text` prints a serial (without its `0x`).
private func hex(_ integer: UnsafePointer<ASN1_INTEGER>?) throws(CryptoError) -> String {
    guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else {
        throw CryptoError(.malformedTimeStamp, "the token's serial number cannot be read")
    }
    defer { BN_free(number) }
    guard let text = BN_bn2hex(number) else {
        throw CryptoError(.malformedTimeStamp, "the token's serial number cannot be read")
    }
    defer { CRYPTO_free(text, #fileID, #line) }
    return String(cString: text)
}

/// The reasons OpenSSL queued for the last failure, in order, each once.
private func reasons() -> String {
    var out: [String] = []
    while true {
        var data: UnsafePointer<CChar>?
        var flags: Int32 = 0
        let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
        guard code != 0 else { break }
        var text = ERR_reason_error_string(code).map { String(cString: $0) } ?? "OpenSSL error \(code)"
        if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 { text += " (\(String(cString: data)))" }
        if !out.contains(text) { out.append(text) }
    }
    return out.isEmpty ? "unknown reason" : out.joined(separator: "; ")
}

/// Every certificate in PEM `bytes`, DER, or an error naming `file`.
private func readCertificates(_ bytes: [UInt8], file: String) throws(CryptoError) -> [[UInt8]] {
    ERR_clear_error()
    defer { ERR_clear_error() }
    var blocks: [(name: String, data: [UInt8])] = []
    var unreadable = false
    bytes.withUnsafeBytes { raw in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return }
        defer { BIO_free(bio) }
        while true {
            var name: UnsafeMutablePointer<CChar>?
            var header: UnsafeMutablePointer<CChar>?
            var data: UnsafeMutablePointer<UInt8>?
            var length = 0
            guard PEM_read_bio(bio, &name, &header, &data, &length) == 1 else {
                // The end of the data, or a block with no END line or bad base64.
                unreadable = ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE
                return
            }
            defer {
                CRYPTO_free(name, #fileID, #line)
                CRYPTO_free(header, #fileID, #line)
                CRYPTO_free(data, #fileID, #line)
            }
            let text = name.map { String(cString: $0) } ?? ""
            blocks.append((text, data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []))
        }
    }
    var out: [[UInt8]] = []
    for (index, block) in blocks.enumerated() {
        if block.name.contains("PRIVATE KEY") {
            throw CryptoError(
                .invalidCertificate,
                "\(file): PEM block \(index + 1) is a private key (\(block.name)); expected the TSA's certificates only"
            )
        }
        guard ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"].contains(block.name) else { continue }
        let der = block.data.withUnsafeBufferPointer { buffer -> [UInt8]? in
            var cursor = buffer.baseAddress
            guard let base = cursor, let certificate = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            defer { X509_free(certificate) }
            // A trusted certificate carries its trust settings after the certificate; any other block is one.
            guard block.name == "TRUSTED CERTIFICATE" || cursor == base + buffer.count else { return nil }
            var pointer: UnsafeMutablePointer<UInt8>?
            let length = i2d_X509(certificate, &pointer)
            guard length > 0, let pointer else { return nil }
            defer { CRYPTO_free(pointer, #fileID, #line) }
            return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
        }
        guard let der else {
            throw CryptoError(
                .invalidCertificate,
                "\(file): PEM block \(index + 1) (\(block.name)) is not a DER X.509 certificate"
            )
        }
        out.append(der)
    }
    if unreadable {
        throw CryptoError(
            .invalidCertificate,
            "\(file): PEM block \(blocks.count + 1) cannot be read (no END line, or bad base64)"
        )
    }
    return out
}
