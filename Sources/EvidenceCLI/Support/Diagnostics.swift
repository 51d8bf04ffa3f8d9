internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// Prints a one-line error to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Prints a warning or progress line to standard error.
package func printNote(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// An input or output failure the CLI reports with exit status 2.
package struct IOFailure: Error, CustomStringConvertible {
    package var description: String

    package init(description: String) { self.description = description }
}

/// Runs a command body, turning the library's errors into one stderr line and ARCHITECTURE.md §4's statuses.
package func withExitStatuses(_ body: () throws -> Void) throws {
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
