package import Foundation

/// A temporary copy of a scenario that a test may change; removed when released.
package final class ScenarioSandbox {
    package let root: URL

    /// Copies `scenarios/<name>` into a fresh temporary folder.
    package init(copying name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("be-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: RepositoryPaths.scenario(name)),
            to: root
        )
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    package var path: String { root.path }

    /// Replaces a file's text.
    package func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    package func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Edits a file's text with a replacement that must match.
    package func replace(_ relative: String, _ old: String, with new: String) throws {
        let text = try read(relative)
        precondition(text.contains(old), "\(relative) does not contain \(old)")
        try write(relative, text.replacingOccurrences(of: old, with: new))
    }

    package func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(relative))
    }
}

/// A fresh empty temporary folder, removed when released.
package final class TemporaryFolder {
    package let url: URL

    package init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("be-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    package var path: String { url.path }

    /// Relative paths of every file below the folder, sorted.
    package func files() -> [String] { Self.files(below: url) }

    /// Relative paths of every file below `folder`, sorted.
    package static func files(below folder: URL) -> [String] {
        let base = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var out: [String] = []
        for case let name as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                out.append(name)
            }
        }
        return out.sorted()
    }
}
