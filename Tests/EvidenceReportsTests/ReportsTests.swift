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

    @Test("Every scenario's reports match golden/ byte for byte", arguments: ["untagged-neptune", "org-estate"])
    func golden(scenario: String) throws {
        let set = try Self.reports(RepositoryPaths.scenario(scenario))
        try expectMatchesGolden(set.files, scenario: scenario, month: "2028-03")
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
