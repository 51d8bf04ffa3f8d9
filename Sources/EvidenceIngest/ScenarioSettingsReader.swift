public import EvidenceModel

/// Overrides that scenario.json declares for one resource, keyed by ARN.
public struct ResourceOverride: Hashable, Sendable {
    public var createdAt: Instant?
    public var deletedAt: Instant?
    public var stopped: [Interval] = []
    public var encrypted: Bool?
    public var kmsKeyARN: String?
    public var engine: BackupResourceType?
    public var sizeBytes: Int64?
    public var restoreMinutes: Int?
}

/// scenario.json, read and validated.
struct ScenarioFile {
    var settings: ScenarioSettings
    var resourceOverrides: [String: ResourceOverride]
    /// Tags of plans (and other resources whose export cannot carry them), keyed by ARN.
    var tags: [String: [String: String]]
    /// `limits`: what the readers take from one file before refusing it.
    var limits = ReadLimits.defaults

    static func read(_ root: JSONNode) throws -> ScenarioFile {
        let name = try root.required("name").identifier()
        let monthNode = try root.required("month")
        let monthText = try monthNode.string()
        guard let month = Month(monthText) else {
            throw monthNode.failure("expected a month as YYYY-MM, found \"\(monthText)\"")
        }
        let seedNode = try root.required("seed")
        let seed = try seedNode.int()
        guard seed >= 0 else { throw seedNode.failure("expected a non-negative integer") }
        let chainID = try root.optional("chain_id")?.identifier()

        var accounts: [String: AccountSettings] = [:]
        if let node = try root.optional("accounts") {
            for (account, entry) in try node.members() {
                guard ARN.isAccountID(account) else { throw entry.failure("expected a 12-digit account id as the key") }
                accounts[account] = AccountSettings(
                    name: try entry.optional("name")?.string() ?? "",
                    pathToRoot: try entry.optional("path_to_root")?.string() ?? ""
                )
            }
        }

        var overrides: [String: ResourceOverride] = [:]
        if let node = try root.optional("resources") {
            for (arnText, entry) in try node.members() {
                guard ARN(arnText) != nil else {
                    throw entry.failure("expected an ARN as the key, found \"\(arnText)\"")
                }
                var o = ResourceOverride()
                o.createdAt = try entry.optional("created")?.instant()
                o.deletedAt = try entry.optional("deleted")?.instant()
                for span in try entry.optionalArray("stopped") {
                    let from = try span.required("from").instant()
                    let to = try span.required("to").instant()
                    guard from < to else { throw span.failure("expected 'from' before 'to'") }
                    o.stopped.append(Interval(start: from, end: to))
                }
                o.encrypted = try entry.optional("encrypted")?.bool()
                o.kmsKeyARN = try entry.optional("kms_key_arn").map { try $0.arn().description }
                if let engineNode = try entry.optional("engine") {
                    let engine = try engineNode.string()
                    switch engine.lowercased() {
                    case "aurora", "aurora-mysql", "aurora-postgresql": o.engine = .aurora
                    case "neptune": o.engine = .neptune
                    case "docdb", "documentdb": o.engine = .documentDB
                    default:
                        throw engineNode.failure(
                            "\"\(engine)\" is not a cluster engine (expected aurora, neptune or docdb)"
                        )
                    }
                }
                o.sizeBytes = try entry.optional("size_bytes").map { Int64(try $0.int()) }
                o.restoreMinutes = try entry.optional("restore_minutes")?.int()
                overrides[arnText] = o
            }
        }

        var tags: [String: [String: String]] = [:]
        if let node = try root.optional("tags") {
            for (arnText, entry) in try node.members() {
                guard ARN(arnText) != nil else {
                    throw entry.failure("expected an ARN as the key, found \"\(arnText)\"")
                }
                tags[arnText] = try entry.stringMap()
            }
        }

        var faults: [FaultRule] = []
        for node in try root.optionalArray("faults") {
            var fault = FaultRule(kind: try node.required("kind").enumeration(FaultRule.Kind.self, named: "fault kind"))
            if let rateNode = try node.optional("rate") {
                let rate = try rateNode.double()
                guard (0...1).contains(rate) else { throw rateNode.failure("expected a rate between 0 and 1") }
                fault.rate = rate
            }
            fault.resources = try node.optionalArray("resources").map { try $0.string() }
            if let tag = try node.optional("tag") {
                fault.tagKey = try tag.required("Key").identifier()
                fault.tagValue = try tag.optional("Value")?.string()
            }
            fault.resourceType = try node.optional("service")?.enumeration(
                BackupResourceType.self,
                named: "resource type"
            )
            fault.planName = try node.optional("plan")?.identifier()
            let from = try node.optional("from")?.instant()
            let to = try node.optional("to")?.instant()
            if from != nil || to != nil {
                fault.window = Interval(
                    start: from ?? Instant(milliseconds: Int64.min / 2),
                    end: to ?? Instant(milliseconds: Int64.max / 2)
                )
            }
            fault.message = try node.optional("message")?.string()
            if let delay = try node.optional("delay_minutes") {
                let minutes = try delay.int()
                guard minutes >= 0 else { throw delay.failure("expected a non-negative number of minutes") }
                fault.delayMinutes = minutes
            }
            faults.append(fault)
        }

        var restoreTests: [RestoreTest] = []
        for node in try root.optionalArray("restore_tests") {
            let minutesNode = try node.required("minutes")
            let minutes = try minutesNode.int()
            guard minutes >= 0 else { throw minutesNode.failure("expected a non-negative number of minutes") }
            restoreTests.append(
                RestoreTest(
                    resourceARN: try node.required("resource").arn().description,
                    at: try node.required("at").instant(),
                    minutes: minutes,
                    status: try node.optional("status")?.enumeration(RestoreJobStatus.self, named: "restore job status")
                        ?? .completed,
                    message: try node.optional("message")?.string() ?? ""
                )
            )
        }

        return ScenarioFile(
            settings: ScenarioSettings(
                name: name,
                month: month,
                seed: UInt64(seed),
                chainID: chainID,
                accounts: accounts,
                faults: faults,
                restoreTests: restoreTests
            ),
            resourceOverrides: overrides,
            tags: tags,
            limits: try readLimits(root.optional("limits"))
        )
    }

    /// `limits`: each member a positive integer that replaces one default of ``ReadLimits``.
    private static func readLimits(_ node: JSONNode?) throws -> ReadLimits {
        var limits = ReadLimits.defaults
        guard let node else { return limits }
        for (name, value) in try node.members() {
            let number = try value.int()
            guard number > 0 else { throw value.failure("expected a positive integer") }
            switch name {
            case "yaml_nodes": limits.yamlNodes = number
            case "inflated_bytes_per_file": limits.inflatedBytesPerFile = number
            case "record_bytes": limits.recordBytes = number
            default:
                let known = ReadLimits.names.joined(separator: ", ")
                throw value.failure("unknown limit '\(name)' (expected one of \(known))")
            }
        }
        return limits
    }
}
