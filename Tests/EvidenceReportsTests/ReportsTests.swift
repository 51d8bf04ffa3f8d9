import EvidenceControls
import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceSimulation
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Monthly reports")
struct ReportsTests {
    static func reports(_ folder: String) throws -> ReportSet {
        let estate = try ScenarioReader.read(folder: folder)
        return try MonthlyReports.compute(estate: estate, month: estate.settings.month, asOf: nil)
    }

    @Test(
        "Every scenario's reports match golden/ byte for byte",
        arguments: [
            "untagged-neptune", "org-estate", "event-streams", "job-lists", "cfn-estate", "terraform-estate",
            "org-policy",
        ]
    )
    func golden(scenario: String) throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario(scenario))
        let set = try MonthlyReports.compute(estate: estate, month: estate.settings.month, asOf: nil)
        // As `check` does: the month as the first of its chain, so the PDF is the sealed first month's.
        let position = ChainPosition(month: estate.settings.month, chainID: estate.settings.chainID, previousSeal: nil)
        try expectMatchesGolden(set.withComplianceReport(position), scenario: scenario, month: "2028-03")
    }

    @Test("Headers are the column table's, in its order")
    func headers() throws {
        let set = try Self.reports(RepositoryPaths.scenario("untagged-neptune"))
        for template in ReportTemplate.allCases {
            let bytes = try #require(set.files[template.fileName])
            let header = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
            #expect(header == template.columns.map(\.header).joined(separator: ","))
        }
        let backup = try #require(set.files["BACKUP_JOB_REPORT.csv"])
        #expect(
            String(decoding: backup.prefix(80), as: UTF8.self).hasPrefix(
                "Report Time Period Start,Report Time Period End,Path to Root,Account ID"
            )
        )
    }

    @Test("Shuffling list entries and renaming files does not change a byte")
    func shuffledInputs() throws {
        let sandbox = try ScenarioSandbox(copying: "org-estate")
        for account in ["222233334444", "333344445555"] {
            let file = "accounts/\(account)/us-east-1/resources.json"
            let object = try JSONSerialization.jsonObject(with: Data(try sandbox.read(file).utf8))
            let root = try #require(object as? [String: Any])
            let list = try #require(root["ResourceTagMappingList"] as? [Any])
            var random = SeededRandom(seed: 5, key: file)
            let shuffled = ["ResourceTagMappingList": list.shuffled(using: &random)]
            try sandbox.write(
                file,
                String(decoding: try JSONSerialization.data(withJSONObject: shuffled), as: UTF8.self)
            )
        }
        let plans = "accounts/222233334444/us-east-1/backup-plans"
        try FileManager.default.moveItem(
            at: sandbox.root.appendingPathComponent("\(plans)/daily-7-day.json"),
            to: sandbox.root.appendingPathComponent("\(plans)/zz-renamed.json")
        )
        let original = try Self.reports(RepositoryPaths.scenario("org-estate"))
        let shuffled = try Self.reports(sandbox.path)
        #expect(original.files == shuffled.files)
    }

    @Test("CSV quoting follows RFC 4180")
    func quoting() {
        #expect(
            CSVWriter.record(["a", "b,c", "say \"hi\"", "two\nlines", ""])
                == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\","
        )
    }
}

@Suite("Golden comparison")
struct GoldenComparisonTests {
    @Test("Differences read as rows and columns")
    func rows() {
        let header =
            "Account ID,Region,Framework Name,Framework Description,Control Name,Resource ID,Resource Type,Resource Compliance Status,Last Evaluation Time\n"
        let old = header + "1,r,F,,C,R1,T,COMPLIANT,t\n1,r,F,,C,R2,T,COMPLIANT,t\n"
        let new = header + "1,r,F,,C,R1,T,NON_COMPLIANT,t\n1,r,F,,C,R3,T,COMPLIANT,t\n"
        let found = GoldenComparison.compare(
            expected: ["RESOURCE_COMPLIANCE_REPORT.csv": Array(old.utf8)],
            actual: ["RESOURCE_COMPLIANCE_REPORT.csv": Array(new.utf8)]
        ).map(\.description)
        #expect(
            found == [
                "RESOURCE_COMPLIANCE_REPORT.csv: 1, r, F, C, R1: Resource Compliance Status COMPLIANT -> NON_COMPLIANT",
                "RESOURCE_COMPLIANCE_REPORT.csv: 1, r, F, C, R2: removed (Resource Compliance Status COMPLIANT)",
                "RESOURCE_COMPLIANCE_REPORT.csv: 1, r, F, C, R3: added (Resource Compliance Status COMPLIANT)",
            ]
        )
    }

    @Test("Header changes, missing files and byte-only differences are findings")
    func headersAndFiles() {
        let found = GoldenComparison.compare(
            expected: ["A.csv": Array("a,b\n1,2\n".utf8), "B.csv": Array("x\n".utf8)],
            actual: ["A.csv": Array("a,c\n1,2\n".utf8), "C.csv": Array("x\n".utf8)]
        ).map(\.description)
        #expect(
            found == [
                "A.csv: header changed; removed b; added c", "B.csv: missing: the golden copy has it",
                "C.csv: new file, not in the golden copy",
            ]
        )
        let lineEnds = GoldenComparison.compare(
            expected: ["A.csv": Array("a\n1\n".utf8)],
            actual: ["A.csv": Array("a\r\n1\r\n".utf8)]
        )
        #expect(lineEnds.map(\.change) == ["same rows, different bytes (order or line ends)"])
    }

    @Test("The CSV reader reads what the writer writes")
    func roundTrip() throws {
        var writer = CSVWriter(header: ["a", "b"])
        writer.append(row: ["x,y", "say \"hi\"\nthere"])
        writer.append(row: ["", "plain"])
        #expect(try CSVReader.records(writer.bytes) == [["a", "b"], ["x,y", "say \"hi\"\nthere"], ["", "plain"]])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records(Array("a,\"open\n".utf8)) }
    }
}
