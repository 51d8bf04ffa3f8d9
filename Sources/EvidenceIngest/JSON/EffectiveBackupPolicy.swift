internal import EvidenceModel
internal import Foundation

/// `aws organizations describe-effective-policy --policy-type BACKUP_POLICY` output, read as the backup plans and
/// tag selections AWS Backup runs from it in one account (Docs/ASSUMPTIONS.md A80 to A84).
///
/// The policy text is `EffectivePolicy.PolicyContent`, a JSON string in the syntax of AWS Organizations' "Backup
/// policy syntax and examples" page: `plans` → plan name → `rules`, `regions`, `selections`, `advanced_backup_settings`,
/// `backup_plan_tags`. A value is taken either plain (as effective policies print it) or from its `@@assign` or
/// `@@append` operator (AWS's own effective-policy examples keep some); `@@operators_allowed_for_child_policies` is
/// ignored; `@@remove` cannot stand in an effective policy and is refused. `$account` and `$region` in ARN values are
/// replaced with the account and Region the plan runs in.
enum EffectiveBackupPolicy {
    /// Where a scenario keeps an account's effective backup policy: `accounts/<account>/effective-backup-policy.json`.
    static let fileName = "effective-backup-policy.json"

    /// A policy file given on its own (`validate`): its account is its `TargetId`, and it is read in every Region it
    /// lists.
    static func readStandalone(_ root: JSONNode, body: JSONNode) throws -> BackupDefinitions {
        let targetNode = try body.required("TargetId")
        let account = try targetNode.string()
        guard ARN.isAccountID(account) else { throw targetNode.failure("expected a 12-digit account id") }
        var regions = Set<String>()
        for (_, plan) in try keyed(content(root).required("plans")) {
            let listed = try plan.required("regions")
            for region in try strings(listed) {
                guard ARN.isRegion(region) else { throw listed.failure("\"\(region)\" is not a Region") }
                regions.insert(region)
            }
        }
        return try read(root, account: account, regions: regions.sorted())
    }

    /// The prefix of the stand-in ids of a policy's plans (AWS does not document them; A82).
    static let idPrefix = "org-policy-"

    /// The plans and selections of `root` in each of `regions` that the policy lists.
    ///
    /// `account` must be the policy's `TargetId`. Regions the policy lists but `regions` lacks are not read: the
    /// scenario holds no inventory there (Docs/ASSUMPTIONS.md A83).
    static func read(_ root: JSONNode, account: String, regions: [String]) throws -> BackupDefinitions {
        let body = try root.required("EffectivePolicy")
        let typeNode = try body.required("PolicyType")
        guard try typeNode.string() == "BACKUP_POLICY" else {
            throw typeNode.failure("\"\(try typeNode.string())\" is not a backup policy (expected BACKUP_POLICY)")
        }
        // The folder names the account; a TargetId, when given (AWS's model leaves it optional), must be that one.
        if let target = try body.optional("TargetId") {
            guard ARN.isAccountID(try target.string()) else { throw target.failure("expected a 12-digit account id") }
            guard try target.string() == account else {
                throw target.failure("the effective policy is account \(try target.string())'s, not \(account)'s")
            }
        }
        let content = try content(root)
        var found = BackupDefinitions()
        for (planKey, planNode) in try keyed(content.required("plans")) {
            let regionsNode = try planNode.required("regions")
            let listed = try strings(regionsNode)
            guard !listed.isEmpty else { throw regionsNode.failure("the plan lists no Region") }
            if let bad = listed.first(where: { !ARN.isRegion($0) }) {
                throw regionsNode.failure("\"\(bad)\" is not a Region")
            }
            for region in regions where listed.contains(region) {
                let (plan, selections) = try self.plan(
                    planKey,
                    planNode,
                    location: AccountRegion(account: account, region: region)
                )
                found.plans.append(plan)
                found.selections += selections
            }
        }
        return found
    }

    private static func plan(
        _ key: String,
        _ node: JSONNode,
        location: AccountRegion
    ) throws -> (BackupPlan, [BackupSelection]) {
        let id = idPrefix + key
        func arn(_ node: JSONNode, service: String) throws -> ARN {
            let text = try value(node).string()
            return try substituted(text, at: node, location: location, service: service)
        }
        var rules: [BackupRule] = []
        for (ruleKey, rule) in try keyed(node.required("rules")) {
            var copies: [CopyAction] = []
            if let actions = try rule.optional("copy_actions") {
                for (actionKey, action) in try keyed(actions) {
                    // "If this key is missing, then an all lower-case version of the ARN in the parent key name is used."
                    let destination =
                        if let target = try action.optional("target_backup_vault_arn") {
                            try arn(target, service: "backup")
                        } else {
                            try substituted(actionKey.lowercased(), at: action, location: location, service: "backup")
                        }
                    copies.append(
                        CopyAction(
                            destinationVaultARN: destination,
                            lifecycle: try lifecycle(action.optional("lifecycle"))
                        )
                    )
                }
            }
            var tags: [String: String] = [:]
            for (_, tag) in try keyed(rule.optional("recovery_point_tags")) {
                tags[try value(tag.required("tag_key")).identifier()] = try value(tag.required("tag_value")).string()
            }
            rules.append(
                BackupRule(
                    name: ruleKey,
                    id: "\(id)-\(ruleKey)",
                    targetVaultName: try value(rule.required("target_backup_vault_name")).identifier(),
                    scheduleExpression: try rule.optional("schedule_expression").map { try value($0).string() }
                        ?? BackupRule.defaultScheduleExpression,
                    scheduleTimezone: try rule.optional("schedule_expression_timezone")
                        .map { try value($0).identifier() } ?? "UTC",
                    startWindowMinutes: try rule.optional("start_backup_window_minutes").map { try value($0).int() }
                        ?? BackupRule.defaultStartWindowMinutes,
                    completionWindowMinutes: try rule.optional("complete_backup_window_minutes")
                        .map { try value($0).int() } ?? BackupRule.defaultCompletionWindowMinutes,
                    lifecycle: try lifecycle(rule.optional("lifecycle")) ?? Lifecycle(),
                    recoveryPointTags: tags,
                    copyActions: copies,
                    continuous: try rule.optional("enable_continuous_backup").map { try value($0).bool() } ?? false
                )
            )
        }
        var advanced: [BackupResourceType: [String: String]] = [:]
        for (typeKey, settings) in try keyed(node.optional("advanced_backup_settings")) {
            guard
                let type = BackupResourceType.allCases.first(where: { $0.rawValue.lowercased() == typeKey.lowercased() }
                )
            else {
                throw settings.failure("\"\(typeKey)\" is not a resource type AWS Backup protects")
            }
            var options: [String: String] = [:]
            for (option, setting) in try keyed(settings) { options[option] = try value(setting).string() }
            advanced[type] = options
        }
        var planTags: [String: String] = [:]
        for (_, tag) in try keyed(node.optional("backup_plan_tags")) {
            planTags[try value(tag.required("tag_key")).identifier()] = try value(tag.required("tag_value")).string()
        }
        var selections: [BackupSelection] = []
        if let block = try node.optional("selections") {
            for (kind, member) in try keyed(block) where kind != "tags" {
                throw member.failure("\"\(kind)\" is not a selection this tool reads (expected tags)")
            }
            for (selectionKey, selection) in try keyed(block.optional("tags")) {
                let tagKey = try value(selection.required("tag_key")).identifier()
                selections.append(
                    BackupSelection(
                        id: "\(id)-\(selectionKey)",
                        name: selectionKey,
                        planID: id,
                        iamRoleARN: try arn(selection.required("iam_role_arn"), service: "iam").description,
                        account: location.account,
                        region: location.region,
                        // "AWS Backup includes the resource in the backup only if both the tag_key and tag_value
                        // match"; several values are alternatives, as ListOfTags entries are (A81).
                        listOfTags: try strings(selection.required("tag_value")).map {
                            TagCondition(key: tagKey, value: $0)
                        }
                    )
                )
            }
        }
        let plan = BackupPlan(
            id: id,
            arn: "arn:aws:backup:\(location.region):\(location.account):backup-plan:\(id)",
            name: key,
            versionID: "",
            account: location.account,
            region: location.region,
            rules: rules,
            advancedBackupSettings: advanced,
            tags: planTags,
            source: node.file
        )
        return (plan, selections)
    }

    /// The policy text of `EffectivePolicy.PolicyContent`, parsed, its paths under that member.
    private static func content(_ root: JSONNode) throws -> JSONNode {
        let contentNode = try root.required("EffectivePolicy").required("PolicyContent")
        let document: JSONNode
        do {
            document = try JSONNode.parse(Array(try contentNode.string().utf8), file: root.file)
        } catch let error as ImportError {
            throw contentNode.failure("the policy content is not valid JSON (\(error.location): \(error.message))")
        }
        return JSONNode(value: document.value, file: root.file, path: contentNode.path)
    }

    /// A policy lifecycle; `to_delete_after_days`, which AWS's own examples use, is read as `delete_after_days`.
    private static func lifecycle(_ node: JSONNode?) throws -> Lifecycle? {
        guard let node else { return nil }
        var delete = try node.optional("delete_after_days").map { try value($0).int() }
        if let alias = try node.optional("to_delete_after_days") {
            guard delete == nil else {
                throw alias.failure("both delete_after_days and to_delete_after_days are given")
            }
            delete = try value(alias).int()
        }
        return Lifecycle(
            moveToColdAfterDays: try node.optional("move_to_cold_storage_after_days").map { try value($0).int() },
            deleteAfterDays: delete,
            optInToArchive: try node.optional("opt_in_to_archive_for_supported_resources").map { try value($0).bool() }
                ?? false
        )
    }

    /// The child control operator an effective policy may keep; it says nothing about the plan.
    static let childControl = "@@operators_allowed_for_child_policies"

    /// The members of a policy collection, without the child control operator.
    ///
    /// Any other `@@` operator is refused (`@@remove` and unknown ones cannot remain in an effective policy), and so
    /// are two keys that differ only in case, since AWS prints an effective policy's keys in lower case.
    private static func keyed(_ node: JSONNode?) throws -> [(String, JSONNode)] {
        guard let node else { return [] }
        var seen: [String: String] = [:]
        var out: [(String, JSONNode)] = []
        for (key, member) in try node.members() where key != childControl {
            if key.hasPrefix("@@") {
                throw member.failure("\(key) cannot remain in an effective policy (expected a key of the policy)")
            }
            if let other = seen[key.lowercased()] {
                throw member.failure("key \"\(key)\" repeats \"\(other)\" (keys differ only in case)")
            }
            seen[key.lowercased()] = key
            out.append((key, member))
        }
        return out
    }

    /// The value a policy key holds: plain, or under `@@assign` / `@@append` (one of them); any other operator is
    /// refused.
    private static func value(_ node: JSONNode) throws -> JSONNode {
        guard case .object = node.value else { return node }
        let operators = try node.members().filter { $0.0.hasPrefix("@@") && $0.0 != childControl }
        guard !operators.isEmpty else { return node }
        for (key, member) in operators where key != "@@assign" && key != "@@append" {
            throw member.failure(
                "\(key) cannot remain in an effective policy (expected a value, @@assign or @@append)"
            )
        }
        guard operators.count == 1, let (_, chosen) = operators.first else {
            throw node.failure("expected one of @@assign and @@append, found both")
        }
        return chosen
    }

    /// One string or a list of strings (Regions, tag values).
    private static func strings(_ node: JSONNode) throws -> [String] {
        let node = try value(node)
        if case .array = node.value { return try node.array().map { try $0.identifier() } }
        return [try node.identifier()]
    }

    /// An ARN with `$account` and `$region` replaced by the account and Region the plan runs in.
    private static func substituted(
        _ text: String,
        at node: JSONNode,
        location: AccountRegion,
        service: String
    ) throws -> ARN {
        let resolved = text.replacingOccurrences(of: "$account", with: location.account)
            .replacingOccurrences(of: "$region", with: location.region)
        guard let arn = ARN(resolved), arn.service == service else {
            throw node.failure("expected an ARN of service \(service), found \"\(text)\"")
        }
        return arn
    }
}
