internal import EvidenceCompression
public import EvidenceModel
internal import EvidenceSimulation

/// Writes jobs as the event streams AWS delivers: CloudTrail log files and EventBridge events (facts sheet §6).
///
/// Used to build event-stream scenarios from simulated jobs and to benchmark the readers at scale. The output has
/// the streams' real quirks so that a reader is tested against them: records out of order and spread over files by
/// delivery time, repeated deliveries of the same event id, sizes as strings in EventBridge and as numbers in
/// CloudTrail, CloudTrail's `{"seconds", "nanos"}` timestamps, and English dates in `expectedCompletionDate`. The
/// same jobs and options give the same bytes.
public enum JobEventExport {
    /// How the jobs are split between the streams and how the files are cut.
    public struct Options: Sendable {
        /// Seeds event ids, file-name suffixes and shuffling.
        public var seed: UInt64
        /// Accounts whose jobs go to CloudTrail; all others go to EventBridge.
        public var cloudTrailAccounts: Set<String>
        /// When set, CloudTrail files use an organization trail's layout, `AWSLogs/<org>/<account>/…`.
        public var organizationID: String?
        /// Every n-th event is delivered twice (0: never).
        public var duplicateEvery: Int
        /// Minutes of events per CloudTrail file.
        public var cloudTrailFileMinutes: Int
        /// Records of other services added to each CloudTrail file, as a real trail holds them.
        public var otherServiceRecordsPerFile: Int

        public init(
            seed: UInt64,
            cloudTrailAccounts: Set<String>,
            organizationID: String? = nil,
            duplicateEvery: Int = 7,
            cloudTrailFileMinutes: Int = 60,
            otherServiceRecordsPerFile: Int = 0
        ) {
            self.seed = seed
            self.cloudTrailAccounts = cloudTrailAccounts
            self.organizationID = organizationID
            self.duplicateEvery = duplicateEvery
            self.cloudTrailFileMinutes = cloudTrailFileMinutes
            self.otherServiceRecordsPerFile = otherServiceRecordsPerFile
        }
    }

    /// One event before it is laid out: the job's account and Region, when it happened, and its JSON body.
    private struct Event {
        var account: String
        var region: String
        var time: Instant
        var id: String
        var cloudTrail: Bool
        /// EventBridge: the whole event; CloudTrail: the record.
        var body: JSONValue
    }

    /// The stream files, as (path relative to the scenario folder, bytes), sorted by path.
    public static func files(
        backups: [BackupJob],
        copies: [CopyJob],
        restores: [RestoreJob],
        options: Options
    ) -> [(path: String, bytes: [UInt8])] {
        var random = SeededRandom(seed: options.seed, key: "job-events")
        var events: [Event] = []
        func add(_ account: String, _ region: String, _ time: Instant, _ make: (Bool, String) -> JSONValue) {
            let cloudTrail = options.cloudTrailAccounts.contains(account)
            let id = uuid(&random)
            let event = Event(
                account: account,
                region: region,
                time: time,
                id: id,
                cloudTrail: cloudTrail,
                body: make(cloudTrail, id)
            )
            events.append(event)
            if options.duplicateEvery > 0, events.count % options.duplicateEvery == 0 {
                var again = event
                again.time = time.adding(minutes: 5)
                events.append(again)
            }
        }
        for job in backups {
            add(job.account, job.region, job.creationDate) { ct, id in
                ct
                    ? record(job, id: id, name: "BackupJobStarted", at: job.creationDate, final: false)
                    : bridge(job, id: id, at: job.creationDate, final: false)
            }
            if let end = job.completionDate ?? (job.state == .expired ? job.startBy : nil) {
                add(job.account, job.region, end) { ct, id in
                    ct
                        ? record(job, id: id, name: "BackupJobCompleted", at: end, final: true)
                        : bridge(job, id: id, at: end, final: true)
                }
            } else if !options.cloudTrailAccounts.contains(job.account) {
                // Still running: EventBridge's CREATED event names no resource, the RUNNING one does.
                let start = job.startDate ?? job.creationDate
                add(job.account, job.region, start) { _, id in bridge(job, id: id, at: start, final: true) }
            }
        }
        for job in copies {
            add(job.account, job.region, job.creationDate) { ct, id in
                ct
                    ? record(job, id: id, name: "CopyJobStarted", at: job.creationDate, final: false)
                    : bridge(job, id: id, at: job.creationDate, final: false)
            }
            if let end = job.completionDate {
                add(job.account, job.region, end) { ct, id in
                    ct
                        ? record(job, id: id, name: "CopyJobCompleted", at: end, final: true)
                        : bridge(job, id: id, at: end, final: true)
                }
            }
        }
        for job in restores {
            add(job.account, job.region, job.creationDate) { ct, id in
                ct
                    ? record(job, id: id, name: "RestoreStarted", at: job.creationDate, final: false)
                    : bridge(job, id: id, at: job.creationDate, final: false)
            }
            if let end = job.completionDate {
                add(job.account, job.region, end) { ct, id in
                    ct
                        ? record(job, id: id, name: "RestoreCompleted", at: end, final: true)
                        : bridge(job, id: id, at: end, final: true)
                }
            }
        }
        return layout(events, options: options, random: &random)
    }

    // MARK: Layout

    private static func layout(
        _ events: [Event],
        options: Options,
        random: inout SeededRandom
    ) -> [(path: String, bytes: [UInt8])] {
        var cloudTrail: [String: [Event]] = [:]
        var bridge: [String: [Event]] = [:]
        let slot = Int64(max(1, options.cloudTrailFileMinutes)) * 60_000
        for event in events {
            if event.cloudTrail {
                // Delivered about five minutes after the event, in the file of its delivery slot.
                let delivered = Instant(milliseconds: (event.time.milliseconds + 300_000) / slot * slot + slot)
                let civil = CivilDateTime(instant: delivered)
                let folder =
                    options.organizationID.map { "AWSLogs/\($0)/\(event.account)" } ?? "AWSLogs/\(event.account)"
                let stamp = String(
                    format4: civil.year,
                    civil.month,
                    civil.day,
                    civil.hour,
                    civil.minute
                )
                let path =
                    "\(folder)/CloudTrail/\(event.region)/\(pad(civil.year, 4))/\(pad(civil.month))/\(pad(civil.day))/"
                    + "\(event.account)_CloudTrail_\(event.region)_\(stamp)"
                cloudTrail[path, default: []].append(event)
            } else {
                bridge["events/\(event.account)-\(event.region).jsonl", default: []].append(event)
            }
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for path in cloudTrail.keys.sorted() {
            guard var records = cloudTrail[path], let first = records.first else { continue }
            for index in 0..<options.otherServiceRecordsPerFile {
                var noise = first
                noise.id = uuid(&random)
                noise.body = otherServiceRecord(first, id: noise.id, index: index)
                records.append(noise)
            }
            shuffle(&records, &random)
            let document = JSONValue.object(["Records": .array(records.map(\.body))])
            let name = path + "_" + suffix(&random) + ".json.gz"
            files.append((name, Gzip.compress(CanonicalJSON.encode(document), level: 6)))
        }
        for path in bridge.keys.sorted() {
            guard var lines = bridge[path] else { continue }
            lines.sort { ($0.time, $0.id) < ($1.time, $1.id) }
            // Best-effort delivery: neighbours arrive swapped now and then.
            var index = 1
            while index < lines.count {
                if random.int(in: 0...3) == 0 { lines.swapAt(index - 1, index) }
                index += 2
            }
            var bytes: [UInt8] = []
            for line in lines {
                bytes += CanonicalJSON.encode(line.body)
                bytes.append(10)
            }
            files.append((path, bytes))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// A record of another service's API call, which a reader must skip.
    private static func otherServiceRecord(_ near: Event, id: String, index: Int) -> JSONValue {
        let calls = [
            ("s3.amazonaws.com", "GetObject", "bucketName", "\(near.account)-application-logs"),
            ("ec2.amazonaws.com", "DescribeInstances", "maxResults", "100"),
            ("kms.amazonaws.com", "Decrypt", "encryptionAlgorithm", "SYMMETRIC_DEFAULT"),
            ("sts.amazonaws.com", "AssumeRole", "roleSessionName", "deploy-pipeline"),
        ]
        let (source, name, key, value) = calls[index % calls.count]
        return .object([
            "eventVersion": string("1.08"),
            "userIdentity": .object([
                "type": string("AssumedRole"),
                "principalId": string("AROAEXAMPLEID:session"),
                "arn": string("arn:aws:sts::\(near.account):assumed-role/application/session"),
                "accountId": string(near.account),
            ]),
            "eventTime": string(Instant(seconds: near.time.milliseconds / 1000).iso8601),
            "eventSource": string(source),
            "eventName": string(name),
            "awsRegion": string(near.region),
            "sourceIPAddress": string("10.0.\(index % 250).\(index % 200 + 10)"),
            "userAgent": string("aws-sdk-java/2.20.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17"),
            "requestParameters": .object([key: string(value)]),
            "responseElements": .null,
            "requestID": string(id.uppercased()),
            "eventID": string(id),
            "readOnly": .bool(true),
            "eventType": string("AwsApiCall"),
            "managementEvent": .bool(true),
            "recipientAccountId": string(near.account),
            "eventCategory": string("Management"),
        ])
    }

    private static func shuffle(_ items: inout [Event], _ random: inout SeededRandom) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, random.int(in: 0...index))
        }
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func hex(_ random: inout SeededRandom, _ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[random.int(in: 0...15)] })
    }

    private static func uuid(_ random: inout SeededRandom) -> String {
        "\(hex(&random, 8))-\(hex(&random, 4))-\(hex(&random, 4))-\(hex(&random, 4))-\(hex(&random, 12))"
    }

    private static func suffix(_ random: inout SeededRandom) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet[random.int(in: 0...(alphabet.count - 1))] })
    }

    // MARK: Values

    private static func string(_ text: String) -> JSONValue { .string(text) }

    private static func iso(_ instant: Instant) -> JSONValue { .string(instant.iso8601Milliseconds) }

    /// CloudTrail's `{"seconds": …, "nanos": …}`.
    private static func epoch(_ instant: Instant) -> JSONValue {
        let seconds = instant.milliseconds / 1000
        let nanos = (instant.milliseconds % 1000) * 1_000_000
        return .object(["seconds": .number(String(seconds)), "nanos": .number(String(nanos))])
    }

    /// EventBridge's English `Jul 15, 2020 9:39:07 PM`.
    private static func english(_ instant: Instant) -> JSONValue {
        let civil = CivilDateTime(instant: instant)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour12 = civil.hour % 12 == 0 ? 12 : civil.hour % 12
        let text =
            "\(months[civil.month - 1]) \(civil.day), \(civil.year) \(hour12):\(pad(civil.minute)):\(pad(civil.second)) "
            + (civil.hour < 12 ? "AM" : "PM")
        return .string(text)
    }

    private static func createdBy(_ origin: JobOrigin) -> JSONValue? {
        guard !origin.planID.isEmpty else { return nil }
        return .object([
            "backupPlanId": string(origin.planID),
            "backupPlanArn": string(origin.planARN),
            "backupPlanVersion": string(origin.planVersion),
            "backupPlanRuleId": string(origin.ruleID),
        ])
    }

    private static func compact(_ members: [String: JSONValue?]) -> [String: JSONValue] {
        members.compactMapValues { $0 }
    }

    private static func recordEnvelope(
        account: String,
        region: String,
        id: String,
        name: String,
        at time: Instant,
        details: [String: JSONValue]
    ) -> JSONValue {
        .object([
            "eventVersion": string("1.08"),
            "userIdentity": .object(["accountId": string(account), "invokedBy": string("backup.amazonaws.com")]),
            "eventTime": string(Instant(seconds: time.milliseconds / 1000).iso8601),
            "eventSource": string("backup.amazonaws.com"),
            "eventName": string(name),
            "awsRegion": string(region),
            "sourceIPAddress": string("backup.amazonaws.com"),
            "userAgent": string("backup.amazonaws.com"),
            "requestParameters": .null,
            "responseElements": .null,
            "eventID": string(id),
            "readOnly": .bool(false),
            "eventType": string("AwsServiceEvent"),
            "managementEvent": .bool(true),
            "recipientAccountId": string(account),
            "serviceEventDetails": .object(details),
            "eventCategory": string("Management"),
        ])
    }

    private static func bridgeEnvelope(
        account: String,
        region: String,
        id: String,
        type: String,
        at time: Instant,
        resources: [String],
        detail: [String: JSONValue]
    ) -> JSONValue {
        .object([
            "version": string("0"),
            "id": string(id),
            "detail-type": string(type),
            "source": string("aws.backup"),
            "account": string(account),
            "time": string(Instant(seconds: time.milliseconds / 1000).iso8601),
            "region": string(region),
            "resources": .array(resources.map(string)),
            "detail": .object(detail),
        ])
    }

    private static func size(_ bytes: Int64?, asString: Bool) -> JSONValue? {
        bytes.map { asString ? .string(String($0)) : .number(String($0)) }
    }

    private static func finalState(_ job: BackupJob) -> String { job.state.rawValue }

    private static func record(_ job: BackupJob, id: String, name: String, at time: Instant, final: Bool) -> JSONValue {
        var details = compact([
            "backupJobId": string(job.id),
            "backupVaultName": string(job.placement.vaultName),
            "backupVaultArn": string(job.placement.vaultARN),
            "resourceArn": string(job.resourceARN),
            "resourceType": string(job.resourceType),
            "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
            "creationDate": epoch(job.creationDate),
        ])
        if final {
            details["state"] = string(job.state.rawValue)
            details["percentDone"] = .number(job.state == .completed ? "100" : "0")
            if let end = job.completionDate { details["completionDate"] = epoch(end) }
            if !job.recoveryPointARN.isEmpty { details["recoveryPointArn"] = string(job.recoveryPointARN) }
            if let size = size(job.sizeBytes, asString: false) { details["backupSizeInBytes"] = size }
            if !job.statusMessage.isEmpty { details["statusMessage"] = string(job.statusMessage) }
        }
        return recordEnvelope(account: job.account, region: job.region, id: id, name: name, at: time, details: details)
    }

    private static func bridge(_ job: BackupJob, id: String, at time: Instant, final: Bool) -> JSONValue {
        var detail: [String: JSONValue] = [
            "backupJobId": string(job.id), "state": string("CREATED"), "creationDate": iso(job.creationDate),
        ]
        var resources: [String] = []
        if final {
            detail = compact([
                "backupJobId": string(job.id),
                "backupVaultArn": string(job.placement.vaultARN),
                "backupVaultName": string(job.placement.vaultName),
                "bytesTransferred": size(job.sizeBytes, asString: true),
                "creationDate": iso(job.creationDate),
                "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
                "resourceArn": string(job.resourceARN),
                "resourceType": string(job.resourceType),
                "state": string(job.state.rawValue),
                "statusMessage": job.statusMessage.isEmpty ? nil : string(job.statusMessage),
                "startBy": job.startBy.map(iso),
                "percentDone": .number(job.state == .completed ? "100" : "0"),
                "retryCount": .number("0"),
                "completionDate": job.completionDate.map(iso),
                "backupSizeInBytes": size(job.sizeBytes, asString: true),
                "expectedCompletionDate": job.expectedCompletionDate.map(english),
                "createdBy": createdBy(job.origin),
            ])
            if !job.recoveryPointARN.isEmpty { resources = [job.recoveryPointARN] }
        }
        return bridgeEnvelope(
            account: job.account,
            region: job.region,
            id: id,
            type: "Backup Job State Change",
            at: time,
            resources: resources,
            detail: detail
        )
    }

    private static func record(_ job: CopyJob, id: String, name: String, at time: Instant, final: Bool) -> JSONValue {
        var details = compact([
            "copyJobId": string(job.id),
            "resourceArn": string(job.resourceARN),
            "resourceType": string(job.resourceType),
            "sourceRecoveryPointArn": string(job.sourceRecoveryPointARN),
            "sourceBackupVaultArn": string(job.sourceVaultARN),
            "destinationBackupVaultArn": string(job.destinationVaultARN),
            "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
            "creationDate": epoch(job.creationDate),
        ])
        if final {
            details["state"] = string(job.state.rawValue)
            if let end = job.completionDate { details["completionDate"] = epoch(end) }
            if !job.destinationRecoveryPointARN.isEmpty {
                details["destinationRecoveryPointArn"] = string(job.destinationRecoveryPointARN)
            }
            if let size = size(job.sizeBytes, asString: false) { details["backupSizeInBytes"] = size }
            if !job.statusMessage.isEmpty { details["statusMessage"] = string(job.statusMessage) }
        }
        return recordEnvelope(account: job.account, region: job.region, id: id, name: name, at: time, details: details)
    }

    private static func bridge(_ job: CopyJob, id: String, at time: Instant, final: Bool) -> JSONValue {
        let detail = compact([
            "copyJobId": string(job.id),
            "backupSizeInBytes": final ? size(job.sizeBytes, asString: false) : nil,
            "creationDate": iso(job.creationDate),
            "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
            "resourceArn": string(job.resourceARN),
            "resourceType": string(job.resourceType),
            "sourceBackupVaultArn": string(job.sourceVaultARN),
            "state": string(final ? job.state.rawValue : "RUNNING"),
            "statusMessage": final && !job.statusMessage.isEmpty ? string(job.statusMessage) : nil,
            "completionDate": final ? job.completionDate.map(iso) : nil,
            "destinationBackupVaultArn": string(job.destinationVaultARN),
            "destinationRecoveryPointArn": final && !job.destinationRecoveryPointARN.isEmpty
                ? string(job.destinationRecoveryPointARN) : .object([:]),
            "createdBy": createdBy(job.origin),
        ])
        return bridgeEnvelope(
            account: job.account,
            region: job.region,
            id: id,
            type: "Copy Job State Change",
            at: time,
            resources: [job.sourceRecoveryPointARN],
            detail: detail
        )
    }

    private static func record(_ job: RestoreJob, id: String, name: String, at time: Instant, final: Bool) -> JSONValue
    {
        var details = compact([
            "restoreJobId": string(job.id),
            "recoveryPointArn": string(job.recoveryPointARN),
            "sourceResourceArn": job.sourceResourceARN.isEmpty ? nil : string(job.sourceResourceARN),
            "backupVaultArn": job.backupVaultARN.isEmpty ? nil : string(job.backupVaultARN),
            "resourceType": job.resourceType.isEmpty ? nil : string(job.resourceType),
            "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
            "creationDate": epoch(job.creationDate),
        ])
        if final {
            details["status"] = string(job.status.rawValue)
            if let end = job.completionDate { details["completionDate"] = epoch(end) }
            if !job.createdResourceARN.isEmpty { details["createdResourceArn"] = string(job.createdResourceARN) }
            if let size = size(job.sizeBytes, asString: false) { details["backupSizeInBytes"] = size }
            if !job.percentDone.isEmpty { details["percentDone"] = string(job.percentDone) }
            if !job.statusMessage.isEmpty { details["statusMessage"] = string(job.statusMessage) }
        }
        return recordEnvelope(account: job.account, region: job.region, id: id, name: name, at: time, details: details)
    }

    private static func bridge(_ job: RestoreJob, id: String, at time: Instant, final: Bool) -> JSONValue {
        let detail = compact([
            "restoreJobId": string(job.id),
            "backupSizeInBytes": final ? size(job.sizeBytes, asString: true) : nil,
            "creationDate": iso(job.creationDate),
            "iamRoleArn": job.iamRoleARN.isEmpty ? nil : string(job.iamRoleARN),
            "percentDone": final && !job.percentDone.isEmpty ? string(job.percentDone) : nil,
            "resourceType": job.resourceType.isEmpty ? nil : string(job.resourceType),
            "status": string(final ? job.status.rawValue : "RUNNING"),
            "statusMessage": final && !job.statusMessage.isEmpty ? string(job.statusMessage) : nil,
            "backupVaultArn": job.backupVaultARN.isEmpty ? nil : string(job.backupVaultARN),
            "recoveryPointArn": string(job.recoveryPointARN),
            "sourceResourceArn": job.sourceResourceARN.isEmpty ? nil : string(job.sourceResourceARN),
            "createdResourceArn": final && !job.createdResourceARN.isEmpty ? string(job.createdResourceARN) : nil,
            "completionDate": final ? job.completionDate.map(iso) : nil,
        ])
        return bridgeEnvelope(
            account: job.account,
            region: job.region,
            id: id,
            type: "Restore Job State Change",
            at: time,
            resources: [],
            detail: detail
        )
    }
}

extension String {
    /// `YYYYMMDDTHHmmZ`, the delivery stamp of a CloudTrail file name.
    fileprivate init(format4 year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        self = "\(year)\(two(month))\(two(day))T\(two(hour))\(two(minute))Z"
    }
}
