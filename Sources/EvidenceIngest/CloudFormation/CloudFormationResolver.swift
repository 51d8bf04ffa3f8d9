internal import EvidenceModel

/// Where a stack is deployed: the values behind the pseudo parameters and the ARNs built for its resources.
struct CloudFormationDeployment {
    var account: String
    var region: String
    var stackName: String

    /// A deployment of `file` into an account and Region, both checked.
    static func validated(account: String, region: String, stackName: String, file: String) throws -> Self {
        guard ARN.isAccountID(account) else {
            throw ImportError(file: file, message: "\"\(account)\" is not a 12-digit account id")
        }
        guard ARN.isRegion(region) else {
            throw ImportError(file: file, message: "\"\(region)\" is not a Region code such as us-east-1")
        }
        return Self(account: account, region: region, stackName: stackName)
    }

    /// `aws`, or `aws-cn` and `aws-us-gov` for the China and GovCloud Regions.
    var partition: String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    var urlSuffix: String { region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com" }

    /// The stand-in id of a plan or selection of this stack: `<stack name>-<logical id>`, so that two stacks of one
    /// folder declaring the same logical id define two plans, as CloudFormation gives each stack its own.
    func standInID(_ logicalID: String) -> String { "\(stackName)-\(logicalID)" }

    /// An ARN of `service` in this account and (unless `global`) this Region.
    func arn(_ service: String, _ resource: String, global: Bool = false) -> String {
        "arn:\(partition):\(service):\(global ? "" : region):\(account):\(resource)"
    }
}

/// One entry of the template's `Resources` section, before resolution.
struct TemplateResource {
    var logicalID: String
    var type: String
    /// The `Properties` object as written, intrinsic functions included.
    var properties: JSONValue
    /// The name of the resource's `Condition` attribute, if any.
    var condition: String?

    var path: String { "$.Resources.\(logicalID)" }
}

/// Resolves a template's intrinsic functions offline.
///
/// Resolution is lazy: only the values asked for, and what they refer to, are resolved, so the rest of the template
/// may use functions this resolver rejects. Every error is located at the JSON path of the node being resolved;
/// arguments of a function add the function name and index, as in `$.Resources.Plan.Properties.Name.Fn::Join[1][0]`.
final class CloudFormationResolver {
    let file: String
    let deployment: CloudFormationDeployment
    let resources: [String: TemplateResource]
    private let parameters: [String: JSONNode]
    private let overrides: [String: String]
    private let mappings: [String: JSONNode]
    private let conditions: [String: JSONValue]
    private var conditionValues: [String: Bool] = [:]
    private var propertyTexts: [String: String] = [:]
    /// Conditions and properties being resolved, to report circular references instead of looping.
    private var inProgress: Set<String> = []

    /// A fixed stack id, as the real one is only known after deployment.
    static let placeholderStackUUID = "00000000-0000-0000-0000-000000000000"

    init(template root: JSONNode, deployment: CloudFormationDeployment, overrides: [String: String]) throws {
        guard case .object = root.value else { throw root.expected("a template object") }
        file = root.file
        self.deployment = deployment
        self.overrides = overrides

        var parameters: [String: JSONNode] = [:]
        for (name, declaration) in try root.optional("Parameters")?.members() ?? [] {
            _ = try declaration.members()
            parameters[name] = declaration
        }
        for name in overrides.keys.sorted() where parameters[name] == nil {
            throw ImportError(
                file: root.file,
                location: "$.Parameters",
                message: "a value is given for parameter '\(name)', which the template does not declare"
            )
        }
        self.parameters = parameters

        var mappings: [String: JSONNode] = [:]
        for (name, mapping) in try root.optional("Mappings")?.members() ?? [] { mappings[name] = mapping }
        self.mappings = mappings

        var conditions: [String: JSONValue] = [:]
        for (name, condition) in try root.optional("Conditions")?.members() ?? [] { conditions[name] = condition.value }
        self.conditions = conditions

        var resources: [String: TemplateResource] = [:]
        for (logicalID, node) in try root.required("Resources").members() {
            let properties = try node.optional("Properties")
            _ = try properties?.members()
            resources[logicalID] = TemplateResource(
                logicalID: logicalID,
                type: try node.required("Type").identifier(),
                properties: properties?.value ?? .object([:]),
                condition: try node.optional("Condition")?.identifier()
            )
        }
        self.resources = resources
    }

    private func failure(_ path: String, _ message: String) -> ImportError {
        ImportError(file: file, location: path, message: message)
    }

    // MARK: Values

    /// Resolves every intrinsic function in `value`, found at `path`.
    ///
    /// - Returns: The resolved value, or nil for `{"Ref": "AWS::NoValue"}`, which removes a property or list item.
    func resolve(_ value: JSONValue, at path: String) throws -> JSONValue? {
        switch value {
        case .object(let members):
            if members.count == 1, let entry = members.first, entry.key == "Ref" || entry.key.hasPrefix("Fn::") {
                return try intrinsic(entry.key, entry.value, at: path)
            }
            var resolved: [String: JSONValue] = [:]
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                resolved[key] = try resolve(member, at: "\(path).\(key)")
            }
            return .object(resolved)
        case .array(let items):
            var resolved: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if let value = try resolve(item, at: "\(path)[\(index)]") { resolved.append(value) }
            }
            return .array(resolved)
        default:
            return value
        }
    }

    /// Whether the template creates `resource`: it has no `Condition`, or its condition is true.
    func isCreated(_ resource: TemplateResource) throws -> Bool {
        guard let name = resource.condition else { return true }
        return try condition(name, at: "\(resource.path).Condition")
    }

    /// The text of a string, number or boolean (CloudFormation passes scalars to string properties as text).
    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let literal): literal
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    private func argument(_ value: JSONValue, at path: String, of function: String) throws -> JSONValue {
        guard let resolved = try resolve(value, at: path) else {
            throw failure(path, "AWS::NoValue cannot be an argument of \(function)")
        }
        return resolved
    }

    private func text(_ value: JSONValue, at path: String, of function: String) throws -> String {
        let resolved = try argument(value, at: path, of: function)
        guard let text = Self.scalarText(resolved) else {
            throw failure(path, "\(function) expects a string here, found \(resolved.kindDescription)")
        }
        return text
    }

    private func list(_ value: JSONValue, at path: String, of function: String) throws -> [JSONValue] {
        let resolved = try argument(value, at: path, of: function)
        guard case .array(let items) = resolved else {
            throw failure(path, "\(function) expects a list here, found \(resolved.kindDescription)")
        }
        return items
    }

    /// The literal argument list of a function, which must have `count` items.
    private func arguments(
        _ value: JSONValue,
        count: Int,
        at path: String,
        of function: String,
        shape: String
    ) throws -> [JSONValue] {
        guard case .array(let items) = value, items.count == count else {
            throw failure(path, "\(function) expects \(shape)")
        }
        return items
    }

    // MARK: Intrinsic functions

    private func intrinsic(_ function: String, _ argument: JSONValue, at path: String) throws -> JSONValue? {
        let inner = "\(path).\(function)"
        switch function {
        case "Ref":
            guard case .string(let name) = argument else {
                throw failure(path, "Ref expects a name, found \(argument.kindDescription)")
            }
            return try reference(name, at: path, function: "Ref")
        case "Fn::GetAtt":
            return .string(try getAtt(argument, at: path))
        case "Fn::Sub":
            return .string(try substitute(argument, at: path))
        case "Fn::Join":
            let parts = try arguments(argument, count: 2, at: path, of: function, shape: "[delimiter, [values]]")
            let delimiter = try text(parts[0], at: "\(inner)[0]", of: function)
            var texts: [String] = []
            for (index, item) in try list(parts[1], at: "\(inner)[1]", of: function).enumerated() {
                guard let text = Self.scalarText(item) else {
                    throw failure("\(inner)[1][\(index)]", "Fn::Join expects strings, found \(item.kindDescription)")
                }
                texts.append(text)
            }
            return .string(texts.joined(separator: delimiter))
        case "Fn::Select":
            let parts = try arguments(argument, count: 2, at: path, of: function, shape: "[index, [values]]")
            let indexText = try text(parts[0], at: "\(inner)[0]", of: function)
            let items = try list(parts[1], at: "\(inner)[1]", of: function)
            guard let index = Int(indexText), index >= 0 else {
                throw failure("\(inner)[0]", "Fn::Select expects an index, found \"\(indexText)\"")
            }
            guard index < items.count else {
                throw failure(path, "Fn::Select index \(index) is out of range for a list of \(items.count) values")
            }
            return items[index]
        case "Fn::Split":
            let parts = try arguments(argument, count: 2, at: path, of: function, shape: "[delimiter, string]")
            let delimiter = try text(parts[0], at: "\(inner)[0]", of: function)
            guard !delimiter.isEmpty else { throw failure("\(inner)[0]", "Fn::Split expects a non-empty delimiter") }
            let source = try text(parts[1], at: "\(inner)[1]", of: function)
            return .array(Self.split(source, by: delimiter).map(JSONValue.string))
        case "Fn::If":
            let parts = try arguments(
                argument,
                count: 3,
                at: path,
                of: function,
                shape: "[condition name, value if true, value if false]"
            )
            guard case .string(let name) = parts[0] else {
                throw failure("\(inner)[0]", "Fn::If expects a condition name, found \(parts[0].kindDescription)")
            }
            let chosen = try condition(name, at: "\(inner)[0]") ? 1 : 2
            return try resolve(parts[chosen], at: "\(inner)[\(chosen)]")
        case "Fn::FindInMap":
            let parts = try arguments(
                argument,
                count: 3,
                at: path,
                of: function,
                shape: "[map name, top-level key, second-level key]"
            )
            let names = try parts.enumerated().map { try text($1, at: "\(inner)[\($0)]", of: function) }
            guard let mapping = mappings[names[0]] else {
                throw failure(path, "Fn::FindInMap names unknown mapping '\(names[0])'")
            }
            guard let top = try mapping.optional(names[1]) else {
                throw failure(path, "Fn::FindInMap: mapping '\(names[0])' has no key '\(names[1])'")
            }
            guard let value = try top.optional(names[2]) else {
                throw failure(path, "Fn::FindInMap: mapping '\(names[0])' has no key '\(names[2])' under '\(names[1])'")
            }
            return value.value
        case "Fn::Base64":
            return .string(Self.base64(try text(argument, at: inner, of: function)))
        case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
            throw failure(path, "\(function) can only be used in the Conditions section")
        case "Fn::ImportValue":
            throw failure(path, "Fn::ImportValue cannot be resolved offline: its value is another stack's export")
        case "Fn::GetAZs", "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString":
            throw failure(path, "\(function) is not supported")
        default:
            throw failure(path, "unknown intrinsic function \(function)")
        }
    }

    /// `Ref` to a pseudo parameter, parameter or resource; `function` names the caller in errors.
    private func reference(_ name: String, at path: String, function: String) throws -> JSONValue? {
        switch name {
        case "AWS::AccountId": return .string(deployment.account)
        case "AWS::Region": return .string(deployment.region)
        case "AWS::Partition": return .string(deployment.partition)
        case "AWS::URLSuffix": return .string(deployment.urlSuffix)
        case "AWS::StackName": return .string(deployment.stackName)
        case "AWS::StackId":
            return .string(
                deployment.arn("cloudformation", "stack/\(deployment.stackName)/\(Self.placeholderStackUUID)")
            )
        case "AWS::NotificationARNs": return .array([])
        case "AWS::NoValue": return nil
        default: break
        }
        if name.hasPrefix("AWS::") { throw failure(path, "\(function) to unknown pseudo parameter '\(name)'") }
        if let declaration = parameters[name] { return try parameterValue(name, declaration, at: path) }
        if let resource = resources[name] {
            try requireCreated(resource, at: path, function: function)
            guard let known = knownValues(of: resource) else {
                throw failure(
                    path,
                    "\(function) to '\(name)' cannot be resolved offline: \(resource.type) is not a supported type"
                )
            }
            return .string(try known.ref())
        }
        throw failure(path, "\(function) to unknown name '\(name)'")
    }

    private func parameterValue(_ name: String, _ declaration: JSONNode, at path: String) throws -> JSONValue {
        let type = try declaration.required("Type").identifier()
        let value: String
        if let override = overrides[name] {
            value = override
        } else if type.hasPrefix("AWS::SSM::Parameter::Value<") {
            throw failure(
                path,
                "parameter '\(name)' takes its value from Systems Manager (\(type)); give its value as an override"
            )
        } else if let fallback = try declaration.optional("Default") {
            guard let text = Self.scalarText(fallback.value) else { throw fallback.expected("a string") }
            value = text
        } else {
            throw failure(path, "parameter '\(name)' has no value: it has no Default and no value was given for it")
        }
        let isList = type == "CommaDelimitedList" || type.hasPrefix("List<")
        let values = isList ? Self.split(value, by: ",") : [value]
        if let allowedNode = try declaration.optional("AllowedValues") {
            let allowed = try allowedNode.array().map { node in
                guard let text = Self.scalarText(node.value) else { throw node.expected("a string") }
                return text
            }
            for item in values where !allowed.contains(item) {
                throw failure(
                    path,
                    "parameter '\(name)' has the value \"\(item)\", which is not one of its AllowedValues "
                        + "(\(allowed.joined(separator: ", ")))"
                )
            }
        }
        if type == "Number" || type == "List<Number>" {
            for item in values where Double(item) == nil {
                throw failure(
                    path,
                    "parameter '\(name)' of type \(type) has the value \"\(item)\", which is not a number"
                )
            }
        }
        return isList ? .array(values.map(JSONValue.string)) : .string(value)
    }

    private func getAtt(_ argument: JSONValue, at path: String) throws -> String {
        let logicalID: String
        let attribute: String
        switch argument {
        case .string(let dotted):
            guard let dot = dotted.firstIndex(of: ".") else {
                throw failure(path, "Fn::GetAtt expects Resource.Attribute, found \"\(dotted)\"")
            }
            logicalID = String(dotted[..<dot])
            attribute = String(dotted[dotted.index(after: dot)...])
        case .array(let parts) where parts.count == 2:
            guard case .string(let name) = parts[0] else {
                throw failure(
                    "\(path).Fn::GetAtt[0]",
                    "Fn::GetAtt expects a resource name, found \(parts[0].kindDescription)"
                )
            }
            logicalID = name
            attribute = try text(parts[1], at: "\(path).Fn::GetAtt[1]", of: "Fn::GetAtt")
        default:
            throw failure(path, "Fn::GetAtt expects [resource, attribute] or Resource.Attribute")
        }
        return try attributeValue(logicalID, attribute, at: path, function: "Fn::GetAtt")
    }

    private func attributeValue(
        _ logicalID: String,
        _ attribute: String,
        at path: String,
        function: String
    ) throws -> String {
        guard let resource = resources[logicalID] else {
            throw failure(path, "\(function) to unknown resource '\(logicalID)'")
        }
        try requireCreated(resource, at: path, function: function)
        guard let known = knownValues(of: resource) else {
            throw failure(
                path,
                "\(function) to '\(logicalID)' cannot be resolved offline: \(resource.type) is not a supported type"
            )
        }
        guard let value = known.attributes[attribute] else {
            let supported = known.attributes.keys.sorted().joined(separator: ", ")
            throw failure(
                path,
                "\(function) to unknown attribute '\(attribute)' of \(resource.type) '\(logicalID)' "
                    + "(supported: \(supported.isEmpty ? "none" : supported))"
            )
        }
        return try value()
    }

    private func substitute(_ argument: JSONValue, at path: String) throws -> String {
        let template: String
        var variables: [String: String] = [:]
        switch argument {
        case .string(let text):
            template = text
        case .array(let parts) where parts.count == 2:
            guard case .string(let text) = parts[0] else {
                throw failure("\(path).Fn::Sub[0]", "Fn::Sub expects a string, found \(parts[0].kindDescription)")
            }
            guard case .object(let map) = parts[1] else {
                throw failure(
                    "\(path).Fn::Sub[1]",
                    "Fn::Sub expects a map of variables, found \(parts[1].kindDescription)"
                )
            }
            template = text
            for key in map.keys.sorted() {
                guard let value = map[key] else { continue }
                variables[key] = try self.text(value, at: "\(path).Fn::Sub[1].\(key)", of: "Fn::Sub")
            }
        default:
            throw failure(path, "Fn::Sub expects a string or [string, {variables}]")
        }
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "${") {
            output += rest[..<open.lowerBound]
            let body = rest[open.upperBound...]
            guard let close = body.firstIndex(of: "}") else {
                output += rest[open.lowerBound...]
                rest = ""
                break
            }
            let name = String(body[..<close])
            if name.hasPrefix("!") {
                output += "${" + name.dropFirst() + "}"
            } else if let value = variables[name] {
                output += value
            } else if let dot = name.firstIndex(of: ".") {
                let attribute = String(name[name.index(after: dot)...])
                output += try attributeValue(String(name[..<dot]), attribute, at: path, function: "Fn::Sub reference")
            } else {
                guard let value = try reference(name, at: path, function: "Fn::Sub reference") else {
                    throw failure(path, "Fn::Sub cannot insert AWS::NoValue")
                }
                guard let text = Self.scalarText(value) else {
                    throw failure(path, "Fn::Sub cannot insert '\(name)', which is a list")
                }
                output += text
            }
            rest = body[body.index(after: close)...]
        }
        return output + rest
    }

    // MARK: Conditions

    private func condition(_ name: String, at path: String) throws -> Bool {
        if let value = conditionValues[name] { return value }
        guard let definition = conditions[name] else { throw failure(path, "unknown condition '\(name)'") }
        let key = "Conditions.\(name)"
        guard inProgress.insert(key).inserted else {
            throw failure(path, "circular reference: condition '\(name)' depends on itself")
        }
        defer { inProgress.remove(key) }
        let value = try evaluate(definition, at: "$.Conditions.\(name)")
        conditionValues[name] = value
        return value
    }

    private func evaluate(_ value: JSONValue, at path: String) throws -> Bool {
        guard case .object(let members) = value, members.count == 1, let entry = members.first else {
            throw failure(
                path,
                "expected a condition function (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), "
                    + "found \(value.kindDescription)"
            )
        }
        let function = entry.key
        let argument = entry.value
        let inner = "\(path).\(function)"
        switch function {
        case "Fn::Equals":
            let parts = try arguments(argument, count: 2, at: path, of: function, shape: "[value, value]")
            let left = try self.argument(parts[0], at: "\(inner)[0]", of: function)
            let right = try self.argument(parts[1], at: "\(inner)[1]", of: function)
            if let leftText = Self.scalarText(left), let rightText = Self.scalarText(right) {
                return leftText == rightText
            }
            return left == right
        case "Fn::And", "Fn::Or":
            guard case .array(let items) = argument, (2...10).contains(items.count) else {
                throw failure(path, "\(function) expects a list of 2 to 10 conditions")
            }
            var results: [Bool] = []
            for (index, item) in items.enumerated() { results.append(try evaluate(item, at: "\(inner)[\(index)]")) }
            return function == "Fn::And" ? results.allSatisfy { $0 } : results.contains(true)
        case "Fn::Not":
            let parts = try arguments(argument, count: 1, at: path, of: function, shape: "[condition]")
            return !(try evaluate(parts[0], at: "\(inner)[0]"))
        case "Condition":
            guard case .string(let name) = argument else {
                throw failure(path, "Condition expects a condition name, found \(argument.kindDescription)")
            }
            return try condition(name, at: path)
        default:
            throw failure(
                path,
                "\(function) is not a condition function (expected Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition)"
            )
        }
    }

    private func requireCreated(_ resource: TemplateResource, at path: String, function: String) throws {
        guard try !isCreated(resource) else { return }
        throw failure(
            path,
            "\(function) to '\(resource.logicalID)', which the template does not create "
                + "(condition '\(resource.condition ?? "")' is false)"
        )
    }

    // MARK: Resource values

    /// The `Ref` value and `Fn::GetAtt` attributes of a resource, computed on demand.
    private struct KnownValues {
        var ref: () throws -> String
        var attributes: [String: () throws -> String]
    }

    /// A resource property resolved to text; nil when absent, unless `required`.
    private func property(_ name: String, of resource: TemplateResource, required: Bool) throws -> String? {
        let key = "Resources.\(resource.logicalID).\(name)"
        if let cached = propertyTexts[key] { return cached }
        let path = "\(resource.path).Properties.\(name)"
        guard case .object(let properties) = resource.properties, let raw = properties[name], raw != .null else {
            guard !required else { throw failure(path, "missing required field") }
            return nil
        }
        guard inProgress.insert(key).inserted else {
            throw failure(path, "circular reference: \(name) of '\(resource.logicalID)' depends on itself")
        }
        defer { inProgress.remove(key) }
        guard let value = try resolve(raw, at: path) else {
            guard !required else { throw failure(path, "missing required field") }
            return nil
        }
        guard let text = Self.scalarText(value) else {
            throw failure(path, "expected a string, found \(value.kindDescription)")
        }
        propertyTexts[key] = text
        return text
    }

    private func knownValues(of resource: TemplateResource) -> KnownValues? {
        let deployment = deployment
        let logicalID = resource.logicalID
        let constant: (String) -> () throws -> String = { value in { value } }
        let named: (String, String) -> () throws -> String = { property, fallback in
            { try self.property(property, of: resource, required: false) ?? fallback }
        }
        let requiredName: (String) -> () throws -> String = { property in
            { try self.property(property, of: resource, required: true) ?? "" }
        }
        switch resource.type {
        case "AWS::Backup::BackupVault", "AWS::Backup::LogicallyAirGappedBackupVault":
            let name = requiredName("BackupVaultName")
            let arn: () throws -> String = { deployment.arn("backup", "backup-vault:\(try name())") }
            var attributes = ["BackupVaultName": name, "BackupVaultArn": arn]
            if resource.type == "AWS::Backup::LogicallyAirGappedBackupVault" {
                attributes["VaultType"] = constant("LOGICALLY_AIR_GAPPED_BACKUP_VAULT")
            }
            return KnownValues(ref: name, attributes: attributes)
        case "AWS::Backup::BackupPlan":
            let id = deployment.standInID(logicalID)
            return KnownValues(
                ref: constant(id),
                attributes: [
                    "BackupPlanId": constant(id),
                    "BackupPlanArn": constant(deployment.arn("backup", "backup-plan:\(id)")),
                    "VersionId": constant(""),
                ]
            )
        case "AWS::Backup::BackupSelection":
            let id = deployment.standInID(logicalID)
            return KnownValues(
                ref: constant(id),
                attributes: [
                    "SelectionId": constant(id), "Id": constant(id),
                    "BackupPlanId": requiredName("BackupPlanId"),
                ]
            )
        case "AWS::Backup::Framework":
            let name = named("FrameworkName", logicalID)
            let arn: () throws -> String = { deployment.arn("backup", "framework:\(try name())") }
            return KnownValues(ref: arn, attributes: ["FrameworkArn": arn])
        case "AWS::Backup::ReportPlan":
            let name = named("ReportPlanName", logicalID)
            let arn: () throws -> String = { deployment.arn("backup", "report-plan:\(try name())") }
            return KnownValues(ref: arn, attributes: ["ReportPlanArn": arn])
        case "AWS::IAM::Role":
            let name = named("RoleName", logicalID)
            let rolePath = named("Path", "/")
            let arn: () throws -> String = {
                deployment.arn("iam", "role\(try rolePath())\(try name())", global: true)
            }
            return KnownValues(ref: name, attributes: ["Arn": arn, "RoleName": name])
        case "AWS::KMS::Key":
            let arn = constant(deployment.arn("kms", "key/\(logicalID)"))
            return KnownValues(ref: constant(logicalID), attributes: ["Arn": arn, "KeyId": constant(logicalID)])
        case "AWS::KMS::Alias":
            return KnownValues(ref: requiredName("AliasName"), attributes: [:])
        case "AWS::SNS::Topic":
            let name = named("TopicName", logicalID)
            let arn: () throws -> String = { deployment.arn("sns", try name()) }
            return KnownValues(ref: arn, attributes: ["TopicArn": arn, "TopicName": name])
        case "AWS::S3::Bucket":
            let name = named("BucketName", logicalID.lowercased())
            let arn: () throws -> String = { "arn:\(deployment.partition):s3:::\(try name())" }
            return KnownValues(ref: name, attributes: ["Arn": arn])
        default:
            return nil
        }
    }

    // MARK: Text helpers

    /// Splits at every occurrence of `delimiter`, keeping empty parts (`"a,,b"` gives `a`, ``, `b`).
    static func split(_ text: String, by delimiter: String) -> [String] {
        guard !delimiter.isEmpty else { return [text] }
        var parts: [String] = []
        var rest = Substring(text)
        while let range = rest.firstRange(of: delimiter) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    /// Standard Base64 with padding, of the UTF-8 bytes of `text`.
    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group = group << 8 | (offset < count ? UInt32(bytes[index + offset]) : 0)
            }
            for position in 0..<4 {
                let sextet = Int(group >> UInt32(18 - 6 * position) & 63)
                out.append(position <= count ? alphabet[sextet] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
