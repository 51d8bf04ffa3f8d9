internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import EvidenceSimulation
internal import Foundation

/// Output formats of `what-if`.
enum WhatIfFormat: String, OutputFormats {
    case text
    case json
    case csv
    case table
    case markdown

    static let help = """
        Output format: text, json (snake_case keys), csv (RFC 4180, header row), table (aligned columns) or \
        markdown (a pull-request comment).
        """
    static let standard = WhatIfFormat.text
}

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract: "Show what a proposed framework or plan changes, before it is deployed.",
        discussion: """
            The proposed framework replaces the estate's framework of the same FrameworkName wherever it is \
            deployed (or is added to every account and Region holding resources); each proposed plan replaces \
            the plans of the same BackupPlanName. Only changed verdicts are printed. --format markdown writes a \
            pull-request comment: a summary line, then per control a table of its changed verdicts (at most 20 \
            rows, then the count of the rest). On a terminal, progress goes to stderr (--quiet: none).

            Examples:
              $ backup-evidence what-if --framework \\
                  scenarios/org-estate/proposals/OrgBackupPolicy-standard-35-days.json
              $ backup-evidence what-if --format markdown --framework \\
                  scenarios/org-estate/proposals/OrgBackupPolicy-standard-retention.yaml \\
                  --parameter StandardMinimumRetentionDays=14
              $ backup-evidence what-if --scenario scenarios/untagged-neptune --exit-code \\
                  --framework \\
                  scenarios/org-estate/proposals/OrgBackupPolicy-standard-35-days.json

            Exit status: 0 done (with --exit-code: nothing changes); 1 with --exit-code, a verdict or control \
            roll-up changes, as git diff --exit-code; 2 unreadable or invalid input; 64 usage error.
            """
    )

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Proposed framework: describe-framework JSON, or a CloudFormation template (YAML or JSON).")
    var framework: String?

    @Option(help: "Proposed plan: get-backup-plan JSON, or a CloudFormation template; may be repeated.")
    var plan: [String] = []

    @Option(help: "A CloudFormation template parameter, NAME=VALUE; may be repeated.")
    var parameter: [String] = []

    @OptionGroup var monthOptions: MonthOptions

    @OptionGroup var output: FormatOptions<WhatIfFormat>

    @Flag(help: "Exit 1 when any verdict changes, 0 when none does.")
    var exitCode = false

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if framework == nil && plan.isEmpty { throw ValidationError("give --framework, --plan, or both") }
        for item in parameter where !item.contains("=") {
            throw ValidationError("--parameter: expected NAME=VALUE, found '\(item)'")
        }
    }

    func run() throws {
        var changed = false
        try withExitStatuses {
            let progress = progressOptions.line("reading the scenario and the proposals")
            defer { progress?.finish() }
            // Exported jobs are read in pieces as the month is judged, once for both sides.
            let estate = try ScenarioReader.read(folder: scenario.path, jobs: .deferred)
            let (month, asOf) = try monthOptions.resolve(estate)
            var proposed = estate
            let overrides = Dictionary(
                parameter.map { item -> (String, String) in
                    let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                },
                uniquingKeysWith: { _, last in last }
            )
            if let framework {
                for proposal in try Proposals.frameworks(file: framework, estate: estate, parameters: overrides) {
                    try ControlCatalog.validate(proposal)
                    proposed = proposed.deploying(proposal)
                }
            }
            for file in plan {
                for proposal in try Proposals.plans(file: file, estate: estate, parameters: overrides) {
                    if let problem = proposal.rules.lazy.compactMap(Simulator.ruleProblem).first {
                        throw IOFailure(description: "\(file): plan \(proposal.name): \(problem)")
                    }
                    guard let replaced = proposed.replacingPlan(proposal) else {
                        throw IOFailure(description: "\(file): no plan named \(proposal.name) in the scenario")
                    }
                    proposed = replaced
                }
            }
            progress?.update("evaluating the month as it is and as proposed")
            var pipeline = try MonthPipeline(
                scenario: scenario.path,
                estate: estate,
                month: month,
                asOf: asOf,
                jobs: .deferred
            )
            pipeline.progress = progress?.monthHandler
            let result = try pipeline.verdictChanges(
                proposed: MonthPipeline(
                    scenario: scenario.path,
                    estate: proposed,
                    month: month,
                    asOf: asOf,
                    jobs: .deferred
                )
            )
            progress?.finish()
            switch output.format {
            case .text:
                let lines = result.text().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                try StandardOutput.lines(lines.map { Printable.line(String($0)) })
            case .json: try StandardOutput.write(result.json())
            case .csv: try StandardOutput.write(result.csv())
            case .table: try StandardOutput.lines(Rows.table(columns: WhatIfResult.columns, rows: result.rows()))
            case .markdown: try StandardOutput.write(result.markdown())
            }
            changed = result.hasChanges
        }
        if exitCode && changed { throw ExitCode(ExitStatus.integrityFailure) }
    }
}
