import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidenceIngest

/// The readers against documents written from AWS's own service models (botocore) and the awscli example outputs,
/// by `Tests/oracle/aws_shapes.py` into `Tests/Fixtures/aws-shapes/` (Docs/ASSUMPTIONS.md A87).
@Suite("AWS CLI output shapes from AWS's service models")
struct AWSShapeModelTests {
    static let folder = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/aws-shapes")

    /// One step of a path: a member name or a list index.
    enum Step: Decodable, Hashable {
        case key(String)
        case index(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) {
                self = .index(index)
            } else {
                self = .key(try container.decode(String.self))
            }
        }
    }

    struct Enum: Decodable {
        var path: [Step]
        var values: [String]
    }

    struct Command: Decodable, CustomTestStringConvertible {
        var command: String
        var testDescription: String { command }
        var file: String
        var enums: [Enum]
        var optional: [[Step]]
        var required: [[Step]]
    }

    struct Example: Decodable {
        var command: String
        var file: String
    }

    struct Manifest: Decodable {
        var account: String
        var region: String
        var commands: [Command]
        var examples: [Example]
    }

    static func manifest() throws -> Manifest {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    static func document(_ file: String) throws -> JSONValue {
        try JSONParser.parse([UInt8](try Data(contentsOf: folder.appendingPathComponent(file))))
    }

    /// A path as the readers name locations: `$.BackupJobs[0].State`.
    static func display(_ path: [Step]) -> String {
        path.reduce("$") { text, step in
            switch step {
            case .key(let key): "\(text).\(key)"
            case .index(let index): "\(text)[\(index)]"
            }
        }
    }

    /// `value` with the member at `path` replaced by `new`, or removed when `new` is nil.
    static func edited(_ value: JSONValue, at path: [Step], to new: JSONValue?) -> JSONValue {
        guard let step = path.first else { return new ?? value }
        let rest = Array(path.dropFirst())
        switch (value, step) {
        case (.object(var members), .key(let key)):
            if rest.isEmpty, new == nil {
                members[key] = nil
            } else if let member = members[key] {
                members[key] = edited(member, at: rest, to: new)
            }
            return .object(members)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            items[index] = edited(items[index], at: rest, to: new)
            return .array(items)
        default:
            return value
        }
    }

    enum Outcome: Equatable, CustomStringConvertible {
        case read
        case refused(location: String, message: String)

        var description: String {
            switch self {
            case .read: "read"
            case .refused(let location, let message): "refused at \(location): \(message)"
            }
        }
    }

    /// Feeds a document to the reader of its command, in the folder of `account` and `region`.
    static func outcome(_ command: String, _ value: JSONValue, account: String, region: String) throws -> Outcome {
        let root = JSONNode(value: value, file: "\(command).json")
        let location = AccountRegion(account: account, region: region)
        do {
            switch command {
            case "get-backup-plan": _ = try AWSShapes.plan(root, location: location, tags: [:])
            case "get-backup-selection": _ = try AWSShapes.selection(root, location: location)
            case "list-backup-vaults": _ = try AWSShapes.vaults(root, location: location)
            case "describe-framework": _ = try AWSShapes.framework(root, location: location)
            case "describe-region-settings": _ = try AWSShapes.regionSettings(root)
            case "list-backup-jobs": _ = try AWSShapes.backupJobs(root, location: location)
            case "list-copy-jobs": _ = try AWSShapes.copyJobs(root, location: location)
            case "list-restore-jobs": _ = try AWSShapes.restoreJobs(root, location: location)
            case "get-resources": _ = try AWSShapes.resources(root, location: location, overrides: [:])
            case "describe-effective-policy":
                _ = try EffectiveBackupPolicy.read(root, account: account, regions: [region])
            default: Issue.record("no reader for \(command)")
            }
            return .read
        } catch let error as ImportError {
            #expect(!error.description.contains("\n"), "\(error.description) is more than one line")
            #expect(error.file == "\(command).json")
            return .refused(location: error.location, message: error.message)
        }
    }

    /// Members the model leaves optional that the tool requires: what it cannot read a document without (A87).
    static let toolRequires: [String: Set<String>] = [
        "get-backup-plan": [
            "$.BackupPlan", "$.BackupPlanId", "$.BackupPlanArn", "$.BackupPlan.Rules[0].RuleId",
            "$.BackupPlan.AdvancedBackupSettings[0].ResourceType",
        ],
        "get-backup-selection": [
            "$.BackupSelection", "$.SelectionId", "$.BackupPlanId",
            "$.BackupSelection.Conditions.StringEquals[0].ConditionKey",
            "$.BackupSelection.Conditions.StringEquals[0].ConditionValue",
            "$.BackupSelection.Conditions.StringNotEquals[0].ConditionKey",
            "$.BackupSelection.Conditions.StringNotEquals[0].ConditionValue",
            "$.BackupSelection.Conditions.StringLike[0].ConditionKey",
            "$.BackupSelection.Conditions.StringLike[0].ConditionValue",
            "$.BackupSelection.Conditions.StringNotLike[0].ConditionKey",
            "$.BackupSelection.Conditions.StringNotLike[0].ConditionValue",
        ],
        "list-backup-vaults": [
            "$.BackupVaultList", "$.BackupVaultList[0].BackupVaultName", "$.BackupVaultList[0].BackupVaultArn",
        ],
        "describe-framework": [
            "$.FrameworkName", "$.FrameworkControls",
            "$.FrameworkControls[0].ControlInputParameters[0].ParameterName",
            "$.FrameworkControls[0].ControlInputParameters[0].ParameterValue",
        ],
        "list-backup-jobs": [
            "$.BackupJobs", "$.BackupJobs[0].BackupJobId", "$.BackupJobs[0].ResourceArn",
            "$.BackupJobs[0].CreationDate", "$.BackupJobs[0].State",
        ],
        "list-copy-jobs": [
            "$.CopyJobs", "$.CopyJobs[0].CopyJobId", "$.CopyJobs[0].ResourceArn", "$.CopyJobs[0].CreationDate",
            "$.CopyJobs[0].State", "$.CopyJobs[0].SourceRecoveryPointArn", "$.CopyJobs[0].SourceBackupVaultArn",
            "$.CopyJobs[0].DestinationBackupVaultArn",
        ],
        "list-restore-jobs": [
            "$.RestoreJobs", "$.RestoreJobs[0].RestoreJobId", "$.RestoreJobs[0].RecoveryPointArn",
            "$.RestoreJobs[0].CreationDate", "$.RestoreJobs[0].Status",
        ],
        "describe-region-settings": [],
        "get-resources": ["$.ResourceTagMappingList", "$.ResourceTagMappingList[0].ResourceARN"],
        "describe-effective-policy": [
            "$.EffectivePolicy", "$.EffectivePolicy.PolicyContent", "$.EffectivePolicy.PolicyType",
        ],
    ]

    /// The enum members the tool reads, and the model values it accepts there; every other enum member is ignored.
    static let toolReadsEnum: [String: [String: Set<String>]] = [
        "get-backup-selection": ["$.BackupSelection.ListOfTags[0].ConditionType": ["STRINGEQUALS"]],
        "list-backup-vaults": [
            "$.BackupVaultList[0].VaultType": [
                "BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", "RESTORE_ACCESS_BACKUP_VAULT",
            ]
        ],
        "list-backup-jobs": [
            "$.BackupJobs[0].State": [
                "CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL",
            ]
        ],
        "list-copy-jobs": ["$.CopyJobs[0].State": ["CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"]],
        "list-restore-jobs": ["$.RestoreJobs[0].Status": ["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"]],
        "describe-effective-policy": ["$.EffectivePolicy.PolicyType": ["BACKUP_POLICY"]],
    ]

    @Test("The manifest covers every command the tool reads")
    func coverage() throws {
        let commands = Set(try Self.manifest().commands.map(\.command))
        #expect(commands == Set(Self.toolRequires.keys))
        #expect(Self.toolReadsEnum.keys.allSatisfy(commands.contains))
    }

    @Test("Every member present, members no model defines included, reads", arguments: try manifest().commands)
    func full(command: Command) throws {
        let manifest = try Self.manifest()
        let text = try String(contentsOf: Self.folder.appendingPathComponent(command.file), encoding: .utf8)
        #expect(text.contains("\"ZzNotInModel\""))
        let outcome = try Self.outcome(
            command.command,
            try Self.document(command.file),
            account: manifest.account,
            region: manifest.region
        )
        #expect(outcome == .read, "\(command.command): \(outcome)")
    }

    @Test(
        "Each member absent: read, or refused at that member when the tool requires it",
        arguments: try manifest().commands
    )
    func absent(command: Command) throws {
        let manifest = try Self.manifest()
        let document = try Self.document(command.file)
        let requires = Self.toolRequires[command.command] ?? []
        for path in command.optional + command.required {
            let shown = Self.display(path)
            let outcome = try Self.outcome(
                command.command,
                Self.edited(document, at: path, to: nil),
                account: manifest.account,
                region: manifest.region
            )
            if requires.contains(shown) {
                #expect(outcome == .refused(location: shown, message: "missing required field"), "\(shown)")
            } else if command.required.contains(path) {
                #expect(
                    outcome == .read || outcome == .refused(location: shown, message: "missing required field"),
                    "\(shown): \(outcome)"
                )
            } else {
                #expect(outcome == .read, "\(command.command) without \(shown): \(outcome)")
            }
        }
    }

    @Test(
        "Every enum value the model knows is read where the tool accepts it; a value it does not know is refused",
        arguments: try manifest().commands
    )
    func enums(command: Command) throws {
        let manifest = try Self.manifest()
        let document = try Self.document(command.file)
        let reads = Self.toolReadsEnum[command.command] ?? [:]
        // Values of the tool's own enums that this command's model does not list (the summary API's copy states,
        // the events' CREATED restore status) are refused here too.
        let toolValues: [String: [String]] = [
            "$.BackupJobs[0].State": BackupJobState.allCases.map(\.rawValue),
            "$.CopyJobs[0].State": CopyJobState.allCases.map(\.rawValue),
            "$.RestoreJobs[0].Status": RestoreJobStatus.allCases.map(\.rawValue),
        ]
        for member in command.enums {
            let shown = Self.display(member.path)
            let accepted = reads[shown]
            let beyond = (toolValues[shown] ?? []).filter { !member.values.contains($0) }
            for value in member.values + beyond + ["NOT_A_MODEL_VALUE"] {
                let outcome = try Self.outcome(
                    command.command,
                    Self.edited(document, at: member.path, to: .string(value)),
                    account: manifest.account,
                    region: manifest.region
                )
                if let accepted, !accepted.contains(value) {
                    guard case .refused(let location, let message) = outcome else {
                        Issue.record("\(shown) = \(value) was read")
                        continue
                    }
                    #expect(location == shown && message.hasPrefix("\"\(value)\" is not a"), "\(message)")
                } else {
                    #expect(outcome == .read, "\(shown) = \(value): \(outcome)")
                }
            }
        }
        // The enum members the tool reads are those the model defines as enums there.
        #expect(Set(reads.keys).isSubset(of: Set(command.enums.map { Self.display($0.path) })))
    }

    @Test("ResourceType is read by AWS's names, not the model's pattern: \"Storage Gateway\" reads")
    func resourceTypeNames() throws {
        let manifest = try Self.manifest()
        let cases = [
            ("list-backup-jobs", "BackupJobs"), ("list-copy-jobs", "CopyJobs"), ("list-restore-jobs", "RestoreJobs"),
        ]
        for (command, list) in cases {
            let document = try Self.document("\(command).json")
            let path: [Step] = [.key(list), .index(0), .key("ResourceType")]
            for name in BackupResourceType.allCases.map(\.rawValue) {
                let outcome = try Self.outcome(
                    command,
                    Self.edited(document, at: path, to: .string(name)),
                    account: manifest.account,
                    region: manifest.region
                )
                #expect(outcome == .read, "\(command) ResourceType \(name): \(outcome)")
            }
        }
    }

    @Test("The awscli example outputs read as they are")
    func awscliExamples() throws {
        let manifest = try Self.manifest()
        #expect(manifest.examples.map(\.file).count >= 4)
        for example in manifest.examples {
            // The examples' account and Region.
            let outcome = try Self.outcome(
                example.command,
                try Self.document(example.file),
                account: "123456789012",
                region: "us-west-2"
            )
            #expect(outcome == .read, "\(example.file): \(outcome)")
        }
        let root = JSONNode(value: try Self.document("awscli-examples/list-backup-jobs-1.json"), file: "example")
        let jobs = try AWSShapes.backupJobs(root, location: AccountRegion(account: "123456789012", region: "us-west-2"))
        #expect(jobs.map(\.state) == [.created, .completed])
        #expect(jobs.map(\.resourceType) == ["EC2", "EFS"])
        #expect(jobs[1].completionDate == Instant(iso8601: "2020-09-21T20:55:44.488Z"))
        // get-resources' example lists an Inspector target, which AWS Backup does not protect (A85).
        let resources = JSONNode(value: try Self.document("awscli-examples/get-resources-1.json"), file: "example")
        #expect(
            try AWSShapes.resources(
                resources,
                location: AccountRegion(account: "123456789012", region: "us-west-2"),
                overrides: [:]
            ).isEmpty
        )
    }
}
