internal import Foundation

/// Why the ledger refused to seal, or could not read an evidence folder.
///
/// The ``code`` says what kind of failure it is, for callers and tests to match; the message says it in words, for
/// people. Two errors are equal when both are.
public struct LedgerError: Error, Hashable, CustomStringConvertible {
    /// The kinds of ledger failure.
    public enum Code: String, Hashable, Sendable {
        /// The month is sealed already; a sealed month is never rewritten.
        case alreadySealed
        /// An amendment names a month that is not sealed.
        case notSealed
        /// The month is not the one after the chain's last.
        case outOfOrder
        /// The evidence folder holds another chain.
        case otherChain
        /// The entry is not signed by the key the chain expects next.
        case unexpectedKey
        /// A sealed entry, or a file from one, cannot be read or is not in its format.
        case unreadableEntry
        /// A row proof or checkpoint given to the ledger is not in its format.
        case malformedProof
        /// A system call on the evidence folder failed (no space, read-only, permissions).
        case fileSystem
        /// The evidence folder is missing, empty or not what the ledger expects.
        case invalidEvidence
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// An error of code ``Code/invalidEvidence``.
    public init(_ message: String) { self.init(.invalidEvidence, message) }

    public var description: String { message }

    /// The error of a failed system call, in words: `<path>: <what>: No space left on device`.
    static func system(_ path: String, _ what: String, errno code: Int32 = errno) -> LedgerError {
        LedgerError(.fileSystem, "\(path): \(what): \(String(cString: strerror(code)))")
    }
}
