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

/// Everything a control needs to evaluate one framework control in one account/Region folder.
public struct ControlContext: Sendable {
    public var estate: Estate
    public var simulation: SimulationResult
    public var location: AccountRegion
    public var control: FrameworkControl
    public var asOf: Instant

    /// The parameter's value as given, or its default.
    public func parameter(_ spec: ParameterSpec) -> String? { control.parameter(spec.name) ?? spec.defaultValue }

    /// Resources of this folder that AWS evaluates: existing and active at the evaluation instant.
    public var activeResources: [Resource] {
        estate.resources.filter {
            $0.account == location.account && $0.region == location.region && $0.isActive(at: asOf)
        }
    }

    /// Recovery points created in the month and stored in this folder's vaults.
    public var recoveryPoints: [RecoveryPoint] {
        simulation.recoveryPoints.filter { $0.account == location.account && $0.region == location.region }
    }

    /// The plans whose selections pick the resource, once each, in plan-name order.
    public func coveringPlans(_ resource: Resource) -> [BackupPlan] {
        var seen = Set<String>()
        var out: [BackupPlan] = []
        for assignment in simulation.coverage.assignments(for: resource) where seen.insert(assignment.planID).inserted {
            if let plan = estate.plans.first(where: {
                $0.id == assignment.planID && $0.account == resource.account && $0.region == resource.region
            }) {
                out.append(plan)
            }
        }
        return out
    }

    /// The copy actions of every rule of the plans that pick the resource, as `plan P rule R copies to <vault ARN>`
    /// evidence items, for those whose destination vault ARN satisfies `qualifies`.
    public func copies(of resource: Resource, where qualifies: (ARN) -> Bool) -> [String] {
        var out: [String] = []
        for plan in coveringPlans(resource) {
            for rule in plan.rules {
                for action in rule.copyActions where qualifies(action.destinationVaultARN) {
                    out.append("plan \(plan.name) rule \(rule.name) copies to \(action.destinationVaultARN)")
                }
            }
        }
        return out
    }

    /// A comma-separated list parameter's items, trimmed.
    public func listParameter(_ spec: ParameterSpec) -> [String] {
        (parameter(spec) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// The resource's recovery points known to the simulation (any vault, copies included), newest first.
    public func recoveryPoints(of resource: Resource) -> [RecoveryPoint] {
        (simulation.pointsByResource[resource.arnString] ?? []).map { simulation.recoveryPoints[$0] }
            .filter { $0.creationDate < asOf }
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

    /// One verdict per evaluated resource, plan or recovery point, in a stable order.
    static func evaluate(_ context: ControlContext) -> [ResourceVerdict]
}

extension Control {
    public static var requiredParameters: Set<String> { [] }
}
