internal import EvidenceModel

/// Reads the resolved `Properties` of `AWS::Backup::*` resources into model values.
///
/// Property names follow the CloudFormation resource schemas, which differ from the API's JSON: `BackupPlanRule`
/// for `Rules`, `TargetBackupVault` for `TargetBackupVaultName`, framework scope `Tags` as a `Key`/`Value` list.
/// String properties accept numbers and booleans as their text, as CloudFormation does (`ParameterValue: 35`).
enum CloudFormationReaders {
    /// `AWS::Backup::BackupVault`, or `AWS::Backup::LogicallyAirGappedBackupVault` when `airGapped`.
    static func vault(_ properties: JSONNode, deployment: CloudFormationDeployment, airGapped: Bool) throws -> Vault {
        let nameNode = try properties.required("BackupVaultName")
        let name = try nameNode.cfnIdentifier()
        // CreateBackupVault's pattern: ^[a-zA-Z0-9\-\_]{2,50}$.
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        guard allowed, (2...50).contains(name.utf8.count) else {
            throw nameNode.failure(
                "\(CanonicalJSON.string(name)) is not a valid backup vault name: AWS allows 2 to 50 letters, digits, "
                    + "hyphens and underscores"
            )
        }
        guard let arn = ARN(deployment.arn("backup", "backup-vault:\(name)")) else {
            throw nameNode.failure("\"\(name)\" is not a valid backup vault name")
        }
        var locked = false
        var minRetentionDays: Int?
        var maxRetentionDays: Int?
        if airGapped {
            locked = true
            minRetentionDays = try properties.required("MinRetentionDays").int()
            maxRetentionDays = try properties.required("MaxRetentionDays").int()
        } else if let lock = try properties.optional("LockConfiguration") {
            locked = true
            minRetentionDays = try lock.required("MinRetentionDays").int()
            maxRetentionDays = try lock.optional("MaxRetentionDays")?.int()
            _ = try lock.optional("ChangeableForDays")?.int()
        }
        return Vault(
            name: name,
            arn: arn,
            account: deployment.account,
            region: deployment.region,
            vaultType: airGapped ? "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" : "BACKUP_VAULT",
            encryptionKeyARN: try properties.optional("EncryptionKeyArn").map { try $0.cfnARN().description },
            locked: locked,
            minRetentionDays: minRetentionDays,
            maxRetentionDays: maxRetentionDays,
            accessPolicy: try properties.optional("AccessPolicy").map { try accessPolicy($0, vaultName: name) },
            tags: try properties.optional("BackupVaultTags")?.cfnStringMap() ?? [:]
        )
    }

    /// `AWS::Backup::BackupPlan`; the plan id is `<stack name>-<logical id>` and each rule id is
    /// `<plan id>-<rule name>`.
    static func plan(
        _ properties: JSONNode,
        logicalID: String,
        deployment: CloudFormationDeployment
    ) throws -> BackupPlan {
        let id = deployment.standInID(logicalID)
        let body = try properties.required("BackupPlan")
        let rules = try body.required("BackupPlanRule").array().map { rule in
            let name = try rule.required("RuleName").cfnIdentifier()
            return BackupRule(
                name: name,
                id: "\(id)-\(name)",
                targetVaultName: try rule.required("TargetBackupVault").cfnIdentifier(),
                scheduleExpression: try rule.optional("ScheduleExpression")?.cfnString()
                    ?? BackupRule.defaultScheduleExpression,
                scheduleTimezone: try rule.optional("ScheduleExpressionTimezone")?.cfnIdentifier() ?? "UTC",
                startWindowMinutes: try rule.optional("StartWindowMinutes")?.int()
                    ?? BackupRule.defaultStartWindowMinutes,
                completionWindowMinutes: try rule.optional("CompletionWindowMinutes")?.int()
                    ?? BackupRule.defaultCompletionWindowMinutes,
                lifecycle: try AWSShapes.lifecycle(rule.optional("Lifecycle")) ?? Lifecycle(),
                recoveryPointTags: try rule.optional("RecoveryPointTags")?.cfnStringMap() ?? [:],
                copyActions: try rule.optionalArray("CopyActions").map { action in
                    CopyAction(
                        destinationVaultARN: try action.required("DestinationBackupVaultArn").cfnARN(),
                        lifecycle: try AWSShapes.lifecycle(action.optional("Lifecycle"))
                    )
                },
                continuous: try rule.optional("EnableContinuousBackup")?.bool() ?? false
            )
        }
        var advanced: [BackupResourceType: [String: String]] = [:]
        for setting in try body.optionalArray("AdvancedBackupSettings") {
            let type = try setting.required("ResourceType").enumeration(BackupResourceType.self, named: "resource type")
            let options = try setting.required("BackupOptions")
            if case .string(let text) = options.value {
                // The schema also allows the options as JSON text.
                let parsed: JSONNode
                do {
                    parsed = try JSONNode.parse(Array(text.utf8), file: options.file)
                } catch let error as ImportError {
                    throw options.failure("the backup options are not valid JSON (\(error.location): \(error.message))")
                }
                advanced[type] = try JSONNode(value: parsed.value, file: options.file, path: options.path)
                    .cfnStringMap()
            } else {
                advanced[type] = try options.cfnStringMap()
            }
        }
        return BackupPlan(
            id: id,
            arn: deployment.arn("backup", "backup-plan:\(id)"),
            name: try body.required("BackupPlanName").cfnIdentifier(),
            versionID: "",
            account: deployment.account,
            region: deployment.region,
            rules: rules,
            advancedBackupSettings: advanced,
            tags: try properties.optional("BackupPlanTags")?.cfnStringMap() ?? [:],
            source: properties.file
        )
    }

    /// `AWS::Backup::BackupSelection`; the selection id is `<stack name>-<logical id>`.
    static func selection(
        _ properties: JSONNode,
        logicalID: String,
        deployment: CloudFormationDeployment
    ) throws -> BackupSelection {
        let body = try properties.required("BackupSelection")
        var conditions = SelectionConditions()
        if let block = try body.optional("Conditions") {
            for (name, entries) in try block.members() {
                let list = try entries.array().map { try condition($0) }
                switch name {
                case "StringEquals": conditions.stringEquals = list
                case "StringNotEquals": conditions.stringNotEquals = list
                case "StringLike": conditions.stringLike = list
                case "StringNotLike": conditions.stringNotLike = list
                default:
                    throw entries.failure(
                        "\"\(name)\" is not a condition operator "
                            + "(expected one of StringEquals, StringNotEquals, StringLike, StringNotLike)"
                    )
                }
            }
        }
        let listOfTags = try body.optionalArray("ListOfTags").map { entry in
            let typeNode = try entry.required("ConditionType")
            let type = try typeNode.cfnString()
            guard type == "STRINGEQUALS" else {
                throw typeNode.failure("\"\(type)\" is not a condition type (expected STRINGEQUALS)")
            }
            return TagCondition(
                key: try entry.required("ConditionKey").cfnIdentifier(),
                value: try entry.required("ConditionValue").cfnString()
            )
        }
        return BackupSelection(
            id: deployment.standInID(logicalID),
            name: try body.required("SelectionName").cfnIdentifier(),
            planID: try properties.required("BackupPlanId").cfnIdentifier(),
            iamRoleARN: try body.required("IamRoleArn").cfnARN().description,
            account: deployment.account,
            region: deployment.region,
            resources: try body.optionalArray("Resources").map { try $0.cfnIdentifier() },
            notResources: try body.optionalArray("NotResources").map { try $0.cfnIdentifier() },
            listOfTags: listOfTags,
            conditions: conditions
        )
    }

    /// One `Conditions` entry: the key is `aws:ResourceTag/<tag key>`, kept in the model without the prefix.
    private static func condition(_ node: JSONNode) throws -> TagCondition {
        let keyNode = try node.required("ConditionKey")
        let key = try keyNode.cfnIdentifier()
        let prefix = "aws:ResourceTag/"
        guard key.hasPrefix(prefix), key.count > prefix.count else {
            throw keyNode.failure("expected a condition key of the form aws:ResourceTag/<key>, found \"\(key)\"")
        }
        return TagCondition(
            key: String(key.dropFirst(prefix.count)),
            value: try node.required("ConditionValue").cfnString()
        )
    }

    /// `AWS::Backup::Framework`; without a `FrameworkName` the logical id is the name.
    static func framework(
        _ properties: JSONNode,
        logicalID: String,
        deployment: CloudFormationDeployment
    ) throws -> Framework {
        let name = try properties.optional("FrameworkName")?.cfnIdentifier() ?? logicalID
        let controls = try properties.required("FrameworkControls").array().map { control in
            let scope = try control.optional("ControlScope")
            var tags: [String: String?] = [:]
            for tag in try scope?.optionalArray("Tags") ?? [] {
                let value = try tag.optional("Value")?.cfnString() ?? ""
                tags[try tag.required("Key").cfnIdentifier()] = value.isEmpty ? String?.none : value
            }
            return FrameworkControl(
                name: try control.required("ControlName").cfnIdentifier(),
                parameters: try control.optionalArray("ControlInputParameters").map { parameter in
                    ControlParameter(
                        name: try parameter.required("ParameterName").cfnIdentifier(),
                        value: try parameter.required("ParameterValue").cfnString()
                    )
                },
                scope: ControlScope(
                    resourceIDs: try scope?.optionalArray("ComplianceResourceIds").map { try $0.cfnIdentifier() } ?? [],
                    resourceTypes: try scope?.optionalArray("ComplianceResourceTypes").map { try $0.cfnIdentifier() }
                        ?? [],
                    tags: tags
                )
            )
        }
        return Framework(
            name: name,
            arn: deployment.arn("backup", "framework:\(name)"),
            description: try properties.optional("FrameworkDescription")?.cfnString() ?? "",
            account: deployment.account,
            region: deployment.region,
            controls: controls,
            source: properties.file
        )
    }

    /// `AWS::Backup::ReportPlan`; without a `ReportPlanName` the logical id is the name.
    static func reportPlan(
        _ properties: JSONNode,
        logicalID: String,
        deployment: CloudFormationDeployment
    ) throws -> CloudFormationReportPlan {
        let name = try properties.optional("ReportPlanName")?.cfnIdentifier() ?? logicalID
        let channel = try properties.required("ReportDeliveryChannel")
        let setting = try properties.required("ReportSetting")
        func strings(_ node: JSONNode, _ key: String) throws -> [String] {
            try node.optionalArray(key).map { try $0.cfnIdentifier() }
        }
        var tags: [String: String] = [:]
        for tag in try properties.optionalArray("ReportPlanTags") {
            tags[try tag.required("Key").cfnIdentifier()] = try tag.optional("Value")?.cfnString() ?? ""
        }
        return CloudFormationReportPlan(
            logicalID: logicalID,
            name: name,
            arn: deployment.arn("backup", "report-plan:\(name)"),
            description: try properties.optional("ReportPlanDescription")?.cfnString() ?? "",
            reportTemplate: try setting.required("ReportTemplate").cfnIdentifier(),
            frameworkARNs: try strings(setting, "FrameworkArns"),
            accounts: try strings(setting, "Accounts"),
            regions: try strings(setting, "Regions"),
            organizationUnits: try strings(setting, "OrganizationUnits"),
            s3BucketName: try channel.required("S3BucketName").cfnIdentifier(),
            s3KeyPrefix: try channel.optional("S3KeyPrefix")?.cfnString() ?? "",
            formats: try strings(channel, "Formats"),
            account: deployment.account,
            region: deployment.region,
            tags: tags,
            source: properties.file
        )
    }

    /// A vault's `AccessPolicy`, an object or JSON text, read by the `get-backup-vault-access-policy` reader.
    ///
    /// Errors of that reader, located under `$.Policy`, are moved to the property's path in the template.
    private static func accessPolicy(_ node: JSONNode, vaultName: String) throws -> AccessPolicy {
        let text: String
        switch node.value {
        case .string(let literal): text = literal
        case .object: text = jsonText(node.value)
        default: throw node.expected("a policy document (an object or JSON text)")
        }
        return try AWSShapes.embeddedAccessPolicy(text, vaultName: vaultName, at: node)
    }

    /// JSON text of a resolved value; scalars are written as strings, as the policy model holds strings only.
    private static func jsonText(_ value: JSONValue) -> String {
        func stringsOnly(_ value: JSONValue) -> JSONValue {
            switch value {
            case .null, .string: value
            case .bool(let flag): .string(flag ? "true" : "false")
            case .number(let literal): .string(literal)
            case .array(let items): .array(items.map(stringsOnly))
            case .object(let members): .object(members.mapValues(stringsOnly))
            }
        }
        return CanonicalJSON.text(stringsOnly(value))
    }
}

extension JSONNode {
    /// A string property; numbers and booleans are taken as their text, as CloudFormation converts them.
    fileprivate func cfnString() throws -> String {
        guard let text = CloudFormationResolver.scalarText(value) else { throw expected("a string") }
        return text
    }

    /// A non-empty string property.
    fileprivate func cfnIdentifier() throws -> String {
        let text = try cfnString()
        guard !text.isEmpty else { throw failure("expected a non-empty string") }
        return text
    }

    fileprivate func cfnARN() throws -> ARN {
        let text = try cfnString()
        guard let arn = ARN(text) else { throw failure("expected an ARN, found \"\(text)\"") }
        return arn
    }

    /// A `{"Key": "Value"}` map, such as tags.
    fileprivate func cfnStringMap() throws -> [String: String] {
        var map: [String: String] = [:]
        for (key, member) in try members() { map[key] = try member.cfnString() }
        return map
    }
}
