import EvidenceTestSupport
import Foundation

/// A time-stamping authority on this machine.
///
/// A throwaway CA and a TSA certificate it issued, made with the openssl CLI in a temporary folder, answering
/// requests with `openssl ts -reply`. Nothing leaves the machine.
final class LocalTSA {
    let folder: TemporaryFolder

    /// The TSA's certificate followed by its CA's, as an auditor is handed them.
    var chainPEM: String { folder.url.appendingPathComponent("tsa-chain.pem").path }

    init(name: String = "Throwaway") throws {
        folder = try TemporaryFolder()
        let dir = folder.path
        let config = """
            [ req ]
            distinguished_name = dn
            prompt = no
            [ dn ]
            CN = unused
            [ ca_ext ]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            subjectKeyIdentifier = hash
            [ tsa_ext ]
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = critical,timeStamping
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid
            [ tsa ]
            default_tsa = tsa_config
            [ tsa_config ]
            dir = \(dir)
            serial = $dir/serial
            crypto_device = builtin
            signer_cert = $dir/tsa.pem
            certs = $dir/ca.pem
            signer_key = $dir/tsa.key
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            other_policies = 1.2.3.4.1
            digests = sha256
            accuracy = secs:1
            ordering = yes
            tsa_name = yes
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256

            """
        try Data(config.utf8).write(to: folder.url.appendingPathComponent("tsa.cnf"))
        try Data("01\n".utf8).write(to: folder.url.appendingPathComponent("serial"))
        let cnf = "\(dir)/tsa.cnf"
        try Self.openssl([
            "req", "-config", cnf, "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem", "-subj", "/CN=\(name) CA", "-days", "3650",
            "-extensions", "ca_ext",
        ])
        try Self.openssl([
            "req", "-config", cnf, "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "\(dir)/tsa.key", "-out", "\(dir)/tsa.csr", "-subj", "/CN=\(name) TSA",
        ])
        try Self.openssl([
            "x509", "-req", "-in", "\(dir)/tsa.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
            "-set_serial", "2", "-days", "3650", "-extfile", cnf, "-extensions", "tsa_ext", "-out", "\(dir)/tsa.pem",
        ])
        let chain =
            try Data(contentsOf: folder.url.appendingPathComponent("tsa.pem"))
            + Data(contentsOf: folder.url.appendingPathComponent("ca.pem"))
        try chain.write(to: URL(fileURLWithPath: chainPEM))
    }

    /// Answers the DER TimeStampReq in `request` with a TimeStampResp written to `response`.
    func reply(request: String, response: String) throws {
        try Self.openssl([
            "ts", "-reply", "-config", "\(folder.path)/tsa.cnf", "-queryfile", request, "-out", response,
        ])
    }

    /// A token for `data` (the bytes of a file), through a request made by openssl itself.
    func stamp(data: String, response: String) throws {
        let request = "\(folder.path)/\(UUID().uuidString).tsq"
        try Self.openssl(["ts", "-query", "-data", data, "-sha256", "-cert", "-out", request])
        try reply(request: request, response: response)
    }

    /// The token's time as `openssl ts -reply -text` prints it, written `YYYY-MM-DDTHH:MM:SSZ`.
    static func time(of response: String) throws -> String {
        let text = try openssl(["ts", "-reply", "-in", response, "-text"])
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Time stamp: ") }) else {
            throw ToolFailure("\(response): no time stamp in openssl's text")
        }
        // "Time stamp: Dec  2 11:23:34 2026 GMT"
        let parts = line.dropFirst(12).split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 5, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]) else {
            throw ToolFailure("unexpected time line: \(line)")
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts[3])-\(two(month + 1))-\(two(day))T\(parts[2])Z"
    }

    /// The token's serial number as openssl prints it (`0x02`).
    static func serial(of response: String) throws -> String {
        let text = try openssl(["ts", "-reply", "-in", response, "-text"])
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Serial number: ") }) else {
            throw ToolFailure("\(response): no serial number in openssl's text")
        }
        return String(line.dropFirst(15))
    }

    /// Runs openssl; throws when it fails; returns its standard output.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let result = try Tools.run("openssl", arguments)
        guard result.status == 0 else {
            throw ToolFailure("openssl \(arguments.joined(separator: " ")) exited with \(result.status)")
        }
        return result.output
    }
}
