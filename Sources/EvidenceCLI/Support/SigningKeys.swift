internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

/// Where signing keys come from: `--key`, or the demo key kept outside the evidence folder.
enum SigningKeys {
    /// The demo key's place, under the current directory (git-ignored), never under the evidence folder.
    static let demoPath = ".backup-evidence/demo-signing-key.pem"

    /// The key at `path`, or the demo key, created on first use with a warning.
    static func load(_ path: String?) throws -> Ed25519PrivateKey {
        if let path { return try privateKey(path) }
        if let data = FileManager.default.contents(atPath: demoPath) {
            printNote("warning: signing with the demo key \(demoPath); pass --key for real evidence")
            return try parse(data, path: demoPath)
        }
        let key = try Ed25519PrivateKey.generate()
        try FileManager.default.createDirectory(atPath: ".backup-evidence", withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: demoPath,
                contents: Data(try key.pem()),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw IOFailure(description: "\(demoPath): cannot write the demo key") }
        printNote("warning: created a demo signing key at \(demoPath); pass --key for real evidence")
        return key
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

    /// A public key from a public PEM, or the public half of a private PEM.
    static func publicKey(_ path: String) throws -> Ed25519PublicKey {
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

/// The inputs a month is computed from, normalized for sealing.
///
/// They are scenario.json, every file under accounts/, and the job streams under AWSLogs/ and events/; JSON
/// re-encoded canonically (sorted keys, no white space), other files (CloudTrail's gzip files, EventBridge's JSON
/// lines, templates) as they are. The result is itself a scenario folder, which `verify --rebuild` runs again.
package enum SealedInputs {
    /// The folders of a scenario whose files are inputs, beside scenario.json.
    static let folders = ["accounts", "AWSLogs", "events"]

    package static func normalize(scenario: String) throws -> [String: [UInt8]] {
        let root = URL(fileURLWithPath: scenario)
        var out: [String: [UInt8]] = [:]
        var paths = ["scenario.json"]
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path) else {
                continue
            }
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(
                    atPath: root.appendingPathComponent("\(folder)/\(path)").path,
                    isDirectory: &isDirectory
                )
                if !isDirectory.boolValue, !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                    paths.append("\(folder)/\(path)")
                }
            }
        }
        for path in paths.sorted() {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw IOFailure(description: "\(scenario)/\(path): cannot read")
            }
            let bytes = [UInt8](data)
            if path.hasSuffix(".json"), let value = try? JSONParser.parse(bytes) {
                out[path] = CanonicalJSON.encode(value)
            } else {
                out[path] = bytes
            }
        }
        return out
    }
}
