public import EvidenceModel
internal import EvidenceSimulation

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

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let wanted = context.listParameter(parameters[0])
        let target = wanted.isEmpty ? "another Region" : wanted.joined(separator: " or ")
        return context.copyVerdict(resource, facts, target: target) { vault in
            vault.region != resource.region && (wanted.isEmpty || wanted.contains(vault.region))
        }
    }
}
