public import EvidenceModel
internal import EvidenceSimulation

/// `RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT`: a recent recovery point of the resource is in a logically air-gapped
/// vault.
///
/// COMPLIANT iff a recovery point of the resource stored in a `LOGICALLY_AIR_GAPPED_BACKUP_VAULT` was created within
/// `recoveryPointAgeValue` `recoveryPointAgeUnit` (24–2184 hours or 1–91 days) before the evaluation instant.
public enum ResourcesInLogicallyAirGappedVault: Control {
    public static let name = "RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(
            name: "recoveryPointAgeValue",
            defaultValue: "1",
            kind: .integerByUnit(unitParameter: "recoveryPointAgeUnit", ranges: ["hours": 24...2184, "days": 1...91])
        ),
        ParameterSpec(name: "recoveryPointAgeUnit", defaultValue: "days", kind: .oneOf(["hours", "days"])),
    ]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let since = context.asOf.adding(minutes: -context.ageMinutes(value: parameters[0], unit: parameters[1]))
        let inVault = context.recoveryPoints(facts).filter {
            context.index.vault(named: $0.vaultName, account: $0.account, region: $0.region)?.vaultType
                == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
        }
        let latest = inVault.first
        let ok = latest.map { $0.creationDate >= since } ?? false
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: ok ? .compliant : .nonCompliant,
            reason: latest.map { "latest air-gapped recovery point created \($0.creationDate.iso8601)" }
                ?? "no recovery point of the resource in a logically air-gapped vault",
            evidence: latest.map { point in
                point.jobIDs.suffix(1).map { "job \($0)" } + ["recovery point \(point.arn)"]
            }
                ?? []
        )
    }
}
