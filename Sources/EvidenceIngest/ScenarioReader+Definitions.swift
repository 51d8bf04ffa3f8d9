internal import EvidenceModel

/// What an account/Region folder's CloudFormation templates and Terraform files define, beside the get-* files.
extension ScenarioReader {
    /// Reads `templates/*.yaml|*.yml|*.json` (each with its optional `<name>.parameters.json`) and
    /// `terraform/*.json` of one folder into the estate.
    static func readDefinitions(
        files: FileSystem,
        base: String,
        location: AccountRegion,
        limits: ReadLimits,
        into estate: inout Estate
    )
        throws
    {
        let templates = "\(base)/templates"
        let names = try files.list(templates)
        let parameterSuffix = ".parameters.json"
        let templateNames = names.filter { name in
            !name.hasSuffix(parameterSuffix)
                && [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) && name.count > $0.count }
        }
        let stems = Set(templateNames.map { CloudFormationTemplate.defaultStackName(file: $0) })
        for name in names where name.hasSuffix(parameterSuffix) {
            let stem = String(name.dropLast(parameterSuffix.count))
            guard stems.contains(stem) else {
                throw ImportError(
                    file: "\(templates)/\(name)",
                    message: "no template \(stem).yaml, \(stem).yml or \(stem).json for these parameters"
                )
            }
        }
        var seenStems = Set<String>()
        for name in templateNames {
            let file = "\(templates)/\(name)"
            let stem = CloudFormationTemplate.defaultStackName(file: name)
            guard seenStems.insert(stem).inserted else {
                throw ImportError(file: file, message: "another template of this folder is also named \(stem)")
            }
            let found = try readTemplate(
                files: files,
                file: file,
                account: location.account,
                region: location.region,
                limits: limits
            )
            estate.vaults += found.vaults
            estate.plans += found.plans
            estate.selections += found.selections
            estate.frameworks += found.frameworks
        }
        for file in try files.jsonFiles(in: "\(base)/terraform") {
            let found = try TerraformShow.read(
                bytes: try files.bytes(file),
                file: file,
                account: location.account,
                region: location.region
            )
            estate.vaults += found.vaults
            estate.plans += found.plans
            estate.selections += found.selections
            estate.frameworks += found.frameworks
        }
    }

    /// Reads one template as a stack named after its file, with the values of the `<name>.parameters.json` beside
    /// it when there is one.
    ///
    /// Both a scenario folder and `validate` read templates through this function.
    static func readTemplate(
        files: FileSystem,
        file: String,
        account: String,
        region: String,
        limits: ReadLimits = .defaults
    ) throws -> BackupDefinitions {
        let stem = CloudFormationTemplate.defaultStackName(file: file)
        let folder = file.lastIndex(of: "/").map { String(file[...$0]) } ?? ""
        let parametersFile = "\(folder)\(stem).parameters.json"
        let parameters = files.exists(parametersFile) ? try templateParameters(try files.json(parametersFile)) : [:]
        return try CloudFormationTemplate.read(
            bytes: try files.bytes(file),
            file: file,
            account: account,
            region: region,
            parameters: parameters,
            stackName: stem,
            limits: limits
        )
    }

    /// A parameters file in the shape `aws cloudformation create-stack --parameters file://…` takes:
    /// `[{"ParameterKey": "Environment", "ParameterValue": "prod"}, …]`.
    static func templateParameters(_ root: JSONNode) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for entry in try root.array() {
            let keyNode = try entry.required("ParameterKey")
            let key = try keyNode.identifier()
            guard parameters[key] == nil else { throw keyNode.failure("parameter \(key) is given twice") }
            let valueNode = try entry.required("ParameterValue")
            switch valueNode.value {
            case .string(let text), .number(let text): parameters[key] = text
            case .bool(let flag): parameters[key] = flag ? "true" : "false"
            default: throw valueNode.expected("a string")
            }
        }
        return parameters
    }
}
