public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN`: the resource is included in at least one backup plan.
///
/// Each active in-scope resource of the folder is COMPLIANT when some selection of a plan in its account and
/// Region selects it, NON_COMPLIANT otherwise (facts sheet §2.4 #1). The evidence names each plan, selection
/// and the clause that matched.
public enum ResourcesProtectedByBackupPlan: Control {
    public static let name = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"
    public static let parameters: [ParameterSpec] = []
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let assignments = facts.assignments
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: assignments.isEmpty ? .nonCompliant : .compliant,
            reason: assignments.isEmpty
                ? "no backup plan selection in \(resource.account)/\(resource.region) selects the resource"
                : "selected by \(assignments.count) backup plan selection\(assignments.count == 1 ? "" : "s")",
            evidence: assignments.map(\.trace)
        )
    }
}
