internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceReports
internal import EvidenceSimulation
internal import Foundation

/// Output formats of commands that print results for people or tools.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case csv
}

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract: "Show what a proposed framework or plan changes, before it is deployed.",
        discussion: """
            The proposed framework replaces the estate's framework of the same FrameworkName wherever it is \
            deployed (or is added to every account and Region holding resources); each proposed plan replaces the \
            plans of the same BackupPlanName. Only changed verdicts are printed. Exit 0 whether or not anything \
            changes.
            """
    )

    @Option(help: "Scenario folder.")
    var scenario: String

    @Option(help: "Proposed framework: describe-framework JSON, or a CloudFormation template (YAML or JSON).")
    var framework: String?

    @Option(help: "Proposed plan: get-backup-plan JSON, or a CloudFormation template; may be repeated.")
    var plan: [String] = []

    @Option(help: "A CloudFormation template parameter, NAME=VALUE; may be repeated.")
    var parameter: [String] = []

    @OptionGroup var monthOptions: MonthOptions

    @Option(help: "Output format: text, json or csv.")
    var format: OutputFormat = .text

    func validate() throws {
        if framework == nil && plan.isEmpty { throw ValidationError("give --framework, --plan, or both") }
        for item in parameter where !item.contains("=") {
            throw ValidationError("--parameter: expected NAME=VALUE, found '\(item)'")
        }
    }

    func run() throws {
        try withExitStatuses {
            let estate = try ScenarioReader.read(folder: scenario)
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
            let result = try WhatIfResult.evaluate(
                baseline: estate,
                proposed: proposed,
                month: month,
                asOf: asOf ?? month.end
            )
            switch format {
            case .text: try StandardOutput.write(result.text())
            case .json: try StandardOutput.write(result.json())
            case .csv: try StandardOutput.write(result.csv())
            }
        }
    }
}
