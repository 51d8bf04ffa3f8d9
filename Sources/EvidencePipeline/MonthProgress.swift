/// How far a month's run has come, for a caller that shows it; the pipeline itself never prints.
public struct MonthProgress: Hashable, Sendable {
    /// The stages of a month's run, in order.
    public enum Stage: String, Hashable, Sendable {
        /// Resources simulated, judged and rendered: `done` of `total` resources (no count for exported jobs).
        case simulating = "simulating and judging resources"
        /// The sorted rows written out: the reports that need the whole month first.
        case writingReports = "writing the reports"
        /// The PDF rendered from the written CSVs.
        case renderingPDF = "rendering the PDF"
        /// The normalized inputs written beside the reports: `done` of `total` files.
        case writingInputs = "writing the normalized inputs"
    }

    public var stage: Stage
    public var done: Int
    /// nil when the stage has no count.
    public var total: Int?

    public init(stage: Stage, done: Int = 0, total: Int? = nil) {
        self.stage = stage
        self.done = done
        self.total = total
    }
}

/// Called from the pipeline's own thread, in order, as it moves on; it must return quickly.
public typealias MonthProgressHandler = @Sendable (MonthProgress) -> Void
