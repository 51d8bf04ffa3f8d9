public import EvidenceModel
internal import EvidenceSimulation

/// `BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK`: a plan has a rule that backs up often enough and keeps
/// recovery points long enough.
///
/// Evaluates each in-scope plan of the folder (tag scope reads the plan's tags; a single-resource scope names the
/// plan id). COMPLIANT iff at least one rule alone meets both requirements (facts sheet §2.4 #2). A rule's
/// frequency is its schedule's nominal period: the largest gap between consecutive firings on the wall clock of
/// its own time zone over the 400 days from the month's start, so a daily rule is daily across daylight-saving
/// changes (A13); retention is `DeleteAfterDays`, and a rule without one keeps points forever (Docs/ASSUMPTIONS.md).
public enum PlanMinFrequencyAndMinRetention: Control {
    public static let name = "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec(
            name: "requiredFrequencyValue",
            defaultValue: "1",
            kind: .integerByUnit(unitParameter: "requiredFrequencyUnit", ranges: ["hours": 1...24, "days": 1...31])
        ),
        ParameterSpec(name: "requiredRetentionDays", defaultValue: "35", kind: .integer(1...36_500), units: "days"),
        ParameterSpec(name: "requiredFrequencyUnit", defaultValue: "days", kind: .oneOf(["hours", "days"])),
    ]
    public static let scopeKinds: Set<ScopeKind> = [.tags, .singleResource]
    public static let frequency: String? = nil

    static let horizonDays = 400

    public static let subject = ControlSubject.plan

    public static func verdict(plan: BackupPlan, context: ControlContext) -> ResourceVerdict? {
        let value = Int(context.parameter(parameters[0]) ?? "1") ?? 1
        let retention = Int(context.parameter(parameters[1]) ?? "35") ?? 35
        let unit = context.parameter(parameters[2]) ?? "days"
        let requiredMinutes = value * (unit == "hours" ? 60 : 1440)
        let from = context.month.start
        let to = from.adding(days: horizonDays)
        let scope = context.control.scope
        guard
            context.tagsMatch(plan.tags)
                && (scope.resourceIDs.isEmpty || scope.resourceIDs.contains(plan.id)
                    || scope.resourceIDs.contains(plan.arn))
        else { return nil }
        var evidence: [String] = []
        var passing: String?
        for rule in plan.rules {
            let gap = (try? Schedule(expression: rule.scheduleExpression, timeZone: rule.scheduleTimezone))?
                .nominalPeriodMinutes(from: from, to: to)
            let frequencyOK = gap.map { $0 <= requiredMinutes } ?? false
            let kept = rule.lifecycle.deleteAfterDays
            let retentionOK = kept.map { $0 >= retention } ?? true
            let clock = ["UTC", "Etc/UTC"].contains(rule.scheduleTimezone) ? "" : " (\(rule.scheduleTimezone) time)"
            let every =
                gap.map { "at most \(describe(minutes: $0)) apart\(clock)" }
                ?? "fewer than two runs in \(horizonDays) days"
            let keeps = kept.map { "kept \($0) days" } ?? "kept indefinitely"
            evidence.append(
                "plan \(plan.name) rule \(rule.name): \(rule.scheduleExpression) runs \(every), \(keeps)"
            )
            if frequencyOK && retentionOK && passing == nil { passing = rule.name }
        }
        let requirement = "every \(value) \(unit) and \(retention) days' retention"
        return ResourceVerdict(
            resourceID: "AWS::Backup::BackupPlan/\(plan.id)",
            resourceType: "AWS::Backup::BackupPlan",
            status: passing == nil ? .nonCompliant : .compliant,
            reason: passing.map { "rule \($0) meets \(requirement)" } ?? "no single rule meets \(requirement)",
            evidence: evidence
        )
    }

    static func describe(minutes: Int) -> String {
        if minutes % 1440 == 0 { return "\(minutes / 1440) day\(minutes == 1440 ? "" : "s")" }
        if minutes % 60 == 0 { return "\(minutes / 60) hour\(minutes == 60 ? "" : "s")" }
        return "\(minutes) minutes"
    }
}
