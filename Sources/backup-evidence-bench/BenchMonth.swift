internal import EvidenceCLI
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceReports

/// The only place the benchmarks compose a month: they measure the product's own path, so they call what
/// `monthly` and `simulate` call, and nothing here re-implements it.
enum BenchMonth {
    /// The month's reports, as `simulate` computes them.
    static func reports(_ estate: Estate, month: Month) throws -> ReportSet {
        try MonthlyReports.compute(estate: estate, month: month, asOf: nil)
    }

    /// A sealed month folder's files, as `monthly` seals them: the reports, the PDF and the normalized inputs.
    static func sealedFiles(
        _ reports: ReportSet,
        position: ChainPosition,
        inputs: [String: [UInt8]]
    ) throws -> [String: [UInt8]] {
        try monthFolderFiles(reports: reports, position: position, inputs: inputs)
    }

    /// The scenario's inputs as `monthly` seals them.
    static func inputs(scenario: String) throws -> [String: [UInt8]] {
        try SealedInputs.normalize(scenario: scenario)
    }

    /// The generator version `monthly` writes into each manifest.
    static var generatorVersion: String { BackupEvidenceCommand.version }
}
