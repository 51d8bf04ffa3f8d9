public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_LAST_RECOVERY_POINT_CREATED`: a recovery point of the resource was created recently enough.
///
/// COMPLIANT iff the newest recovery point of the resource (any vault, copies included) was created, that is its
/// backup job started, within `recoveryPointAgeValue` `recoveryPointAgeUnit` before the evaluation instant.
public enum LastRecoveryPointCreated: Control {
    public static let name = "BACKUP_LAST_RECOVERY_POINT_CREATED"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(
            name: "recoveryPointAgeValue",
            defaultValue: "1",
            kind: .integerByUnit(unitParameter: "recoveryPointAgeUnit", ranges: ["hours": 1...744, "days": 1...31])
        ),
        ParameterSpec(name: "recoveryPointAgeUnit", defaultValue: "days", kind: .oneOf(["hours", "days"])),
    ]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        let age = context.ageMinutes(value: parameters[0], unit: parameters[1])
        let since = context.asOf.adding(minutes: -age)
        let window = "\(context.parameter(parameters[0]) ?? "1") \(context.parameter(parameters[1]) ?? "days")"
        let latest = context.recoveryPoints(facts).first
        let ok = latest.map { $0.creationDate >= since } ?? false
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: ok ? .compliant : .nonCompliant,
            reason: latest.map {
                "last recovery point created \($0.creationDate.iso8601); required within \(window)"
            }
                ?? "no recovery point of the resource",
            evidence: latest.map { point in
                point.jobIDs.suffix(1).map { "job \($0)" } + ["recovery point \(point.arn)"]
            }
                ?? []
        )
    }
}
