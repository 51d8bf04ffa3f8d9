internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidencePublish
internal import EvidenceSimulation
internal import EvidenceStore
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
    } catch let error as ValidationError {
        throw error
    } catch {
        let (status, line) = diagnosis(of: error)
        printError(line)
        throw ExitCode(status)
    }
}

/// The exit status and the one line for a library error: the one place where error types and their codes become
/// exit statuses.
///
/// Input errors name an ``InputLocation``; the ledger's, the store's, publishing's and crypto errors carry a code,
/// matched here case by case, so that a new code cannot go unmapped.
func diagnosis(of error: any Error) -> (status: Int32, line: String) {
    switch error {
    case let error as ImportError:
        return (ExitStatus.invalidInput, error.description)
    case let error as LedgerError:
        switch error.code {
        case .alreadySealed, .notSealed, .outOfOrder, .otherChain, .unexpectedKey, .unreadableEntry, .malformedProof,
            .fileSystem, .invalidEvidence:
            return (ExitStatus.invalidInput, error.description)
        }
    case let error as StoreError:
        switch error.code {
        case .unreadableReport, .database, .statement, .nothingSealed:
            return (ExitStatus.invalidInput, error.description)
        }
    case let error as PublishError:
        switch error.code {
        case .missingCredentials, .malformedCredentials, .invalidRequest, .transport, .responseTooLarge, .httpStatus,
            .refusedContent, .unreadableEvidence:
            return (ExitStatus.invalidInput, error.description)
        }
    case let error as CryptoError:
        switch error.code {
        case .invalidKey, .invalidCertificate, .timeStampRefused, .malformedTimeStamp, .timeStampInvalid, .library:
            return (ExitStatus.invalidInput, error.description)
        }
    case let error as SimulationError:
        return (ExitStatus.invalidInput, error.description)
    case let error as ControlError:
        return (ExitStatus.invalidInput, error.description)
    case let error as ScheduleError:
        return (ExitStatus.invalidInput, error.description)
    case let error as PipelineError:
        return (ExitStatus.invalidInput, error.description)
    case let error as IOFailure:
        return (ExitStatus.invalidInput, error.description)
    case let error as OutputFailure:
        return (ExitStatus.invalidInput, error.description)
    case let error as CocoaError:
        return (ExitStatus.invalidInput, fileErrorInWords(error))
    default:
        return (ExitStatus.invalidInput, "\(error)")
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
