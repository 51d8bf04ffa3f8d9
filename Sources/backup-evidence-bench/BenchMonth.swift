internal import EvidenceCLI
internal import EvidenceModel
internal import EvidencePipeline
internal import EvidenceReports
internal import Foundation

/// The only place the benchmarks compose a month: they measure the product's own path, so they call what
/// `monthly` and `simulate` call (`MonthPipeline`), and nothing here re-implements it.
enum BenchMonth {
    /// The month's reports, as `simulate` computes them.
    static func reports(scenario: String, _ estate: Estate, month: Month) throws -> ReportSet {
        try MonthPipeline(scenario: scenario, estate: estate, month: month)
            .reports(scratch: FileManager.default.temporaryDirectory)
    }

    /// Streams the scenario month's reports into a scratch folder beside it, as `simulate` does.
    ///
    /// Returns the rows written; the folder is removed.
    static func writeReports(scenario: String, _ estate: Estate) throws -> Int {
        let folder = URL(fileURLWithPath: scenario).appendingPathComponent(".bench-reports")
        defer { try? FileManager.default.removeItem(at: folder) }
        let statistics = try MonthPipeline(scenario: scenario, estate: estate).writeReports(to: folder)
        return statistics.rows.values.reduce(0, +)
    }

    /// Writes a month folder's files into `folder`, as `monthly` writes them into the folder it seals: the
    /// reports, the PDF and the normalized inputs.
    static func writeMonthFolder(scenario: String, _ estate: Estate, position: ChainPosition, to folder: URL) throws {
        try MonthPipeline(scenario: scenario, estate: estate, month: position.month)
            .writeMonthFolder(to: folder, position: position)
    }

    /// The generator version `monthly` writes into each manifest.
    static var generatorVersion: String { BackupEvidenceCommand.version }
}
