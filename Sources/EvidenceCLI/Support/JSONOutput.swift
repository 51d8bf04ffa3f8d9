internal import EvidenceModel

/// The one-line JSON the commands print with `--format json`: keys snake_case and sorted as canonical JSON sorts
/// them, every string escaped as `Printable.json` escapes it, so no control or non-printing character reaches the
/// terminal.
enum JSONOutput {
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let literal): literal
        case .string(let string): Printable.json(string)
        case .array(let items): "[" + items.map(text).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
                .map { "\(Printable.json($0)):\(text(members[$0] ?? .null))" }.joined(separator: ",") + "}"
        }
    }

    /// Prints `value` as one line.
    static func print(_ value: JSONValue) throws(OutputFailure) { try StandardOutput.line(text(value)) }
}
