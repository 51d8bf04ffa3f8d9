public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED`: the vault's access policy denies manual deletion.
///
/// One row per vault of the folder in scope (tag scope reads the vault's tags; a single-resource scope names the
/// vault). COMPLIANT iff the vault's policy has a `Deny` statement whose principal is `*` and resource `*` (or the
/// vault) and whose actions cover `backup:DeleteRecoveryPoint`, `backup:UpdateRecoveryPointLifecycle` and
/// `backup:PutBackupVaultAccessPolicy` (wildcards allowed). Its only conditions may exempt principals through
/// `aws:PrincipalArn` with `ArnNotEquals`, `ArnNotLike`, `StringNotEquals` or `StringNotLike`, and every exempted
/// principal must be in `principalArnList` (Docs/ASSUMPTIONS.md).
public enum RecoveryPointManualDeletionDisabled: Control {
    public static let name = "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(name: "principalArnList", defaultValue: nil, kind: .list(max: 5, item: "arn"))
    ]
    public static let scopeKinds: Set<ScopeKind> = [.tags, .singleResource]
    public static let frequency: String? = nil

    static let requiredActions = [
        "backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy",
    ]
    static let exemptionOperators: Set<String> = ["ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike"]

    public static let subject = ControlSubject.vault

    public static func verdict(vault: Vault, context: ControlContext) -> ResourceVerdict? {
        let allowed = Set(context.listParameter(parameters[0]))
        let scope = context.control.scope
        guard
            context.tagsMatch(vault.tags)
                && (scope.resourceIDs.isEmpty || scope.resourceIDs.contains(vault.name)
                    || scope.resourceIDs.contains(vault.arn.description))
        else { return nil }
        let (ok, reason) = judge(vault, allowed: allowed)
        return ResourceVerdict(
            resourceID: "AWS::Backup::BackupVault/\(vault.name)",
            resourceType: "AWS::Backup::BackupVault",
            status: ok ? .compliant : .nonCompliant,
            reason: reason,
            evidence: ["vault \(vault.arn)"]
        )
    }

    /// Whether the vault's policy disables manual deletion, and why.
    public static func judge(_ vault: Vault, allowed: Set<String>) -> (Bool, String) {
        guard let policy = vault.accessPolicy else { return (false, "the vault has no access policy") }
        for statement in policy.statements where statement.effect == "Deny" {
            guard statement.principals == ["*"] else { continue }
            guard statement.resources.contains("*") || statement.resources.contains(vault.arn.description) else {
                continue
            }
            guard statement.notActions.isEmpty,
                requiredActions.allSatisfy({ action in statement.actions.contains { Wildcard.matches($0, action) } })
            else { continue }
            let exempted = statement.conditions.filter {
                exemptionOperators.contains($0.operation) && $0.key == "aws:PrincipalArn"
            }
            guard exempted.count == statement.conditions.count else { continue }
            let principals = Set(exempted.flatMap(\.values))
            guard principals.isSubset(of: allowed) else {
                let extra = principals.subtracting(allowed).sorted().joined(separator: ", ")
                return (false, "statement \(statement.sid) exempts principals not in principalArnList: \(extra)")
            }
            let label = statement.sid.isEmpty ? "a Deny statement" : "statement \(statement.sid)"
            return (
                true,
                "\(label) denies manual deletion to every principal"
                    + (principals.isEmpty ? "" : " but the listed ones")
            )
        }
        return (
            false,
            "no Deny statement for every principal covers DeleteRecoveryPoint, UpdateRecoveryPointLifecycle and PutBackupVaultAccessPolicy"
        )
    }
}
