internal import EvidencePipeline
internal import Foundation

/// Writes a folder of files so that readers see the old folder or the complete new one, never a partial one.
///
/// The files are written into a hidden sibling folder, flushed, and the folder is renamed into place.
enum AtomicFolder {
    /// Writes `files` (relative path → bytes) as the folder `destination`, replacing it if `replace` is true.
    static func write(_ files: [String: [UInt8]], to destination: URL, replace: Bool) throws {
        try fill(destination, replace: replace) { staging in
            for name in files.keys.sorted() {
                let url = staging.appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                let handle = try FileHandle(forWritingTo: createEmpty(url))
                try (files[name] ?? []).withUnsafeBytes { raw in
                    guard let base = raw.baseAddress, raw.count > 0 else { return }
                    // Borrow the bytes: the data must not outlive this closure, and it does not.
                    let data = Data(
                        bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                        count: raw.count,
                        deallocator: .none
                    )
                    try handle.write(contentsOf: data)
                }
                try handle.synchronize()
                try handle.close()
            }
        }
    }

    /// Lets `body` write the folder `destination` in a hidden staging sibling, then renames it into place.
    ///
    /// An existing folder is replaced if `replace` is true. A failure removes the staging folder.
    static func fill(_ destination: URL, replace: Bool, _ body: (URL) throws -> Void) throws {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(pid)")
        // The outermost folder this call creates, removed again when the body fails, so nothing is left behind.
        var created: URL?
        var ancestor = parent.standardizedFileURL
        while !manager.fileExists(atPath: ancestor.path), ancestor.path != "/" {
            created = ancestor
            ancestor = ancestor.deletingLastPathComponent()
        }
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            if manager.fileExists(atPath: staging.path) { try manager.removeItem(at: staging) }
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            try body(staging)
            if manager.fileExists(atPath: destination.path) {
                guard replace else {
                    try? manager.removeItem(at: staging)
                    throw IOFailure(description: "\(destination.path): already exists; refusing to overwrite it")
                }
                let old = parent.appendingPathComponent(".\(destination.lastPathComponent).old-\(pid)")
                try manager.moveItem(at: destination, to: old)
                try manager.moveItem(at: staging, to: destination)
                try manager.removeItem(at: old)
            } else {
                try manager.moveItem(at: staging, to: destination)
            }
        } catch let error as CocoaError {
            try? manager.removeItem(at: staging)
            throw IOFailure(description: "\(destination.path): cannot write: \(fileErrorInWords(error))")
        } catch {
            // The body's own errors (input, simulation, I/O) keep their kind and exit status.
            try? manager.removeItem(at: staging)
            if let created { try? manager.removeItem(at: created) }
            throw error
        }
    }

    private static func createEmpty(_ url: URL) throws -> URL {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw IOFailure(description: "\(url.path): cannot create the file")
        }
        return url
    }
}
