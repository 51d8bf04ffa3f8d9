public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK`: the resource's backups go to a locked vault.
///
/// COMPLIANT when a rule of a plan that selects the resource targets a vault with a Vault Lock; with
/// `minRetentionDays`, the lock's minimum must be at least that; with `maxRetentionDays`, the lock's maximum must be
/// at most that (a lock without the bound fails it). Docs/ASSUMPTIONS.md records this reading of the parameters.
public enum ResourcesProtectedByBackupVaultLock: Control {
    public static let name = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "minRetentionDays", defaultValue: nil, kind: .integer(1...36_500), units: "days"),
        ParameterSpec(name: "maxRetentionDays", defaultValue: nil, kind: .integer(1...36_500), units: "days"),
    ]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let minimum = context.parameter(parameters[0]).flatMap { Int($0) }
        let maximum = context.parameter(parameters[1]).flatMap { Int($0) }
        var passing: [String] = []
        var seen: [String] = []
        for plan in context.coveringPlans(resource, facts) {
            for rule in plan.rules {
                guard
                    let vault = context.index.vault(
                        named: rule.targetVaultName,
                        account: plan.account,
                        region: plan.region
                    )
                else { continue }
                let bounds =
                    "min \(vault.minRetentionDays.map(String.init) ?? "none"), "
                    + "max \(vault.maxRetentionDays.map(String.init) ?? "none")"
                let description =
                    "plan \(plan.name) rule \(rule.name) targets vault \(vault.name) "
                    + (vault.locked ? "(locked, \(bounds))" : "(not locked)")
                seen.append(description)
                guard vault.locked else { continue }
                if let minimum, (vault.minRetentionDays ?? 0) < minimum { continue }
                if let maximum, (vault.maxRetentionDays ?? Int.max) > maximum { continue }
                passing.append(description)
            }
        }
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: passing.isEmpty ? .nonCompliant : .compliant,
            reason: passing.isEmpty
                ? "no backup plan covering the resource targets a vault locked within the required bounds"
                : "backed up to a locked vault",
            evidence: passing.isEmpty ? seen : passing
        )
    }
}
