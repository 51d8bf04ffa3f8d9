internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Verify the evidence chain offline: layout, key, signatures, files, manifests, links, months, tail, "
            + "time-stamps.",
        discussion: """
            Prints one line per finding, <SCOPE><TAB><subject><TAB><STATUS>[: detail], then a summary; names and \
            values from the evidence are escaped (control and non-printing characters as \\xNN). Only a pinned \
            key (--trusted-key or --expect-key-sha256, received out of band) tells the operator's chain from one \
            re-sealed with someone else's key. RFC 3161 tokens (--timestamp, and anchors/*.tsr) are checked \
            offline against --tsa-cert; the entry a token covers is ANCHORED with the token's time.

            Examples:
              $ backup-evidence verify --evidence golden/org-estate \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem
              $ backup-evidence verify --evidence golden/org-estate --expect-key-sha256 \\
                  ea41648116e302f500f60670aaa6099d1a9a88b6c78a57adfb361884e1355fbe \\
                  --expect-through 2028-04
              $ backup-evidence verify --evidence golden/org-estate --format json \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem

            Exit status: 0 everything verifies against a pinned key; 1 INVALID or MISSING; 2 unreadable input or \
            nothing to verify (no sealed month); 3 something required could not be verified (no pinned key, a \
            key not found, an unanchored tail under --require-anchor); 64 usage error.
            """
    )

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var keys: KeyOptions

    @Option(help: "A checkpoint line saved earlier (a file holding it).")
    var checkpoint: String?

    @Option(help: "The chain must be sealed at least through this month, YYYY-MM.")
    var expectThrough: String?

    @Flag(help: "An unanchored tail is inconclusive (exit 3).")
    var requireAnchor = false

    @Option(help: "An RFC 3161 time-stamp response or token over a checkpoint line (repeatable; needs --tsa-cert).")
    var timestamp: [String] = []

    @Option(
        help: """
            A PEM file of the time-stamping authority's certificate and its CA chain, every certificate trusted \
            (repeatable); tokens in <evidence>/anchors/*.tsr are checked too.
            """
    )
    var tsaCert: [String] = []

    @Flag(help: "Rebuild every month's reports from its sealed inputs and compare the bytes.")
    var rebuild = false

    @Flag(help: "Show OK findings too.")
    var verbose = false

    @OptionGroup var output: FormatOptions<TextOrJSON>

    /// The month of --expect-through, or a usage error.
    func through() throws -> Month? {
        guard let text = expectThrough else { return nil }
        guard let month = Month(text) else {
            throw ValidationError("--expect-through: expected YYYY-MM, found '\(text)'")
        }
        return month
    }

    func validate() throws {
        _ = try through()
        if !timestamp.isEmpty && tsaCert.isEmpty {
            throw ValidationError("--timestamp needs --tsa-cert: the certificates the token is checked against")
        }
    }

    func run() throws {
        var status: Int32 = 0
        try withExitStatuses {
            let through = try through()
            // Nothing to verify is said first, before the key or the checkpoint is read.
            try Ledger(root: URL(fileURLWithPath: evidence)).requireSealedEntry()
            var line: String?
            if let checkpoint {
                guard let data = FileManager.default.contents(atPath: checkpoint) else {
                    throw IOFailure(description: "\(checkpoint): cannot read the checkpoint")
                }
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                // The file is named when it is not a checkpoint line, before anything else is read.
                guard TailCheck.isCheckpointLine(text) else {
                    throw IOFailure(description: "\(checkpoint): \(TailCheck.checkpointForm)")
                }
                line = text
            }
            let tokens = try timestamp.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw IOFailure(description: "\(path): cannot read the time-stamp token")
                }
                return TimeStampFile(name: path, bytes: [UInt8](data))
            }
            let certificates = try tsaCert.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw IOFailure(description: "\(path): cannot read the TSA certificates")
                }
                return (name: path, bytes: [UInt8](data))
            }
            let options = VerifyOptions(
                trustedKey: try keys.trusted(),
                expectedKeySHA256: keys.expectKeySHA256,
                checkpoint: line,
                expectThrough: through,
                requireAnchor: requireAnchor,
                timestamps: tokens,
                timeStampAuthority: certificates.isEmpty ? nil : try TimeStampAuthority(pemFiles: certificates),
                rebuild: rebuild ? Verify.rebuild : nil,
                sameContent: { path, sealed, rebuilt in
                    path.hasSuffix(".pdf") && PDFDocument.sameContent(sealed, rebuilt)
                }
            )
            let report = try Ledger(root: URL(fileURLWithPath: evidence)).verify(options)
            let shown = verbose ? report.findings : report.findings.filter { $0.status != .ok }
            switch output.format {
            case .json:
                try StandardOutput.line(Verify.json(report, shown))
            case .text:
                try StandardOutput.lines(shown.map(\.description) + [report.summary])
            }
            status = ExitStatus.of(report.verdict)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs a sealed month's inputs again and writes its month folder into `output`, for `--rebuild`.
    @Sendable static func rebuild(_ folder: URL, _ manifest: Manifest, into output: URL) throws {
        let pipeline = try MonthPipeline(
            scenario: folder.appendingPathComponent("inputs").path,
            month: manifest.period,
            asOf: manifest.dataAsOf
        )
        let position = ChainPosition(
            month: manifest.period,
            chainID: manifest.chainID,
            previousSeal: manifest.prevSealSHA256
        )
        try pipeline.writeMonthFolder(to: output, position: position)
    }

    /// One JSON object on one line; every string escaped as JSON escapes it, non-printing characters as `\uXXXX`.
    static func json(_ report: VerifyReport, _ findings: [Finding]) -> String {
        func string(_ s: String) -> String { Printable.json(s) }
        let items = findings.map {
            "{\"detail\":\(string($0.detail)),\"scope\":\(string($0.scope.rawValue)),\"status\":\(string($0.status.rawValue)),"
                + "\"subject\":\(string($0.subject))}"
        }
        return
            "{\"exit\":\(ExitStatus.of(report.verdict)),\"findings\":[\(items.joined(separator: ","))],\"summary\":\(string(report.summary))}"
    }
}
