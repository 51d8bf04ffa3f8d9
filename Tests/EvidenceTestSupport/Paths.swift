package import Foundation

/// Paths of the repository, found from this file's own location.
package enum RepositoryPaths {
    /// The package root.
    package static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    package static func scenario(_ name: String) -> String { root.appendingPathComponent("scenarios/\(name)").path }

    /// The Ed25519 key that signs golden and test chains: committed for tests only, never for real evidence.
    package static var testKey: String { root.appendingPathComponent("Tests/TEST-ONLY-signing-key.pem").path }

    /// A second test-only key, for rotation tests.
    package static var nextTestKey: String { root.appendingPathComponent("Tests/TEST-ONLY-next-signing-key.pem").path }

    package static var golden: URL { root.appendingPathComponent("golden") }
}
