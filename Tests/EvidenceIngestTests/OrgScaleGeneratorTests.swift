import EvidenceIngest
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

/// `Tools/generate-scenarios.py --out`: organizations of any size in org-estate's shapes, for the benchmark.
@Suite("Organizations generated in org-estate's shapes")
struct OrgScaleGeneratorTests {
    /// Runs the generator into a fresh folder.
    static func generate(_ arguments: [String]) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let script = RepositoryPaths.root.appendingPathComponent("Tools/generate-scenarios.py").path
        let result = try Tools.run("python3", [script, "--out", folder.path] + arguments)
        guard result.status == 0 else { throw ToolFailure("generate-scenarios.py exited with \(result.status)") }
        return folder
    }

    /// Every key path of a JSON document, arrays' members merged: `BackupPlan.Rules[].RuleName`.
    static func keyPaths(_ value: JSONValue, _ prefix: String = "") -> Set<String> {
        switch value {
        case .object(let members):
            var out: Set<String> = []
            for (key, member) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                out.insert(path)
                out.formUnion(keyPaths(member, path))
            }
            return out
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1, prefix + "[]")) }
        default:
            return []
        }
    }

    static func json(_ url: URL) throws -> JSONValue {
        try JSONParser.parse([UInt8](try Data(contentsOf: url)))
    }

    @Test("At org-estate's size and account count the generator writes org-estate itself, byte for byte")
    func orgEstateItself() throws {
        let folder = try Self.generate(["--resources", "398", "--accounts", "4", "--name", "org-estate"])
        let committed = URL(fileURLWithPath: RepositoryPaths.scenario("org-estate"))
        let generated = folder.files()
        // The YAML proposal is written by hand; everything else comes from the generator.
        #expect(generated == TemporaryFolder.files(below: committed).filter { !$0.hasSuffix(".yaml") })
        #expect(generated.count > 50)
        for path in generated {
            let ours = try Data(contentsOf: folder.url.appendingPathComponent(path))
            #expect(ours == (try Data(contentsOf: committed.appendingPathComponent(path))), "\(path)")
        }
    }

    @Test("A larger organization: each account has its org-estate template's files and keys, and it reads")
    func largerOrganization() throws {
        let folder = try Self.generate(["--resources", "150", "--accounts", "8"])
        let orgEstate = URL(fileURLWithPath: RepositoryPaths.scenario("org-estate"))
        let members = ["222233334444", "333344445555", "444455556666"]
        let accounts = try FileManager.default.contentsOfDirectory(
            atPath: folder.url.appendingPathComponent("accounts").path
        ).sorted()
        #expect(accounts.count == 8)
        for account in accounts {
            // Member accounts beyond org-estate's three repeat them in turn: prod, staging, shared-services.
            let template: String
            if account == "111122223333" || members.contains(account) {
                template = account
            } else {
                let index = try #require(Int(account.dropFirst()))
                template = members[index % members.count]
            }
            let ours = folder.url.appendingPathComponent("accounts/\(account)")
            let theirs = orgEstate.appendingPathComponent("accounts/\(template)")
            let files = TemporaryFolder.files(below: ours)
            #expect(files == TemporaryFolder.files(below: theirs), "\(account) against \(template)")
            for path in files where path.hasSuffix(".json") {
                let expected = Self.keyPaths(try Self.json(theirs.appendingPathComponent(path)))
                #expect(!expected.isEmpty, "\(template)/\(path)")
                #expect(
                    Self.keyPaths(try Self.json(ours.appendingPathComponent(path))) == expected,
                    "\(account)/\(path)"
                )
            }
        }
        guard case .object(let settings) = try Self.json(folder.url.appendingPathComponent("scenario.json")),
            case .object(let seed) = try Self.json(orgEstate.appendingPathComponent("scenario.json"))
        else { throw ToolFailure("scenario.json is not an object") }
        #expect(Set(settings.keys) == Set(seed.keys))

        let estate = try ScenarioReader.read(folder: folder.path)
        #expect(estate.resources.count == 150)
        #expect(estate.settings.accounts.count == 8)
        #expect(Set(estate.resources.map(\.region)) == ["us-east-1", "us-west-2"])
        #expect(
            Set(estate.resources.map(\.type))
                == [.ec2, .ebs, .rds, .aurora, .dynamoDB, .efs, .s3, .neptune]
        )
        #expect(
            Set(estate.plans.map(\.name)) == ["daily-7-day", "daily-35-day", "monthly-1yr", "hourly-continuous-rds"]
        )
        #expect(Set(estate.frameworks.map(\.name)) == ["OrgBackupPolicy", "OrgResiliencePolicy"])
        // Four plans in each account-Region holding resources: the three prod accounts' two Regions, and one
        // Region of each of the two staging and two shared-services accounts.
        #expect(estate.plans.count == 4 * 10)
        #expect(estate.settings.faults.count == 5)
    }

    @Test("The same arguments give the same bytes")
    func deterministic() throws {
        let first = try Self.generate(["--resources", "90", "--accounts", "5"])
        let second = try Self.generate(["--resources", "90", "--accounts", "5"])
        #expect(first.files() == second.files())
        for path in first.files() {
            #expect(
                try Data(contentsOf: first.url.appendingPathComponent(path))
                    == Data(contentsOf: second.url.appendingPathComponent(path)),
                "\(path)"
            )
        }
    }
}
