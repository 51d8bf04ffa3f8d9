internal import ArgumentParser

/// `--scenario`: the scenario folder a command runs; the bundled organization unless given.
struct ScenarioOptions: ParsableArguments {
    /// The bundled organization, relative to the repository root.
    static let bundled = "scenarios/org-estate"

    @Option(name: .customLong("scenario"), help: "Scenario folder (the bundled organization unless given).")
    var path = ScenarioOptions.bundled
}

/// `--evidence`: the evidence folder a command seals into or reads.
struct EvidenceOptions: ParsableArguments {
    @Option(name: .customLong("evidence"), help: "Evidence folder: one <YYYY-MM>/ folder per sealed month, and keys/.")
    var path = "evidence"
}
