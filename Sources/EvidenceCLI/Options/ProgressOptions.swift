internal import ArgumentParser

/// `--quiet`, which turns progress off.
///
/// Progress is shown on stderr only when it is a terminal, once the work has taken a second.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show no progress on stderr (shown only when stderr is a terminal, after the first second).")
    var quiet = false

    /// The progress line for this run, or nil.
    func line(_ initial: String) -> ProgressLine? { ProgressLine(quiet: quiet, initial: initial) }
}
