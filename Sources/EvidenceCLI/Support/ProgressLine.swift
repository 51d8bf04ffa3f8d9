internal import EvidencePipeline
internal import Foundation
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// Progress on standard error while a command works: the stage and its count, rewritten in place.
///
/// Shown only when standard error is a terminal and `--quiet` is not given, and only once the work has taken a
/// second; never on standard output. `finish()` clears the line, and must be called before the command prints its
/// results or an error.
final class ProgressLine: Sendable {
    private struct State {
        var text: String
        var shown = false
        var finished = false
    }

    private let state: Mutex<State>
    private let start = ContinuousClock.now

    /// The line being shown, which every other write to stdout or stderr clears first.
    private static let active = Mutex<ProgressLine?>(nil)

    /// A progress line, or nil when none is to be shown.
    init?(quiet: Bool, initial: String) {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        state = Mutex(State(text: initial))
        Self.active.withLock { $0 = self }
        // Redraws a few times a second, so that a long stage without news still shows the time it has taken.
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                if !draw() { return }
            }
        }
    }

    /// Sets the stage shown.
    func update(_ text: String) {
        state.withLock { $0.text = text }
        _ = draw()
    }

    /// Shows a month pipeline's progress.
    var monthHandler: MonthProgressHandler { monthHandler(prefix: "") }

    /// Shows a month pipeline's progress after `prefix`.
    func monthHandler(prefix: String) -> MonthProgressHandler {
        { [self] progress in
            var text = prefix + progress.stage.rawValue
            if let total = progress.total { text += " \(progress.done)/\(total)" }
            update(text)
        }
    }

    /// Clears the line, for good.
    func finish() {
        state.withLock { state in
            if state.shown && !state.finished { Self.raw("\r\u{1B}[K") }
            state.finished = true
        }
        Self.active.withLock { if $0 === self { $0 = nil } }
    }

    /// Clears the line being shown, if any, before something else is written; it is drawn again on the next tick.
    static func interruptActive() {
        guard let line = active.withLock({ $0 }) else { return }
        line.state.withLock { state in
            if state.shown && !state.finished { raw("\r\u{1B}[K") }
            state.shown = false
        }
    }

    /// Writes to stderr directly: never through `StandardOutput`, which clears the line first.
    private static func raw(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Draws the line when the work has taken a second; false once finished.
    private func draw() -> Bool {
        let elapsed = ContinuousClock.now - start
        return state.withLock { state in
            guard !state.finished else { return false }
            guard elapsed >= .seconds(1) else { return true }
            let seconds = elapsed.components.seconds
            Self.raw("\r\u{1B}[K\(state.text) (\(seconds) s)")
            state.shown = true
            return true
        }
    }
}
