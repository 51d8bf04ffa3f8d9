import EvidenceCrypto
import EvidenceTestSupport
import Foundation
import Testing

/// Runs Docs/VERIFYING.md's recipes, exactly as written, with the real openssl, sha256sum and bash.
@Suite("Auditor recipes in Docs/VERIFYING.md", .serialized)
struct RecipeTests {
    /// The ```sh blocks of the document, in order: month, link, row.
    static func recipes() throws -> [String] {
        let text = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Docs/VERIFYING.md"),
            encoding: .utf8
        )
        var blocks: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```sh" {
                current = []
            } else if line == "```", let block = current {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    static func run(_ script: String, _ environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("The month, link and row recipes pass on a sealed chain and fail on tampered copies")
    func recipes() async throws {
        let blocks = try Self.recipes()
        #expect(blocks.count == 3)
        guard blocks.count == 3 else { return }
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        let fingerprint = try Ed25519PrivateKey(pem: pem).publicKey().fingerprint().hex
        let keys = try FileManager.default.contentsOfDirectory(atPath: chain.url("keys").path)
        let jobs = String(decoding: try chain.read("2028-04/reports/BACKUP_JOB_REPORT.csv"), as: UTF8.self)
        let jobID = String(jobs.split(separator: "\n")[7].split(separator: ",")[5])
        let proof = chain.url("../recipe-proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        #expect(await CLITests.run(["prove", "--evidence", chain.path, "--job-id", jobID, "--out", proof.path]) == 0)
        let environment = [
            "EVIDENCE": chain.path, "MONTH": "2028-04", "PREV": "2028-03", "PUBKEY": chain.url("keys/\(keys[0])").path,
            "EXPECTED_KEY_SHA256": fingerprint, "PROOF": proof.path,
        ]
        let month = try Self.run(blocks[0], environment)
        #expect(month.0 == 0, "\(month.1)")
        #expect(month.1.hasSuffix("MONTH 2028-04 OK\n"))
        let link = try Self.run(blocks[1], environment)
        #expect(link.0 == 0, "\(link.1)")
        #expect(link.1.hasPrefix("LINK 2028-03 -> 2028-04 OK \(try chain.sha("2028-03/SHA256SUMS"))"))
        let row = try Self.run(blocks[2], environment)
        #expect(row.0 == 0, "\(row.1)")
        #expect(row.1.hasPrefix("ROW 2028-0") && row.1.hasSuffix(" OK\n"))

        // A wrong expected key, an extra file and a forged row each fail their recipe.
        #expect(
            try Self.run(
                blocks[0],
                environment.merging(["EXPECTED_KEY_SHA256": String(repeating: "0", count: 64)]) { $1 }
            ).0 != 0
        )
        try chain.write("2028-04/reports/extra.csv", Array("x\n".utf8))
        #expect(try Self.run(blocks[0], environment).0 != 0)
        let text = try String(contentsOf: proof, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var forged = lines
        if let index = forged.firstIndex(where: { $0.hasPrefix("row ") }) {
            forged[index] = "row " + Data("forged,row".utf8).base64EncodedString()
        }
        try Data(forged.joined(separator: "\n").utf8).write(to: proof)
        #expect(try Self.run(blocks[2], environment).0 != 0)
    }
}
