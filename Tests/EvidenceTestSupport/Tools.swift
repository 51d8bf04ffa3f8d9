import Foundation

/// Command-line tools the tests check output with (poppler's pdftotext, qpdf); `.ci/run` installs them.
package enum Tools {
    /// Runs `tool` found on PATH with `arguments`; returns the exit status and standard output.
    package static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// The text of every page of a PDF file, as `pdftotext -layout` extracts it, with runs of spaces made one.
    package static func pdfPages(_ path: String) throws -> [String] {
        let result = try run("pdftotext", ["-layout", path, "-"])
        guard result.status == 0 else { throw ToolFailure("pdftotext \(path) exited with \(result.status)") }
        var pages = result.output.split(separator: "\u{0C}", omittingEmptySubsequences: false).map { page in
            page.split(separator: "\n").map { line in
                line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }.joined(separator: "\n")
        }
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }
}

/// A tool a test relies on failed.
package struct ToolFailure: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) { self.description = description }
}
