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
    StandardOutput.diagnostic("error: \(Printable.line(message))\n")
}

/// Prints a warning or progress line to standard error, escaped as `printError` escapes.
package func printNote(_ message: String) {
    StandardOutput.diagnostic("\(Printable.line(message))\n")
}

/// Prints a finding line of `verify` (`<SCOPE><TAB><subject><TAB><STATUS>[: detail]`) to standard error as a
/// warning: its TABs kept, everything else escaped as `printNote` escapes.
func printFindingNote(_ line: String) {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { Printable.line(String($0)) }
    StandardOutput.diagnostic("\(fields.joined(separator: "\t"))\n")
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
    } catch let error as PipelineError {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as IOFailure {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as OutputFailure {
        printError(error.description)
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as ValidationError {
        throw error
    } catch let error as CocoaError {
        printError(fileErrorInWords(error))
        throw ExitCode(ExitStatus.invalidInput)
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.invalidInput)
    }
}

/// A Foundation file error as one line in words (`<path>: No space left on device`), never its
/// `Error Domain=NSCocoaErrorDomain …` dump.
func fileErrorInWords(_ error: CocoaError) -> String {
    var reason: String
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        reason = String(cString: strerror(Int32(underlying.code)))
    } else {
        switch error.code {
        case .fileWriteOutOfSpace: reason = String(cString: strerror(ENOSPC))
        case .fileWriteVolumeReadOnly: reason = String(cString: strerror(EROFS))
        case .fileWriteNoPermission, .fileReadNoPermission: reason = String(cString: strerror(EACCES))
        case .fileNoSuchFile, .fileReadNoSuchFile: reason = String(cString: strerror(ENOENT))
        case .fileWriteFileExists: reason = String(cString: strerror(EEXIST))
        default: reason = "the file operation failed (code \(error.code.rawValue))"
        }
    }
    let path = error.filePath ?? error.url?.path
    return path.map { "\($0): \(reason)" } ?? reason
}

/// Refuses an output file whose folder does not exist or is not a folder, before any work is done for it.
func requireParentFolder(of path: String, for option: String) throws {
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
        throw IOFailure(description: "\(path): \(option): the folder \(parent) does not exist")
    }
}
