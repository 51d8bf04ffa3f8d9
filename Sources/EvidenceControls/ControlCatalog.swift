public import EvidenceModel
public import EvidenceSimulation
internal import Foundation

/// Why a framework's control cannot be evaluated: unknown name, bad parameter or scope.
public struct ControlError: Error, Hashable, CustomStringConvertible {
    public var file: String
    public var framework: String
    public var control: String
    public var message: String

    public init(file: String, framework: String, control: String, message: String) {
        self.file = file
        self.framework = framework
        self.control = control
        self.message = message
    }

    public var description: String { "\(file): framework \(framework), control \(control): \(message)" }
}

/// The single ordered list of controls; reports list controls in this order.
public enum ControlCatalog {
    /// Every AWS Backup Audit Manager control (facts sheet §2.4), in report order.
    public static let all: [any Control.Type] = [
        ResourcesProtectedByBackupPlan.self,
        PlanMinFrequencyAndMinRetention.self,
        RecoveryPointManualDeletionDisabled.self,
        RecoveryPointEncrypted.self,
        RecoveryPointMinimumRetention.self,
        ResourcesProtectedByCrossRegion.self,
        ResourcesProtectedByCrossAccount.self,
        ResourcesProtectedByBackupVaultLock.self,
        LastRecoveryPointCreated.self,
        RestoreTimeMeetsTarget.self,
        ResourcesInLogicallyAirGappedVault.self,
    ]

    /// The control names, in report order.
    public static var names: [String] { all.map { $0.name } }

    public static func control(named name: String) -> (any Control.Type)? { all.first { $0.name == name } }

    /// The position of a control in report order.
    public static func order(of name: String) -> Int { all.firstIndex { $0.name == name } ?? all.count }

    /// Checks a framework's controls as AWS would on CreateFramework: known names, known parameters within
    /// their ranges, accepted scope kinds, at most one scope tag.
    public static func validate(_ framework: Framework) throws {
        func fail(_ control: String, _ message: String) -> ControlError {
            ControlError(file: framework.source, framework: framework.name, control: control, message: message)
        }
        for control in framework.controls {
            guard let type = ControlCatalog.control(named: control.name) else {
                throw fail(
                    control.name,
                    "not an AWS Backup Audit Manager control; valid names: \(names.joined(separator: ", "))"
                )
            }
            for name in type.requiredParameters where control.parameter(name) == nil {
                throw fail(control.name, "parameter \(name) is required")
            }
            var seen = Set<String>()
            for parameter in control.parameters {
                guard seen.insert(parameter.name).inserted else {
                    throw fail(control.name, "parameter \(parameter.name) is given twice")
                }
                guard let spec = type.parameters.first(where: { $0.name == parameter.name }) else {
                    let known = type.parameters.map(\.name)
                    throw fail(
                        control.name,
                        "unknown parameter \(parameter.name)"
                            + (known.isEmpty
                                ? "; this control takes none" : "; expected one of \(known.joined(separator: ", "))")
                    )
                }
                try check(parameter.value, spec: spec, control: control) { fail(control.name, $0) }
            }
            let scope = control.scope
            var kinds: [ScopeKind] = []
            if !scope.resourceTypes.isEmpty { kinds.append(.resourceTypes) }
            if !scope.tags.isEmpty { kinds.append(.tags) }
            if !scope.resourceIDs.isEmpty { kinds.append(.singleResource) }
            for kind in kinds where !type.scopeKinds.contains(kind) {
                throw fail(control.name, "scope \(kind.rawValue) is not accepted by this control")
            }
            if scope.tags.count > 1 { throw fail(control.name, "scope Tags holds at most one tag") }
            for name in scope.resourceTypes where BackupResourceType(rawValue: name) == nil {
                throw fail(
                    control.name,
                    "scope ComplianceResourceTypes: \"\(name)\" is not an AWS Backup resource type"
                )
            }
            if scope.resourceIDs.count > 100 {
                throw fail(control.name, "scope ComplianceResourceIds holds at most 100 ids")
            }
        }
    }

    private static func check(
        _ value: String,
        spec: ParameterSpec,
        control: FrameworkControl,
        fail: (String) -> ControlError
    ) throws {
        let name = spec.name
        switch spec.kind {
        case .integer(let range):
            guard let number = Int(value), range.contains(number) else {
                throw fail(
                    "parameter \(name) must be an integer from \(range.lowerBound) to \(range.upperBound)\(spec.units.isEmpty ? "" : " (\(spec.units))"), found \"\(value)\""
                )
            }
        case .integerByUnit(let unitName, let ranges):
            let unit = control.parameter(unitName) ?? "days"
            guard let range = ranges[unit] else { return }
            guard let number = Int(value), range.contains(number) else {
                throw fail(
                    "parameter \(name) must be an integer from \(range.lowerBound) to \(range.upperBound) when \(unitName) is \(unit), found \"\(value)\""
                )
            }
        case .oneOf(let allowed):
            guard allowed.contains(value) else {
                throw fail("parameter \(name) must be one of \(allowed.joined(separator: ", ")), found \"\(value)\"")
            }
        case .list(let max, let item):
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard items.count <= max, items.allSatisfy({ !$0.isEmpty }) else {
                throw fail("parameter \(name) must be a comma-separated list of at most \(max) \(item)s")
            }
            if item == "region", let bad = items.first(where: { !ARN.isRegion($0) }) {
                throw fail("parameter \(name): \"\(bad)\" is not a Region code")
            }
            if item == "arn", let bad = items.first(where: { ARN($0) == nil }) {
                throw fail("parameter \(name): \"\(bad)\" is not an ARN")
            }
            if item == "account", let bad = items.first(where: { !ARN.isAccountID($0) }) {
                throw fail("parameter \(name): \"\(bad)\" is not a 12-digit account id")
            }
        }
    }
}

/// One framework control evaluated in one account/Region folder.
public struct ControlEvaluation: Sendable {
    public var location: AccountRegion
    public var framework: Framework
    public var control: FrameworkControl
    public var frequency: String?
    public var verdicts: [ResourceVerdict]

    /// The control's status, rolled up as AWS does.
    ///
    /// Facts sheet §2.3: NON_COMPLIANT when any resource fails, COMPLIANT when all evaluated
    /// pass, INSUFFICIENT_DATA when nothing was in scope. NOT_APPLICABLE verdicts count toward neither.
    public var status: ComplianceStatus {
        if verdicts.contains(where: { $0.status == .nonCompliant }) { return .nonCompliant }
        if verdicts.contains(where: { $0.status == .compliant }) { return .compliant }
        return .insufficientData
    }

    public var compliantCount: Int { verdicts.filter { $0.status == .compliant }.count }
    public var nonCompliantCount: Int { verdicts.filter { $0.status == .nonCompliant }.count }
}

/// One framework control to evaluate in its framework's account and Region.
public struct ControlWork: Sendable {
    public var framework: Framework
    public var control: FrameworkControl
    public var type: any Control.Type
    public var context: ControlContext

    public var location: AccountRegion { context.location }
}

/// Evaluates every framework of the estate against a simulation.
public enum ComplianceEvaluator {
    /// Every control of every framework, validated, sorted by account, Region, framework name, then catalog order
    /// of the control (the order of the compliance reports).
    public static func work(index: EstateIndex, month: Month, asOf: Instant) throws -> [ControlWork] {
        var work: [ControlWork] = []
        for framework in index.estate.frameworks {
            try ControlCatalog.validate(framework)
            for control in framework.controls {
                guard let type = ControlCatalog.control(named: control.name) else { continue }
                let location = AccountRegion(account: framework.account, region: framework.region)
                work.append(
                    ControlWork(
                        framework: framework,
                        control: control,
                        type: type,
                        context: ControlContext(
                            index: index,
                            location: location,
                            control: control,
                            month: month,
                            asOf: asOf
                        )
                    )
                )
            }
        }
        work.sort {
            ($0.location, $0.framework.name, ControlCatalog.order(of: $0.control.name), $0.control.name)
                < ($1.location, $1.framework.name, ControlCatalog.order(of: $1.control.name), $1.control.name)
        }
        return work
    }

    /// Evaluations sorted by account, Region, framework name, then catalog order of the control; each one's
    /// verdicts sorted by Resource ID.
    public static func evaluate(estate: Estate, simulation: SimulationResult) throws -> [ControlEvaluation] {
        let index = EstateIndex(estate)
        let work = try work(index: index, month: simulation.month, asOf: simulation.asOf)
        let restores = Dictionary(grouping: simulation.restoreJobs, by: \.sourceResourceARN)
        @Sendable func facts(_ resource: Resource) -> ResourceFacts {
            ResourceFacts(
                assignments: simulation.coverage.assignments(for: resource),
                recoveryPoints: (simulation.pointsByResource[resource.arnString] ?? []).map {
                    simulation.recoveryPoints[$0]
                },
                restoreJobs: restores[resource.arnString] ?? []
            )
        }
        // Each framework control is evaluated on its own core; results keep the work list's order.
        return Parallel.map(work) { item in
            let (type, context) = (item.type, item.context)
            var verdicts: [ResourceVerdict] = []
            switch type.subject {
            case .resource:
                for resource in estate.resources where context.evaluates(resource) {
                    if let verdict = type.verdict(resource: resource, facts: facts(resource), context: context) {
                        verdicts.append(verdict)
                    }
                }
            case .recoveryPoint:
                for point in simulation.recoveryPoints where context.evaluates(point) {
                    if let verdict = type.verdict(recoveryPoint: point, context: context) { verdicts.append(verdict) }
                }
            case .plan:
                for plan in estate.plans
                where AccountRegion(account: plan.account, region: plan.region) == item.location {
                    if let verdict = type.verdict(plan: plan, context: context) { verdicts.append(verdict) }
                }
            case .vault:
                for vault in estate.vaults
                where AccountRegion(account: vault.account, region: vault.region) == item.location {
                    if let verdict = type.verdict(vault: vault, context: context) { verdicts.append(verdict) }
                }
            }
            return ControlEvaluation(
                location: item.location,
                framework: item.framework,
                control: item.control,
                frequency: type.frequency,
                verdicts: verdicts.sorted { $0.resourceID < $1.resourceID }
            )
        }
    }
}
