import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import EvidencePublish
import Testing

@testable import EvidenceCLI

/// The one switch from library errors to exit statuses and stderr lines.
@Suite("Diagnostics: errors to exit statuses")
struct DiagnosticsTests {
    @Test("Input errors print their location; coded errors their message; all exit 2")
    func statuses() {
        let input = ImportError(
            InputLocation(file: "templates/a.yaml", position: .lineColumn(line: 7, column: 6)),
            message: "invalid YAML"
        )
        #expect(diagnosis(of: input) == (ExitStatus.invalidInput, "templates/a.yaml: 7:6: invalid YAML"))
        #expect(
            diagnosis(of: LedgerError(.alreadySealed, "2028-03 is already sealed"))
                == (ExitStatus.invalidInput, "2028-03 is already sealed")
        )
        #expect(diagnosis(of: PublishError(.httpStatus, "PUT k: HTTP 403")).status == ExitStatus.invalidInput)
        #expect(diagnosis(of: CryptoError(.invalidKey, "not a PEM public key")).line == "not a PEM public key")
    }
}
