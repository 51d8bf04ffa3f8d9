public import EvidenceModel
public import EvidenceSimulation
internal import Foundation

/// A per-resource verdict, AWS Config's `ComplianceType`.
public enum ComplianceStatus: String, Hashable, Sendable, CaseIterable {
    case compliant = "COMPLIANT"
    case nonCompliant = "NON_COMPLIANT"
    case notApplicable = "NOT_APPLICABLE"
    case insufficientData = "INSUFFICIENT_DATA"
}

/// One row of the resource compliance report, with what decided it.
public struct ResourceVerdict: Hashable, Sendable {
    /// `<AWS Config type>/<id>`, ARCHITECTURE.md §5.
    public var resourceID: String
    /// The AWS Config resource type.
    public var resourceType: String
    public var status: ComplianceStatus
    /// Why, in one sentence.
    public var reason: String
    /// What decided it: job ids and recovery point ARNs, plan/rule/selection clauses, vaults.
    public var evidence: [String]
    /// For a recovery point, the ARN of the resource it protects; empty otherwise.
    public var protectedResourceARN: String

    public init(
        resourceID: String,
        resourceType: String,
        status: ComplianceStatus,
        reason: String,
        evidence: [String],
        protectedResourceARN: String = ""
    ) {
        self.resourceID = resourceID
        self.resourceType = resourceType
        self.status = status
        self.reason = reason
        self.evidence = evidence
        self.protectedResourceARN = protectedResourceARN
    }
}

/// The kinds of `ControlScope` a control accepts (facts sheet §2.2, §2.4).
public enum ScopeKind: String, Hashable, Sendable {
    case resourceTypes = "ComplianceResourceTypes"
    case tags = "Tags"
    case singleResource = "ComplianceResourceIds"
}

/// A control parameter's definition: name, default and the values AWS accepts.
public struct ParameterSpec: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An integer within a range; `unitParameter` names a sibling whose value picks the range.
        case integer(ClosedRange<Int>)
        case integerByUnit(unitParameter: String, ranges: [String: ClosedRange<Int>])
        case oneOf([String])
        /// A comma-separated list of at most `max` items, each checked by `validate`.
        case list(max: Int, item: String)
    }

    public var name: String
    public var defaultValue: String?
    public var kind: Kind
    public var units: String

    public init(name: String, defaultValue: String?, kind: Kind, units: String = "") {
        self.name = name
        self.defaultValue = defaultValue
        self.kind = kind
        self.units = units
    }
}

/// What the month knows of one resource, for the controls that judge resources.
public struct ResourceFacts: Sendable {
    /// The plan selections that pick the resource, sorted by plan name, then selection name.
    public var assignments: [Assignment]
    /// The resource's recovery points (any vault, copies included) that exist in the month, newest first.
    public var recoveryPoints: [RecoveryPoint]
    /// Restore jobs whose source is the resource.
    public var restoreJobs: [RestoreJob]

    public init(assignments: [Assignment], recoveryPoints: [RecoveryPoint], restoreJobs: [RestoreJob]) {
        self.assignments = assignments
        self.recoveryPoints = recoveryPoints
        self.restoreJobs = restoreJobs
    }
}

/// What a control judges: each gives the rows of one kind of thing in the framework's account and Region.
public enum ControlSubject: Hashable, Sendable {
    /// Resources active at the evaluation instant and in the control's scope.
    case resource
    /// Recovery points stored in the folder's vaults that exist in the month, whose tags fall in the tag scope.
    case recoveryPoint
    /// The folder's backup plans.
    case plan
    /// The folder's backup vaults.
    case vault
}

/// The estate's plans and vaults, indexed once for every control evaluation of a month.
public final class EstateIndex: Sendable {
    public let estate: Estate
    private let plans: [String: BackupPlan]
    private let vaults: [String: Vault]

    public init(_ estate: Estate) {
        self.estate = estate
        var plans: [String: BackupPlan] = [:]
        for plan in estate.plans where plans["\(plan.account)/\(plan.region)/\(plan.id)"] == nil {
            plans["\(plan.account)/\(plan.region)/\(plan.id)"] = plan
        }
        self.plans = plans
        var vaults: [String: Vault] = [:]
        for vault in estate.vaults where vaults["\(vault.account)/\(vault.region)/\(vault.name)"] == nil {
            vaults["\(vault.account)/\(vault.region)/\(vault.name)"] = vault
        }
        self.vaults = vaults
    }

    /// The plan of that id in the account and Region; the first listed when ids repeat.
    public func plan(account: String, region: String, id: String) -> BackupPlan? {
        plans["\(account)/\(region)/\(id)"]
    }

    /// The vault of that name in the account and Region, as `Estate.vault(named:account:region:)` finds it.
    public func vault(named name: String, account: String, region: String) -> Vault? {
        vaults["\(account)/\(region)/\(name)"]
    }
}

/// Everything a control needs to evaluate one framework control in one account/Region folder.
public struct ControlContext: Sendable {
    public var index: EstateIndex
    public var location: AccountRegion
    public var control: FrameworkControl
    public var month: Month
    public var asOf: Instant

    public init(index: EstateIndex, location: AccountRegion, control: FrameworkControl, month: Month, asOf: Instant) {
        self.index = index
        self.location = location
        self.control = control
        self.month = month
        self.asOf = asOf
    }

    public var estate: Estate { index.estate }

    /// The parameter's value as given, or its default.
    public func parameter(_ spec: ParameterSpec) -> String? { control.parameter(spec.name) ?? spec.defaultValue }

    /// Whether AWS evaluates the resource for this control: it is in this folder, exists and is active at the
    /// evaluation instant, and falls in the control's scope.
    public func evaluates(_ resource: Resource) -> Bool {
        resource.account == location.account && resource.region == location.region && resource.isActive(at: asOf)
            && inScope(resource)
    }

    /// Whether a recovery point is judged by this control: stored in this folder and within the tag scope.
    public func evaluates(_ point: RecoveryPoint) -> Bool {
        point.account == location.account && point.region == location.region && tagsMatch(point.tags)
    }

    /// The plans whose selections pick the resource, once each, in plan-name order.
    public func coveringPlans(_ resource: Resource, _ facts: ResourceFacts) -> [BackupPlan] {
        var seen = Set<String>()
        var out: [BackupPlan] = []
        for assignment in facts.assignments where seen.insert(assignment.planID).inserted {
            if let plan = index.plan(account: resource.account, region: resource.region, id: assignment.planID) {
                out.append(plan)
            }
        }
        return out
    }

    /// The copy actions of every rule of the plans that pick the resource, as `plan P rule R copies to <vault ARN>`
    /// evidence items, for those whose destination vault ARN satisfies `qualifies`.
    public func copies(of resource: Resource, _ facts: ResourceFacts, where qualifies: (ARN) -> Bool) -> [String] {
        var out: [String] = []
        for plan in coveringPlans(resource, facts) {
            for rule in plan.rules {
                for action in rule.copyActions where qualifies(action.destinationVaultARN) {
                    out.append("plan \(plan.name) rule \(rule.name) copies to \(action.destinationVaultARN)")
                }
            }
        }
        return out
    }

    /// The verdict of a copy control: COMPLIANT when a plan covering the resource copies it to a vault that
    /// `qualifies` (`target` names where, for the reason), with those copy actions as evidence.
    public func copyVerdict(
        _ resource: Resource,
        _ facts: ResourceFacts,
        target: String,
        where qualifies: (ARN) -> Bool
    ) -> ResourceVerdict {
        let evidence = copies(of: resource, facts, where: qualifies)
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: evidence.isEmpty ? .nonCompliant : .compliant,
            reason: evidence.isEmpty
                ? "no backup plan covering the resource copies it to \(target)"
                : "a backup plan covering the resource copies it to \(target)",
            evidence: evidence
        )
    }

    /// A comma-separated list parameter's items, trimmed.
    public func listParameter(_ spec: ParameterSpec) -> [String] {
        (parameter(spec) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// The resource's recovery points known to the month (any vault, copies included) created before the
    /// evaluation instant, newest first.
    public func recoveryPoints(_ facts: ResourceFacts) -> [RecoveryPoint] {
        facts.recoveryPoints.filter { $0.creationDate < asOf }
    }

    /// An age parameter pair (`recoveryPointAgeValue`, `recoveryPointAgeUnit`) in minutes.
    public func ageMinutes(value: ParameterSpec, unit: ParameterSpec) -> Int {
        let amount = Int(parameter(value) ?? "1") ?? 1
        return amount * ((parameter(unit) ?? "days") == "hours" ? 60 : 1440)
    }

    /// Whether a resource falls in the control's scope.
    public func inScope(_ resource: Resource) -> Bool {
        let scope = control.scope
        if !scope.resourceTypes.isEmpty, !scope.resourceTypes.contains(resource.type.rawValue) { return false }
        if !scope.resourceIDs.isEmpty,
            !scope.resourceIDs.contains(where: { $0 == resource.resourceID || $0 == resource.arnString })
        {
            return false
        }
        return tagsMatch(resource.tags)
    }

    /// Whether tags satisfy the scope's tag (one key, optional value); an empty tag scope matches everything.
    public func tagsMatch(_ tags: [String: String]) -> Bool {
        for (key, value) in control.scope.tags {
            guard let actual = tags[key] else { return false }
            if let value, value != actual { return false }
        }
        return true
    }
}

/// An AWS Backup Audit Manager control: its name, parameters, accepted scopes and verdict rule.
public protocol Control: Sendable {
    /// The AWS control name, such as `BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN`.
    static var name: String { get }
    /// Parameters in the order the report shows them.
    static var parameters: [ParameterSpec] { get }
    static var scopeKinds: Set<ScopeKind> { get }
    /// Parameters a framework must give (AWS's rule lists them as required).
    static var requiredParameters: Set<String> { get }
    /// AWS Config's `MaximumExecutionFrequency` for periodic controls; nil for configuration-change controls.
    static var frequency: String? { get }

    /// What the control judges; the verdict function of that kind is the one called.
    static var subject: ControlSubject { get }

    /// The verdict on a resource the context `evaluates`; nil when the control gives it no row.
    static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict?
    /// The verdict on a recovery point the context `evaluates`.
    static func verdict(recoveryPoint: RecoveryPoint, context: ControlContext) -> ResourceVerdict?
    /// The verdict on a plan of the folder; nil when it is outside the control's scope.
    static func verdict(plan: BackupPlan, context: ControlContext) -> ResourceVerdict?
    /// The verdict on a vault of the folder; nil when it is outside the control's scope.
    static func verdict(vault: Vault, context: ControlContext) -> ResourceVerdict?
}

extension Control {
    public static var requiredParameters: Set<String> { [] }

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        nil
    }

    public static func verdict(recoveryPoint: RecoveryPoint, context: ControlContext) -> ResourceVerdict? { nil }

    public static func verdict(plan: BackupPlan, context: ControlContext) -> ResourceVerdict? { nil }

    public static func verdict(vault: Vault, context: ControlContext) -> ResourceVerdict? { nil }
}

extension RecoveryPoint {
    /// The point's Resource ID in the compliance report: `AWS::Backup::RecoveryPoint/<ARN>`.
    var complianceResourceID: String { "AWS::Backup::RecoveryPoint/" + arn }

    /// What a verdict on the point rests on: its jobs, the point, and its lifecycle.
    var evidence: [String] {
        var lines = jobIDs.map { "job " + $0 }
        lines.append("recovery point " + arn)
        lines.append(lifecycleSummary)
        return lines
    }
}
