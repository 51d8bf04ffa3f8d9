internal import EvidenceModel
internal import Foundation

/// Readers for the JSON the AWS CLI prints (`--output json`), mapped to model values.
///
/// Each reader validates what the model relies on (ARNs, enums, dates, numbers) and ignores unknown fields.
enum AWSShapes {
    /// `resourcegroupstaggingapi get-resources`: `{"ResourceTagMappingList": [...]}`.
    static func resources(
        _ root: JSONNode,
        location: AccountRegion,
        overrides: [String: ResourceOverride]
    ) throws -> [Resource] {
        try root.required("ResourceTagMappingList").array().compactMap { entry in
            let arnNode = try entry.required("ResourceARN")
            // get-resources lists every tagged resource; those AWS Backup cannot protect are no plan's (A85).
            if let listed = ARN(try arnNode.string().trimmingCharacters(in: .whitespaces)),
                BackupResourceType.of(listed) == nil
            {
                return nil
            }
            let arn = try arnNode.arn()
            guard var type = BackupResourceType.of(arn) else { return nil }
            let override = overrides[arn.description]
            // An ARN without an account or Region (an S3 bucket's) takes them from its folder.
            let account = arn.account.isEmpty ? location.account : arn.account
            let region = arn.region.isEmpty ? location.region : arn.region
            guard account == location.account, region == location.region else {
                throw arnNode.failure("resource \"\(arn)\" belongs to \(account)/\(region), not to this folder")
            }
            if type == .aurora, let engine = override?.engine { type = engine }
            var tags: [String: String] = [:]
            for tag in try entry.optionalArray("Tags") {
                tags[try tag.required("Key").string()] = try tag.optional("Value")?.string() ?? ""
            }
            return Resource(
                arn: arn,
                type: type,
                account: account,
                region: region,
                tags: tags,
                createdAt: override?.createdAt,
                deletedAt: override?.deletedAt,
                stopped: override?.stopped ?? [],
                sourceEncrypted: override?.encrypted ?? true,
                sourceKMSKeyARN: override?.kmsKeyARN,
                sizeBytes: override?.sizeBytes,
                latestRestoreMinutes: override?.restoreMinutes
            )
        }
    }

    static func lifecycle(_ node: JSONNode?) throws -> Lifecycle? {
        guard let node else { return nil }
        var cold = try node.optional("MoveToColdStorageAfterDays")?.int()
        var delete = try node.optional("DeleteAfterDays")?.int()
        // -1 for both values removes the lifecycle: keep forever (facts sheet §3.5).
        if cold == -1 { cold = nil }
        if delete == -1 { delete = nil }
        return Lifecycle(
            moveToColdAfterDays: cold,
            deleteAfterDays: delete,
            optInToArchive: try node.optional("OptInToArchiveForSupportedResources")?.bool() ?? false
        )
    }

    /// `backup get-backup-plan`.
    static func plan(_ root: JSONNode, location: AccountRegion, tags: [String: [String: String]]) throws -> BackupPlan {
        let body = try root.required("BackupPlan")
        let id = try root.required("BackupPlanId").identifier()
        let arnNode = try root.required("BackupPlanArn")
        let arn = try arnNode.arn()
        guard arn.service == "backup", arn.resource.hasPrefix("backup-plan:") else {
            throw arnNode.failure("expected a backup plan ARN (arn:aws:backup:<region>:<account>:backup-plan:<id>)")
        }
        guard arn.account == location.account, arn.region == location.region else {
            throw arnNode.failure("plan ARN belongs to \(arn.account)/\(arn.region), not to this folder")
        }
        let rules = try body.required("Rules").array().map { rule in
            BackupRule(
                name: try rule.required("RuleName").identifier(),
                id: try rule.required("RuleId").identifier(),
                targetVaultName: try rule.required("TargetBackupVaultName").identifier(),
                scheduleExpression: try rule.optional("ScheduleExpression")?.string()
                    ?? BackupRule.defaultScheduleExpression,
                scheduleTimezone: try rule.optional("ScheduleExpressionTimezone")?.identifier() ?? "UTC",
                startWindowMinutes: try rule.optional("StartWindowMinutes")?.int()
                    ?? BackupRule.defaultStartWindowMinutes,
                completionWindowMinutes: try rule.optional("CompletionWindowMinutes")?.int()
                    ?? BackupRule.defaultCompletionWindowMinutes,
                lifecycle: try lifecycle(rule.optional("Lifecycle")) ?? Lifecycle(),
                recoveryPointTags: try rule.optional("RecoveryPointTags")?.stringMap() ?? [:],
                copyActions: try rule.optionalArray("CopyActions").map { action in
                    CopyAction(
                        destinationVaultARN: try action.required("DestinationBackupVaultArn").arn(),
                        lifecycle: try lifecycle(action.optional("Lifecycle"))
                    )
                },
                continuous: try rule.optional("EnableContinuousBackup")?.bool() ?? false
            )
        }
        var advanced: [BackupResourceType: [String: String]] = [:]
        for setting in try body.optionalArray("AdvancedBackupSettings") {
            let type = try setting.required("ResourceType").enumeration(BackupResourceType.self, named: "resource type")
            advanced[type] = try setting.optional("BackupOptions")?.stringMap() ?? [:]
        }
        return BackupPlan(
            id: id,
            arn: arn.description,
            name: try body.required("BackupPlanName").identifier(),
            versionID: try root.optional("VersionId")?.identifier() ?? "",
            account: location.account,
            region: location.region,
            rules: rules,
            advancedBackupSettings: advanced,
            tags: tags[arn.description] ?? [:],
            source: root.file
        )
    }

    /// `backup get-backup-selection`.
    static func selection(_ root: JSONNode, location: AccountRegion) throws -> BackupSelection {
        let body = try root.required("BackupSelection")
        func tagConditions(_ nodes: [JSONNode], prefixed: Bool) throws -> [TagCondition] {
            try nodes.map { node in
                let keyNode = try node.required("ConditionKey")
                var key = try keyNode.identifier()
                if prefixed {
                    guard key.hasPrefix("aws:ResourceTag/"), key.count > "aws:ResourceTag/".count else {
                        throw keyNode.failure(
                            "expected a condition key of the form aws:ResourceTag/<key>, found \"\(key)\""
                        )
                    }
                    key.removeFirst("aws:ResourceTag/".count)
                }
                if !prefixed, let type = try node.optional("ConditionType") {
                    guard try type.string() == "STRINGEQUALS" else {
                        throw type.failure("\"\(try type.string())\" is not a condition type (expected STRINGEQUALS)")
                    }
                }
                return TagCondition(key: key, value: try node.required("ConditionValue").string())
            }
        }
        var conditions = SelectionConditions()
        if let block = try body.optional("Conditions") {
            conditions.stringEquals = try tagConditions(block.optionalArray("StringEquals"), prefixed: true)
            conditions.stringNotEquals = try tagConditions(block.optionalArray("StringNotEquals"), prefixed: true)
            conditions.stringLike = try tagConditions(block.optionalArray("StringLike"), prefixed: true)
            conditions.stringNotLike = try tagConditions(block.optionalArray("StringNotLike"), prefixed: true)
        }
        return BackupSelection(
            id: try root.required("SelectionId").identifier(),
            name: try body.required("SelectionName").identifier(),
            planID: try root.required("BackupPlanId").identifier(),
            iamRoleARN: try body.required("IamRoleArn").arn().description,
            account: location.account,
            region: location.region,
            resources: try body.optionalArray("Resources").map { try $0.identifier() },
            notResources: try body.optionalArray("NotResources").map { try $0.identifier() },
            listOfTags: try tagConditions(body.optionalArray("ListOfTags"), prefixed: false),
            conditions: conditions
        )
    }

    /// `backup list-backup-vaults`.
    static func vaults(_ root: JSONNode, location: AccountRegion) throws -> [Vault] {
        try root.required("BackupVaultList").array().map { entry in
            let arnNode = try entry.required("BackupVaultArn")
            let arn = try arnNode.arn()
            guard arn.service == "backup", arn.resource.hasPrefix("backup-vault:") else {
                throw arnNode.failure(
                    "expected a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)"
                )
            }
            guard arn.account == location.account, arn.region == location.region else {
                throw arnNode.failure("vault ARN belongs to \(arn.account)/\(arn.region), not to this folder")
            }
            let typeNode = try entry.optional("VaultType")
            let vaultType = try typeNode?.string() ?? "BACKUP_VAULT"
            let knownTypes = ["BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", "RESTORE_ACCESS_BACKUP_VAULT"]
            if let typeNode, !knownTypes.contains(vaultType) {
                throw typeNode.failure(
                    "\"\(vaultType)\" is not a vault type (expected one of \(knownTypes.joined(separator: ", ")))"
                )
            }
            return Vault(
                name: try entry.required("BackupVaultName").identifier(),
                arn: arn,
                account: location.account,
                region: location.region,
                vaultType: vaultType,
                encryptionKeyARN: try entry.optional("EncryptionKeyArn").map { try $0.arn().description },
                locked: try entry.optional("Locked")?.bool() ?? false,
                minRetentionDays: try entry.optional("MinRetentionDays")?.int(),
                maxRetentionDays: try entry.optional("MaxRetentionDays")?.int(),
                lockDate: try entry.optional("LockDate")?.instant()
            )
        }
    }

    /// `backup get-backup-vault-access-policy`: `{"BackupVaultName", "BackupVaultArn", "Policy": "<JSON text>"}`.
    static func vaultAccessPolicy(_ root: JSONNode) throws -> (name: String, policy: AccessPolicy) {
        let name = try root.required("BackupVaultName").identifier()
        let policyNode = try root.required("Policy")
        let text = try policyNode.string()
        let document: JSONNode
        do {
            document = try JSONNode.parse(Array(text.utf8), file: root.file)
        } catch let error as ImportError {
            throw policyNode.failure("the policy is not valid JSON (\(error.location): \(error.message))")
        }
        func strings(_ node: JSONNode?) throws -> [String] {
            guard let node else { return [] }
            if case .array = node.value { return try node.array().map { try $0.string() } }
            return [try node.string()]
        }
        func located(_ node: JSONNode) -> JSONNode {
            JSONNode(value: node.value, file: node.file, path: "$.Policy" + node.path.dropFirst())
        }
        var statements: [PolicyStatement] = []
        let statementNode = try document.required("Statement")
        let list: [JSONNode] =
            if case .array = statementNode.value { try statementNode.array() } else { [statementNode] }
        for raw in list {
            let statement = located(raw)
            let effectNode = try statement.required("Effect")
            let effect = try effectNode.string()
            guard effect == "Allow" || effect == "Deny" else {
                throw effectNode.failure("\"\(effect)\" is not a policy effect (expected Allow or Deny)")
            }
            var principals: [String] = []
            if let principal = try statement.optional("Principal") {
                if case .string(let text) = principal.value {
                    principals = [text]
                } else {
                    for (_, value) in try principal.members() { principals += try strings(value) }
                }
            }
            var conditions: [PolicyCondition] = []
            if let block = try statement.optional("Condition") {
                for (operation, keys) in try block.members() {
                    for (key, values) in try keys.members() {
                        conditions.append(PolicyCondition(operation: operation, key: key, values: try strings(values)))
                    }
                }
            }
            statements.append(
                PolicyStatement(
                    sid: try statement.optional("Sid")?.string() ?? "",
                    effect: effect,
                    principals: principals,
                    actions: try strings(statement.optional("Action")),
                    notActions: try strings(statement.optional("NotAction")),
                    resources: try strings(statement.optional("Resource")),
                    conditions: conditions
                )
            )
        }
        return (name, AccessPolicy(statements: statements))
    }

    /// `backup describe-region-settings`: `{"ResourceTypeOptInPreference": {"Aurora": true, ...}, ...}`.
    static func regionSettings(_ root: JSONNode) throws -> RegionSettings {
        var optIn: [BackupResourceType: Bool] = [:]
        if let node = try root.optional("ResourceTypeOptInPreference") {
            // AWS lists every type it supports in the Region; one this tool does not model has no resource in the
            // inventory to opt out (A86).
            for (name, value) in try node.members() {
                guard let type = BackupResourceType(rawValue: name) else { continue }
                optIn[type] = try value.bool()
            }
        }
        return RegionSettings(optIn: optIn)
    }

    /// `backup describe-framework`.
    static func framework(_ root: JSONNode, location: AccountRegion) throws -> Framework {
        let controls = try root.required("FrameworkControls").array().map { control in
            let scopeNode = try control.optional("ControlScope")
            var tags: [String: String?] = [:]
            if let tagNode = try scopeNode?.optional("Tags") {
                for (key, value) in try tagNode.members() {
                    let text = try value.string()
                    tags[key] = text.isEmpty ? String?.none : text
                }
            }
            return FrameworkControl(
                name: try control.required("ControlName").identifier(),
                parameters: try control.optionalArray("ControlInputParameters").map { parameter in
                    ControlParameter(
                        name: try parameter.required("ParameterName").identifier(),
                        value: try parameter.required("ParameterValue").string()
                    )
                },
                scope: ControlScope(
                    resourceIDs: try scopeNode?.optionalArray("ComplianceResourceIds").map { try $0.identifier() }
                        ?? [],
                    resourceTypes: try scopeNode?.optionalArray("ComplianceResourceTypes").map { try $0.identifier() }
                        ?? [],
                    tags: tags
                )
            )
        }
        let arn = try root.optional("FrameworkArn")?.arn().description ?? ""
        return Framework(
            name: try root.required("FrameworkName").identifier(),
            arn: arn,
            description: try root.optional("FrameworkDescription")?.string() ?? "",
            account: location.account,
            region: location.region,
            controls: controls,
            source: root.file
        )
    }

    static func origin(_ node: JSONNode?) throws -> JobOrigin {
        guard let node else { return JobOrigin() }
        return JobOrigin(
            planID: try node.optional("BackupPlanId")?.string() ?? "",
            planARN: try node.optional("BackupPlanArn")?.string() ?? "",
            planName: try node.optional("BackupPlanName")?.string() ?? "",
            planVersion: try node.optional("BackupPlanVersion")?.string() ?? "",
            ruleID: try node.optional("BackupRuleId")?.string() ?? "",
            ruleName: try node.optional("BackupRuleName")?.string() ?? "",
            schedule: try node.optional("BackupRuleCron")?.string() ?? "",
            timezone: try node.optional("BackupRuleTimezone")?.string() ?? ""
        )
    }

    static func resourceType(_ node: JSONNode?, arn: ARN) throws -> String {
        if let node {
            return try node.enumeration(BackupResourceType.self, named: "resource type").rawValue
        }
        return BackupResourceType.of(arn)?.rawValue ?? ""
    }

    /// A vault access policy given as JSON text inside a definition (a template property, a Terraform attribute),
    /// read by the `get-backup-vault-access-policy` reader; its errors, located under `$.Policy`, are moved to `node`.
    static func embeddedAccessPolicy(_ text: String, vaultName: String, at node: JSONNode) throws -> AccessPolicy {
        let root = JSONNode(
            value: .object(["BackupVaultName": .string(vaultName), "Policy": .string(text)]),
            file: node.file
        )
        do {
            return try vaultAccessPolicy(root).policy
        } catch var error as ImportError where error.location.hasPrefix("$.Policy") {
            error.location = node.path + error.location.dropFirst("$.Policy".count)
            throw error
        }
    }

    /// `backup list-backup-jobs`.
    static func backupJobs(_ root: JSONNode, location: AccountRegion) throws -> [BackupJob] {
        try root.required("BackupJobs").array().map { try backupJob($0, location: location) }
    }

    /// One member of `BackupJobs`, listed in `location`.
    static func backupJob(_ entry: JSONNode, location: AccountRegion) throws -> BackupJob {
        let resourceARN = try entry.required("ResourceArn").arn()
        let vaultARN = try entry.optional("BackupVaultArn")?.arn().description ?? ""
        return BackupJob(
            id: try entry.required("BackupJobId").identifier(),
            account: try entry.optional("AccountId")?.identifier() ?? location.account,
            region: location.region,
            state: try entry.required("State").enumeration(BackupJobState.self, named: "backup job state"),
            statusMessage: try entry.optional("StatusMessage")?.string() ?? "",
            messageCategory: try entry.optional("MessageCategory")?.string() ?? "",
            resourceARN: resourceARN.description,
            resourceType: try resourceType(entry.optional("ResourceType"), arn: resourceARN),
            resourceName: try entry.optional("ResourceName")?.string() ?? "",
            origin: try origin(entry.optional("CreatedBy")),
            creationDate: try entry.required("CreationDate").instant(),
            initiationDate: try entry.optional("InitiationDate")?.instant(),
            startBy: try entry.optional("StartBy")?.instant(),
            completionDate: try entry.optional("CompletionDate")?.instant(),
            expectedCompletionDate: try entry.optional("ExpectedCompletionDate")?.instant(),
            recoveryPointARN: try entry.optional("RecoveryPointArn")?.arn().description ?? "",
            sizeBytes: try entry.optional("BackupSizeInBytes").map { Int64(try $0.int()) },
            placement: VaultPlacement(
                vaultName: try entry.optional("BackupVaultName")?.string() ?? "",
                vaultARN: vaultARN,
                vaultType: try entry.optional("VaultType")?.string() ?? "",
                lockStatus: try entry.optional("VaultLockState")?.string() ?? "",
                isEncrypted: try entry.optional("IsEncrypted")?.bool(),
                encryptionKeyARN: try entry.optional("EncryptionKeyArn")?.string() ?? ""
            ),
            lifecycle: try lifecycle(entry.optional("RecoveryPointLifecycle")) ?? Lifecycle(),
            iamRoleARN: try entry.optional("IamRoleArn")?.string() ?? "",
            backupOptions: try entry.optional("BackupOptions")?.stringMap() ?? [:],
            isParent: try entry.optional("IsParent")?.bool() ?? false,
            parentJobID: try entry.optional("ParentJobId")?.string() ?? ""
        )
    }

    /// `backup list-copy-jobs`.
    static func copyJobs(_ root: JSONNode, location: AccountRegion) throws -> [CopyJob] {
        try root.required("CopyJobs").array().map { try copyJob($0, location: location) }
    }

    /// One member of `CopyJobs`, listed in `location`.
    static func copyJob(_ entry: JSONNode, location: AccountRegion) throws -> CopyJob {
        let resourceARN = try entry.required("ResourceArn").arn()
        let destinationVaultARN = try entry.required("DestinationBackupVaultArn").arn().description
        return CopyJob(
            id: try entry.required("CopyJobId").identifier(),
            account: try entry.optional("AccountId")?.identifier() ?? location.account,
            region: location.region,
            state: try entry.required("State").enumeration(
                CopyJobState.self,
                named: "copy job state list-copy-jobs prints",
                among: [.created, .running, .completed, .failed, .partial]
            ),
            statusMessage: try entry.optional("StatusMessage")?.string() ?? "",
            resourceARN: resourceARN.description,
            resourceType: try resourceType(entry.optional("ResourceType"), arn: resourceARN),
            resourceName: try entry.optional("ResourceName")?.string() ?? "",
            origin: try origin(entry.optional("CreatedBy")),
            createdByBackupJobID: try entry.optional("CreatedByBackupJobId")?.string() ?? "",
            creationDate: try entry.required("CreationDate").instant(),
            completionDate: try entry.optional("CompletionDate")?.instant(),
            sizeBytes: try entry.optional("BackupSizeInBytes").map { Int64(try $0.int()) },
            sourceRecoveryPointARN: try entry.required("SourceRecoveryPointArn").arn().description,
            sourceVaultARN: try entry.required("SourceBackupVaultArn").arn().description,
            destinationRecoveryPointARN: try entry.optional("DestinationRecoveryPointArn")?.arn().description ?? "",
            destinationVaultARN: destinationVaultARN,
            placement: VaultPlacement(
                vaultARN: destinationVaultARN,
                vaultType: try entry.optional("DestinationVaultType")?.string() ?? "",
                lockStatus: try entry.optional("DestinationVaultLockState")?.string() ?? "",
                encryptionKeyARN: try entry.optional("DestinationEncryptionKeyArn")?.string() ?? ""
            ),
            lifecycle: try lifecycle(entry.optional("DestinationRecoveryPointLifecycle")) ?? Lifecycle(),
            iamRoleARN: try entry.optional("IamRoleArn")?.string() ?? "",
            isParent: try entry.optional("IsParent")?.bool() ?? false,
            parentJobID: try entry.optional("ParentJobId")?.string() ?? ""
        )
    }

    /// `backup list-restore-jobs`.
    static func restoreJobs(_ root: JSONNode, location: AccountRegion) throws -> [RestoreJob] {
        try root.required("RestoreJobs").array().map { try restoreJob($0, location: location) }
    }

    /// One member of `RestoreJobs`, listed in `location`.
    static func restoreJob(_ entry: JSONNode, location: AccountRegion) throws -> RestoreJob {
        RestoreJob(
            id: try entry.required("RestoreJobId").identifier(),
            account: try entry.optional("AccountId")?.identifier() ?? location.account,
            region: location.region,
            status: try entry.required("Status").enumeration(
                RestoreJobStatus.self,
                named: "restore job status list-restore-jobs prints",
                among: [.pending, .running, .completed, .aborted, .failed]
            ),
            statusMessage: try entry.optional("StatusMessage")?.string() ?? "",
            recoveryPointARN: try entry.required("RecoveryPointArn").arn().description,
            sourceResourceARN: try entry.optional("SourceResourceArn")?.arn().description ?? "",
            createdResourceARN: try entry.optional("CreatedResourceArn")?.arn().description ?? "",
            resourceType: try entry.optional("ResourceType")?
                .enumeration(BackupResourceType.self, named: "resource type").rawValue ?? "",
            creationDate: try entry.required("CreationDate").instant(),
            completionDate: try entry.optional("CompletionDate")?.instant(),
            sizeBytes: try entry.optional("BackupSizeInBytes").map { Int64(try $0.int()) },
            percentDone: try entry.optional("PercentDone")?.string() ?? "",
            iamRoleARN: try entry.optional("IamRoleArn")?.string() ?? "",
            backupVaultARN: try entry.optional("BackupVaultArn")?.string() ?? ""
        )
    }
}
