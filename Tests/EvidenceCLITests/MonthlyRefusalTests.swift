import EvidenceTestSupport
import Foundation
import Testing

/// `monthly` refuses what it can without computing the month, before reading the estate: every case runs a copy
/// of the scenario whose estate cannot be read, so a refusal that came after the work would name that file instead.
@Suite("monthly: cheap refusals come before the month is computed", .serialized)
struct MonthlyRefusalTests {
    /// untagged-neptune with a resources.json that does not parse: reading the estate fails, scenario.json reads.
    static func brokenEstate() throws -> ScenarioSandbox {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write("accounts/123456789012/us-east-1/resources.json", "{ not json")
        return sandbox
    }

    /// Runs `monthly` over the broken estate into `evidence`; expects exit `status` and exactly `message` on stderr,
    /// and the evidence folder as it was, with no staging folder left.
    static func expectRefusal(
        evidence: URL,
        _ arguments: [String],
        status: Int32 = 2,
        _ message: String,
        scenario: ScenarioSandbox? = nil
    ) throws {
        let sandbox = try scenario ?? brokenEstate()
        let before = TemporaryFolder.files(below: evidence)
        let result = try Binary.run(
            ["monthly", "--scenario", sandbox.path, "--evidence", evidence.path] + arguments
        )
        #expect(result.status == status, "\(arguments): \(result.err)")
        #expect(result.errLines.first == message, "\(arguments)")
        #expect(TemporaryFolder.files(below: evidence) == before, "\(arguments)")
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: evidence.path)) ?? [])
            .filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(arguments): \(hidden)")
    }

    @Test("A month already sealed, a month out of order, and an amendment of a month not sealed")
    func chainOrder() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let key = ["--key", RepositoryPaths.testKey]
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-03"] + key,
            "error: 2028-03 is already sealed in \(chain.path); a sealed month is never rewritten "
                + "(late data goes in an amendment: monthly --amend)"
        )
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-05"] + key,
            "error: 2028-04 is not sealed yet; seal the months in order (a month with no activity is sealed too)"
        )
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-02"] + key,
            "error: 2028-02 is before the chain's last sealed month 2028-03; months are sealed in order"
        )
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-04", "--amend"] + key,
            "error: 2028-04 is not sealed; there is nothing to amend"
        )
    }

    @Test("Another chain's evidence folder, and a key the chain does not expect")
    func otherChainAndKey() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let other = try Self.brokenEstate()
        try other.replace("scenario.json", "\"seed\"", with: "\"chain_id\": \"other-chain\", \"seed\"")
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-04", "--key", RepositoryPaths.testKey],
            "error: \(chain.path) holds chain untagged-neptune, not other-chain; use another evidence folder",
            scenario: other
        )
        try Self.expectRefusal(
            evidence: chain.folder.url,
            ["--month", "2028-04", "--key", RepositoryPaths.nextTestKey],
            "error: the chain's next entry must be signed by key \(try Self.fingerprint(RepositoryPaths.testKey)), "
                + "not \(try Self.fingerprint(RepositoryPaths.nextTestKey)); "
                + "announce a new key with --next-key in the month before"
        )
    }

    @Test("A refusal with the demo key prints only the refusal, not a warning about a key that signs nothing")
    func demoKeyRefusal() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let sandbox = try Self.brokenEstate()
        let home = try TemporaryFolder()
        for _ in 0..<2 {  // the first run creates the demo key, the second reads it
            let result = try Binary.run(
                ["monthly", "--scenario", sandbox.path, "--evidence", chain.path, "--month", "2028-04"],
                directory: home.url
            )
            #expect(result.status == 2, "\(result.err)")
            #expect(result.errLines.count == 1, "\(result.err)")
            #expect(result.errLines.first?.hasPrefix("error: the chain's next entry must be signed by key") == true)
        }
    }

    @Test("A key file that cannot be read or is not an Ed25519 key; a --next-key that cannot be read")
    func keyFiles() throws {
        let evidence = try TemporaryFolder()
        let missing = evidence.url.appendingPathComponent("absent.pem").path
        try Self.expectRefusal(evidence: evidence.url, ["--key", missing], "error: \(missing): cannot read the key")
        let folder = try TemporaryFolder()
        let rsa = folder.url.appendingPathComponent("rsa.pem").path
        let generated = try Tools.run(
            "openssl",
            ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa]
        )
        try #require(generated.status == 0, "openssl genpkey: \(generated.output)")
        try Self.expectRefusal(
            evidence: evidence.url,
            ["--key", rsa],
            "error: \(rsa): the private key is not an Ed25519 key"
        )
        try Self.expectRefusal(
            evidence: evidence.url,
            ["--key", RepositoryPaths.testKey, "--next-key", missing],
            "error: \(missing): cannot read the key"
        )
    }

    @Test("An evidence path that is a file, and a month that is not YYYY-MM (a usage error)")
    func evidenceAndMonth() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("evidence")
        try Data("not a folder\n".utf8).write(to: file)
        try Self.expectRefusal(
            evidence: file,
            ["--month", "2028-04", "--key", RepositoryPaths.testKey],
            "error: \(file.path)/keys: cannot create the folder: Not a directory"
        )
        #expect(folder.files() == ["evidence"])
        let evidence = try TemporaryFolder()
        try Self.expectRefusal(
            evidence: evidence.url,
            ["--month", "2028-13", "--key", RepositoryPaths.testKey],
            status: 64,
            "Error: --month: expected YYYY-MM, found '2028-13'"
        )
        #expect(evidence.files().isEmpty)
    }

    static func fingerprint(_ path: String) throws -> String {
        String(try ChainTests.fingerprint(path).prefix(16))
    }
}
