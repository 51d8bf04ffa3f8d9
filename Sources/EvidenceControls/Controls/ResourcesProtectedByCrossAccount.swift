internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// `BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT`: a plan covering the resource copies it to another account.
///
/// COMPLIANT when some plan that selects the resource has a copy action whose destination vault is in an account
/// other than the resource's; with `crossAccountList`, in one of the listed accounts (any one suffices;
/// Docs/ASSUMPTIONS.md). NON_COMPLIANT otherwise.
public enum ResourcesProtectedByCrossAccount: Control {
    public static let name = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "crossAccountList", defaultValue: nil, kind: .list(max: 5, item: "account"))
    ]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static func evaluate(_ context: ControlContext) -> [ResourceVerdict] {
        let wanted = (context.parameter(parameters[0]) ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return context.activeResources.filter(context.inScope).map { resource in
            var evidence: [String] = []
            for plan in context.coveringPlans(resource) {
                for rule in plan.rules {
                    for action in rule.copyActions {
                        let account = action.destinationVaultARN.account
                        guard account != resource.account, wanted.isEmpty || wanted.contains(account) else { continue }
                        evidence.append("plan \(plan.name) rule \(rule.name) copies to \(action.destinationVaultARN)")
                    }
                }
            }
            let target = wanted.isEmpty ? "another account" : "account " + wanted.joined(separator: " or ")
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
    }
}
