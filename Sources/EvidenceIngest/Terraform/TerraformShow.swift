internal import EvidenceModel

/// Reads the AWS Backup resources of `terraform show -json` output, a state or a saved plan, into model values.
///
/// A state (`{"values": {"root_module": …}}`) holds every attribute. A plan holds what is known before apply in
/// `planned_values`; an attribute left out there and marked in `resource_changes[].change.after_unknown` is taken
/// from the plan's `configuration`: when its expression refers to an attribute of another resource of the same
/// file (`plan_id = aws_backup_plan.daily.id`), that attribute's value is used, or, when it too is known only
/// after apply, a deterministic stand-in:
///
/// | Resource | Attribute | Stand-in |
/// | --- | --- | --- |
/// | `aws_backup_plan` | `id`, `arn`, `version` | `<file>-<address>`; `arn:aws:backup:<region>:<account>:backup-plan:<id>`; empty |
/// | `aws_backup_selection` | `id` | `<file>-<address>` |
/// | `aws_backup_vault` | `id`, `arn` | the vault name; `…:backup-vault:<name>` |
/// | `aws_backup_framework` | `id`, `arn` | the name; `…:framework:<name>` |
/// | `aws_backup_report_plan` | `id`, `arn` | the name; `…:report-plan:<name>` |
/// | `aws_iam_role` | `id`, `arn` | the name; `arn:aws:iam::<account>:role<path><name>` |
/// | `aws_kms_key` | `id`, `key_id`, `arn` | the resource address; `arn:aws:kms:<region>:<account>:key/<key id>` |
///
/// `<file>` is the file's name without extension (`plan` for `terraform/plan.json`), so that two files of one folder
/// may use the same addresses. ARNs are built in the folder's account and in the resource's `region` argument, else
/// the folder's Region.
/// Anything else known only after apply is an ``ImportError`` naming the file, the resource address and the
/// attribute, such as
/// `terraform/plan.json: aws_backup_selection.daily.iam_role_arn: known only after apply, and its reference aws_iam_role.backup.arn names no resource of this file`.
///
/// Resource types read: `aws_backup_plan`, `aws_backup_selection`, `aws_backup_vault` with
/// `aws_backup_vault_lock_configuration` and `aws_backup_vault_policy`, `aws_backup_framework` and
/// `aws_backup_report_plan`, in the root module and every child module; data sources and other types are only
/// used to resolve references. Attribute names and defaults are the AWS provider's (`start_window` 60 and
/// `completion_window` 180 minutes, `schedule_expression_timezone` `Etc/UTC`, when absent).
public enum TerraformShow {
    /// Parses `bytes` (`terraform show -json` output) and reads its AWS Backup resources.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - file: The name shown in errors and stored as `source` of plans and frameworks.
    ///   - account: The 12-digit account the configuration is applied in.
    ///   - region: The Region of the folder; a resource whose `region` argument names another Region is an error.
    /// - Returns: The resources found, in the order of the file.
    public static func read(
        bytes: [UInt8],
        file: String,
        account: String,
        region: String
    ) throws
        -> BackupDefinitions
    {
        // The file's name without extension qualifies the stand-in ids of its plans and selections.
        let deployment = try CloudFormationDeployment.validated(
            account: account,
            region: region,
            stackName: CloudFormationTemplate.defaultStackName(file: file),
            file: file
        )
        let document = try TerraformDocument(root: try JSONNode.parse(bytes, file: file), deployment: deployment)
        return try TerraformReaders.read(document)
    }
}

/// One managed resource instance of the file, with what the plan says about it.
struct TerraformResource {
    var address: String
    /// The module instance the resource is in, as an address prefix: `""` or `module.backup.`.
    var modulePrefix: String
    var type: String
    var name: String
    /// The `values` object, located at the resource address so errors read `aws_backup_plan.daily.rule[0]…`.
    var values: JSONNode
    /// `resource_changes[].change.after_unknown`, for plans.
    var unknown: JSONValue?
    /// The `expressions` of the resource's block in the plan's `configuration`.
    var expressions: JSONValue?
}

/// A parsed `terraform show -json` file: its managed resources and how to resolve what the plan leaves unknown.
struct TerraformDocument {
    let file: String
    let deployment: CloudFormationDeployment
    private(set) var resources: [TerraformResource] = []
    private var index: [String: Int] = [:]

    init(root: JSONNode, deployment: CloudFormationDeployment) throws {
        file = root.file
        self.deployment = deployment
        let versionNode = try root.required("format_version")
        let version = try versionNode.string()
        guard let major = version.split(separator: ".").first, major == "0" || major == "1" else {
            throw versionNode.failure("unsupported format version \"\(version)\" (expected 0.x or 1.x)")
        }
        let planned = try root.optional("planned_values")
        let values = try planned ?? root.optional("values")
        var unknowns: [String: JSONValue] = [:]
        var configuration: JSONNode?
        if planned != nil {
            for change in try root.optionalArray("resource_changes") {
                let address = try change.required("address").string()
                if let unknown = try change.optional("change")?.optional("after_unknown") {
                    unknowns[address] = unknown.value
                }
            }
            configuration = try root.optional("configuration")?.optional("root_module")
        }
        if let module = try values?.optional("root_module") {
            try walk(module, prefix: "", configuration: configuration, unknowns: unknowns)
        }
    }

    private mutating func walk(
        _ module: JSONNode,
        prefix: String,
        configuration: JSONNode?,
        unknowns: [String: JSONValue]
    ) throws {
        for entry in try module.optionalArray("resources") {
            guard try entry.optional("mode")?.string() ?? "managed" == "managed" else { continue }
            let address = try entry.required("address").identifier()
            let type = try entry.required("type").identifier()
            let name = try entry.required("name").identifier()
            var expressions: JSONValue?
            for block in try configuration?.optionalArray("resources") ?? []
            where try block.optional("mode")?.string() ?? "managed" == "managed"
                && block.optional("type")?.string() == type && block.optional("name")?.string() == name
            {
                expressions = try block.optional("expressions")?.value
            }
            let values = try entry.optional("values")?.value ?? .object([:])
            guard case .object = values else { throw try entry.required("values").expected("an object") }
            index[address] = resources.count
            resources.append(
                TerraformResource(
                    address: address,
                    modulePrefix: prefix,
                    type: type,
                    name: name,
                    values: JSONNode(value: values, file: file, path: address),
                    unknown: unknowns[address],
                    expressions: expressions
                )
            )
        }
        for child in try module.optionalArray("child_modules") {
            let addressNode = try child.required("address")
            let address = try addressNode.identifier()
            guard let call = Self.lastModuleCall(address) else {
                throw addressNode.failure("expected a module address such as module.backup, found \"\(address)\"")
            }
            let childConfiguration = try configuration?.optional("module_calls")?.optional(call)?.optional("module")
            try walk(child, prefix: address + ".", configuration: childConfiguration, unknowns: unknowns)
        }
    }

    /// `module.a["x"].module.b[0]` gives `b`: the name of the last module call of a module address.
    static func lastModuleCall(_ address: String) -> String? {
        var name: String?
        var rest = Substring(address)
        while rest.hasPrefix("module.") {
            rest = rest.dropFirst("module.".count)
            let call = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            guard !call.isEmpty else { return nil }
            name = String(call)
            rest = rest.dropFirst(call.count)
            if rest.hasPrefix("[") {
                guard let close = closingBracket(rest) else { return nil }
                rest = rest[rest.index(after: close)...]
            }
            if rest.hasPrefix(".") { rest = rest.dropFirst() } else { break }
        }
        return rest.isEmpty ? name : nil
    }

    /// The index of the `]` closing the `[` that `text` starts with; quoted keys may hold brackets.
    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var quoted = false
        var escaped = false
        for index in text.indices.dropFirst() {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == "]", !quoted {
                return index
            }
        }
        return nil
    }

    func block(_ resource: TerraformResource) -> TerraformBlock {
        TerraformBlock(
            node: resource.values,
            unknown: resource.unknown,
            expressions: resource.expressions,
            resource: resource,
            document: self
        )
    }

    /// The Region a resource is managed in: its `region` argument (AWS provider 6), else the folder's.
    func region(of resource: TerraformResource) -> String {
        if case .object(let members) = resource.values.value, case .string(let region)? = members["region"],
            !region.isEmpty
        {
            return region
        }
        return deployment.region
    }

    /// A computed attribute: its value when the file knows it, else the stand-in of ``TerraformShow``.
    func computed(_ resource: TerraformResource, _ attribute: String, depth: Int = 0) throws -> JSONNode? {
        if let known = try resource.values.optional(attribute) { return known }
        func named(_ key: String) throws -> String? {
            guard let node = try block(resource).optional(key, depth: depth + 1) else { return nil }
            return try node.string()
        }
        let partition = deployment.partition
        let account = deployment.account
        let region = region(of: resource)
        var text: String?
        switch (resource.type, attribute) {
        case ("aws_backup_plan", "id"), ("aws_backup_selection", "id"):
            text = deployment.standInID(resource.address)
        case ("aws_kms_key", "id"), ("aws_kms_key", "key_id"):
            text = resource.address
        case ("aws_backup_plan", "arn"):
            let id = deployment.standInID(resource.address)
            text = "arn:\(partition):backup:\(region):\(account):backup-plan:\(id)"
        case ("aws_backup_plan", "version"):
            text = ""
        case ("aws_backup_vault", "id"), ("aws_backup_framework", "id"), ("aws_backup_report_plan", "id"),
            ("aws_iam_role", "id"):
            text = try named("name")
        case ("aws_backup_vault", "arn"):
            text = try named("name").map {
                ARN.backupVault(partition: partition, region: region, account: account, name: $0).description
            }
        case ("aws_backup_framework", "arn"):
            text = try named("name").map { "arn:\(partition):backup:\(region):\(account):framework:\($0)" }
        case ("aws_backup_report_plan", "arn"):
            text = try named("name").map { "arn:\(partition):backup:\(region):\(account):report-plan:\($0)" }
        case ("aws_iam_role", "arn"):
            let path = try named("path") ?? "/"
            text = try named("name").map { "arn:\(partition):iam::\(account):role\(path)\($0)" }
        case ("aws_kms_key", "arn"):
            text = "arn:\(partition):kms:\(region):\(account):key/\(resource.address)"
        default:
            text = nil
        }
        return text.map { JSONNode(value: .string($0), file: file, path: "\(resource.address).\(attribute)") }
    }

    /// Resolves an attribute the plan knows only after apply, from its configuration expression.
    ///
    /// - Parameter list: Whether the attribute is a list, whose value is then every resource attribute referred to.
    func resolve(
        _ expression: JSONValue?,
        in resource: TerraformResource,
        at location: String,
        list: Bool,
        depth: Int
    ) throws -> JSONNode {
        func failure(_ message: String) -> ImportError {
            ImportError(file: file, location: location, message: "known only after apply, and \(message)")
        }
        guard depth < 16 else { throw failure("its references form a cycle") }
        guard case .object(let members)? = expression else {
            throw failure("the plan's configuration holds no expression for it")
        }
        if let constant = members["constant_value"], constant != .null {
            return JSONNode(value: constant, file: file, path: location)
        }
        var references: [String] = []
        if case .array(let items)? = members["references"] {
            for case .string(let reference) in items { references.append(reference) }
        }
        guard !references.isEmpty else { throw failure("its expression refers to nothing") }
        var resolved: [JSONValue] = []
        var seen = Set<String>()
        for reference in references {
            guard let (target, attribute) = Self.resourceAttribute(reference) else { continue }
            let address = resource.modulePrefix + target
            guard seen.insert(address + "." + attribute).inserted else { continue }
            guard let index = index[address] else {
                throw failure("its reference \(reference) names no resource of this file")
            }
            guard let value = try computed(resources[index], attribute, depth: depth + 1) else {
                throw failure("its reference \(reference) is itself known only after apply")
            }
            resolved.append(value.value)
            if !list { return JSONNode(value: value.value, file: file, path: location) }
        }
        guard !resolved.isEmpty else {
            throw failure("its references (\(references.joined(separator: ", "))) name no resource attribute")
        }
        return JSONNode(value: .array(resolved), file: file, path: location)
    }

    /// Splits `aws_backup_plan.daily.id` (or `aws_kms_key.keys["a"].arn`) into the resource and the attribute;
    /// nil for variables, locals, data sources, module outputs and longer traversals.
    static func resourceAttribute(_ reference: String) -> (resource: String, attribute: String)? {
        let reserved: Set<Substring> = ["var", "local", "module", "data", "each", "count", "path", "terraform", "self"]
        guard let firstDot = reference.firstIndex(of: ".") else { return nil }
        let type = reference[..<firstDot]
        guard !reserved.contains(type), !type.isEmpty else { return nil }
        var rest = reference[reference.index(after: firstDot)...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var instance = Substring("")
        if rest.hasPrefix("[") {
            guard let close = closingBracket(rest) else { return nil }
            instance = rest[...close]
            rest = rest[rest.index(after: close)...]
        }
        guard rest.hasPrefix(".") else { return nil }
        let attribute = rest.dropFirst()
        guard !attribute.isEmpty, attribute.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return nil
        }
        return ("\(type).\(name)\(instance)", String(attribute))
    }
}

/// One object of a resource's values (the resource itself or a nested block), with the matching parts of
/// `after_unknown` and of the configuration, so that an attribute known only after apply can be resolved.
struct TerraformBlock {
    let node: JSONNode
    let unknown: JSONValue?
    let expressions: JSONValue?
    let resource: TerraformResource
    let document: TerraformDocument

    private func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
        guard case .object(let members)? = value else { return nil }
        return members[key]
    }

    private func isUnknown(_ key: String) -> Bool {
        func containsTrue(_ value: JSONValue?) -> Bool {
            switch value {
            case .bool(true)?: true
            case .array(let items)?: items.contains { containsTrue($0) }
            case .object(let members)?: members.values.contains { containsTrue($0) }
            default: false
            }
        }
        return containsTrue(member(unknown, key))
    }

    /// Whether the attribute is left to the provider: the plan knows it only after apply and the configuration
    /// block, which the file holds, does not set it (an optional list the provider fills, a default KMS key).
    private func isProviderComputed(_ key: String) -> Bool {
        guard case .object(let members)? = expressions else { return false }
        return members[key] == nil
    }

    /// The attribute's value: known, or resolved from the configuration when the plan knows it only after apply.
    func optional(_ key: String, list: Bool = false, depth: Int = 0) throws -> JSONNode? {
        if let known = try node.optional(key) {
            guard list, isUnknown(key) else { return known }
        }
        guard isUnknown(key), !isProviderComputed(key) else { return nil }
        return try document.resolve(
            member(expressions, key),
            in: resource,
            at: "\(node.path).\(key)",
            list: list,
            depth: depth
        )
    }

    func required(_ key: String, list: Bool = false) throws -> JSONNode {
        guard let value = try optional(key, list: list) else {
            guard case .object = node.value else { throw node.expected("an object") }
            let message =
                isUnknown(key)
                ? "known only after apply, and the configuration does not set it" : "missing required attribute"
            throw ImportError(file: node.file, location: "\(node.path).\(key)", message: message)
        }
        return value
    }

    /// A list of strings, such as `resources`.
    func strings(_ key: String) throws -> [String] {
        try optional(key, list: true)?.array().map { try $0.identifier() } ?? []
    }

    /// The nested blocks under `key` (a list or set of objects), each paired with its configuration block: the
    /// one whose `identity` argument has the same constant value, else the one at the same position.
    func blocks(_ key: String, identity: String? = nil) throws -> [TerraformBlock] {
        guard let list = try node.optional(key) else {
            if isUnknown(key), !isProviderComputed(key) {
                throw ImportError(
                    file: node.file,
                    location: "\(node.path).\(key)",
                    message: "known only after apply, and blocks cannot be resolved from the configuration"
                )
            }
            return []
        }
        let items = try list.array()
        var unknowns: [JSONValue] = []
        if case .array(let values)? = member(unknown, key) { unknowns = values }
        var configured: [JSONValue] = []
        if case .array(let values)? = member(expressions, key) { configured = values }
        return try items.enumerated().map { offset, item in
            guard case .object = item.value else { throw item.expected("an object") }
            var expressions: JSONValue? = configured.count == items.count ? configured[offset] : nil
            if let identity, case .string(let wanted)? = member(item.value, identity) {
                let match = configured.first { block in
                    member(member(block, identity), "constant_value") == .string(wanted)
                }
                if let match { expressions = match }
            }
            return TerraformBlock(
                node: item,
                unknown: offset < unknowns.count ? unknowns[offset] : nil,
                expressions: expressions,
                resource: resource,
                document: document
            )
        }
    }

    /// The single block of a list nested with at most one item, such as `lifecycle`.
    func block(_ key: String) throws -> TerraformBlock? { try blocks(key).first }

    /// A computed attribute of the resource: known, or its stand-in.
    func computed(_ key: String) throws -> JSONNode {
        guard let value = try document.computed(resource, key) else {
            throw ImportError(
                file: node.file,
                location: "\(node.path).\(key)",
                message: "known only after apply, and no stand-in can be derived for it"
            )
        }
        return value
    }

    /// A `{"key": "value"}` map that may be absent.
    func stringMap(_ key: String) throws -> [String: String] {
        try optional(key)?.stringMap() ?? [:]
    }
}
