import EvidenceModel
import Synchronization
import Testing

@Suite("Model values")
struct ModelTests {
    @Test(
        "ISO-8601 instants in the formats AWS prints",
        arguments: [
            ("2028-03-01T05:00:00Z", Int64(1_835_499_600_000)),
            ("2028-03-01T05:00:00.123Z", 1_835_499_600_123),
            ("2028-03-01T05:00:00.123456+00:00", 1_835_499_600_123),
            ("2028-03-01T00:00:00-05:00", 1_835_499_600_000),
            ("2028-03-01 05:00:00+0000", 1_835_499_600_000),
            ("2028-02-29T23:59:59Z", 1_835_481_599_000),
        ]
    )
    func parsesInstants(text: String, milliseconds: Int64) {
        #expect(Instant(iso8601: text)?.milliseconds == milliseconds)
    }

    @Test(
        "Invalid instants are refused",
        arguments: ["2028-02-30T00:00:00Z", "2028-03-01", "2028-03-01T25:00:00Z", "x"]
    )
    func refusesInstants(text: String) {
        #expect(Instant(iso8601: text) == nil)
    }

    @Test("Instants format as UTC with and without milliseconds")
    func formatsInstants() throws {
        let instant = try #require(Instant(iso8601: "2028-03-01T05:06:07.089Z"))
        #expect(instant.iso8601 == "2028-03-01T05:06:07Z")
        #expect(instant.iso8601Milliseconds == "2028-03-01T05:06:07.089Z")
        #expect(Instant(milliseconds: 0).iso8601 == "1970-01-01T00:00:00Z")
    }

    @Test("Months have UTC bounds and neighbours")
    func months() throws {
        let march = try #require(Month("2028-03"))
        #expect(march.start.iso8601 == "2028-03-01T00:00:00Z")
        #expect(march.end.iso8601 == "2028-04-01T00:00:00Z")
        #expect(try #require(Month("2028-12")).next.description == "2029-01")
        #expect(try #require(Month("2028-01")).previous.description == "2027-12")
        #expect(Month("2028-3") == nil)
        #expect(Month("2028-13") == nil)
    }

    @Test("Weekdays count 1 = Sunday")
    func weekdays() throws {
        #expect(try #require(CivilDateTime(year: 2028, month: 3, day: 5)).weekday == 1)
        #expect(try #require(CivilDateTime(year: 2028, month: 3, day: 4)).weekday == 7)
        #expect(try #require(CivilDateTime(year: 1970, month: 1, day: 1)).weekday == 5)
    }

    @Test(
        "Resource type and id come from the ARN for every service",
        arguments: [
            (
                "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc", BackupResourceType.ec2, "i-0abc",
                "AWS::EC2::Instance"
            ),
            ("arn:aws:ec2:us-east-1:111122223333:volume/vol-0abc", .ebs, "vol-0abc", "AWS::EC2::Volume"),
            ("arn:aws:rds:us-east-1:111122223333:db:orders-db", .rds, "orders-db", "AWS::RDS::DBInstance"),
            ("arn:aws:rds:us-east-1:111122223333:cluster:pay", .aurora, "pay", "AWS::RDS::DBCluster"),
            ("arn:aws:dynamodb:us-east-1:111122223333:table/t1", .dynamoDB, "t1", "AWS::DynamoDB::Table"),
            (
                "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1", .efs, "fs-1",
                "AWS::EFS::FileSystem"
            ),
            ("arn:aws:fsx:us-east-1:111122223333:file-system/fs-2", .fsx, "fs-2", "AWS::FSx::FileSystem"),
            ("arn:aws:s3:::my-bucket", .s3, "my-bucket", "AWS::S3::Bucket"),
            (
                "arn:aws:storagegateway:us-east-1:111122223333:gateway/sgw-1/volume/vol-9", .storageGateway, "vol-9",
                "AWS::StorageGateway::Volume"
            ),
            ("arn:aws:redshift:us-east-1:111122223333:cluster:dw", .redshift, "dw", "AWS::Redshift::Cluster"),
            (
                "arn:aws:backup-gateway:us-east-1:111122223333:vm/vm-1", .virtualMachine, "vm-1",
                "AWS::BackupGateway::VirtualMachine"
            ),
            ("arn:aws:eks:us-east-1:111122223333:cluster/k", .eks, "k", "AWS::EKS::Cluster"),
        ]
    )
    func resourceTypes(arn text: String, type: BackupResourceType, id: String, configType: String) throws {
        let arn = try #require(ARN(text))
        #expect(BackupResourceType.of(arn) == type)
        #expect(BackupResourceType.resourceID(of: arn) == id)
        #expect(type.configType == configType)
    }

    @Test(
        "Invalid ARNs are refused",
        arguments: [
            "arn:aws:ec2:us-east-1:1234:instance/i-1", "arn:aws::us-east-1:111122223333:x", "ec2:instance",
            "arn:aws:ec2:useast:111122223333:instance/i-1", "arn:aws:ec2:us-east-1:111122223333:",
        ]
    )
    func refusesARNs(text: String) {
        #expect(ARN(text) == nil)
    }

    @Test(
        "AWS wildcards match zero or more characters anywhere",
        arguments: [
            ("arn:aws:rds:*:*:db:*", "arn:aws:rds:us-east-1:111122223333:db:orders", true),
            ("arn:aws:rds:*:*:db:*", "arn:aws:rds:us-east-1:111122223333:cluster:x", false),
            ("*", "anything", true),
            ("prod*", "prod", true),
            ("*rod*", "production", true),
            ("a*b*c", "abbc", true),
            ("a*b*c", "acb", false),
            ("exact", "exact", true),
            ("exact", "Exact", false),
            // ARN patterns and IAM actions: `*` matches anything, whitespace too.
            ("prod*", "prod server", true),
        ]
    )
    func wildcards(pattern: String, text: String, matches: Bool) {
        #expect(Wildcard.matches(pattern, text) == matches)
    }

    @Test(
        "A26: in tag conditions `*` matches no whitespace (AWS's prod* example)",
        arguments: [
            ("prod*", "prod_server", true),
            ("prod*", "prod server", false),
            ("prod*", "production", true),
            ("*rod*", "production", true),
            ("*", "prod server", false),
            ("*", "", true),
            ("prod *", "prod server", true),
            ("* *", "prod server", true),
            ("*server", "prod server", false),
            ("prod*", "prod\tserver", false),
            ("prod*", "prod\u{3000}server", false),
            ("prod*", "prod-server\u{00E9}", true),
        ]
    )
    func tagValueWildcards(pattern: String, value: String, matches: Bool) {
        #expect(Wildcard.matchesTagValue(pattern, value) == matches)
    }

    @Test("A26: the tag-value wildcard agrees with a reference matcher on every short pattern and value")
    func tagValueWildcardsExhaustive() {
        // Reference: `*` consumes zero or more non-whitespace characters, tried every way (exponential, tiny inputs).
        func reference(_ p: Substring, _ t: Substring) -> Bool {
            guard let first = p.first else { return t.isEmpty }
            if first == "*" {
                if reference(p.dropFirst(), t) { return true }
                guard let c = t.first, c != " " else { return false }
                return reference(p, t.dropFirst())
            }
            guard let c = t.first, c == first else { return false }
            return reference(p.dropFirst(), t.dropFirst())
        }
        func strings(_ alphabet: [String], upTo length: Int) -> [String] {
            var all = [""]
            var layer = [""]
            for _ in 0..<length {
                layer = layer.flatMap { prefix in alphabet.map { prefix + $0 } }
                all += layer
            }
            return all
        }
        let patterns = strings(["a", " ", "*"], upTo: 5)
        let values = strings(["a", "b", " "], upTo: 5)
        var disagreements: [String] = []
        for pattern in patterns {
            for value in values
            where Wildcard.matchesTagValue(pattern, value) != reference(pattern[...], value[...]) {
                disagreements.append("'\(pattern)' ~ '\(value)'")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("A locked vault accepts retention within its bounds only")
    func vaultLock() throws {
        let arn = try #require(ARN("arn:aws:backup:us-east-1:111122223333:backup-vault:v"))
        let vault = Vault(
            name: "v",
            arn: arn,
            account: "111122223333",
            region: "us-east-1",
            locked: true,
            minRetentionDays: 7,
            maxRetentionDays: 400
        )
        #expect(vault.acceptsRetention(days: 7))
        #expect(vault.acceptsRetention(days: 400))
        #expect(!vault.acceptsRetention(days: 6))
        #expect(!vault.acceptsRetention(days: 401))
        #expect(!vault.acceptsRetention(days: nil))
        #expect(Vault(name: "u", arn: arn, account: "111122223333", region: "us-east-1").acceptsRetention(days: nil))
    }
}

@Suite("Input locations")
struct InputLocationTests {
    @Test("A location prints as the file, then a JSON path or line:column, and reads back from that form")
    func printedForm() {
        let path = InputLocation(file: "plans/a.json", position: .jsonPath("$.BackupPlan.Rules[0]"))
        #expect(path.description == "plans/a.json: $.BackupPlan.Rules[0]")
        #expect(InputLocation(file: "t.yaml", position: .lineColumn(line: 7, column: 6)).description == "t.yaml: 7:6")
        #expect(InputLocation(file: "t.yaml").description == "t.yaml")
        #expect(InputLocation(file: "t.yaml", position: "7:6").position == .lineColumn(line: 7, column: 6))
        #expect(InputLocation(file: "t.yaml", position: "$.a").position == .jsonPath("$.a"))
        #expect(InputLocation(file: "t.yaml", position: "").position == .file)
        let error = ImportError(file: "t.yaml", location: "3:1", message: "invalid YAML")
        #expect(error.inputLocation.position == .lineColumn(line: 3, column: 1))
        #expect(error.description == "t.yaml: 3:1: invalid YAML")
        #expect(ImportError(InputLocation(file: "f.json"), message: "empty").description == "f.json: empty")
    }
}

@Suite("Selective JSON reading")
struct SelectiveJSONTests {
    @Test("elementRanges gives each element of the named array and validates what it skips")
    func elements() throws {
        let text =
            #"{"Other": {"a": [1, 2.5e3, "x\u00e9"], "Records": [9]}, "Records": [ {"k": 1} , [true], "s" ], "tail": null}"#
        let bytes = Array(text.utf8)
        let ranges = try #require(try JSONParser.elementRanges(ofArray: "Records", in: bytes))
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == [#"{"k": 1}"#, "[true]", #""s""#])
        #expect(try JSONParser.elementRanges(ofArray: "Missing", in: bytes) == nil)
        #expect(try JSONParser.elementRanges(ofArray: "Records", in: Array("[1]".utf8)) == nil)
        // An empty array captures nothing, and no later array is taken for it.
        let empty = Array(#"{"Records": [], "Other": [{"a": 1}, {"b": 2}]}"#.utf8)
        #expect(try JSONParser.elementRanges(ofArray: "Records", in: empty) == [])
        for bad in [
            #"{"Other": {"a": [1, 2.]}, "Records": []}"#, #"{"Records": [{"k": "\q"}]}"#, #"{"Records": [1,]}"#,
            #"{"Records": [1]} x"#,
        ] {
            #expect(throws: JSONSyntaxError.self) {
                _ = try JSONParser.elementRanges(ofArray: "Records", in: Array(bad.utf8))
            }
        }
    }
}

/// Counts live instances, to show that ``Parallel/map(_:_:)`` keeps no reference to its results.
private final class Tracked: Sendable {
    static let live = Atomic<Int>(0)
    let value: Int

    init(_ value: Int) {
        self.value = value
        Tracked.live.add(1, ordering: .relaxed)
    }

    deinit { Tracked.live.subtract(1, ordering: .relaxed) }
}

@Suite("Parallel map", .serialized)
struct ParallelMapTests {
    @Test("Results come back in input order, and none is kept once the caller drops them")
    func noRetainedResults() {
        let before = Tracked.live.load(ordering: .relaxed)
        do {
            let results = Parallel.map(Array(0..<500)) { [Tracked($0)] }
            #expect(results.map { $0[0].value } == Array(0..<500))
        }
        #expect(Tracked.live.load(ordering: .relaxed) == before)
    }

    @Test("Costliest first: results in input order whatever the costs, none kept once dropped")
    func costliestFirst() {
        let before = Tracked.live.load(ordering: .relaxed)
        do {
            let input = Array(0..<500)
            let results = Parallel.map(input, costliestFirst: { ($0 * 7919) % 101 }) { [Tracked($0 * 3)] }
            #expect(results.map { $0[0].value } == input.map { $0 * 3 })
            #expect(Parallel.map([5], costliestFirst: { $0 }) { $0 + 1 } == [6])
            #expect(Parallel.map([Int](), costliestFirst: { $0 }) { $0 }.isEmpty)
        }
        #expect(Tracked.live.load(ordering: .relaxed) == before)
    }
}

@Suite("ARN edge cases")
struct ARNEdgeCaseTests {
    @Test("Parts split on colon bytes, whatever marks follow a colon; whitespace anywhere in the text is refused")
    func edges() throws {
        let marked = try #require(ARN("arn:aws:backup:us-east-1:555566667777:\u{0301}backup-plan"))
        #expect(marked.account == "555566667777")
        #expect(marked.resource == "\u{0301}backup-plan")
        #expect(ARN("arn:aws:backup:us-east-1:555566667777:\u{0301}backup-plan:x")?.account == "555566667777")
        for text in [
            "arn:aws:s3:::b\u{0600}\u{00A0}x", "arn:aws:s3:::b\u{0600}\u{3000}x", "arn:aws:s3:::b\u{0600} ",
            "arn:aws:s3:::", "", "arn:aws:s3", "arn:aws::us-east-1:111122223333:x",
        ] {
            #expect(ARN(text) == nil, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(ARN("arn:aws:s3:::bucket")?.resource == "bucket")
        #expect(ARN("arn:aws:s3::::x")?.resource == ":x")
    }
}
