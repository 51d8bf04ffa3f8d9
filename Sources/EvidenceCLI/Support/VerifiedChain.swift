internal import ArgumentParser
internal import EvidenceLedger
internal import Foundation

/// Verifies the evidence chain as `verify` does and returns its entries, or refuses a chain that does not verify.
///
/// Every finding other than OK and UNANCHORED is printed on stderr (an unpinned key, `KEY keys/ UNVERIFIED`, is a
/// warning here, and the commands go on; `verify` exits 3 on it). A chain with an INVALID or MISSING finding is refused: one error line ("refusing to `action` it"), exit
/// status 1. `query`, `export` and `publish` read sealed months only through this function.
func verifiedChain(
    evidence: String,
    keys: KeyOptions,
    refusingTo action: String = "load"
) throws -> (ledger: Ledger, entries: [ChainEntry]) {
    let ledger = Ledger(root: URL(fileURLWithPath: evidence))
    // A folder with no sealed month holds nothing to trust or refuse: the command says what it does with none.
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: evidence, isDirectory: &isDirectory), isDirectory.boolValue,
        (try? ledger.requireSealedEntry()) == nil
    {
        return (ledger, [])
    }
    let report = try ledger.verify(
        VerifyOptions(trustedKey: try keys.trusted(), expectedKeySHA256: keys.expectKeySHA256)
    )
    for finding in report.findings where finding.status != .ok && finding.status != .unanchored {
        printFindingNote(finding.description)
    }
    guard report.verdict != .invalid else {
        printError("\(evidence): the chain does not verify; refusing to \(action) it")
        throw ExitCode(ExitStatus.integrityFailure)
    }
    return (ledger, ledger.entries())
}

extension ExitStatus {
    /// The exit status of a verification's verdict: 0 verified, 1 invalid, 3 inconclusive.
    ///
    /// Only the CLI maps verdicts to exit statuses.
    static func of(_ verdict: Verdict) -> Int32 {
        switch verdict {
        case .verified: 0
        case .invalid: integrityFailure
        case .inconclusive: inconclusive
        }
    }
}
