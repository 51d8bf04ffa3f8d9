internal import Foundation
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// One coverage-guided fuzzing target: a reader of untrusted input and the invariants its result must keep.
///
/// A target takes any bytes. Refusing them (a thrown error) is the expected outcome for almost every input; a
/// crash, a trap (overflow, out-of-range index), a broken invariant (``invariant(_:_:)``), a hang or memory beyond
/// libFuzzer's limit is a finding. The libFuzzer entry points in `Fuzz/Harnesses/` call ``run(_:)``, and the
/// regression tests replay `Fuzz/corpus/<name>/` through it in the normal test build (Docs/FUZZING.md).
public struct FuzzTarget: Sendable {
    /// The name `Tools/fuzz` knows the target by, and the folder of its corpus.
    public let name: String
    private let body: @Sendable ([UInt8]) -> Void

    init(_ name: String, _ body: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.body = body
    }

    /// Feeds one input to the target.
    public func run(_ input: [UInt8]) { body(input) }

    /// Feeds the `count` bytes at `data` to the target, as libFuzzer hands them over.
    public func run(_ data: UnsafePointer<UInt8>?, count: Int) {
        guard let data, count > 0 else { return run([]) }
        run(Array(UnsafeBufferPointer(start: data, count: count)))
    }

    /// Every target, in the order `Tools/fuzz` runs them.
    public static let all: [FuzzTarget] = [
        json, cloudFormation, cron, csv, cloudTrail, eventBridge, jobList, manifest, sha256sums, rowProof,
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Stops the process when a property every input must keep does not hold: libFuzzer records the input as a crash.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}

/// A private folder for the targets that read files, made once per process and target and removed when the
/// process exits normally.
///
/// Only the target's own files are written there; each run overwrites them.
final class Scratch: Sendable {
    let root: URL

    /// Every folder made, for the exit handler.
    private static let made = Mutex<[URL]>([])

    init(_ name: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backup-evidence-fuzz-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        )
        try? FileManager.default.removeItem(at: base)
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create \(base.path): \(error)")
        }
        root = base
        let first = Self.made.withLock { made in
            made.append(base)
            return made.count == 1
        }
        if first { atexit { Scratch.removeAll() } }
    }

    private static func removeAll() {
        for folder in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: folder) }
    }

    /// Writes `bytes` to `path` under the folder, making its parent folders; returns the file's full path.
    @discardableResult
    func write(_ bytes: [UInt8], to path: String) -> String {
        let url = root.appendingPathComponent(path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
        } catch {
            fatalError("cannot create the folder of \(url.path): \(error)")
        }
        Scratch.replace(url.path, with: bytes)
        return url.path
    }

    /// Replaces the file at `path` with `bytes`, without flushing it to disk: a flush waits on every other writer of
    /// the disk, and a run that waits ten seconds is reported as a hang.
    static func replace(_ path: String, with bytes: [UInt8]) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { fatalError("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { fatalError("cannot write \(path): errno \(errno)") }
            written += count
        }
    }
}
