public import EvidenceModel

extension Simulator {
    /// What AWS Backup refuses in a plan as a whole, with the index of the rule it names, or nil.
    ///
    /// Continuous backup rules of one plan must target one backup vault: AWS's "Overlapping continuous backups on the
    /// same resource" page says that if they "point to different backup vaults, AWS Backup rejects the plan as not
    /// valid" (Docs/ASSUMPTIONS.md A32).
    public static func planProblem(_ plan: BackupPlan) -> (ruleIndex: Int, message: String)? {
        var first: BackupRule?
        for (index, rule) in plan.rules.enumerated() where rule.continuous {
            guard let owner = first else {
                first = rule
                continue
            }
            if rule.targetVaultName != owner.targetVaultName {
                return (
                    index,
                    "continuous backup rules of one plan must target one backup vault: rule \(owner.name) targets "
                        + "\(owner.targetVaultName), rule \(rule.name) targets \(rule.targetVaultName)"
                )
            }
        }
        return nil
    }
}
