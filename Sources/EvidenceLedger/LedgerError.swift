/// Why the ledger refused to seal, or could not read an evidence folder.
public struct LedgerError: Error, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
