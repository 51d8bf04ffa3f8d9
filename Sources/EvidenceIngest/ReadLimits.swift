/// The most a reader takes from one input file before it refuses it (Docs/SCENARIOS.md, "Limits").
///
/// Each limit guards against a file built to cost far more to read than its size: a YAML template whose anchors
/// expand into billions of nodes, a gzip file that inflates a thousandfold, or a record that never ends. Event
/// streams are read as they inflate, a record at a time, so memory follows the largest record, never the file. The
/// defaults are far above what AWS and CloudFormation write; a scenario sets them in `scenario.json` (`limits`).
public struct ReadLimits: Hashable, Sendable {
    /// The default of ``yamlNodes``: a million nodes, more than twice what the largest template CloudFormation
    /// accepts (460,800 bytes from S3, ValidateTemplate API reference) can hold without aliases.
    public static let defaultYAMLNodes = 1_000_000

    /// The default of ``inflatedBytesPerFile``: 16 GiB.
    ///
    /// CloudTrail delivers a trail's records in a file every few
    /// minutes, so even an organization whose month of logs is tens of gigabytes has files far smaller; memory does
    /// not follow this limit, only the time spent before a bomb is refused does.
    public static let defaultInflatedBytesPerFile = 16 << 30

    /// The default of ``recordBytes``: 16 MiB, sixty-four times the largest event CloudTrail records (256 KB since
    /// event version 1.05) or EventBridge carries (256 KB), both from CloudTrail's quotas page.
    public static let defaultRecordBytes = 16 << 20

    /// The most nodes a YAML template may hold once every alias is expanded (each alias counts as the whole node it
    /// names), whether or not anything refers to the anchored nodes.
    public var yamlNodes: Int

    /// The most bytes one gzip file (a CloudTrail log file) may inflate to.
    public var inflatedBytesPerFile: Int

    /// The most bytes of one record: a CloudTrail record with the white space before it, an EventBridge line, or a
    /// job of a job list (and the other members of its object together, where they are kept).
    public var recordBytes: Int

    /// Limits with every default.
    public static let defaults = ReadLimits()

    public init(
        yamlNodes: Int = defaultYAMLNodes,
        inflatedBytesPerFile: Int = defaultInflatedBytesPerFile,
        recordBytes: Int = defaultRecordBytes
    ) {
        self.yamlNodes = yamlNodes
        self.inflatedBytesPerFile = inflatedBytesPerFile
        self.recordBytes = recordBytes
    }

    /// The `scenario.json` name of each limit.
    static let names = ["yaml_nodes", "inflated_bytes_per_file", "record_bytes"]
}
