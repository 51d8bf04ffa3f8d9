internal import ArgumentParser
internal import EvidenceCrypto
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

/// The key pinning options shared by the commands that trust sealed months.
struct KeyOptions: ParsableArguments {
    @Option(help: "The public key (PEM) the chain must be signed with.")
    var trustedKey: String?

    @Option(help: "The SHA-256 fingerprint of the DER public key the chain must be signed with.")
    var expectKeySHA256: String?

    func validate() throws {
        if trustedKey != nil && expectKeySHA256 != nil {
            throw ValidationError("give --trusted-key or --expect-key-sha256, not both")
        }
        if let hex = expectKeySHA256, hex.count != 64 || !hex.allSatisfy(\.isHexDigit) {
            throw ValidationError("--expect-key-sha256: expected 64 hexadecimal digits")
        }
    }

    func trusted() throws -> Ed25519PublicKey? { try trustedKey.map(SigningKeys.publicKey) }
}

/// `verify`'s output formats.
enum VerifyFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the evidence chain offline: layout, key, signatures, files, manifests, links, months, tail.",
        discussion: """
            Prints one line per finding, <SCOPE><TAB><subject><TAB><STATUS>[: detail], then a summary; names and \
            values from the evidence are escaped (control and non-printing characters as \\xNN). Exit 0 only when \
            everything verifies against a pinned key (--trusted-key or --expect-key-sha256), 1 on INVALID or \
            MISSING, 3 when something required could not be verified (no pinned key, a key not found, an \
            unanchored tail under --require-anchor), 2 on unreadable input or nothing to verify (no sealed month).
            """
    )

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    @OptionGroup var keys: KeyOptions

    @Option(help: "A checkpoint line saved earlier (a file holding it).")
    var checkpoint: String?

    @Option(help: "The chain must be sealed at least through this month, YYYY-MM.")
    var expectThrough: String?

    @Flag(help: "An unanchored tail is inconclusive (exit 3).")
    var requireAnchor = false

    @Flag(help: "Rebuild every month's reports from its sealed inputs and compare the bytes.")
    var rebuild = false

    @Flag(help: "Show OK findings too.")
    var verbose = false

    @Option(help: "Output format: text or json.")
    var format: VerifyFormat = .text

    func run() throws {
        var status: Int32 = 0
        try withExitStatuses {
            var through: Month?
            if let text = expectThrough {
                guard let month = Month(text) else { throw ValidationError("--expect-through: expected YYYY-MM") }
                through = month
            }
            // Nothing to verify is said first, before the key or the checkpoint is read.
            try Ledger(root: URL(fileURLWithPath: evidence)).requireSealedEntry()
            var line: String?
            if let checkpoint {
                guard let data = FileManager.default.contents(atPath: checkpoint) else {
                    throw IOFailure(description: "\(checkpoint): cannot read the checkpoint")
                }
                line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let options = VerifyOptions(
                trustedKey: try keys.trusted(),
                expectedKeySHA256: keys.expectKeySHA256,
                checkpoint: line,
                expectThrough: through,
                requireAnchor: requireAnchor,
                rebuild: rebuild ? Verify.rebuild : nil,
                sameContent: { path, sealed, rebuilt in
                    path.hasSuffix(".pdf") && PDFDocument.sameContent(sealed, rebuilt)
                }
            )
            let report = try Ledger(root: URL(fileURLWithPath: evidence)).verify(options)
            let shown = verbose ? report.findings : report.findings.filter { $0.status != .ok }
            switch format {
            case .json:
                try StandardOutput.line(Verify.json(report, shown))
            case .text:
                try StandardOutput.lines(shown.map(\.description) + [report.summary])
            }
            status = report.exitStatus
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs a sealed month's inputs again and returns its reports, for `--rebuild`.
    @Sendable static func rebuild(_ folder: URL, _ manifest: Manifest) throws -> [String: [UInt8]] {
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
        return try pipeline.monthFolderFiles(position: position, scratch: scratchFolder())
    }

    /// One JSON object on one line; every string escaped as JSON escapes it, non-printing characters as `\uXXXX`.
    static func json(_ report: VerifyReport, _ findings: [Finding]) -> String {
        func string(_ s: String) -> String { Printable.json(s) }
        let items = findings.map {
            "{\"detail\":\(string($0.detail)),\"scope\":\(string($0.scope)),\"status\":\(string($0.status.rawValue)),"
                + "\"subject\":\(string($0.subject))}"
        }
        return
            "{\"exit\":\(report.exitStatus),\"findings\":[\(items.joined(separator: ","))],\"summary\":\(string(report.summary))}"
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the one-line checkpoint of the chain's newest entry, to keep outside the operator's control."
    )

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            guard let tip = ledger.entries().last else {
                throw IOFailure(description: "\(evidence): no sealed month with a readable MANIFEST.json")
            }
            try StandardOutput.line(Ledger.checkpoint(tip))
        }
    }
}

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write row proofs for the report rows holding a backup job, checkable with verify-row or openssl."
    )

    @Option(help: "Evidence folder.")
    var evidence = "evidence"

    @Option(help: "The backup job id.")
    var jobId: String

    @Option(help: "Write the proofs to this file instead of standard output.")
    var out: String?

    func run() throws {
        try withExitStatuses {
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            var proofs: [RowProof] = []
            for entry in ledger.entries() { proofs += try ledger.prove(field: jobId, in: entry) }
            guard !proofs.isEmpty else {
                throw IOFailure(description: "\(evidence): no sealed report row holds job \(jobId)")
            }
            let text = proofs.map(\.text).joined(separator: "\n")
            if let out {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } else {
                try StandardOutput.write(text)
            }
        }
    }
}

struct VerifyRow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-row",
        abstract: "Check row proofs with only the month's MANIFEST.json, SHA256SUMS, signature and public key.",
        discussion: """
            Under a pinned key the month must be signed by it, or by a key handed over to from it by the sealed \
            entries before it, as verify checks. Exit 0 when every row is in its sealed report under the pinned \
            key, 1 on INVALID or MISSING (a month signed by another key is INVALID), 3 with no pinned key or a key \
            not found in keys/, 2 on an unreadable proof or nothing to verify.
            """
    )

    @Argument(help: "The proof file.")
    var proof: String

    @Option(help: "Evidence folder holding the month.")
    var evidence = "evidence"

    @OptionGroup var keys: KeyOptions

    func run() throws {
        var status: Int32 = 0
        try withExitStatuses {
            guard let data = FileManager.default.contents(atPath: proof) else {
                throw IOFailure(description: "\(proof): cannot read the proof")
            }
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            try ledger.requireSealedEntry()
            let proofs = try RowProof.parse(String(decoding: data, as: UTF8.self))
            guard !proofs.isEmpty else { throw IOFailure(description: "\(proof): no row proof in the file") }
            let trusted = try keys.trusted()
            let pinned = try trusted.map { try $0.fingerprint().hex } ?? keys.expectKeySHA256
            var findings: [Finding] = []
            for item in proofs {
                findings.append(try ledger.verifyRow(item, pinned: pinned, trustedKey: trusted))
            }
            if pinned == nil, let claimed = ledger.entries().first?.manifest.signingKeySHA256 {
                findings.append(Finding.unpinnedKey(claimed: claimed))
            }
            try StandardOutput.lines(findings.map(\.description))
            // The statuses `verify` gives the same faults.
            if findings.contains(where: { $0.status == .invalid || $0.status == .missing }) {
                status = ExitStatus.integrityFailure
            } else if findings.contains(where: { $0.status == .unverified }) {
                status = ExitStatus.inconclusive
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
