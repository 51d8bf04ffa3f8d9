public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK`: each recovery point is kept at least the required days.
///
/// One row per recovery point created in the month in the folder's vaults (copies included) within the tag
/// scope. Retention is the point's `DeleteAfterDays`; a point without one is kept forever and passes
/// (Docs/ASSUMPTIONS.md).
public enum RecoveryPointMinimumRetention: Control {
    public static let name = "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "requiredRetentionDays", defaultValue: "35", kind: .integer(1...36_500), units: "days")
    ]
    public static let scopeKinds: Set<ScopeKind> = [.tags]
    public static let frequency: String? = nil

    public static let subject = ControlSubject.recoveryPoint

    public static func verdict(recoveryPoint point: RecoveryPoint, context: ControlContext) -> ResourceVerdict? {
        let required = Int(context.parameter(parameters[0]) ?? "35") ?? 35
        let kept = point.lifecycle.deleteAfterDays
        let ok = kept.map { $0 >= required } ?? true
        return ResourceVerdict(
            resourceID: point.complianceResourceID,
            resourceType: "AWS::Backup::RecoveryPoint",
            status: ok ? .compliant : .nonCompliant,
            reason: (kept.map { "kept \($0) days" } ?? "kept indefinitely") + "; \(required) required",
            evidence: point.evidence,
            protectedResourceARN: point.resourceARN
        )
    }
}
