public import EvidenceModel
internal import EvidenceSimulation

/// `RESTORE_TIME_FOR_RESOURCES_MEET_TARGET`: the latest restore of the resource took at most `maxRestoreTime`
/// minutes.
///
/// The latest restore is the newest COMPLETED restore job (exported, or a declared restore test) whose source is
/// the resource, measured from creation to completion in whole minutes rounded up; without one in the month,
/// scenario.json's `restore_minutes` stands for `LatestRestoreExecutionTimeMinutes`. A resource with neither has no
/// restore data: it gets no row (INSUFFICIENT_DATA, Docs/ASSUMPTIONS.md).
public enum RestoreTimeMeetsTarget: Control {
    public static let name = "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "maxRestoreTime", defaultValue: nil, kind: .integer(1...525_600), units: "minutes")
    ]
    public static let requiredParameters: Set<String> = ["maxRestoreTime"]
    public static let scopeKinds: Set<ScopeKind> = [.resourceTypes, .tags, .singleResource]
    public static let frequency: String? = "TwentyFour_Hours"

    public static let subject = ControlSubject.resource

    public static func verdict(resource: Resource, facts: ResourceFacts, context: ControlContext) -> ResourceVerdict? {
        guard let target = context.parameter(parameters[0]).flatMap({ Int($0) }) else { return nil }
        let restores = facts.restoreJobs.filter {
            $0.sourceResourceARN == resource.arnString && $0.status == .completed && $0.completionDate != nil
                && $0.creationDate < context.asOf
        }
        let latest = restores.max { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        let minutes: Int
        var evidence: [String]
        if let latest, let completed = latest.completionDate {
            let span = completed.milliseconds - latest.creationDate.milliseconds
            minutes = Int((span + 59_999) / 60_000)
            evidence = ["restore job \(latest.id)", "recovery point \(latest.recoveryPointARN)"]
        } else if let declared = resource.latestRestoreMinutes {
            minutes = declared
            evidence = ["LatestRestoreExecutionTimeMinutes \(declared) (scenario.json)"]
        } else {
            return nil
        }
        return ResourceVerdict(
            resourceID: resource.complianceResourceID,
            resourceType: resource.type.configType,
            status: minutes <= target ? .compliant : .nonCompliant,
            reason: "latest restore took \(minutes) minutes; target \(target)",
            evidence: evidence
        )
    }
}
