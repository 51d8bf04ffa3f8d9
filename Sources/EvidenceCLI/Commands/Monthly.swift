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
            (--amend). Without --key, a demo key is created under .backup-evidence/ (never in the evidence \
            folder). The first three lines of output name the sealed folder, its checkpoint line and the signing \
            key's fingerprint; a summary of the month follows (--format json: one object). On a terminal, \
            progress goes to stderr (--quiet: none).

            Examples:
              $ backup-evidence monthly
              $ backup-evidence monthly --month 2028-04
              $ backup-evidence monthly --scenario scenarios/untagged-neptune \\
                  --evidence neptune-evidence --format json

            Exit status: 0 sealed; 2 unreadable or invalid input, a month already sealed or out of order, a \
            damaged chain, or an I/O error (nothing is sealed); 64 usage error.
            """
    )

    @OptionGroup var scenarioOptions: ScenarioOptions

    var scenario: String { scenarioOptions.path }

    @OptionGroup var evidenceOptions: EvidenceOptions

    var evidence: String { evidenceOptions.path }

    @OptionGroup var monthOptions: MonthOptions

    @Option(help: "Ed25519 signing key, PKCS#8 PEM.")
    var key: String?

    @Option(help: "Announce a key rotation: the next month must be signed by this key (PKCS#8 PEM or public PEM).")
    var nextKey: String?

    @Flag(help: "Append an amendment of an already sealed month at the chain's tip (late data).")
    var amend = false

    @Option(help: "Why the amendment is made.")
    var reason = "late data"

    @OptionGroup var output: FormatOptions<TextOrJSON>

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        try withExitStatuses {
            let progress = progressOptions.line("checking the month, the keys and the chain")
            defer { progress?.finish() }
            // Everything that can be refused without computing the month is checked first: the month, the
            // scenario's settings, the keys, the evidence folder and the chain (Ledger.stage).
            let (givenMonth, asOf) = try monthOptions.parse()
            let settings = try ScenarioReader.settings(folder: scenario)
            let month = givenMonth ?? settings.month
            let (signingKey, keyWarning) = try SigningKeys.load(key)
            let announced = try nextKey.map(SigningKeys.announcedKey)
            let ledger = Ledger(root: URL(fileURLWithPath: evidence))
            ledger.removeInterruptedSeals()
            let failpoint = ProcessInfo.processInfo.environment["BACKUP_EVIDENCE_FAILPOINT"].flatMap(
                Ledger.SealStep.init(rawValue:)
            )
            // The month's files are written straight into the staging folder and sealed from disk.
            let staged = try ledger.stage(
                SealRequest(
                    period: month,
                    files: [:],
                    dataAsOf: asOf ?? month.end,
                    chainID: settings.chainID,
                    key: signingKey,
                    nextKey: announced,
                    amendmentReason: amend ? reason : nil,
                    generatorVersion: BackupEvidenceCommand.version
                )
            )
            if let keyWarning { printNote(keyWarning) }
            let entry: ChainEntry
            do {
                progress?.update("reading the scenario")
                var pipeline = try MonthPipeline(scenario: scenario, month: month, asOf: asOf)
                pipeline.progress = progress?.monthHandler
                // The entry links to the chain's tip; its PDF prints that link on every page.
                let position = ChainPosition(
                    month: month,
                    chainID: settings.chainID,
                    previousSeal: staged.plan.tip?.seal
                )
                try pipeline.writeMonthFolder(to: staged.folder, position: position)
                progress?.update("sealing the month")
                entry = try staged.seal(failpoint: failpoint)
            } catch {
                staged.discard()
                throw error
            }
            let folder = URL(fileURLWithPath: evidence).appendingPathComponent(entry.folder).path
            do throws(OutputFailure) {
                progress?.finish()
                try MonthlySummary(entry: entry, folder: folder).print(output.format)
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
