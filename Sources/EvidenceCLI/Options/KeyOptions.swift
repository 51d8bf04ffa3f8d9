internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceLedger
internal import EvidenceModel
internal import Foundation

/// The key pinning options shared by the commands that trust sealed months.
struct KeyOptions: ParsableArguments {
    @Option(help: "The public key (PEM) the chain must be signed with.")
    var trustedKey: String?

    @Option(help: "The SHA-256 fingerprint of the DER public key the chain must be signed with.")
    var expectKeySHA256: String?

    func validate() throws {
        if trustedKey != nil && expectKeySHA256 != nil {
            throw ValidationError("give --trusted-key or --expect-key-sha256, not both")
        }
        if let hex = expectKeySHA256, hex.count != 64 || !hex.allSatisfy(\.isHexDigit) {
            throw ValidationError("--expect-key-sha256: expected 64 hexadecimal digits")
        }
    }

    func trusted() throws -> Ed25519PublicKey? { try trustedKey.map(SigningKeys.publicKey) }
}
