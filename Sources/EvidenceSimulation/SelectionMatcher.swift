public import EvidenceModel

/// Why a selection picked a resource: the clause that included it, for the evidence trace.
public struct SelectionMatch: Hashable, Sendable {
    /// Such as `Resources[0] arn:aws:rds:*:*:db:*` or `ListOfTags[1] BackupTier=critical`.
    public var clause: String
    /// The `Resources` pattern that matched, when the match came from one.
    public var resourcePattern: String?
}

/// AWS Backup's selection semantics (facts sheet §3.12).
///
/// selected = (any `Resources` pattern matches **or** any `ListOfTags` entry matches) **and** every condition of
/// `Conditions` holds **and not** any `NotResources` pattern matches. A selection with neither `Resources` nor
/// `ListOfTags` starts from every resource of its account and Region. Only resources in the selection's own
/// account and Region can be selected: plans are regional.
public enum SelectionMatcher {
    /// The clause that selects `resource`, or nil when the selection does not pick it.
    public static func match(_ selection: BackupSelection, _ resource: Resource) -> SelectionMatch? {
        guard selection.account == resource.account, selection.region == resource.region else { return nil }
        let arn = resource.arnString
        var clause: String?
        var pattern: String?
        if selection.resources.isEmpty && selection.listOfTags.isEmpty {
            clause = "all resources"
        }
        if clause == nil, let index = selection.resources.firstIndex(where: { Wildcard.matches($0, arn) }) {
            clause = "Resources[\(index)] \(selection.resources[index])"
            pattern = selection.resources[index]
        }
        if clause == nil,
            let index = selection.listOfTags.firstIndex(where: { resource.tags[$0.key] == $0.value })
        {
            let tag = selection.listOfTags[index]
            clause = "ListOfTags[\(index)] \(tag.key)=\(tag.value)"
        }
        guard var found = clause else { return nil }
        if let index = selection.notResources.firstIndex(where: { Wildcard.matches($0, arn) }) {
            _ = index
            return nil
        }
        let conditions = selection.conditions
        guard conditionsHold(conditions, tags: resource.tags) else { return nil }
        if !conditions.isEmpty {
            var parts: [String] = []
            parts += conditions.stringEquals.map { "StringEquals \($0.key)=\($0.value)" }
            parts += conditions.stringNotEquals.map { "StringNotEquals \($0.key)=\($0.value)" }
            parts += conditions.stringLike.map { "StringLike \($0.key)=\($0.value)" }
            parts += conditions.stringNotLike.map { "StringNotLike \($0.key)=\($0.value)" }
            found += " and Conditions " + parts.joined(separator: ", ")
        }
        return SelectionMatch(clause: found, resourcePattern: pattern)
    }

    /// Whether a `Resources` pattern names a resource type explicitly, which includes the type even when the
    /// Region has opted out of it (facts sheet §3.12): a pattern with a resource part that does not start with a
    /// wildcard, except the shapes several types share (`cluster:` of RDS, `file-system/` of FSx).
    public static func namesTypeExplicitly(_ pattern: String, type: BackupResourceType) -> Bool {
        let parts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, let resource = parts.last, !resource.isEmpty, !resource.hasPrefix("*") else {
            return false
        }
        switch type {
        case .aurora, .neptune, .documentDB: return !resource.hasPrefix("cluster:")
        case .fsx: return !resource.hasPrefix("file-system/")
        default: return true
        }
    }

    /// Whether every condition holds.
    ///
    /// A missing tag fails `StringEquals` and `StringLike`, and satisfies
    /// `StringNotEquals` and `StringNotLike` (IAM's condition-operator rule for absent keys). In `StringLike` and
    /// `StringNotLike`, `*` does not match whitespace (AWS's "Assign resources with the AWS CLI" page).
    public static func conditionsHold(_ conditions: SelectionConditions, tags: [String: String]) -> Bool {
        for c in conditions.stringEquals where tags[c.key] != c.value { return false }
        for c in conditions.stringNotEquals where tags[c.key] == c.value { return false }
        for c in conditions.stringLike {
            guard let value = tags[c.key], Wildcard.matchesTagValue(c.value, value) else { return false }
        }
        for c in conditions.stringNotLike {
            if let value = tags[c.key], Wildcard.matchesTagValue(c.value, value) { return false }
        }
        return true
    }
}

/// A plan that covers a resource, through which selection and clause.
public struct Assignment: Hashable, Sendable {
    public var planID: String
    public var planName: String
    public var selectionID: String
    public var selectionName: String
    public var clause: String
    public var iamRoleARN: String
    /// The plan's rules, all of which apply to the resource.
    public var ruleNames: [String]

    /// `plan daily-35-day (rule daily-critical) via selection critical-tier (ListOfTags[0] BackupTier=critical)`.
    public var trace: String {
        let rules = ruleNames.count == 1 ? "rule \(ruleNames[0])" : "rules \(ruleNames.joined(separator: ", "))"
        return "plan \(planName) (\(rules)) via selection \(selectionName) (\(clause))"
    }
}

/// Which plans cover each resource: the answer to "is this resource in a backup plan, and why".
public struct Coverage: Sendable {
    /// Keyed by `account/region/arn`; assignments sorted by plan name, then selection name.
    public let assignments: [String: [Assignment]]

    public static func key(_ resource: Resource) -> String {
        "\(resource.account)/\(resource.region)/\(resource.arnString)"
    }

    public init(estate: Estate) {
        var plansByKey: [String: BackupPlan] = [:]
        for plan in estate.plans { plansByKey["\(plan.account)/\(plan.region)/\(plan.id)"] = plan }
        var selectionsByLocation: [String: [BackupSelection]] = [:]
        for selection in estate.selections {
            selectionsByLocation["\(selection.account)/\(selection.region)", default: []].append(selection)
        }
        var out: [String: [Assignment]] = [:]
        for resource in estate.resources {
            var found: [Assignment] = []
            let settings = estate.regionSettings[AccountRegion(account: resource.account, region: resource.region)]
            let optedIn = settings?.isOptedIn(resource.type) ?? true
            for selection in selectionsByLocation["\(resource.account)/\(resource.region)"] ?? [] {
                guard let match = SelectionMatcher.match(selection, resource),
                    let plan = plansByKey["\(selection.account)/\(selection.region)/\(selection.planID)"]
                else { continue }
                // A Region opted out of the type skips it, unless the selection names the type's ARNs explicitly.
                if !optedIn,
                    !(match.resourcePattern.map { SelectionMatcher.namesTypeExplicitly($0, type: resource.type) }
                        ?? false)
                {
                    continue
                }
                found.append(
                    Assignment(
                        planID: plan.id,
                        planName: plan.name,
                        selectionID: selection.id,
                        selectionName: selection.name,
                        clause: match.clause,
                        iamRoleARN: selection.iamRoleARN,
                        ruleNames: plan.rules.map(\.name)
                    )
                )
            }
            found.sort {
                ($0.planName, $0.selectionName, $0.selectionID) < ($1.planName, $1.selectionName, $1.selectionID)
            }
            out[Coverage.key(resource)] = found
        }
        assignments = out
    }

    public func assignments(for resource: Resource) -> [Assignment] { assignments[Coverage.key(resource)] ?? [] }
}
