internal import Foundation

/// Why the ledger refused to seal, or could not read an evidence folder.
public struct LedgerError: Error, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The error of a failed system call, in words: `<path>: <what>: No space left on device`.
    static func system(_ path: String, _ what: String, errno code: Int32 = errno) -> LedgerError {
        LedgerError("\(path): \(what): \(String(cString: strerror(code)))")
    }
}
