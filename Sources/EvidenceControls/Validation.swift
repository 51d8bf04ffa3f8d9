public import EvidenceModel
internal import EvidenceSimulation
internal import Foundation

/// One problem `validate` found: where, and what AWS would refuse.
public struct ValidationFinding: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var location: String
    public var message: String

    public init(file: String, location: String, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String { location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)" }
}

/// AWS Backup's constraints on plans, selections and frameworks (facts sheet §2, §3.1, §3.10, §3.11, §3.12), each
/// checked where it applies; every finding is reported, not only the first.
public enum Validation {
    static func matches(_ text: String, allowed: (Character) -> Bool, length: ClosedRange<Int>) -> Bool {
        length.contains(text.count) && text.allSatisfy(allowed)
    }

    static func nameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")
    }

    /// Findings for a plan: names, quotas, schedules and time zones, windows and lifecycles.
    public static func check(_ plan: BackupPlan) -> [ValidationFinding] {
        var out: [ValidationFinding] = []
        func add(_ location: String, _ message: String) {
            out.append(ValidationFinding(file: plan.source, location: location, message: message))
        }
        if !matches(plan.name, allowed: nameCharacter, length: 1...50) {
            add("$.BackupPlan.BackupPlanName", "must be 1-50 letters, digits, '-', '_' or '.'")
        }
        if plan.rules.isEmpty { add("$.BackupPlan.Rules", "a plan needs at least one rule") }
        if plan.rules.count > 10 { add("$.BackupPlan.Rules", "at most 10 rules per plan, found \(plan.rules.count)") }
        if let (index, message) = Simulator.planProblem(plan) { add("$.BackupPlan.Rules[\(index)]", message) }
        var names = Set<String>()
        for (index, rule) in plan.rules.enumerated() {
            let at = "$.BackupPlan.Rules[\(index)]"
            if !names.insert(rule.name).inserted { add("\(at).RuleName", "rule name \(rule.name) is used twice") }
            if !matches(rule.name, allowed: nameCharacter, length: 1...50) {
                add("\(at).RuleName", "must be 1-50 letters, digits, '-', '_' or '.'")
            }
            if !matches(rule.targetVaultName, allowed: { nameCharacter($0) && $0 != "." }, length: 2...50) {
                add("\(at).TargetBackupVaultName", "must be 2-50 letters, digits, '-' or '_'")
            }
            do {
                _ = try Schedule(expression: rule.scheduleExpression, timeZone: rule.scheduleTimezone)
            } catch {
                add("\(at).ScheduleExpression", error.description)
            }
            for problem in Simulator.ruleProblems(rule) { add(at, problem) }
            if rule.copyActions.count > 5 {
                add("\(at).CopyActions", "at most 5 copy actions per rule, found \(rule.copyActions.count)")
            }
            for (i, action) in rule.copyActions.enumerated()
            where action.destinationVaultARN.service != "backup"
                || !action.destinationVaultARN.resource.hasPrefix("backup-vault:")
            {
                add("\(at).CopyActions[\(i)].DestinationBackupVaultArn", "expected a backup vault ARN")
            }
            if rule.recoveryPointTags.count > 10 {
                add("\(at).RecoveryPointTags", "at most 10 recovery point tags, found \(rule.recoveryPointTags.count)")
            }
        }
        return out
    }

    /// Findings for a selection: name, condition keys and quotas.
    public static func check(_ selection: BackupSelection, file: String) -> [ValidationFinding] {
        var out: [ValidationFinding] = []
        func add(_ location: String, _ message: String) {
            out.append(ValidationFinding(file: file, location: location, message: message))
        }
        if !matches(selection.name, allowed: { nameCharacter($0) }, length: 1...50) {
            add("$.BackupSelection.SelectionName", "must be 1-50 letters, digits, '-', '_' or '.'")
        }
        let wildcards = selection.resources.filter { $0.contains("*") }.count
        if wildcards > 30 { add("$.BackupSelection.Resources", "at most 30 ARNs with wildcards, found \(wildcards)") }
        if selection.resources.count > 500 {
            add("$.BackupSelection.Resources", "at most 500 ARNs, found \(selection.resources.count)")
        }
        for (index, pattern) in selection.resources.enumerated() where pattern != "*" && !pattern.hasPrefix("arn:") {
            add("$.BackupSelection.Resources[\(index)]", "expected an ARN or ARN pattern, or *")
        }
        if selection.listOfTags.count > 30 {
            add("$.BackupSelection.ListOfTags", "at most 30 tags per selection, found \(selection.listOfTags.count)")
        }
        let c = selection.conditions
        let conditions = c.stringEquals.count + c.stringNotEquals.count + c.stringLike.count + c.stringNotLike.count
        if conditions > 30 { add("$.BackupSelection.Conditions", "at most 30 conditions, found \(conditions)") }
        return out
    }

    /// Findings for a framework: its name and description, then each control as AWS's CreateFramework would check.
    public static func check(_ framework: Framework) -> [ValidationFinding] {
        var out: [ValidationFinding] = []
        let first = framework.name.first.map { $0.isASCII && $0.isLetter } ?? false
        if !first
            || !matches(
                framework.name,
                allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") },
                length: 1...256
            )
        {
            out.append(
                ValidationFinding(
                    file: framework.source,
                    location: "$.FrameworkName",
                    message: "must start with a letter and hold only letters, digits and '_' (1-256)"
                )
            )
        }
        if framework.description.count > 1024 {
            out.append(
                ValidationFinding(
                    file: framework.source,
                    location: "$.FrameworkDescription",
                    message: "at most 1024 characters"
                )
            )
        }
        for (index, control) in framework.controls.enumerated() {
            var single = framework
            single.controls = [control]
            do {
                try ControlCatalog.validate(single)
            } catch let error as ControlError {
                out.append(
                    ValidationFinding(
                        file: framework.source,
                        location: "$.FrameworkControls[\(index)]",
                        message: "\(control.name): \(error.message)"
                    )
                )
            } catch {
                out.append(
                    ValidationFinding(
                        file: framework.source,
                        location: "$.FrameworkControls[\(index)]",
                        message: "\(error)"
                    )
                )
            }
        }
        if Set(framework.controls.map(\.name)).count != framework.controls.count {
            out.append(
                ValidationFinding(
                    file: framework.source,
                    location: "$.FrameworkControls",
                    message: "a control appears twice"
                )
            )
        }
        return out
    }

    /// Findings for a vault list: names and lock settings.
    public static func check(_ vaults: [Vault], file: String) -> [ValidationFinding] {
        var out: [ValidationFinding] = []
        for (index, vault) in vaults.enumerated() {
            let at = "$.BackupVaultList[\(index)]"
            if let min = vault.minRetentionDays, min < 1 {
                out.append(
                    ValidationFinding(file: file, location: "\(at).MinRetentionDays", message: "must be at least 1")
                )
            }
            if let max = vault.maxRetentionDays, max > 36_500 {
                out.append(
                    ValidationFinding(file: file, location: "\(at).MaxRetentionDays", message: "must be at most 36500")
                )
            }
            if let min = vault.minRetentionDays, let max = vault.maxRetentionDays, min > max {
                out.append(
                    ValidationFinding(
                        file: file,
                        location: at,
                        message: "MinRetentionDays \(min) exceeds MaxRetentionDays \(max)"
                    )
                )
            }
        }
        return out
    }
}
