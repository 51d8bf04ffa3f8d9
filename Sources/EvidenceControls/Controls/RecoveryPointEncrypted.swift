public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_RECOVERY_POINT_ENCRYPTED`: every recovery point is encrypted.
///
/// One row per recovery point created in the month in the folder's vaults (copies included) whose tags fall in
/// the tag scope. NON_COMPLIANT when the point is not encrypted (facts sheet §2.4 #4).
public enum RecoveryPointEncrypted: Control {
    public static let name = "BACKUP_RECOVERY_POINT_ENCRYPTED"
    public static let parameters: [ParameterSpec] = []
    public static let scopeKinds: Set<ScopeKind> = [.tags]
    public static let frequency: String? = nil

    public static let subject = ControlSubject.recoveryPoint

    public static func verdict(recoveryPoint point: RecoveryPoint, context: ControlContext) -> ResourceVerdict? {
        ResourceVerdict(
            resourceID: point.complianceResourceID,
            resourceType: "AWS::Backup::RecoveryPoint",
            status: point.isEncrypted ? .compliant : .nonCompliant,
            reason: point.isEncrypted
                ? "encrypted" + (point.encryptionKeyARN.isEmpty ? "" : " with \(point.encryptionKeyARN)")
                : "recovery point of \(point.resourceARN) is not encrypted",
            evidence: point.evidence,
            protectedResourceARN: point.resourceARN
        )
    }
}
