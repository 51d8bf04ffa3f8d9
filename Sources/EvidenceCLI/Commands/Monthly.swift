internal import ArgumentParser
internal import EvidenceIngest
internal import EvidenceLedger
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

struct Monthly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the month for a scenario and seal it into the evidence chain: evidence/<YYYY-MM>/.",
        discussion: """
            With no flags, runs scenarios/org-estate for its month into ./evidence. The month folder holds the \
            reports, the normalized inputs, MANIFEST.json, SHA256SUMS and SHA256SUMS.sig, linked to the previous \
            month. A sealed month is never rewritten: running it again refuses; late data goes in an amendment \
            (--amend). Without --key, a demo key is created under .backup-evidence/ (never in the evidence folder).
            """
    )

    @Option(help: "Scenario folder.")
    var scenario = "scenarios/org-estate"

    @Option(help: "Evidence folder; the month is sealed into <evidence>/<YYYY-MM>/.")
    var evidence = "evidence"

    @OptionGroup var monthOptions: MonthOptions

    @Option(help: "Ed25519 signing key, PKCS#8 PEM.")
    var key: String?

    @Option(help: "Announce a key rotation: the next month must be signed by this key (PKCS#8 PEM or public PEM).")
    var nextKey: String?

    @Flag(help: "Append an amendment of an already sealed month at the chain's tip (late data).")
    var amend = false

    @Option(help: "Why the amendment is made.")
    var reason = "late data"

    func run() throws {
        try withExitStatuses {
            let (givenMonth, asOf) = try monthOptions.parse()
            let pipeline = try MonthPipeline(scenario: scenario, month: givenMonth, asOf: asOf)
            let (estate, month) = (pipeline.estate, pipeline.month)
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            ledger.removeInterruptedSeals()
            // A damaged entry is reported before anything is written (Ledger.readEntries).
            let tip = try ledger.readEntries().last
            let signingKey = try SigningKeys.load(key)
            // The entry links to the chain's tip (Ledger.prepare); its PDF prints that link on every page.
            let position = ChainPosition(month: month, chainID: estate.settings.chainID, previousSeal: tip?.seal)
            let files = try pipeline.monthFolderFiles(position: position, scratch: scratchFolder())
            let failpoint = ProcessInfo.processInfo.environment["BACKUP_EVIDENCE_FAILPOINT"].flatMap(
                Ledger.SealStep.init(rawValue:)
            )
            let entry = try ledger.seal(
                SealRequest(
                    period: month,
                    files: files,
                    dataAsOf: asOf ?? month.end,
                    chainID: estate.settings.chainID,
                    key: signingKey,
                    nextKey: try nextKey.map(SigningKeys.announcedKey),
                    amendmentReason: amend ? reason : nil,
                    generatorVersion: BackupEvidenceCommand.version
                ),
                failpoint: failpoint
            )
            let folder = URL(fileURLWithPath: evidence).appendingPathComponent(entry.folder).path
            do throws(OutputFailure) {
                // The last line is the one an auditor pins: `verify --expect-key-sha256` with this fingerprint,
                // received out of band.
                try StandardOutput.lines([
                    "sealed \(Printable.value(folder)) (seq \(entry.manifest.seq))", Ledger.checkpoint(entry),
                    "signing-key-sha256 \(entry.manifest.signingKeySHA256)",
                ])
            } catch {
                // The month is sealed; only its report lines are lost, and `checkpoint` prints the checkpoint again.
                throw IOFailure(
                    description: "\(error.description); \(folder) is sealed, but its checkpoint line was lost: "
                        + "run `backup-evidence checkpoint --evidence \(evidence)` to print it"
                )
            }
        }
    }
}
