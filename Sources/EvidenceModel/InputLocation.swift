/// Where in the input a problem is: the file, and within it a JSON path or a line and column.
///
/// Every reader's error carries one (``ImportError``), so that every input problem is located the same way and
/// printed the same way, like a compiler diagnostic: `file`, `file: $.BackupPlan.Rules[0]` or `file: 7:12`.
public struct InputLocation: Hashable, Sendable, CustomStringConvertible {
    /// A place within a file.
    public enum Position: Hashable, Sendable {
        /// The file as a whole.
        case file
        /// A JSON path from the document's root, such as `$.BackupPlan.Rules[0]` (also used for a template's YAML,
        /// read into the same tree, and after the name of the definition a finding is about).
        case jsonPath(String)
        /// A 1-based line and column, for syntax errors; columns count characters.
        case lineColumn(line: Int, column: Int)
    }

    /// The file, relative to the scenario folder when it is inside one, else as given.
    public var file: String
    public var position: Position

    public init(file: String, position: Position = .file) {
        self.file = file
        self.position = position
    }

    /// Reads a position in its printed form: empty for the file, `line:column`, or a JSON path.
    public init(file: String, position text: String) {
        self.init(file: file, position: Self.position(text))
    }

    /// The position in its printed form: empty for the whole file.
    public var positionText: String {
        switch position {
        case .file: ""
        case .jsonPath(let path): path
        case .lineColumn(let line, let column): "\(line):\(column)"
        }
    }

    public var description: String {
        let text = positionText
        return text.isEmpty ? file : "\(file): \(text)"
    }

    private static func position(_ text: String) -> Position {
        if text.isEmpty { return .file }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let line = Int(parts[0]), let column = Int(parts[1]),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        {
            return .lineColumn(line: line, column: column)
        }
        return .jsonPath(text)
    }
}
