import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

/// The verifier as a list of checks: one per numbered step, composable, with a summary and verdict from findings.
@Suite("Verifier: checks composed, summary and verdict from the findings")
struct VerifierTests {
    /// Two sealed months in a temporary folder, and the key's fingerprint.
    static func chain() throws -> (ledger: Ledger, fingerprint: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(UUID().uuidString)")
        let ledger = Ledger(root: folder)
        let key = try Ed25519PrivateKey.generate()
        var month = try #require(Month("2028-03"))
        for _ in 0..<2 {
            try ledger.seal(
                SealRequest(
                    period: month,
                    files: ["reports/A.csv": Array("h\na\nb\n".utf8), "inputs/scenario.json": Array("{}\n".utf8)],
                    dataAsOf: month.end,
                    chainID: "checks",
                    key: key,
                    generatorVersion: "test"
                )
            )
            month = month.next
        }
        return (ledger, try key.publicKey().fingerprint().hex, folder)
    }

    @Test("The standard verifier runs one check per step, time-stamps before the tail they anchor")
    func standardOrder() {
        func names(_ verifier: ChainVerifier) -> [String] { verifier.checks.map { "\(type(of: $0))" } }
        let steps = [
            "LayoutCheck", "KeyCheck", "SignatureCheck", "FileHashCheck", "ManifestCheck", "LinkCheck",
            "ContiguityCheck", "TimeStampCheck", "TailCheck",
        ]
        #expect(names(ChainVerifier(VerifyOptions())) == steps)
        let rebuilding = ChainVerifier(VerifyOptions(requireAnchor: true, rebuild: { _, _, _ in }))
        #expect(names(rebuilding) == steps + ["RebuildCheck"])
        #expect(rebuilding.requireAnchor)
    }

    @Test(
        "Rebuild compares the rebuilt folder's files with the manifest, and leaves no scratch folder, even on failure"
    )
    func rebuildCheck() throws {
        let (ledger, _, folder) = try Self.chain()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scratch = try TemporaryFolder()
        func run(_ files: [String: String], failing: Bool = false) throws -> [String] {
            let check = RebuildCheck(
                rebuild: { _, _, output in
                    for (path, text) in files {
                        let url = output.appendingPathComponent(path)
                        try FileManager.default.createDirectory(
                            at: url.deletingLastPathComponent(),
                            withIntermediateDirectories: true
                        )
                        try Data(text.utf8).write(to: url)
                    }
                    if failing { throw LedgerError(.fileSystem, "no space left") }
                },
                scratch: scratch.url
            )
            let report = try ChainVerifier(checks: [LayoutCheck(), check]).verify(ledger)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
            return report.findings.filter { $0.scope == .rebuild }.map(\.description)
        }
        let sealed = ["reports/A.csv": "h\na\nb\n", "inputs/scenario.json": "{}\n"]
        #expect(
            try run(sealed) == [
                "REBUILD\t2028-03/inputs/scenario.json\tOK", "REBUILD\t2028-03/reports/A.csv\tOK",
                "REBUILD\t2028-04/inputs/scenario.json\tOK", "REBUILD\t2028-04/reports/A.csv\tOK",
            ]
        )
        // A differing file, one the seal does not hold, and one the rebuild does not write.
        let other = try run(["reports/A.csv": "h\na\nc\n", "reports/B.csv": "h\n"])
        #expect(
            other.prefix(3) == [
                "REBUILD\t2028-03/inputs/scenario.json\tINVALID: the sealed inputs do not rebuild this sealed file",
                "REBUILD\t2028-03/reports/A.csv\tINVALID: rebuilt bytes differ from the sealed file",
                "REBUILD\t2028-03/reports/B.csv\tINVALID: rebuilt bytes differ from the sealed file",
            ]
        )
        #expect(
            try run(sealed, failing: true) == [
                "REBUILD\t2028-03\tINVALID: cannot rebuild from the sealed inputs: no space left",
                "REBUILD\t2028-04\tINVALID: cannot rebuild from the sealed inputs: no space left",
            ]
        )
    }

    @Test("A verifier of some checks reports only their findings")
    func someChecks() throws {
        let (ledger, fingerprint, folder) = try Self.chain()
        defer { try? FileManager.default.removeItem(at: folder) }
        let verifier = ChainVerifier(checks: [
            LayoutCheck(), KeyCheck(expectedKeySHA256: fingerprint), SignatureCheck(),
        ])
        let report = try verifier.verify(ledger)
        #expect(report.findings.map(\.description) == ["SEAL\t2028-03/SHA256SUMS\tOK", "SEAL\t2028-04/SHA256SUMS\tOK"])
        #expect(report.findings.map(\.entry) == ["2028-03", "2028-04"])
        #expect(report.verdict == .verified)
        #expect(report.summary.hasPrefix("Summary: chain checks 2028-03..2028-04: 2/2 entries valid, 0 missing;"))
        // The whole list: the same chain, an unanchored tail that is a finding but not a failure.
        let all = try ledger.verify(VerifyOptions(expectedKeySHA256: fingerprint))
        #expect(all.verdict == .verified)
        #expect(
            all.findings.filter { $0.status != .ok }.map(\.description) == [
                "TAIL\t2028-04\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through"
            ]
        )
        #expect(
            try ChainVerifier(VerifyOptions(expectedKeySHA256: fingerprint, requireAnchor: true)).verify(ledger).verdict
                == .inconclusive
        )
    }

    /// A check that says what it is told to.
    struct Saying: ChainCheck {
        var findings: [Finding]

        func check(_ chain: inout ChainState) -> [Finding] { findings }
    }

    @Test("The summary and the verdict are computed from the findings alone")
    func summaryFromFindings() throws {
        let (ledger, _, folder) = try Self.chain()
        defer { try? FileManager.default.removeItem(at: folder) }
        let said = [
            Finding(.tail, "2028-05", .missing, "expected sealed through 2028-05"),
            Finding(.file, "2028-03/reports/A.csv", .invalid, "changed", entry: "2028-03"),
            Finding(.timestamp, "2028-04", .anchored, "time-stamped", entry: "2028-04"),
        ]
        let report = try ChainVerifier(checks: [LayoutCheck(), Saying(findings: said)]).verify(ledger)
        #expect(report.findings == said)
        #expect(report.verdict == .invalid)
        #expect(
            report.summary
                == "Summary: chain checks 2028-03..2028-04: 1/2 entries valid, 1 missing; findings: 1 INVALID, "
                + "1 MISSING, 0 UNVERIFIED; 0 bytes and 0 rows checked; INVALID"
        )
    }

    @Test("Verdicts: INVALID or MISSING is invalid; else UNVERIFIED, or UNANCHORED when required, is inconclusive")
    func verdicts() {
        func finding(_ status: Finding.Status) -> Finding { Finding(.tail, "x", status) }
        #expect(Verdict([]) == .verified)
        #expect(Verdict([finding(.ok), finding(.warn), finding(.anchored), finding(.unanchored)]) == .verified)
        #expect(Verdict([finding(.unanchored)], requireAnchor: true) == .inconclusive)
        #expect(Verdict([finding(.unverified)]) == .inconclusive)
        #expect(Verdict([finding(.unverified), finding(.missing)]) == .invalid)
        #expect(Verdict([finding(.invalid)]) == .invalid)
        #expect(Finding.Scope.allCases.map(\.rawValue).allSatisfy { $0 == $0.uppercased() })
    }
}
