internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

/// Where signing keys come from: `--key`, or the demo key kept outside the evidence folder.
enum SigningKeys {
    /// The demo key's place, under the current directory (git-ignored), never under the evidence folder.
    static let demoPath = ".backup-evidence/demo-signing-key.pem"

    /// The key at `path`, or the demo key, created on first use, with the warning to print once the month is
    /// known to be sealable (a refusal is not preceded by a warning about a key that signs nothing).
    static func load(_ path: String?) throws -> (key: Ed25519PrivateKey, warning: String?) {
        if let path { return (try privateKey(path), nil) }
        if let data = FileManager.default.contents(atPath: demoPath) {
            return (
                try parse(data, path: demoPath),
                "warning: signing with the demo key \(demoPath); pass --key for real evidence"
            )
        }
        let key = try Ed25519PrivateKey.generate()
        try createPrivateFolder(".backup-evidence")
        guard
            FileManager.default.createFile(
                atPath: demoPath,
                contents: Data(try key.pem()),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw IOFailure(description: "\(demoPath): cannot write the demo key") }
        return (key, "warning: created a demo signing key at \(demoPath); pass --key for real evidence")
    }

    /// Creates `path` with mode 0700 whatever the umask; an existing folder is left as it is.
    private static func createPrivateFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return }
        guard mkdir(path, 0o700) == 0, chmod(path, 0o700) == 0 else {
            throw IOFailure(description: "\(path): cannot create the folder: \(String(cString: strerror(errno)))")
        }
    }

    static func privateKey(_ path: String) throws -> Ed25519PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOFailure(description: "\(path): cannot read the key")
        }
        return try parse(data, path: path)
    }

    private static func parse(_ data: Data, path: String) throws -> Ed25519PrivateKey {
        do {
            return try Ed25519PrivateKey(pem: [UInt8](data))
        } catch {
            throw IOFailure(description: "\(path): \(error.message)")
        }
    }

    /// A trusted public key (`--trusted-key`): a public PEM only; a private key is refused, since a verifier must
    /// never hold the key that signs.
    static func publicKey(_ path: String) throws -> Ed25519PublicKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOFailure(description: "\(path): cannot read the key")
        }
        if let key = try? Ed25519PublicKey(pem: [UInt8](data)) { return key }
        if (try? Ed25519PrivateKey(pem: [UInt8](data))) != nil {
            throw IOFailure(
                description: "\(path): holds a private key; give the public key (keys/<fingerprint>.pub.pem, or "
                    + "openssl pkey -pubout) and keep the private key away from verification"
            )
        }
        do {
            return try Ed25519PublicKey(pem: [UInt8](data))
        } catch {
            throw IOFailure(description: "\(path): \(error.message)")
        }
    }

    /// A key announced with `--next-key`: a public PEM, or the public half of a private PEM.
    static func announcedKey(_ path: String) throws -> Ed25519PublicKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOFailure(description: "\(path): cannot read the key")
        }
        if let key = try? Ed25519PublicKey(pem: [UInt8](data)) { return key }
        do {
            return try Ed25519PrivateKey(pem: [UInt8](data)).publicKey()
        } catch {
            throw IOFailure(description: "\(path): \(error.message)")
        }
    }
}
