internal import EvidenceCompression
internal import EvidenceModel

/// Reads the job events of EventBridge (`events/*.jsonl`) and CloudTrail (`AWSLogs/**.json.gz`), facts sheet §6.
///
/// Both streams describe a job with the same camel-case keys (`backupJobId`, `state`, `resourceArn`,
/// `creationDate`, …), EventBridge under `detail` and CloudTrail under `serviceEventDetails`; one function reads
/// them. Events of other services and other kinds are skipped; a job event that is malformed is an error naming the
/// file and the JSON path.
enum EventReaders {
    // MARK: EventBridge

    /// The detail types read, with the kind of job each reports on.
    static let eventBridgeKinds: [String: JobKind] = [
        "Backup Job State Change": .backup,
        "Copy Job State Change": .copy,
        "Restore Job State Change": .restore,
    ]

    /// One line of an `events/*.jsonl` file; nil for an event that is not about a job, or a blank line.
    static func eventBridge(line: ArraySlice<UInt8>, file: String, lineNumber: Int) throws -> JobEvent? {
        if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(line))
        } catch {
            throw ImportError(
                file: file,
                location: "\(lineNumber):\(error.column)",
                message: "invalid JSON: \(error.message)"
            )
        }
        let event = JSONNode(value: value, file: "\(file):\(lineNumber)")
        guard try event.optional("source")?.string() == "aws.backup",
            let kind = eventBridgeKinds[try event.required("detail-type").string()]
        else { return nil }
        let detail = try event.required("detail")
        var base = JobEvent(
            kind: kind,
            jobID: try detail.required(idKey(kind)).identifier(),
            eventID: try event.required("id").identifier(),
            eventTime: try event.required("time").instant(),
            account: try account(event.required("account")),
            region: try region(event.required("region")),
            state: "",
            file: event.file,
            location: detail.path
        )
        base.state = try state(detail, kind: kind)
        let resources = try event.optionalArray("resources")
        return try fill(base, from: detail, firstResource: resources.first)
    }

    // MARK: CloudTrail

    /// The service events read, with the kind of job and the state when the record does not give one.
    private static let serviceEvents: [String: (JobKind, String?)] = [
        "BackupJobStarted": (.backup, "RUNNING"),
        "BackupJobCompleted": (.backup, nil),
        "CopyJobStarted": (.copy, "RUNNING"),
        "CopyJobCompleted": (.copy, nil),
        "RestoreStarted": (.restore, "RUNNING"),
        "RestoreCompleted": (.restore, nil),
    ]

    private static let backupSource = Array("backup.amazonaws.com".utf8)

    /// Whether `needle` occurs in `haystack`.
    private static func mentions(_ needle: [UInt8], _ haystack: ArraySlice<UInt8>) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            var index = 0
            let last = hay.count - needle.count
            while index <= last {
                if hay[index] == first {
                    var matched = 1
                    while matched < needle.count, hay[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// API calls that start a job; their response carries the new job's id.
    private static let startCalls: [String: JobKind] = [
        "StartBackupJob": .backup,
        "StartCopyJob": .copy,
        "StartRestoreJob": .restore,
    ]

    /// The job events of one CloudTrail log file whose JSON is held whole, and its count of records: a file that is
    /// not `{"Records": [...]}` alone (``RecordSplitter`` reads those as they inflate), or a test's.
    static func cloudTrail(json: [UInt8], file: String) throws -> ([JobEvent], Int) {
        let ranges: [Range<Int>]?
        do {
            ranges = try JSONParser.elementRanges(ofArray: "Records", in: json)
        } catch {
            throw ImportError(
                file: file,
                location: "\(error.line):\(error.column)",
                message: "invalid JSON: \(error.message)"
            )
        }
        guard let ranges else {
            // Not a log file: the full reader names what is wrong.
            _ = try JSONNode.parse(json, file: file).required("Records").array()
            return ([], 0)
        }
        var events: [JobEvent] = []
        for (position, range) in ranges.enumerated() {
            let event = try cloudTrailRecord(Array(json[range]), position: position, file: file) { _ in
                "$.Records[\(position)]"
            }
            if let event { events.append(event) }
        }
        return (events, ranges.count)
    }

    /// The job event of one record of a CloudTrail log file, read as its file is inflated (``RecordSplitter``).
    static func cloudTrailRecord(_ record: RecordSplitter.Record, file: String) throws -> JobEvent? {
        try cloudTrailRecord(record.bytes, position: record.position, file: file) { record.location(of: $0) }
    }

    /// The job event of one record, or nil for a record of another service or kind; `located` places a syntax
    /// error in the record.
    ///
    /// Every record is an object; a number, string, array or null in `Records` is not a log file's. Only records
    /// that mention AWS Backup are built into values (a trail holds every service's records, and AWS Backup's are
    /// few among them); the others are checked for syntax only.
    private static func cloudTrailRecord(
        _ bytes: [UInt8],
        position: Int,
        file: String,
        located: (JSONSyntaxError) -> String
    ) throws -> JobEvent? {
        if let first = bytes.first(where: { ![32, 9, 10, 13].contains($0) }), first != UInt8(ascii: "{") {
            let found: String
            switch first {
            case UInt8(ascii: "["): found = "an array"
            case UInt8(ascii: "\""): found = "a string"
            case UInt8(ascii: "n"): found = "null"
            case UInt8(ascii: "t"), UInt8(ascii: "f"): found = "a boolean"
            default: found = "a number"
            }
            throw ImportError(
                file: file,
                location: "$.Records[\(position)]",
                message: "expected an object (a CloudTrail record), found \(found)"
            )
        }
        guard mentions(Self.backupSource, bytes[...]) else {
            do {
                try JSONParser.validate(bytes)
            } catch {
                throw ImportError(file: file, location: located(error), message: "invalid JSON: \(error.message)")
            }
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ImportError(file: file, location: located(error), message: "invalid JSON: \(error.message)")
        }
        let record = JSONNode(value: value, file: file, path: "$.Records[\(position)]")
        guard try record.optional("eventSource")?.string() == "backup.amazonaws.com" else { return nil }
        let name = try record.required("eventName").string()
        if let (kind, defaultState) = serviceEvents[name] {
            let details = try record.required("serviceEventDetails")
            var base = try recordBase(record, kind: kind, jobID: details.required(idKey(kind)).identifier())
            base.location = details.path
            if let defaultState, try details.optional(stateKey(kind)) == nil {
                base.state = defaultState
            } else {
                base.state = try state(details, kind: kind)
            }
            return try fill(base, from: details, firstResource: nil)
        } else if let kind = startCalls[name], try record.optional("errorCode") == nil {
            guard let response = try record.optional("responseElements") else { return nil }
            let request = try record.optional("requestParameters")
            var base = try recordBase(record, kind: kind, jobID: response.required(idKey(kind)).identifier())
            base.location = response.path
            base.state = "CREATED"
            base.creationDate = try response.optional("creationDate")?.instant()
            if let request {
                base = try fill(base, from: request, firstResource: nil)
                // The request names the vault; its ARN takes the partition of the ARNs beside it.
                let partition =
                    [base.resourceARN, base.recoveryPointARN, base.iamRoleARN]
                    .compactMap { $0.flatMap(ARN.init)?.partition }.first ?? "aws"
                for key in ["backupVaultName", "sourceBackupVaultName"] {
                    if let name = try request.optional(key)?.string() {
                        base.vaultARN =
                            ARN.backupVault(
                                partition: partition,
                                region: base.region,
                                account: base.account,
                                name: name
                            ).description
                    }
                }
            }
            return base
        }
        return nil
    }

    private static func recordBase(_ record: JSONNode, kind: JobKind, jobID: String) throws -> JobEvent {
        let account: String
        if let recipient = try record.optional("recipientAccountId") {
            account = try Self.account(recipient)
        } else {
            account = try Self.account(try record.required("userIdentity").required("accountId"))
        }
        return JobEvent(
            kind: kind,
            jobID: jobID,
            eventID: try record.required("eventID").identifier(),
            eventTime: try record.required("eventTime").instant(),
            account: account,
            region: try region(record.required("awsRegion")),
            state: "",
            file: record.file,
            location: record.path
        )
    }

    // MARK: Shared detail keys

    private static func idKey(_ kind: JobKind) -> String {
        switch kind {
        case .backup: "backupJobId"
        case .copy: "copyJobId"
        case .restore: "restoreJobId"
        }
    }

    private static func stateKey(_ kind: JobKind) -> String { kind == .restore ? "status" : "state" }

    /// The job's state: `state` for backup and copy jobs, `status` for restore jobs (either is accepted, as
    /// AWS's own samples mix them, facts sheet §6.1), validated against the job kind's enumeration.
    private static func state(_ detail: JSONNode, kind: JobKind) throws -> String {
        let node: JSONNode
        if let first = try detail.optional(stateKey(kind)) {
            node = first
        } else if let other = try detail.optional(kind == .restore ? "state" : "status") {
            node = other
        } else {
            node = try detail.required(stateKey(kind))
        }
        switch kind {
        case .backup: return try node.enumeration(BackupJobState.self, named: "backup job state").rawValue
        case .copy: return try node.enumeration(CopyJobState.self, named: "copy job state").rawValue
        case .restore: return try node.enumeration(RestoreJobStatus.self, named: "restore job status").rawValue
        }
    }

    private static func account(_ node: JSONNode) throws -> String {
        let text = try node.string()
        guard ARN.isAccountID(text) else { throw node.failure("expected a 12-digit account id, found \"\(text)\"") }
        return text
    }

    private static func region(_ node: JSONNode) throws -> String {
        let text = try node.string()
        guard ARN.isRegion(text) else { throw node.failure("expected a Region such as us-east-1, found \"\(text)\"") }
        return text
    }

    /// An ARN field, or nil when absent or given as the empty object AWS sends before the value is known.
    private static func optionalARN(_ detail: JSONNode, _ key: String) throws -> String? {
        guard let node = try detail.optional(key) else { return nil }
        if case .object(let members) = node.value, members.isEmpty { return nil }
        guard case .string(let text) = node.value else { throw node.expected("an ARN") }
        if text.isEmpty { return nil }
        guard ARN.isWellFormed(text) else { throw node.failure("expected an ARN, found \"\(text)\"") }
        return text
    }

    private static func text(_ node: JSONNode?) throws -> String? {
        guard let node else { return nil }
        switch node.value {
        case .number(let literal), .string(let literal): return literal
        default: throw node.expected("a number or a string")
        }
    }

    /// Copies every job field the detail carries onto the event.
    static func fill(_ base: JobEvent, from detail: JSONNode, firstResource: JSONNode?) throws -> JobEvent {
        var event = base
        event.resourceType = try detail.optional("resourceType")?
            .enumeration(BackupResourceType.self, named: "resource type").rawValue
        event.creationDate = try detail.optional("creationDate")?.instant() ?? base.creationDate
        event.completionDate = try detail.optional("completionDate")?.instant()
        event.startBy = try detail.optional("startBy")?.instant()
        event.expectedCompletionDate = try detail.optional("expectedCompletionDate")?.instant()
        event.statusMessage = try detail.optional("statusMessage")?.string()
        event.sizeBytes = try detail.optional("backupSizeInBytes").map { Int64(try $0.int()) }
        event.percentDone = try text(detail.optional("percentDone"))
        event.iamRoleARN = try optionalARN(detail, "iamRoleArn")
        event.vaultName = try detail.optional("backupVaultName")?.string()
        event.isEncrypted = try detail.optional("isEncrypted")?.bool()
        if let createdBy = try detail.optional("createdBy") {
            event.planID = try createdBy.optional("backupPlanId")?.string()
            event.planARN = try createdBy.optional("backupPlanArn")?.string()
            event.planVersion = try createdBy.optional("backupPlanVersion")?.string()
            event.ruleID =
                try createdBy.optional("backupPlanRuleId")?.string()
                ?? createdBy.optional("backupRuleId")?.string()
        }
        let resource = try firstResource.map { try $0.arn().description }
        switch base.kind {
        case .backup:
            event.resourceARN = try optionalARN(detail, "resourceArn")
            event.vaultARN = try optionalARN(detail, "backupVaultArn")
            event.recoveryPointARN = try optionalARN(detail, "recoveryPointArn") ?? resource
        case .copy:
            event.resourceARN = try optionalARN(detail, "resourceArn")
            event.vaultARN = try optionalARN(detail, "sourceBackupVaultArn")
            event.recoveryPointARN =
                try optionalARN(detail, "sourceRecoveryPointArn") ?? optionalARN(detail, "recoveryPointArn") ?? resource
            event.destinationVaultARN = try optionalARN(detail, "destinationBackupVaultArn")
            event.destinationRecoveryPointARN = try optionalARN(detail, "destinationRecoveryPointArn")
        case .restore:
            event.resourceARN = try optionalARN(detail, "sourceResourceArn")
            event.vaultARN = try optionalARN(detail, "backupVaultArn")
            event.recoveryPointARN = try optionalARN(detail, "recoveryPointArn")
            event.createdResourceARN = try optionalARN(detail, "createdResourceArn")
        }
        return event
    }
}
