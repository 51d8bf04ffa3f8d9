internal import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// `BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION`: a plan covering the resource copies it to another Region.
///
/// COMPLIANT when some plan that selects the resource has a rule with a copy action whose destination vault is
/// in a Region other than the resource's; with `crossRegionList`, the destination must be one of the listed
/// Regions (any one suffices; Docs/ASSUMPTIONS.md). NON_COMPLIANT otherwise, including when no plan covers it.
public enum ResourcesProtectedByCrossRegion: Control {
    public static let name = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "crossRegionList", defaultValue: nil, kind: .list(max: 3, item: "region"))
    ]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static func evaluate(_ context: ControlContext) -> [ResourceVerdict] {
        let wanted = (context.parameter(parameters[0]) ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return context.activeResources.filter(context.inScope).map { resource in
            var evidence: [String] = []
            for assignment in context.simulation.coverage.assignments(for: resource) {
                guard
                    let plan = context.estate.plans.first(where: {
                        $0.id == assignment.planID && $0.account == resource.account && $0.region == resource.region
                    })
                else { continue }
                for rule in plan.rules {
                    for action in rule.copyActions {
                        let region = action.destinationVaultARN.region
                        guard region != resource.region, wanted.isEmpty || wanted.contains(region) else { continue }
                        evidence.append("plan \(plan.name) rule \(rule.name) copies to \(action.destinationVaultARN)")
                    }
                }
            }
            let target = wanted.isEmpty ? "another Region" : wanted.joined(separator: " or ")
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
