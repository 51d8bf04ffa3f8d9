/// The most a reader takes from one input file before it refuses it (Docs/SCENARIOS.md, "Limits").
///
/// Each limit guards against a file built to cost far more to read than its size: a YAML template whose anchors
/// expand into billions of nodes, or a gzip file that inflates a thousandfold. The defaults are far above what AWS
/// and CloudFormation produce; a scenario raises them in `scenario.json` (`limits`).
public struct ReadLimits: Hashable, Sendable {
    /// The default of ``yamlNodes``: a million nodes, more than twice what the largest template CloudFormation
    /// accepts (460,800 bytes from S3, ValidateTemplate API reference) can hold without aliases.
    public static let defaultYAMLNodes = 1_000_000

    /// The most nodes a YAML template may hold once every alias is expanded (each alias counts as the whole node it
    /// names), whether or not anything refers to the anchored nodes.
    public var yamlNodes: Int

    /// Limits with every default.
    public static let defaults = ReadLimits()

    public init(yamlNodes: Int = defaultYAMLNodes) {
        self.yamlNodes = yamlNodes
    }
}
