internal import ArgumentParser
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Standard output, every write checked: the only way the commands print their results.
///
/// A failed write (a full disk, `> /dev/full`, a closed descriptor) throws an `OutputFailure`; the command reports it
/// in one line on stderr and exits 2 (ARCHITECTURE.md §4).
enum StandardOutput {
    /// Writes `text` and a newline.
    static func line(_ text: String) throws(OutputFailure) { try write(text + "\n") }

    /// Writes each of `lines` followed by a newline, in one write where they fit.
    static func lines(_ lines: [String]) throws(OutputFailure) {
        var chunk = ""
        for line in lines {
            chunk += line
            chunk += "\n"
            if chunk.utf8.count >= 1 << 16 {
                try write(chunk)
                chunk = ""
            }
        }
        if !chunk.isEmpty { try write(chunk) }
    }

    /// Writes `text` as it is.
    static func write(_ text: String) throws(OutputFailure) { try write(Array(text.utf8)) }

    /// Writes `bytes` as they are, retrying short and interrupted writes.
    static func write(_ bytes: [UInt8]) throws(OutputFailure) {
        ProgressLine.interruptActive()
        let failure = write(bytes, to: STDOUT_FILENO)
        if failure != 0 { throw OutputFailure(code: failure) }
    }

    /// Writes a line to standard error; a failure there has nowhere to be reported, and never traps (as
    /// `FileHandle.write` does).
    static func diagnostic(_ text: String) {
        ProgressLine.interruptActive()
        _ = write(Array(text.utf8), to: STDERR_FILENO)
    }

    /// Writes `bytes` to `descriptor`; the errno of a failed write, or 0.
    private static func write(_ bytes: [UInt8], to descriptor: Int32) -> Int32 {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        return failure
    }
}

/// A write to standard output that failed, with the system's reason in words.
struct OutputFailure: Error, CustomStringConvertible {
    var code: Int32

    var reason: String { String(cString: strerror(code)) }

    var description: String { "standard output: cannot write: \(reason)" }
}
