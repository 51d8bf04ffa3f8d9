import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Scenarios defined by CloudFormation templates and Terraform files")
struct DefinitionScenarioTests {
    /// A copy of the scenario whose templates/ and terraform/ folders are replaced by the get-* export files of
    /// `Tests/equivalents/<name>/`, which describe the same estate as the AWS CLI would print it.
    static func exportEquivalent(of name: String) throws -> ScenarioSandbox {
        let sandbox = try ScenarioSandbox(copying: name)
        let manager = FileManager.default
        let accounts = sandbox.root.appendingPathComponent("accounts")
        for account in try manager.contentsOfDirectory(atPath: accounts.path) {
            let accountURL = accounts.appendingPathComponent(account)
            for region in try manager.contentsOfDirectory(atPath: accountURL.path) {
                for folder in ["templates", "terraform"] {
                    let url = accountURL.appendingPathComponent("\(region)/\(folder)")
                    if manager.fileExists(atPath: url.path) { try manager.removeItem(at: url) }
                }
            }
        }
        let overlay = RepositoryPaths.root.appendingPathComponent("Tests/equivalents/\(name)")
        let walker = try #require(manager.enumerator(atPath: overlay.path))
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: overlay.appendingPathComponent(path).path, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { continue }
            try sandbox.write(path, try String(contentsOf: overlay.appendingPathComponent(path), encoding: .utf8))
        }
        return sandbox
    }

    /// The estate without the names of the files its plans and frameworks came from.
    static func withoutSources(_ estate: Estate) -> Estate {
        var out = estate
        for index in out.plans.indices { out.plans[index].source = "" }
        for index in out.frameworks.indices { out.frameworks[index].source = "" }
        return out
    }

    @Test(
        "Templates and Terraform files read to the same estate as their get-* export equivalent",
        arguments: ["cfn-estate", "terraform-estate"]
    )
    func sameEstateAsExports(scenario: String) throws {
        let defined = Self.withoutSources(try ScenarioReader.read(folder: RepositoryPaths.scenario(scenario)))
        let sandbox = try Self.exportEquivalent(of: scenario)
        let exported = Self.withoutSources(try ScenarioReader.read(folder: sandbox.path))
        #expect(!defined.plans.isEmpty && !defined.selections.isEmpty)
        #expect(!defined.vaults.isEmpty && !defined.frameworks.isEmpty)
        #expect(defined.plans == exported.plans)
        #expect(defined.selections == exported.selections)
        #expect(defined.vaults == exported.vaults)
        #expect(defined.frameworks == exported.frameworks)
        #expect(defined.resources == exported.resources)
        #expect(defined == exported)
    }

    @Test(
        "Reports of the template and Terraform scenarios match golden/",
        arguments: ["cfn-estate", "terraform-estate"]
    )
    func golden(scenario: String) throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario(scenario))
        let set = try MonthlyReports.compute(estate: estate, month: estate.settings.month, asOf: nil)
        try expectMatchesGolden(set.files, scenario: scenario, month: "2028-03")
    }
}
