internal import EvidenceModel
internal import Yams

/// Parses a template's bytes into a ``JSONValue`` tree with intrinsic functions in their long (JSON) form.
///
/// A template whose first character is `{` is read as JSON; if it is not valid JSON but is valid YAML (a flow
/// mapping), the YAML reading is kept, otherwise the JSON error is reported. Anything else is YAML: plain scalars
/// follow the YAML 1.2 core schema (`true`, `false`, `null`, `~` and decimal numbers; numbers keep their literal
/// text, so `012345678901` stays an account id), quoted scalars are strings, and the short-form tags `!Ref`,
/// `!GetAtt`, `!Sub`, … become `{"Ref": …}`, `{"Fn::GetAtt": …}`, `{"Fn::Sub": …}`.
enum CloudFormationLoader {
    static func load(_ bytes: [UInt8], file: String) throws -> JSONValue {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return try yaml(bytes, file: file) }
        do {
            return try JSONNode.parse(bytes, file: file).value
        } catch let jsonError {
            guard let value = try? yaml(bytes, file: file) else { throw jsonError }
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

    private static func yaml(_ bytes: [UInt8], file: String) throws -> JSONValue {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ImportError(file: file, message: "the template is not valid UTF-8")
        }
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
