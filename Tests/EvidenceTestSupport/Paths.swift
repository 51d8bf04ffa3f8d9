package import Foundation

/// Paths of the repository, found from this file's own location.
package enum RepositoryPaths {
    /// The package root.
    package static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    package static func scenario(_ name: String) -> String { root.appendingPathComponent("scenarios/\(name)").path }

    package static var golden: URL { root.appendingPathComponent("golden") }
}
