internal import EvidenceModel

/// Maps the values of `aws_backup_*` resources to the model values the AWS CLI readers produce.
///
/// Blocks are lists or sets of objects in the JSON (`rule`, `lifecycle`, `copy_action`, `condition`, …); a
/// lifecycle's `0` days means unset, as the provider writes it. Checks are those of ``AWSShapes``: ARNs, resource
/// types, `STRINGEQUALS` tag conditions and `aws:ResourceTag/` condition keys, non-empty identifiers.
enum TerraformReaders {
    static func read(_ document: TerraformDocument) throws -> BackupDefinitions {
        var found = BackupDefinitions()
        var locks: [TerraformBlock] = []
        var policies: [TerraformBlock] = []
        for resource in document.resources {
            let block = document.block(resource)
            switch resource.type {
            case "aws_backup_plan":
                try checkRegion(block)
                found.plans.append(try plan(block))
            case "aws_backup_selection":
                try checkRegion(block)
                found.selections.append(try selection(block))
            case "aws_backup_vault":
                try checkRegion(block)
                found.vaults.append(try vault(block))
            case "aws_backup_vault_lock_configuration":
                try checkRegion(block)
                locks.append(block)
            case "aws_backup_vault_policy":
                try checkRegion(block)
                policies.append(block)
            case "aws_backup_framework":
                try checkRegion(block)
                found.frameworks.append(try framework(block))
            case "aws_backup_report_plan":
                try checkRegion(block)
                found.reportPlans.append(try reportPlan(block))
            default:
                continue
            }
        }
        func vaultIndex(_ block: TerraformBlock) throws -> Int {
            let nameNode = try block.required("backup_vault_name")
            let name = try nameNode.identifier()
            guard let index = found.vaults.firstIndex(where: { $0.name == name }) else {
                throw nameNode.failure("vault \(name) is not an aws_backup_vault of this file")
            }
            return index
        }
        for lock in locks {
            let index = try vaultIndex(lock)
            found.vaults[index].locked = true
            found.vaults[index].minRetentionDays = try days(lock.optional("min_retention_days"))
            found.vaults[index].maxRetentionDays = try days(lock.optional("max_retention_days"))
            _ = try lock.optional("changeable_for_days")?.int()
        }
        for policy in policies {
            let index = try vaultIndex(policy)
            found.vaults[index].accessPolicy = try accessPolicy(
                policy.required("policy"),
                vaultName: found.vaults[index].name
            )
        }
        return found
    }

    /// A resource managed in another Region (the provider's `region` argument) belongs to that Region's folder.
    private static func checkRegion(_ block: TerraformBlock) throws {
        guard let node = try block.node.optional("region") else { return }
        let region = try node.string()
        let expected = block.document.deployment.region
        guard region.isEmpty || region == expected else {
            throw node.failure("the resource is managed in \(region), not in this folder's Region \(expected)")
        }
    }

    /// A number of days, where the provider writes 0 for unset.
    private static func days(_ node: JSONNode?) throws -> Int? {
        guard let value = try node?.int(), value != 0 else { return nil }
        return value
    }

    /// A known ARN of a backup resource of `kind` (`backup-plan`, `backup-vault`), in this folder.
    private static func ownARN(_ block: TerraformBlock, kind: String) throws -> ARN {
        let node = try block.computed("arn")
        let arn = try node.arn()
        guard arn.service == "backup", arn.resource.hasPrefix("\(kind):") else {
            throw node.failure("expected a \(kind) ARN (arn:aws:backup:<region>:<account>:\(kind):…)")
        }
        let deployment = block.document.deployment
        guard arn.account == deployment.account, arn.region == deployment.region else {
            throw node.failure("the ARN belongs to \(arn.account)/\(arn.region), not to this folder")
        }
        return arn
    }

    private static func lifecycle(_ block: TerraformBlock?) throws -> Lifecycle? {
        guard let block else { return nil }
        return Lifecycle(
            moveToColdAfterDays: try days(block.optional("cold_storage_after")),
            deleteAfterDays: try days(block.optional("delete_after")),
            optInToArchive: try block.optional("opt_in_to_archive_for_supported_resources")?.bool() ?? false
        )
    }

    /// `aws_backup_plan`; a rule's id, which the provider does not expose, is `<plan id>-<rule name>`.
    static func plan(_ block: TerraformBlock) throws -> BackupPlan {
        let id = try block.computed("id").identifier()
        let arn = try ownARN(block, kind: "backup-plan")
        let rules = try block.blocks("rule", identity: "rule_name").map { rule in
            let name = try rule.required("rule_name").identifier()
            let schedule = try rule.optional("schedule")?.string() ?? ""
            let timezone = try rule.optional("schedule_expression_timezone")?.string() ?? ""
            return BackupRule(
                name: name,
                id: "\(id)-\(name)",
                targetVaultName: try rule.required("target_vault_name").identifier(),
                scheduleExpression: schedule.isEmpty ? BackupRule.defaultScheduleExpression : schedule,
                scheduleTimezone: timezone.isEmpty ? "Etc/UTC" : timezone,
                startWindowMinutes: try rule.optional("start_window")?.int() ?? 60,
                completionWindowMinutes: try rule.optional("completion_window")?.int() ?? 180,
                lifecycle: try lifecycle(rule.block("lifecycle")) ?? Lifecycle(),
                recoveryPointTags: try rule.stringMap("recovery_point_tags"),
                copyActions: try rule.blocks("copy_action").map { action in
                    CopyAction(
                        destinationVaultARN: try action.required("destination_vault_arn").arn(),
                        lifecycle: try lifecycle(action.block("lifecycle"))
                    )
                },
                continuous: try rule.optional("enable_continuous_backup")?.bool() ?? false
            )
        }
        guard !rules.isEmpty else {
            throw ImportError(
                file: block.node.file,
                location: "\(block.node.path).rule",
                message: "missing required block"
            )
        }
        var advanced: [BackupResourceType: [String: String]] = [:]
        for setting in try block.blocks("advanced_backup_setting") {
            let type = try setting.required("resource_type").enumeration(
                BackupResourceType.self,
                named: "resource type"
            )
            advanced[type] = try setting.stringMap("backup_options")
        }
        return BackupPlan(
            id: id,
            arn: arn.description,
            name: try block.required("name").identifier(),
            versionID: try block.computed("version").string(),
            account: block.document.deployment.account,
            region: block.document.deployment.region,
            rules: rules,
            advancedBackupSettings: advanced,
            tags: try tags(block),
            source: block.node.file
        )
    }

    /// `tags_all` (with the provider's default tags) when the file knows it, else `tags`.
    private static func tags(_ block: TerraformBlock) throws -> [String: String] {
        if let all = try block.node.optional("tags_all") { return try all.stringMap() }
        return try block.stringMap("tags")
    }

    /// `aws_backup_selection`.
    static func selection(_ block: TerraformBlock) throws -> BackupSelection {
        let listOfTags = try block.blocks("selection_tag").map { tag in
            let typeNode = try tag.required("type")
            let type = try typeNode.string()
            guard type == "STRINGEQUALS" else {
                throw typeNode.failure("\"\(type)\" is not a condition type (expected STRINGEQUALS)")
            }
            return TagCondition(key: try tag.required("key").identifier(), value: try tag.required("value").string())
        }
        var conditions = SelectionConditions()
        for condition in try block.blocks("condition") {
            func list(_ key: String) throws -> [TagCondition] {
                try condition.blocks(key).map { entry in
                    let keyNode = try entry.required("key")
                    let key = try keyNode.identifier()
                    let prefix = "aws:ResourceTag/"
                    guard key.hasPrefix(prefix), key.count > prefix.count else {
                        throw keyNode.failure(
                            "expected a condition key of the form aws:ResourceTag/<key>, found \"\(key)\""
                        )
                    }
                    return TagCondition(
                        key: String(key.dropFirst(prefix.count)),
                        value: try entry.required("value").string()
                    )
                }
            }
            conditions.stringEquals += try list("string_equals")
            conditions.stringNotEquals += try list("string_not_equals")
            conditions.stringLike += try list("string_like")
            conditions.stringNotLike += try list("string_not_like")
        }
        return BackupSelection(
            id: try block.computed("id").identifier(),
            name: try block.required("name").identifier(),
            planID: try block.required("plan_id").identifier(),
            iamRoleARN: try block.required("iam_role_arn").arn().description,
            account: block.document.deployment.account,
            region: block.document.deployment.region,
            resources: try block.strings("resources"),
            notResources: try block.strings("not_resources"),
            listOfTags: listOfTags,
            conditions: conditions
        )
    }

    /// `aws_backup_vault`; a vault whose key the configuration leaves to AWS has no key ARN before apply.
    static func vault(_ block: TerraformBlock) throws -> Vault {
        let name = try block.required("name").identifier()
        let arn = try ownARN(block, kind: "backup-vault")
        let keyARN = try block.optional("kms_key_arn")?.arn().description
        _ = try block.optional("force_destroy")?.bool()
        return Vault(
            name: name,
            arn: arn,
            account: block.document.deployment.account,
            region: block.document.deployment.region,
            encryptionKeyARN: keyARN,
            tags: try tags(block)
        )
    }

    /// `aws_backup_framework`.
    static func framework(_ block: TerraformBlock) throws -> Framework {
        let controls = try block.blocks("control", identity: "name").map { control in
            let scope = try control.block("scope")
            var tags: [String: String?] = [:]
            for (key, value) in try scope?.stringMap("tags") ?? [:] { tags[key] = value.isEmpty ? String?.none : value }
            return FrameworkControl(
                name: try control.required("name").identifier(),
                parameters: try control.blocks("input_parameter", identity: "name").map { parameter in
                    ControlParameter(
                        name: try parameter.required("name").identifier(),
                        value: try parameter.required("value").string()
                    )
                },
                scope: ControlScope(
                    resourceIDs: try scope?.strings("compliance_resource_ids") ?? [],
                    resourceTypes: try scope?.strings("compliance_resource_types") ?? [],
                    tags: tags
                )
            )
        }
        return Framework(
            name: try block.required("name").identifier(),
            arn: try block.computed("arn").arn().description,
            description: try block.optional("description")?.string() ?? "",
            account: block.document.deployment.account,
            region: block.document.deployment.region,
            controls: controls,
            source: block.node.file
        )
    }

    /// `aws_backup_report_plan`.
    static func reportPlan(_ block: TerraformBlock) throws -> CloudFormationReportPlan {
        func single(_ key: String) throws -> TerraformBlock {
            guard let found = try block.block(key) else {
                throw ImportError(
                    file: block.node.file,
                    location: "\(block.node.path).\(key)",
                    message: "missing required block"
                )
            }
            return found
        }
        let channel = try single("report_delivery_channel")
        let setting = try single("report_setting")
        return CloudFormationReportPlan(
            logicalID: block.resource.address,
            name: try block.required("name").identifier(),
            arn: try block.computed("arn").arn().description,
            description: try block.optional("description")?.string() ?? "",
            reportTemplate: try setting.required("report_template").identifier(),
            frameworkARNs: try setting.strings("framework_arns"),
            accounts: try setting.strings("accounts"),
            regions: try setting.strings("regions"),
            organizationUnits: try setting.strings("organization_units"),
            s3BucketName: try channel.required("s3_bucket_name").identifier(),
            s3KeyPrefix: try channel.optional("s3_key_prefix")?.string() ?? "",
            formats: try channel.strings("formats"),
            account: block.document.deployment.account,
            region: block.document.deployment.region,
            tags: try tags(block),
            source: block.node.file
        )
    }

    /// `aws_backup_vault_policy`'s `policy` (JSON text), read by the `get-backup-vault-access-policy` reader, whose
    /// `$.Policy…` locations are moved to the attribute's.
    private static func accessPolicy(_ node: JSONNode, vaultName: String) throws -> AccessPolicy {
        try AWSShapes.embeddedAccessPolicy(try node.string(), vaultName: vaultName, at: node)
    }
}
