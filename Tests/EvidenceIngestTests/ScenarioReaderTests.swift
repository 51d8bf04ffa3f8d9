import EvidenceIngest
import EvidenceModel
import EvidenceTestSupport
import Testing

@Suite("Scenario folder ingest")
struct ScenarioReaderTests {
    static let base = "accounts/123456789012/us-east-1"

    @Test("The seed organization reads completely")
    func readsOrgEstate() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("org-estate"))
        #expect(estate.settings.name == "org-estate")
        #expect(estate.settings.month.description == "2028-03")
        #expect(estate.resources.count == 398)
        #expect(Set(estate.resources.map(\.type)) == [.ec2, .ebs, .rds, .aurora, .dynamoDB, .efs, .s3, .neptune])
        #expect(Set(estate.resources.map(\.account)).count == 3)
        #expect(Set(estate.locations.map(\.region)) == ["us-east-1", "us-west-2"])
        #expect(estate.plans.count == 16)
        #expect(
            Set(estate.plans.map(\.name)) == ["daily-7-day", "daily-35-day", "monthly-1yr", "hourly-continuous-rds"]
        )
        #expect(estate.frameworks.count == 8)
        #expect(Set(estate.frameworks.map(\.name)) == ["OrgBackupPolicy", "OrgResiliencePolicy"])
        #expect(estate.vaults.filter { $0.accessPolicy != nil }.count == 4)
        #expect(!estate.hasJobSource)
        let neptune = try #require(estate.resources.first { $0.resourceID == "recommendations-staging-neptune-graph" })
        #expect(neptune.type == .neptune)
        #expect(neptune.tags["BackupTier"] == nil)
        #expect(neptune.createdAt == Instant(iso8601: "2028-03-14T09:30:00Z"))
    }

    @Test("get-resources entries AWS Backup cannot protect (a queue, a function) are not inventory")
    func unprotectedResourcesSkipped() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        let file = try #require(
            TemporaryFolder.files(below: sandbox.root).first { $0.hasSuffix("/resources.json") }
        )
        let before = try ScenarioReader.read(folder: sandbox.path).resources
        let account = file.split(separator: "/")[1]
        let region = file.split(separator: "/")[2]
        try sandbox.replace(
            file,
            "\"ResourceTagMappingList\": [",
            with: """
                "ResourceTagMappingList": [{"ResourceARN": "arn:aws:sqs:\(region):\(account):q", "Tags": []},
                {"ResourceARN": "arn:aws:lambda:\(region):\(account):function:f", "Tags": [{"Key": "k", "Value": "v"}]},
                """
        )
        #expect(try ScenarioReader.read(folder: sandbox.path).resources == before)
    }

    @Test("S3 buckets take their account and Region from the folder")
    func s3TakesFolderLocation() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("untagged-neptune"))
        let bucket = try #require(estate.resources.first { $0.type == .s3 })
        #expect(bucket.account == "123456789012")
        #expect(bucket.region == "us-east-1")
        #expect(bucket.arnString == "arn:aws:s3:::example-untagged-neptune-assets")
        #expect(bucket.complianceResourceID == "AWS::S3::Bucket/example-untagged-neptune-assets")
    }

    /// One malformed input per failure kind, with the exact one-line message.
    @Test(
        "Malformed input names the file, the location and what was expected",
        arguments: [
            (
                "\(base)/resources.json",
                "{\"ResourceTagMappingList\": [\n  {\"ResourceARN\": \"arn:aws:s3:::b\",}\n]}",
                "\(base)/resources.json: 2:36: invalid JSON: expected a string key"
            ),
            (
                "\(base)/resources.json", "{\"ResourceTagMappingList\": [{\"Tags\": []}]}",
                "\(base)/resources.json: $.ResourceTagMappingList[0].ResourceARN: missing required field"
            ),
            (
                "\(base)/resources.json", "{\"ResourceTagMappingList\": [{\"ResourceARN\": 42}]}",
                "\(base)/resources.json: $.ResourceTagMappingList[0].ResourceARN: expected a string, found a number"
            ),
            (
                "\(base)/resources.json",
                "{\"ResourceTagMappingList\": [{\"ResourceARN\": \"arn:aws:ec2:us-east-1:12:instance/i-1\"}]}",
                "\(base)/resources.json: $.ResourceTagMappingList[0].ResourceARN: expected an ARN, found \"arn:aws:ec2:us-east-1:12:instance/i-1\""
            ),
            (
                "\(base)/resources.json", "{\"ResourceTagMappingList\": [",
                "\(base)/resources.json: 1:29: invalid JSON: unexpected end of input; the file may be truncated"
            ),
            (
                "scenario.json", "{\"name\": \"x\", \"month\": \"March\", \"seed\": 1}",
                "scenario.json: $.month: expected a month as YYYY-MM, found \"March\""
            ),
            (
                "scenario.json", "{\"name\": \"x\", \"month\": \"2028-03\", \"seed\": \"abc\"}",
                "scenario.json: $.seed: expected an integer, found \"abc\""
            ),
            (
                "scenario.json", "{\"name\": \"x\", \"month\": \"2028-03\"}",
                "scenario.json: $.seed: missing required field"
            ),
            (
                "scenario.json",
                "{\"name\": \"x\", \"month\": \"2028-03\", \"seed\": 1, \"faults\": [{\"kind\": \"BROKEN\"}]}",
                "scenario.json: $.faults[0].kind: \"BROKEN\" is not a fault kind (expected one of FAILED, EXPIRED, ABORTED, PARTIAL, LATE_START)"
            ),
            (
                "scenario.json",
                "{\"name\": \"x\", \"month\": \"2028-03\", \"seed\": 1, \"limits\": {\"yaml_nodes\": 0}}",
                "scenario.json: $.limits.yaml_nodes: expected a positive integer"
            ),
            (
                "scenario.json",
                "{\"name\": \"x\", \"month\": \"2028-03\", \"seed\": 1, \"limits\": {\"yaml\": 10}}",
                "scenario.json: $.limits.yaml: unknown limit 'yaml' (expected one of yaml_nodes, inflated_bytes_per_file, record_bytes)"
            ),
            (
                "\(base)/backup-jobs.json",
                "{\"BackupJobs\": [{\"BackupJobId\": \"J1\", \"ResourceArn\": \"arn:aws:s3:::b\", \"CreationDate\": \"2028-03-02T00:00:00Z\", \"State\": \"DONE\"}]}",
                "\(base)/backup-jobs.json: $.BackupJobs[0].State: \"DONE\" is not a backup job state (expected one of CREATED, PENDING, RUNNING, ABORTING, ABORTED, COMPLETED, FAILED, EXPIRED, PARTIAL)"
            ),
            (
                "\(base)/backup-jobs.json",
                "{\"BackupJobs\": [{\"BackupJobId\": \"J1\", \"ResourceArn\": \"arn:aws:s3:::b\", \"CreationDate\": \"yesterday\", \"State\": \"COMPLETED\"}]}",
                "\(base)/backup-jobs.json: $.BackupJobs[0].CreationDate: expected an ISO-8601 instant, found \"yesterday\""
            ),
            (
                "\(base)/backup-vaults.json",
                "{\"BackupVaultList\": [{\"BackupVaultName\": \"v\", \"BackupVaultArn\": \"arn:aws:backup:us-west-2:123456789012:backup-vault:v\"}]}",
                "\(base)/backup-vaults.json: $.BackupVaultList[0].BackupVaultArn: vault ARN belongs to 123456789012/us-west-2, not to this folder"
            ),
        ]
    )
    func malformedInput(file: String, content: String, message: String) throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write(file, content)
        #expect(throws: ImportError.self) { try ScenarioReader.read(folder: sandbox.path) }
        do {
            _ = try ScenarioReader.read(folder: sandbox.path)
        } catch let error as ImportError {
            #expect(error.description == message)
        }
    }

    @Test("A selection must name a plan of its own folder")
    func selectionPlanReference() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        let file = "\(Self.base)/backup-selections/critical-tier.json"
        let text = try sandbox.read(file)
        let planID = try #require(text.split(separator: "\"").drop { $0 != "BackupPlanId" }.dropFirst(2).first)
        try sandbox.replace(file, String(planID), with: "no-such-plan")
        #expect(
            throws: ImportError(
                file: "accounts/123456789012/us-east-1/backup-selections",
                location: "$.BackupPlanId",
                message: "selection critical-tier names plan no-such-plan, which is not in this folder's backup-plans"
            )
        ) { try ScenarioReader.read(folder: sandbox.path) }
    }

    @Test("Folders must be named after accounts and Regions")
    func folderNames() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write("accounts/prod/us-east-1/resources.json", "{\"ResourceTagMappingList\": []}")
        #expect(
            throws: ImportError(file: "accounts/prod", message: "expected a folder named after a 12-digit account id")
        ) {
            try ScenarioReader.read(folder: sandbox.path)
        }
    }

    @Test("Folders are read side by side, but the first problem in folder order is the one reported")
    func firstProblemInOrder() throws {
        let sandbox = try ScenarioSandbox(copying: "org-estate")
        let locations = try ScenarioReader.read(folder: sandbox.path).locations
        #expect(locations.count > 2)
        // The second folder's problem comes before the last folder's and before a badly named account folder
        // (listed after every account id, as "zz" sorts after digits).
        let second = "accounts/\(locations[1].account)/\(locations[1].region)"
        let last = "accounts/\(locations[locations.count - 1].account)/\(locations[locations.count - 1].region)"
        try sandbox.remove("\(last)/resources.json")
        try sandbox.write("accounts/zz/us-east-1/resources.json", "{\"ResourceTagMappingList\": []}")
        try sandbox.remove("\(second)/resources.json")
        #expect(throws: ImportError(file: "\(second)/resources.json", message: "required file is missing")) {
            try ScenarioReader.read(folder: sandbox.path)
        }
        try sandbox.write("\(second)/resources.json", "{\"ResourceTagMappingList\": []}")
        #expect(throws: ImportError(file: "\(last)/resources.json", message: "required file is missing")) {
            try ScenarioReader.read(folder: sandbox.path)
        }
    }

    @Test("A missing resources.json is an error")
    func missingResources() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.remove("\(Self.base)/resources.json")
        #expect(throws: ImportError(file: "\(Self.base)/resources.json", message: "required file is missing")) {
            try ScenarioReader.read(folder: sandbox.path)
        }
    }

    @Test("Numeric fields may be strings and timestamps may be epoch seconds")
    func lenientNumbers() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write(
            "\(Self.base)/backup-jobs.json",
            """
            {"BackupJobs": [{"BackupJobId": "J1", "ResourceArn": "arn:aws:s3:::b", "CreationDate": 1835499600.5,
              "State": "COMPLETED", "BackupSizeInBytes": "36048", "CompletionDate": "2028-03-01T05:10:00.000000+00:00"}]}
            """
        )
        let estate = try ScenarioReader.read(folder: sandbox.path)
        #expect(estate.hasJobSource)
        let job = try #require(estate.backupJobs.first)
        #expect(job.sizeBytes == 36_048)
        #expect(job.creationDate.iso8601Milliseconds == "2028-03-01T05:00:00.500Z")
        #expect(job.resourceType == "S3")
    }
}
