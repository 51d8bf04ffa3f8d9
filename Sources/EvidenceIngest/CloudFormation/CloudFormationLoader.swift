internal import EvidenceModel
internal import Yams

/// Parses a template's bytes into a ``JSONValue`` tree with intrinsic functions in their long (JSON) form.
///
/// A template whose first character is `{` is read as JSON; if it is not valid JSON but is valid YAML (a flow
/// mapping), the YAML reading is kept, otherwise the JSON error is reported. Anything else is YAML: plain scalars
/// follow the YAML 1.2 core schema (`true`, `false`, `null`, `~` and decimal numbers; numbers keep their literal
/// text, so `012345678901` stays an account id), quoted scalars are strings, and the short-form tags `!Ref`,
/// `!GetAtt`, `!Sub`, … become `{"Ref": …}`, `{"Fn::GetAtt": …}`, `{"Fn::Sub": …}`.
///
/// Aliases (`*name`) stand for the node anchored as `&name`. Before anything is expanded, the nodes the document
/// expands to are counted (each anchored node walked once), and a document of more than `ReadLimits.yamlNodes` is
/// refused, so an alias bomb costs what its text costs (`checkExpansion`).
enum CloudFormationLoader {
    static func load(_ bytes: [UInt8], file: String, limits: ReadLimits = .defaults) throws -> JSONValue {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            return try yaml(bytes, file: file, limits: limits)
        }
        do {
            return try JSONNode.parse(bytes, file: file).value
        } catch let jsonError {
            guard let value = try? yaml(bytes, file: file, limits: limits) else { throw jsonError }
            return value
        }
    }

    /// Short-form tags and the functions they stand for.
    static let shortForms: [String: String] = [
        "!Ref": "Ref", "!Condition": "Condition", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join",
        "!Select": "Fn::Select", "!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!And": "Fn::And",
        "!Or": "Fn::Or", "!Not": "Fn::Not", "!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64",
        "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Cidr": "Fn::Cidr", "!Length": "Fn::Length",
        "!ToJsonString": "Fn::ToJsonString", "!Transform": "Fn::Transform",
    ]

    private static func yaml(_ bytes: [UInt8], file: String, limits: ReadLimits) throws -> JSONValue {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ImportError(file: file, message: "the template is not valid UTF-8")
        }
        try checkExpansion(text, file: file, limit: limits.yamlNodes)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ImportError(file: file, message: "invalid YAML: \(error)")
        }
        guard let root else { throw ImportError(file: file, message: "the template is empty") }
        return try value(of: root, file: file)
    }

    /// Refuses a document that expands to more than `limit` nodes, or whose mapping keys are not plain values,
    /// before Yams composes it with its aliases.
    ///
    /// Yams composes an alias as the node its anchor names, shared, not copied; but it hashes every mapping key to
    /// find duplicates, and an alias used as a key is hashed as the whole tree it stands for. So the document is
    /// first composed with each `*` that may start an alias replaced by a character the text does not hold: the
    /// aliases become plain values at the same line and column, the anchors stay, and nothing is shared. The walk
    /// over that graph counts every alias as the nodes of the latest node anchored under its name, as Yams
    /// resolves it. Replacing a `*` that starts no alias changes only a value that is not used.
    private static func checkExpansion(_ text: String, file: String, limit: Int) throws {
        var marker: Unicode.Scalar?
        if text.utf8.contains(UInt8(ascii: "*")) {
            let used = Set(text.unicodeScalars.filter { (0xE000...0xF8FF).contains($0.value) })
            marker = (0xE000...0xF8FF).lazy.compactMap(Unicode.Scalar.init).first { !used.contains($0) }
            guard marker != nil else {
                throw ImportError(file: file, message: "the YAML uses every private-use character and aliases")
            }
        }
        var probe = text
        if let marker {
            var scalars = String.UnicodeScalarView()
            var previous: Unicode.Scalar?
            var iterator = text.unicodeScalars.makeIterator()
            var current = iterator.next()
            while let scalar = current {
                let next = iterator.next()
                let startsToken = previous.map { " \t\r\n[{,:?-\u{FEFF}".unicodeScalars.contains($0) } ?? true
                let namesAnchor = next.map { !" \t\r\n[]{},".unicodeScalars.contains($0) } ?? false
                scalars.append(scalar == "*" && startsToken && namesAnchor ? marker : scalar)
                previous = scalar
                current = next
            }
            probe = String(scalars)
        }
        // A node holds its anchor weakly, and the parser holds the anchors: it lives until the walk is done.
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: probe)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ImportError(file: file, message: "invalid YAML: \(error)")
        }
        guard let root else { return }
        var counter = ExpansionCounter(limit: limit, marker: marker, file: file)
        _ = try withExtendedLifetime(parser) { try counter.count(root) }
    }

    /// Counts the nodes of a document composed without its aliases, as if every alias were expanded.
    private struct ExpansionCounter {
        let limit: Int
        /// The character that stands for the `*` of an alias, if the document may hold any.
        let marker: Unicode.Scalar?
        let file: String
        /// The expanded count of the latest node anchored under each name, in document order.
        private var anchors: [String: Int] = [:]

        init(limit: Int, marker: Unicode.Scalar?, file: String) {
            self.limit = limit
            self.marker = marker
            self.file = file
        }

        /// The nodes `node` expands to, or an error as soon as they are more than the limit.
        mutating func count(_ node: Node) throws -> Int {
            var total = 1
            switch node {
            case .scalar(let scalar):
                if let name = aliasName(scalar) { total = anchors[name] ?? 1 }
            case .alias:
                break
            case .sequence(let sequence):
                for item in sequence {
                    total += try count(item)
                    try check(total, node)
                }
            case .mapping(let mapping):
                for (key, member) in mapping {
                    let keyCount = try count(key)
                    guard case .scalar = key, keyCount == 1 else {
                        throw failure(key.mark, "a mapping key must be a plain value", file: file)
                    }
                    total += keyCount + (try count(member))
                    try check(total, node)
                }
            }
            try check(total, node)
            if let anchor = node.anchor { anchors[anchor.rawValue] = total }
            return total
        }

        private func check(_ total: Int, _ node: Node) throws {
            guard total > limit else { return }
            throw failure(
                node.mark,
                "the YAML expands to more than \(limit) nodes once its aliases are expanded "
                    + "(limits.yaml_nodes in scenario.json raises the limit)",
                file: file
            )
        }

        /// The anchor an alias names, for a plain value that stands for one.
        private func aliasName(_ scalar: Node.Scalar) -> String? {
            guard let marker, scalar.style == .plain, scalar.string.unicodeScalars.first == marker else { return nil }
            return String(scalar.string.unicodeScalars.dropFirst())
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ImportError {
        func located(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> ImportError {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return ImportError(file: file, location: "\(mark.line):\(mark.column)", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return located(problem, mark, context)
        case .parser(let context, let problem, let mark, _): return located(problem, mark, context)
        case .composer(let context, let problem, let mark, _): return located(problem, mark, context)
        case .reader(let problem, _, _, _): return ImportError(file: file, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ImportError(
                file: file,
                location: "\(context.mark.line):\(context.mark.column)",
                message: "invalid YAML: duplicate key \(keys)"
            )
        default: return ImportError(file: file, message: "invalid YAML: \(error)")
        }
    }

    private static func failure(_ mark: Mark?, _ message: String, file: String) -> ImportError {
        ImportError(file: file, location: mark.map { "\($0.line):\($0.column)" } ?? "", message: message)
    }

    private static func value(of node: Node, file: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            let tag = scalar.tag.rawValue
            if let function = shortForms[tag] { return .object([function: .string(scalar.string)]) }
            return try scalarValue(scalar, tag: tag, file: file)
        case .sequence(let sequence):
            let items = try sequence.map { try value(of: $0, file: file) }
            return try tagged(.array(items), tag: sequence.tag.rawValue, mark: sequence.mark, file: file)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, member) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw failure(key.mark, "a mapping key must be a plain value", file: file)
                }
                if keyScalar.string == "<<", keyScalar.style == .plain {
                    throw failure(key.mark, "YAML merge keys (<<) are not supported in templates", file: file)
                }
                members[keyScalar.string] = try value(of: member, file: file)
            }
            return try tagged(.object(members), tag: mapping.tag.rawValue, mark: mapping.mark, file: file)
        case .alias(let alias):
            throw failure(alias.mark, "unresolved YAML alias", file: file)
        }
    }

    /// A sequence or mapping, wrapped in its short-form function when it carries one.
    private static func tagged(_ value: JSONValue, tag: String, mark: Mark?, file: String) throws -> JSONValue {
        switch tag {
        case "", "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map": return value
        default:
            guard let function = shortForms[tag] else { throw failure(mark, "unknown YAML tag '\(tag)'", file: file) }
            return .object([function: value])
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, tag: String, file: String) throws -> JSONValue {
        let text = scalar.string
        switch tag {
        case "":
            guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return isDecimalNumber(text) ? .number(text) : .string(text)
            }
        case "!", "tag:yaml.org,2002:str": return .string(text)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            guard isDecimalNumber(text) else { throw failure(scalar.mark, "\"\(text)\" is not a number", file: file) }
            return .number(text)
        case "tag:yaml.org,2002:bool":
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw failure(scalar.mark, "\"\(text)\" is not a boolean", file: file)
            }
        case "tag:yaml.org,2002:null": return .null
        default: throw failure(scalar.mark, "unknown YAML tag '\(tag)'", file: file)
        }
    }

    /// Whether `text` is a decimal integer or fraction (`-12`, `+3`, `0.5`, `1e3`), the numbers of the core schema.
    static func isDecimalNumber(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: UInt8 = 0
        for byte in digits {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: ".") where !sawDot && !sawExponent: sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit, !sawExponent else { return false }
                sawExponent = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            default: return false
            }
            previous = byte
        }
        return sawDigit && previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E")
            && previous != UInt8(ascii: "-") && previous != UInt8(ascii: "+")
    }
}
