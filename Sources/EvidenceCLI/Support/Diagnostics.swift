internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceSimulation
internal import Foundation

/// Prints a one-line error to standard error; paths and values in it are escaped (`Printable.line`), so it stays
/// one line whatever the input held.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(Printable.line(message))\n".utf8))
}

/// Prints a warning or progress line to standard error, escaped as `printError` escapes.
func printNote(_ message: String) {
    FileHandle.standardError.write(Data("\(Printable.line(message))\n".utf8))
}

/// Prints a finding line of `verify` (`<SCOPE><TAB><subject><TAB><STATUS>[: detail]`) to standard error as a
/// warning: its TABs kept, everything else escaped as `printNote` escapes.
func printFindingNote(_ line: String) {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { Printable.line(String($0)) }
    FileHandle.standardError.write(Data("\(fields.joined(separator: "\t"))\n".utf8))
}

/// An input or output failure the CLI reports with exit status 2.
struct IOFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a command body, turning the library's errors into one stderr line and ARCHITECTURE.md §4's statuses.
func withExitStatuses(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ImportError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as SimulationError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as ControlError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as ScheduleError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as PipelineError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as IOFailure {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.invalidInput)
    }
}
