public import EvidenceModel
internal import EvidenceSimulation

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

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let wanted = context.listParameter(parameters[0])
        let target = wanted.isEmpty ? "another account" : "account " + wanted.joined(separator: " or ")
        return context.copyVerdict(resource, facts, target: target) { vault in
            vault.account != resource.account && (wanted.isEmpty || wanted.contains(vault.account))
        }
    }
}
