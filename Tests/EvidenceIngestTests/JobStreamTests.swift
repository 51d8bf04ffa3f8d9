import EvidenceCompression
import EvidenceIngest
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Job streams")
struct JobStreamTests {
    static let volume = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0"
    static let vault = "arn:aws:backup:us-east-1:111122223333:backup-vault:Default"

    /// A scenario folder holding only the given stream files.
    static func folder(_ files: [String: [UInt8]]) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for (path, bytes) in files {
            let url = folder.url.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(bytes).write(to: url)
        }
        return folder
    }

    static func bridge(id: String, time: String, detail: String, type: String = "Backup Job State Change") -> String {
        """
        {"version":"0","id":"\(id)","detail-type":"\(type)","source":"aws.backup","account":"111122223333",\
        "time":"\(time)","region":"us-east-1","resources":[],"detail":\(detail)}
        """
    }

    static let created = bridge(
        id: "e-1",
        time: "2028-03-02T05:00:01Z",
        detail: #"{"backupJobId":"J1","state":"CREATED","creationDate":"2028-03-02T05:00:00.000Z"}"#
    )
    static let completed = bridge(
        id: "e-2",
        time: "2028-03-02T05:41:17Z",
        detail: """
            {"backupJobId":"J1","state":"COMPLETED","resourceType":"EBS","resourceArn":"\(volume)",\
            "backupVaultName":"Default","backupVaultArn":"\(vault)","creationDate":"2028-03-02T05:00:00.000Z",\
            "completionDate":"2028-03-02T05:41:05.921Z","backupSizeInBytes":"36048","percentDone":100,\
            "expectedCompletionDate":"Mar 2, 2028 5:39:07 PM",\
            "createdBy":{"backupPlanId":"p-1","backupPlanArn":"arn:aws:backup:us-east-1:111122223333:backup-plan:p-1",\
            "backupPlanVersion":"v1","backupPlanRuleId":"r-1"}}
            """
    )

    @Test("A job is the same whatever the order of its events, and a repeated event id counts once")
    func orderAndDuplicates() throws {
        let forward = try Self.folder(["events/a.jsonl": Array((Self.created + "\n" + Self.completed + "\n").utf8)])
        let backward = try Self.folder([
            "events/a.jsonl": Array((Self.completed + "\n\n" + Self.created + "\n").utf8),
            "events/b.jsonl": Array((Self.completed + "\n").utf8),
        ])
        let one = try JobStreams.read(folder: forward.path)
        let two = try JobStreams.read(folder: backward.path)
        #expect(one.backupJobs == two.backupJobs)
        #expect(two.statistics.events == 3 && two.statistics.duplicates == 1 && two.statistics.jobs == 1)
        let job = try #require(one.backupJobs.first)
        #expect(job.state == .completed)
        #expect(job.sizeBytes == 36048)
        #expect(job.resourceARN == Self.volume)
        #expect(job.placement.vaultName == "Default")
        #expect(job.origin.planID == "p-1" && job.origin.ruleID == "r-1")
        #expect(job.expectedCompletionDate == Instant(iso8601: "2028-03-02T17:39:07Z"))
        #expect(job.completionDate == Instant(iso8601: "2028-03-02T05:41:05.921Z"))
    }

    @Test("CloudTrail: gzip files of plain and organization trails, epoch timestamps, other folders skipped")
    func cloudTrail() throws {
        func record(_ id: String, _ name: String, _ details: String) -> String {
            """
            {"eventVersion":"1.08","eventTime":"2028-03-02T05:05:00Z","eventSource":"backup.amazonaws.com",\
            "eventName":"\(name)","awsRegion":"us-east-1","eventType":"AwsServiceEvent","eventID":"\(id)",\
            "recipientAccountId":"111122223333","serviceEventDetails":\(details)}
            """
        }
        let started = record(
            "c-1",
            "BackupJobStarted",
            """
            {"backupJobId":"J2","resourceArn":"\(Self.volume)","resourceType":"EBS","backupVaultName":"Default",\
            "creationDate":{"seconds":1835586000,"nanos":272000000}}
            """
        )
        let finished = record(
            "c-2",
            "BackupJobCompleted",
            """
            {"backupJobId":"J2","state":"FAILED","statusMessage":"volume busy","backupSizeInBytes":0,\
            "creationDate":{"seconds":"1835586000","nanos":272000000},"completionDate":{"seconds":1835589600}}
            """
        )
        let other = """
            {"eventVersion":"1.08","eventTime":"2028-03-02T05:05:00Z","eventSource":"s3.amazonaws.com",\
            "eventName":"PutObject","awsRegion":"us-east-1","eventID":"s-1","recipientAccountId":"111122223333"}
            """
        let day = "CloudTrail/us-east-1/2028/03/02"
        let folder = try Self.folder([
            "AWSLogs/o-abcdefghij/111122223333/\(day)/111122223333_CloudTrail_us-east-1_20280302T0510Z_A.json.gz":
                Gzip.compress(Array(#"{"Records":[\#(finished),\#(other)]}"#.utf8)),
            "AWSLogs/111122223333/\(day)/111122223333_CloudTrail_us-east-1_20280302T0505Z_B.json.gz":
                Gzip.compress(Array(#"{"Records":[\#(started)]}"#.utf8)),
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2028/03/02/digest.json.gz": Array("not read".utf8),
        ])
        let streams = try JobStreams.read(folder: folder.path)
        #expect(streams.statistics.cloudTrailFiles == 2)
        let job = try #require(streams.backupJobs.first)
        #expect(streams.backupJobs.count == 1)
        #expect(job.state == .failed)
        #expect(job.statusMessage == "volume busy")
        #expect(job.creationDate == Instant(milliseconds: 1_835_586_000_272))
        #expect(job.completionDate == Instant(seconds: 1_835_589_600))
        #expect(job.origin.planID.isEmpty)
        #expect(job.recoveryPointARN.isEmpty)
    }

    @Test("Copy and restore events: an empty destination object is no destination; status or state both read")
    func copyAndRestore() throws {
        let point = "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1"
        let destination = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr"
        let running = Self.bridge(
            id: "k-1",
            time: "2028-03-02T06:00:00Z",
            detail: """
                {"copyJobId":"C1","state":"RUNNING","resourceArn":"\(Self.volume)","resourceType":"EBS",\
                "sourceBackupVaultArn":"\(Self.vault)","destinationBackupVaultArn":"\(destination)",\
                "destinationRecoveryPointArn":{},"creationDate":"2028-03-02T06:00:00Z","backupSizeInBytes":3221225472}
                """,
            type: "Copy Job State Change"
        ).replacingOccurrences(of: #""resources":[]"#, with: #""resources":["\#(point)"]"#)
        let restore = Self.bridge(
            id: "k-2",
            time: "2028-03-03T03:14:53Z",
            detail: """
                {"restoreJobId":"R1","state":"COMPLETED","resourceType":"EBS","recoveryPointArn":"\(point)",\
                "creationDate":"2028-03-03T03:10:01.742Z","completionDate":"2028-03-03T03:14:53.128Z","percentDone":0}
                """,
            type: "Restore Job State Change"
        )
        let folder = try Self.folder(["events/x.jsonl": Array((running + "\n" + restore).utf8)])
        let streams = try JobStreams.read(folder: folder.path)
        let copy = try #require(streams.copyJobs.first)
        #expect(copy.state == .running)
        #expect(copy.sourceRecoveryPointARN == point)
        #expect(copy.destinationRecoveryPointARN.isEmpty)
        #expect(copy.sizeBytes == 3_221_225_472)
        let restored = try #require(streams.restoreJobs.first)
        #expect(restored.status == .completed)
        #expect(restored.percentDone == "0")
    }

    @Test("English event dates read as UTC, with 12 AM and 12 PM")
    func englishDates() {
        #expect(Instant(awsEnglish: "Jul 15, 2020 9:39:07 PM") == Instant(iso8601: "2020-07-15T21:39:07Z"))
        #expect(Instant(awsEnglish: "Jan 10, 2019 12:45:24 AM") == Instant(iso8601: "2019-01-10T00:45:24Z"))
        #expect(Instant(awsEnglish: "Jan 10, 2019 12:45:24 PM") == Instant(iso8601: "2019-01-10T12:45:24Z"))
        #expect(Instant(awsEnglish: "Feb 30, 2019 1:45:24 PM") == nil)
        #expect(Instant(awsEnglish: "Jan 10 2019 1:45:24 PM") == nil)
    }
}

@Suite("Job streams: partial jobs")
struct PartialJobStreamTests {
    @Test("A job seen only CREATED, by an event naming no resource, is left out and counted")
    func createdOnly() throws {
        let folder = try JobStreamTests.folder([
            "events/a.jsonl": Array(
                (JobStreamTests.completed + "\n"
                    + JobStreamTests.created.replacingOccurrences(
                        of: "\"J1\"",
                        with: "\"J9\""
                    ) + "\n").utf8
            )
        ])
        let streams = try JobStreams.read(folder: folder.path)
        #expect(streams.backupJobs.map(\.id) == ["J1"])
        #expect(streams.statistics.unnamedStarts == 1 && streams.statistics.jobs == 1)
    }

    @Test("A StartBackupJob call starts an on-demand job; its vault ARN takes the partition of the request's ARNs")
    func startBackupJobCall() throws {
        let call = """
            {"Records":[{"eventVersion":"1.08","eventTime":"2028-03-02T05:05:00Z","eventSource":"backup.amazonaws.com",\
            "eventName":"StartBackupJob","awsRegion":"cn-north-1","eventType":"AwsApiCall","eventID":"api-1",\
            "recipientAccountId":"111122223333","requestParameters":{"backupVaultName":"Default",\
            "resourceArn":"arn:aws-cn:ec2:cn-north-1:111122223333:volume/vol-0123456789abcdef0",\
            "iamRoleArn":"arn:aws-cn:iam::111122223333:role/backup"},\
            "responseElements":{"backupJobId":"OD-1","creationDate":"Mar 2, 2028 5:05:00 AM"}},\
            {"eventVersion":"1.08","eventTime":"2028-03-02T05:06:00Z","eventSource":"backup.amazonaws.com",\
            "eventName":"StartBackupJob","awsRegion":"cn-north-1","eventType":"AwsApiCall","eventID":"api-2",\
            "recipientAccountId":"111122223333","errorCode":"InvalidParameterValueException",\
            "requestParameters":{"backupVaultName":"Missing"},"responseElements":null}]}
            """
        let folder = try JobStreamTests.folder([
            "AWSLogs/111122223333/CloudTrail/cn-north-1/2028/03/02/f.json.gz": Gzip.compress(Array(call.utf8))
        ])
        let streams = try JobStreams.read(folder: folder.path)
        let job = try #require(streams.backupJobs.first)
        #expect(streams.backupJobs.count == 1)
        #expect(job.state == .created)
        #expect(job.placement.vaultARN == "arn:aws-cn:backup:cn-north-1:111122223333:backup-vault:Default")
        #expect(job.creationDate == Instant(iso8601: "2028-03-02T05:05:00Z"))
    }

    // MARK: Limits

    static let trailFile =
        "AWSLogs/111122223333/CloudTrail/us-east-1/2028/03/02/111122223333_CloudTrail_us-east-1_20280302T0510Z_A.json.gz"

    /// The error text of reading a scenario whose one CloudTrail file inflates to `json`, or "no error".
    static func trailFailure(_ json: [UInt8], limits: ReadLimits = .defaults) throws -> String {
        let folder = try JobStreamTests.folder([Self.trailFile: Gzip.compress(json, level: 1)])
        do {
            _ = try JobStreams.read(folder: folder.path, limits: limits)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: Self.trailFile, with: "FILE")
        }
    }

    @Test("A gzip bomb of zeros is refused at its first byte, before it inflates")
    func zerosBomb() throws {
        #expect(
            try Self.trailFailure([UInt8](repeating: 0, count: 16 << 20))
                == "FILE: 1:1: invalid JSON: expected a JSON value"
        )
    }

    @Test("White space padding a record counts against the record's limit: the spaces bomb is refused")
    func spacesBomb() throws {
        let bomb = Array(#"{"Records":["#.utf8) + [UInt8](repeating: 32, count: 4 << 20) + Array("]}".utf8)
        #expect(
            try Self.trailFailure(bomb, limits: ReadLimits(recordBytes: 1 << 20))
                == "FILE: $.Records[0]: the record, with the white space before it, is longer than 1048576 bytes "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
        #expect(try Self.trailFailure(bomb, limits: ReadLimits(recordBytes: 8 << 20)) == "no error")
    }

    @Test("White space before a file read whole counts against the limit; before the frame, against nothing")
    func leadingWhitespace() throws {
        let spaces = [UInt8](repeating: 10, count: 2 << 20)
        #expect(
            try Self.trailFailure(spaces + Array("[]".utf8), limits: ReadLimits(recordBytes: 1 << 20))
                == "FILE: not a CloudTrail log file ({\"Records\": [...]}) and larger than 1048576 bytes "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
        #expect(
            try Self.trailFailure(spaces + Array(#"{"Records":[]}"#.utf8), limits: ReadLimits(recordBytes: 1 << 20))
                == "no error"
        )
    }

    @Test("A record larger than the limit is refused, naming its place; a file may not inflate past its limit")
    func largeRecordAndInflatedLimit() throws {
        let padding = String(repeating: "x", count: 2 << 20)
        let json = Array(#"{"Records":[{"eventSource":"s3.amazonaws.com"},{"note":"\#(padding)"}]}"#.utf8)
        #expect(
            try Self.trailFailure(json, limits: ReadLimits(recordBytes: 1 << 20))
                == "FILE: $.Records[1]: the record, with the white space before it, is longer than 1048576 bytes "
                + "(limits.record_bytes in scenario.json raises the limit)"
        )
        #expect(
            try Self.trailFailure(json, limits: ReadLimits(inflatedBytesPerFile: 1 << 20))
                == "FILE: gzip data expands beyond 1048576 bytes "
                + "(limits.inflated_bytes_per_file in scenario.json raises the limit)"
        )
        #expect(try Self.trailFailure(json) == "no error")
    }

    @Test("Records nested too deep, or out of the frame, are refused where they go wrong in the file")
    func frameAndNesting() throws {
        let deep = Array(#"{"Records":["#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 600)
        let nested = try Self.trailFailure(deep)
        #expect(nested == "FILE: 1:525: invalid JSON: nesting deeper than 512 levels")
        let cases: [(String, String)] = [
            (#"{"Records":[{"a":1},]}"#, "FILE: 1:21: invalid JSON: expected a JSON value"),
            (#"{"Records":[{"a":1} {"b":2}]}"#, "FILE: 1:21: invalid JSON: expected ',' or ']'"),
            ("{\"Records\":[\n  {\"a\":1},\n  {\"b\" 2}]}", "FILE: 3:8: invalid JSON: expected ':'"),
            (#"{"Records":[{"a":1}"#, "FILE: 1:20: invalid JSON: unexpected end of input; the file may be truncated"),
            (#"{"Records":[]} x"#, "FILE: 1:16: invalid JSON: unexpected text after the JSON value"),
            (
                #"{"Records":[1,"a",[],null]}"#,
                "FILE: $.Records[0]: expected an object (a CloudTrail record), found a number"
            ),
            (#"{"Other":1,"Records":[]}"#, "no error"),
            (#"{"Records":{}}"#, "FILE: $.Records: expected an array, found an object"),
            ("  {\"Records\" : [ ] }  ", "no error"),
        ]
        for (json, expected) in cases {
            #expect(try Self.trailFailure(Array(json.utf8)) == expected, "\(json)")
        }
    }

    @Test("Records split across the pieces of any size read as when the file is whole")
    func recordsAcrossPieces() throws {
        let records = (0..<40).map { index in
            #"{"eventSource":"s3.amazonaws.com","eventID":"e-\#(index)","note":"a \" ] } [ { \u00e9t\u00e9"}"#
        }
        let json = Array(("{\"Records\": [\n" + records.joined(separator: ",\n") + "\n]}\n").utf8)
        let folder = try JobStreamTests.folder([Self.trailFile: Gzip.compress(json)])
        let streams = try JobStreams.read(folder: folder.path)
        #expect(streams.statistics.records == 40)
        #expect(streams.statistics.bytes == json.count)
    }

    @Test("An EventBridge line longer than the record limit is refused, naming its line")
    func longEventLine() throws {
        let line = Array(JobStreamTests.created.utf8)
        var long = Array(#"{"source":"aws.s3","pad":""#.utf8)
        long += [UInt8](repeating: UInt8(ascii: "x"), count: 600_000)
        long += Array(#""}"#.utf8)
        var bytes = line
        bytes.append(10)
        bytes += long
        bytes.append(10)
        bytes += line
        bytes.append(10)
        let folder = try JobStreamTests.folder(["events/jobs.jsonl": bytes])
        do {
            _ = try JobStreams.read(folder: folder.path, limits: ReadLimits(recordBytes: 512 << 10))
            Issue.record("no error")
        } catch {
            #expect(
                "\(error)"
                    == "events/jobs.jsonl: 2:1: the line is longer than 524288 bytes "
                    + "(limits.record_bytes in scenario.json raises the limit)"
            )
        }
        _ = try JobStreams.read(folder: folder.path, limits: ReadLimits(recordBytes: 1 << 20))
    }
}
