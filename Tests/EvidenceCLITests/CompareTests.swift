import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

/// `compare` against AWS's delivered shapes, built from our own month of untagged-neptune by
/// Tools/make-compare-fixtures.py (Tests/Fixtures/compare/aws), then perturbed one way at a time.
@Suite("Compare with AWS's own reports", .serialized)
struct CompareTests {
    static let fixture = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/compare/aws")
    static let jobs =
        "Backup/crossaccount/crossregion/2028/03/16/org_jobs/"
        + "BACKUP_JOB_REPORT_org_jobs_2028-03-15T00:00:00Z_2028-03-16T00:00:00Z.csv"
    static let copies =
        "Backup/123456789012/us-east-1/2028/03/16/account_jobs/"
        + "COPY_JOB_REPORT_account_jobs_2028-03-15T00:00:00Z_2028-03-16T00:00:00Z.json"
    static let resources =
        "Backup/123456789012/us-east-1/2028/04/01/account_compliance/"
        + "RESOURCE_COMPLIANCE_REPORT_account_compliance_2028-03-31T00:00:00Z_2028-04-01T00:00:00Z.json"
    static let controls =
        "Backup/crossaccount/crossregion/2028/04/01/org_compliance/"
        + "CONTROL_COMPLIANCE_REPORT_org_compliance_2028-03-31T00:00:00Z_2028-04-01T00:00:00Z.csv"

    /// A copy of the AWS fixture and our simulate output for the same month.
    final class Setup {
        let folder: TemporaryFolder
        var aws: URL { folder.url.appendingPathComponent("aws") }
        var ours: URL { folder.url.appendingPathComponent("ours") }

        init() async throws {
            folder = try TemporaryFolder()
            try FileManager.default.copyItem(at: CompareTests.fixture, to: aws)
            let status = await CLITests.run([
                "simulate", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--out", ours.path,
            ])
            precondition(status == 0, "simulate failed")
        }

        func edit(_ relative: String, _ change: (String) -> String) throws {
            let url = aws.appendingPathComponent(relative)
            let text = try String(contentsOf: url, encoding: .utf8)
            let changed = change(text)
            precondition(changed != text, "\(relative) did not change")
            try Data(changed.utf8).write(to: url)
        }

        /// The differences, as `compare` prints them (paths relative to the AWS folder).
        func differences() throws -> [String] {
            var files: [AWSReportFile] = []
            for path in TemporaryFolder.files(below: aws) {
                let bytes = [UInt8](try Data(contentsOf: aws.appendingPathComponent(path)))
                if let file = try AWSReportFile.read(path: path, bytes: bytes) { files.append(file) }
            }
            var ourReports: [ReportTemplate: ReportComparison.OurReport] = [:]
            for template in Set(files.map(\.template)) {
                let url = ours.appendingPathComponent("reports/\(template.fileName)")
                ourReports[template] = try ReportComparison.OurReport(
                    path: url.path,
                    bytes: [UInt8](try Data(contentsOf: url))
                )
            }
            return ReportComparison.compare(aws: files, ours: ourReports).map(\.description)
        }

        /// Rewrites one AWS CSV file as parts `_1`, `_2`, … of the same window, the rows dealt out in order.
        func splitCSV(_ relative: String, sizes: [Int]) throws -> [String] {
            let url = aws.appendingPathComponent(relative)
            let records = try CSVReader.records([UInt8](try Data(contentsOf: url)))
            var rows = records.dropFirst().filter { $0 != [""] }[...]
            var names: [String] = []
            for (index, size) in sizes.enumerated() {
                var writer = CSVWriter(header: records[0])
                for row in rows.prefix(size) { writer.append(row: row) }
                rows = rows.dropFirst(size)
                let name = relative.replacingOccurrences(of: ".csv", with: "_\(index + 1).csv")
                try Data(writer.bytes).write(to: aws.appendingPathComponent(name))
                names.append(name)
            }
            precondition(rows.isEmpty, "\(relative): rows left over")
            try FileManager.default.removeItem(at: url)
            return names
        }

        /// Rewrites one AWS JSON file as parts `_1`, `_2`, … of the same window, the items dealt out in order.
        func splitJSON(_ relative: String, sizes: [Int]) throws -> [String] {
            let url = aws.appendingPathComponent(relative)
            let text = try String(contentsOf: url, encoding: .utf8)
            var items = text.components(separatedBy: "\n    {\n").dropFirst().map {
                $0.components(separatedBy: "\n    }")[0]
            }[...]
            var names: [String] = []
            for (index, size) in sizes.enumerated() {
                let part = items.prefix(size).map { "\n    {\n\($0)\n    }" }.joined(separator: ",")
                items = items.dropFirst(size)
                let name = relative.replacingOccurrences(of: ".json", with: "_\(index + 1).json")
                try Data("{\n  \"reportItems\": [\(part)\n  ]\n}\n".utf8).write(to: aws.appendingPathComponent(name))
                names.append(name)
            }
            precondition(items.isEmpty, "\(relative): items left over")
            try FileManager.default.removeItem(at: url)
            return names
        }

        func compare(_ extra: [String] = []) async -> Int32 {
            await CLITests.run(["compare", "--aws", aws.path, "--ours", ours.path] + extra)
        }
    }

    @Test("AWS's shapes of our own month: no differences, exit 0, whichever folder --ours names")
    func identical() async throws {
        let setup = try await Setup()
        #expect(try setup.differences() == [])
        #expect(await setup.compare() == 0)
        #expect(await setup.compare(["--format", "json"]) == 0)
        let reports = setup.ours.appendingPathComponent("reports").path
        #expect(await CLITests.run(["compare", "--aws", setup.aws.path, "--ours", reports]) == 0)
        let sealed = RepositoryPaths.golden.appendingPathComponent("untagged-neptune/2028-03").path
        #expect(await CLITests.run(["compare", "--aws", setup.aws.path, "--ours", sealed]) == 0)
    }

    @Test("A changed cell is one cell finding keyed by the job id")
    func changedCell() async throws {
        let setup = try await Setup()
        try setup.edit(Self.jobs) {
            $0.replacingOccurrences(
                of: "973C25BC-6579-07A6-E924-F1096F22E6A6,COMPLETED,",
                with: "973C25BC-6579-07A6-E924-F1096F22E6A6,FAILED,"
            )
        }
        #expect(
            try setup.differences() == [
                "BACKUP_JOB_REPORT: Backup Job ID 973C25BC-6579-07A6-E924-F1096F22E6A6: Job Status: AWS \"FAILED\", "
                    + "ours \"COMPLETED\" (\(Self.jobs))"
            ]
        )
        #expect(await setup.compare() == 1)
        #expect(await setup.compare(["--format", "json"]) == 1)
    }

    @Test("A row missing from AWS's JSON is a row only in ours, keyed by resource and control")
    func missingRow() async throws {
        let setup = try await Setup()
        try setup.edit(Self.resources) { text in
            var items = text.components(separatedBy: "\n    {\n")
            items.removeAll { $0.contains("AWS::RDS::DBCluster/graph-neptune-exception") }
            return items.joined(separator: "\n    {\n").replacingOccurrences(of: "},\n  ]", with: "}\n  ]")
        }
        #expect(
            try setup.differences() == [
                "RESOURCE_COMPLIANCE_REPORT: row only in ours: Account ID 123456789012, Region us-east-1, "
                    + "Framework Name OrgBackupPolicy, Control Name BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN, "
                    + "Resource ID AWS::RDS::DBCluster/graph-neptune-exception (\(Self.resources))"
            ]
        )
        #expect(await setup.compare() == 1)
    }

    @Test("An extra row in AWS's JSON is a row only in AWS's file")
    func extraRow() async throws {
        let setup = try await Setup()
        try setup.edit(Self.copies) { text in
            let first = text.components(separatedBy: "\n    {\n")[1].components(separatedBy: "\n    }")[0]
            let copy = first.replacingOccurrences(
                of: "E4BD8899-100F-7A6E-97D8-64883D9B317A",
                with: "00000000-0000-0000-0000-000000000001"
            )
            return text.replacingOccurrences(
                of: "  \"reportItems\": [\n",
                with: "  \"reportItems\": [\n    {\n\(copy)\n    },\n"
            )
        }
        #expect(
            try setup.differences() == [
                "COPY_JOB_REPORT: row only in AWS's file: Copy Job ID 00000000-0000-0000-0000-000000000001 "
                    + "(\(Self.copies))"
            ]
        )
        #expect(await setup.compare() == 1)
    }

    @Test("A renamed header is one finding, and the column's cells are still compared under it")
    func renamedHeader() async throws {
        let setup = try await Setup()
        try setup.edit(Self.controls) {
            $0.replacingOccurrences(of: ",Control Compliance Status,", with: ",Compliance Status,")
        }
        #expect(
            try setup.differences() == [
                "CONTROL_COMPLIANCE_REPORT: column \"Control Compliance Status\" is named \"Compliance Status\" "
                    + "in AWS's file (\(Self.controls))"
            ]
        )
        try setup.edit(Self.controls) { $0.replacingOccurrences(of: ",COMPLIANT,", with: ",NON_COMPLIANT,") }
        #expect(try setup.differences().count == 2)
        #expect(await setup.compare() == 1)
    }

    @Test("Missing, extra and reordered columns; rows outside AWS's windows are not compared")
    func columnsAndWindows() async throws {
        let setup = try await Setup()
        // Only the file of 2028-03-14: our jobs of other days are outside every window and are not findings.
        try FileManager.default.removeItem(at: setup.aws.appendingPathComponent(Self.jobs))
        #expect(try setup.differences() == [])
        let file = Self.jobs.replacingOccurrences(of: "03/16", with: "03/15").replacingOccurrences(
            of: "2028-03-15T00:00:00Z_2028-03-16T00:00:00Z",
            with: "2028-03-14T00:00:00Z_2028-03-15T00:00:00Z"
        )
        let url = setup.aws.appendingPathComponent(file)
        let records = try CSVReader.records([UInt8](try Data(contentsOf: url)))
        // Drop "Path to Root" (single-account reports lack it), add "Extra", swap Region and Account ID.
        let changed = records.enumerated().map { index, record in
            var row = record
            row.remove(at: 2)
            row.swapAt(2, 3)
            row.append(index == 0 ? "Extra" : "x")
            return row
        }
        var writer = CSVWriter(header: changed[0])
        for row in changed.dropFirst() { writer.append(row: row) }
        try Data(writer.bytes).write(to: url)
        #expect(
            try setup.differences() == [
                "BACKUP_JOB_REPORT: AWS's file has no column \"Path to Root\"; ours has it (\(file))",
                "BACKUP_JOB_REPORT: AWS's file has a column \"Extra\" that ours does not (\(file))",
                "BACKUP_JOB_REPORT: columns are in another order: AWS has \"Region\" where ours has \"Account ID\" "
                    + "(\(file))",
            ]
        )
    }

    @Test("A compliance report AWS split into parts: the rows of every part of the newest window are compared")
    func splitParts() async throws {
        let setup = try await Setup()
        let controls = try setup.splitCSV(Self.controls, sizes: [1, 1])
        let resources = try setup.splitJSON(Self.resources, sizes: [3, 4])
        #expect(try setup.differences() == [])
        #expect(await setup.compare() == 0)

        // A cell changed in the first part is found there, so that part is compared too.
        try setup.edit(controls[0]) { $0.replacingOccurrences(of: ",NON_COMPLIANT,", with: ",COMPLIANT,") }
        #expect(
            try setup.differences() == [
                "CONTROL_COMPLIANCE_REPORT: Account ID 123456789012, Region us-east-1, Framework Name OrgBackupPolicy, "
                    + "Control Name BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN: Control Compliance Status: "
                    + "AWS \"COMPLIANT\", ours \"NON_COMPLIANT\" (\(controls[0]))"
            ]
        )
        try setup.edit(controls[0]) { $0.replacingOccurrences(of: ",COMPLIANT,2028", with: ",NON_COMPLIANT,2028") }

        // A part of an older window of the same scope is not compared: the newest window's parts are the snapshot.
        let older = resources[0].replacingOccurrences(of: "04/01", with: "03/31").replacingOccurrences(
            of: "2028-03-31T00:00:00Z_2028-04-01T00:00:00Z",
            with: "2028-03-30T00:00:00Z_2028-03-31T00:00:00Z"
        )
        try FileManager.default.createDirectory(
            at: setup.aws.appendingPathComponent(older).deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            at: setup.aws.appendingPathComponent(resources[0]),
            to: setup.aws.appendingPathComponent(older)
        )
        try setup.edit(older) { $0.replacingOccurrences(of: "\"COMPLIANT\"", with: "\"NON_COMPLIANT\"") }
        #expect(try setup.differences() == [])
        #expect(await setup.compare() == 0)
    }

    @Test("Where an organization-wide snapshot and an account's overlap, the newer one's rows are compared")
    func newestSnapshotWins() async throws {
        let setup = try await Setup()
        let orgWide =
            "Backup/crossaccount/crossregion/2028/03/31/org_compliance/"
            + "RESOURCE_COMPLIANCE_REPORT_org_compliance_2028-03-30T00:00:00Z_2028-03-31T00:00:00Z.json"
        try FileManager.default.createDirectory(
            at: setup.aws.appendingPathComponent(orgWide).deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            at: setup.aws.appendingPathComponent(Self.resources),
            to: setup.aws.appendingPathComponent(orgWide)
        )
        try setup.edit(orgWide) { $0.replacingOccurrences(of: "\"COMPLIANT\"", with: "\"NON_COMPLIANT\"") }
        #expect(try setup.differences() == [])
        #expect(await setup.compare() == 0)
    }

    @Test("--aws inside Backup/<account>/<region>/ keeps the files' account and Region")
    func scopeAboveTheFolder() async throws {
        let setup = try await Setup()
        // One more copy job of ours, in another account: outside the scope of AWS's single-account copy file.
        let url = setup.ours.appendingPathComponent("reports/COPY_JOB_REPORT.csv")
        let records = try CSVReader.records([UInt8](try Data(contentsOf: url)))
        let header = records[0]
        let id = try #require(header.firstIndex(of: "Copy Job ID"))
        let account = try #require(header.firstIndex(of: "Account ID"))
        var other = try #require(records.first { $0.count > id && $0[id] == "E4BD8899-100F-7A6E-97D8-64883D9B317A" })
        other[id] = "00000000-0000-0000-0000-000000000002"
        other[account] = "210987654321"
        var writer = CSVWriter(header: header)
        for row in records.dropFirst() where row != [""] { writer.append(row: row) }
        writer.append(row: other)
        try Data(writer.bytes).write(to: url)

        #expect(await setup.compare() == 0)
        let scoped = setup.aws.appendingPathComponent("Backup/123456789012/us-east-1")
        for folder in [scoped, scoped.appendingPathComponent("2028/03/16/account_jobs")] {
            #expect(await CLITests.run(["compare", "--aws", folder.path, "--ours", setup.ours.path]) == 0)
        }
        // The same folder named with `..` in it.
        let roundabout = scoped.path + "/2028/.."
        #expect(await CLITests.run(["compare", "--aws", roundabout, "--ours", setup.ours.path]) == 0)
    }

    @Test("Only Backup/<account|crossaccount>/<region|crossregion>/ folders give a file's scope")
    func scopeFolders() throws {
        let bytes = [UInt8](
            try Data(contentsOf: Self.fixture.appendingPathComponent(Self.controls))
        )
        let name = "CONTROL_COMPLIANCE_REPORT_p_2028-03-31T00:00:00Z_2028-04-01T00:00:00Z.csv"
        let cases: [(String, String?, String?)] = [
            ("/data/Backup/123456789012/us-east-1/2028/04/01/p/", "123456789012", "us-east-1"),
            ("/data/Backup/crossaccount/eu-west-2/2028/04/01/p/", nil, "eu-west-2"),
            ("/data/Backup/123456789012/crossregion/2028/04/01/p/", "123456789012", nil),
            // An ancestor folder that happens to be called Backup is not AWS's layout.
            ("/home/me/Backup/reports/march/", nil, nil),
            ("/home/me/Backup/123456789012/us-east-1/aws/Backup/crossaccount/crossregion/p/", nil, nil),
        ]
        for (folder, account, region) in cases {
            let file = try #require(try AWSReportFile.read(path: folder + name, bytes: bytes))
            #expect(file.account == account, "\(folder)")
            #expect(file.region == region, "\(folder)")
        }
    }
}
