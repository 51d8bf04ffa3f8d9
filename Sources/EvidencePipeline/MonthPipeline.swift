public import EvidenceIngest
public import EvidenceModel
public import EvidenceReports
public import EvidenceSimulation
public import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// A scenario's month, from the scenario folder to the month's files: the one pipeline every command runs.
///
/// `ScenarioReader.read` → `MonthSimulation` (rules validated) → simulate, judge and render each resource (the
/// streaming `MonthStream`) → six report CSVs, then the PDF rendered from them and the normalized inputs
/// (`ScenarioInputs`) for a sealed month. `simulate`, `monthly`, `verify --rebuild`, `check` and the bench all
/// call it, so a new input kind or report is added here once; `what-if` judges two of its months side by side
/// (`verdictChanges(proposed:)`).
public struct MonthPipeline: Sendable {
    /// The scenario folder.
    public let scenario: String
    public let estate: Estate
    public let month: Month
    /// The evaluation instant as given; nil means the first instant after the month.
    public let asOf: Instant?
    /// The validated month, ready to simulate.
    public let simulation: MonthSimulation
    /// The scenario folder whose job lists and event streams `writeReports` reads, when `estate` holds none of
    /// their jobs.
    let exports: String?

    /// Told each stage of the run and its count as it moves on (for a progress display); nil tells nobody.
    public var progress: MonthProgressHandler?

    /// Bytes each report's sorter holds before spilling a sorted run (64 MiB; four sorters at most).
    public static let defaultSortBudget = 64 << 20

    /// Reads the scenario and validates every rule; nothing is simulated yet.
    ///
    /// - Parameters:
    ///   - month: the month to run; nil means the scenario's month.
    ///   - asOf: the evaluation instant; nil means the first instant after the month.
    ///
    /// Job lists and event streams are not read here: their jobs are read in pieces as the reports are written, so
    /// a problem in them is thrown by `writeReports`.
    public init(scenario: String, month: Month? = nil, asOf: Instant? = nil) throws {
        try self.init(
            scenario: scenario,
            estate: ScenarioReader.read(folder: scenario, jobs: .deferred),
            month: month,
            asOf: asOf,
            jobs: .deferred
        )
    }

    /// The pipeline over an estate already read from `scenario`.
    ///
    /// - Parameter jobs: how `estate` was read: `.assembled`, it holds every exported job; `.deferred`, its exported
    ///   jobs are read from `scenario` in pieces as the month is computed.
    public init(
        scenario: String,
        estate: Estate,
        month: Month? = nil,
        asOf: Instant? = nil,
        jobs: ScenarioReader.JobReading = .assembled
    ) throws {
        self.scenario = scenario
        exports = jobs == .deferred && estate.hasJobSource ? scenario : nil
        self.estate = estate
        let month = month ?? estate.settings.month
        self.month = month
        self.asOf = asOf
        simulation = try MonthSimulation(estate: estate, month: month, asOf: asOf ?? month.end)
    }

    /// The instant the month is evaluated at.
    public var evaluationInstant: Instant { asOf ?? month.end }

    /// What a run wrote.
    public struct Statistics: Sendable {
        /// Rows per report.
        public var rows: [ReportTemplate: Int]
        /// Sorted runs spilled to the scratch folder (0 when every sort fit its budget).
        public var spilledRuns: Int
    }

    /// Streams the six report CSVs into `folder` (created if missing), with sorted runs spilled under
    /// `folder/.sort-runs` and removed before returning.
    @discardableResult
    public func writeReports(to folder: URL, sortBudget: Int = defaultSortBudget) throws -> Statistics {
        let scratch = folder.appendingPathComponent(".sort-runs")
        try Self.createFolders(scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stream = try MonthStream(simulation: simulation, budget: sortBudget, progress: progress, exports: exports)
        let statistics = try stream.write(to: folder, scratch: scratch)
        return Statistics(rows: statistics.rows, spilledRuns: statistics.spilledRuns)
    }

    /// The six reports in memory, written by `writeReports` through a scratch folder under `scratch`.
    public func reports(scratch: URL) throws -> ReportSet {
        // Unique per call: two pipelines of one month in one process (tests run them concurrently) must not share it.
        let folder = scratch.appendingPathComponent(
            "reports-\(getpid())-\(UInt64(bitPattern: Int64(month.start.milliseconds)))-\(UUID().uuidString)"
        )
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let statistics = try writeReports(to: folder)
        var files: [String: [UInt8]] = [:]
        for template in ReportTemplate.allCases {
            let path = folder.appendingPathComponent(template.fileName).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PipelineError(path: path, message: "cannot read")
            }
            files[template.fileName] = [UInt8](data)
        }
        return ReportSet(files: files, rowCounts: statistics.rows)
    }

    /// Writes a month folder's files into `folder` (created if missing): `reports/<TEMPLATE>.csv` streamed,
    /// `reports/compliance-report.pdf` (rendered from those CSVs and the month's place in the chain) and
    /// `inputs/<path>` (the normalized scenario, which `verify --rebuild` runs again).
    ///
    /// `monthly` writes them straight into the staging folder it seals; `verify --rebuild` into a scratch folder
    /// whose files it hashes and compares with the sealed month's.
    @discardableResult
    public func writeMonthFolder(to folder: URL, position: ChainPosition) throws -> Statistics {
        let reportsFolder = folder.appendingPathComponent("reports")
        let statistics = try writeReports(to: reportsFolder)
        // Rendered from the written CSVs, read a row at a time.
        progress?(MonthProgress(stage: .renderingPDF))
        let pdf = try ComplianceReport.render(reportsFolder: reportsFolder, position: position)
        try Self.write(pdf, to: reportsFolder.appendingPathComponent(ComplianceReport.fileName))
        // One input at a time: the inputs grow with the organization too.
        let paths = ScenarioInputs.paths(scenario: scenario)
        for (done, path) in paths.enumerated() {
            progress?(MonthProgress(stage: .writingInputs, done: done, total: paths.count))
            // A job list a job at a time, as its jobs were read.
            let url = folder.appendingPathComponent("inputs/\(path)")
            try Self.createFolders(url.deletingLastPathComponent())
            let file = try OutputFile(path: url.path)
            try ScenarioInputs.normalized(scenario: scenario, path: path) { try file.write($0) }
            try file.close()
        }
        return statistics
    }

    /// Writes a whole file, creating its folder.
    private static func write(_ bytes: [UInt8], to url: URL) throws {
        try createFolders(url.deletingLastPathComponent())
        let file = try OutputFile(path: url.path)
        try file.write(bytes)
        try file.close()
    }

    /// Creates a folder and its missing parents; the error says why in words (`No space left on device`).
    static func createFolders(_ url: URL) throws(PipelineError) {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        while current.path != "/", !FileManager.default.fileExists(atPath: current.path) {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for folder in missing.reversed() where mkdir(folder.path, 0o755) != 0 && errno != EEXIST {
            throw .system(folder.path, "cannot create the folder")
        }
    }
}
