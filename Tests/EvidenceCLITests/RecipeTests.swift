import EvidenceCrypto
import EvidenceTestSupport
import Foundation
import Testing

/// Runs Docs/VERIFYING.md's recipes, exactly as written, with the real openssl, sha256sum and bash.
@Suite("Auditor recipes in Docs/VERIFYING.md", .serialized)
struct RecipeTests {
    /// The ```sh blocks of the document, in order: month, link, row, time-stamp.
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

    /// Runs a recipe as the page says to, `bash -euo pipefail`, from `folder` (the test's own by default).
    static func run(
        _ script: String,
        _ environment: [String: String],
        in folder: URL? = nil
    ) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", script]
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("The month, link, row and time-stamp recipes pass on a sealed chain and fail on tampered copies")
    func recipes() async throws {
        let blocks = try Self.recipes()
        #expect(blocks.count == 4)
        guard blocks.count == 4 else { return }
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        let fingerprint = try Ed25519PrivateKey(pem: pem).publicKey().fingerprint().hex
        let keys = try FileManager.default.contentsOfDirectory(atPath: chain.url("keys").path)
        let jobs = String(decoding: try chain.read("2028-04/reports/BACKUP_JOB_REPORT.csv"), as: UTF8.self)
        let jobID = String(jobs.split(separator: "\n")[7].split(separator: ",")[5])
        let proof = chain.url("../recipe-proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        #expect(await CLITests.run(["prove", "--evidence", chain.path, "--job-id", jobID, "--out", proof.path]) == 0)
        // A checkpoint saved as printed, its request answered by a local TSA.
        let tsa = try LocalTSA()
        let kept = try TemporaryFolder()
        let checkpoint = kept.url.appendingPathComponent("checkpoint.txt").path
        let request = kept.url.appendingPathComponent("checkpoint.tsq").path
        let token = kept.url.appendingPathComponent("checkpoint.tsr").path
        let printed = try BuiltBinary.run(["checkpoint", "--evidence", chain.path, "--timestamp-request", request])
        #expect(printed.status == 0)
        try Data(printed.stdout).write(to: URL(fileURLWithPath: checkpoint))
        try tsa.reply(request: request, response: token)
        let environment = [
            "EVIDENCE": chain.path, "MONTH": "2028-04", "PREV": "2028-03", "PUBKEY": chain.url("keys/\(keys[0])").path,
            "EXPECTED_KEY_SHA256": fingerprint, "PROOF": proof.path, "CHECKPOINT": checkpoint, "TSR": token,
            "TSA_CERTS": tsa.chainPEM,
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
        let stamp = try Self.run(blocks[3], environment)
        #expect(stamp.0 == 0, "\(stamp.1)")
        #expect(stamp.1.contains("Verification: OK\n"))
        #expect(stamp.1.split(separator: "\n").last?.hasPrefix("TIMESTAMP 2028-04 OK ") == true, "\(stamp.1)")
        #expect(stamp.1.split(separator: "\n").last?.hasSuffix(" GMT") == true, "\(stamp.1)")

        // The page says how the recipes are run, as this test runs them.
        let page = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Docs/VERIFYING.md"),
            encoding: .utf8
        )
        #expect(page.contains("run it with `bash -euo pipefail FILE`"))
        // Every recipe passes with paths relative to the folder it is run from, as an auditor sets them there.
        let parent = chain.url("..").standardizedFileURL
        func relative(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            return url.path.hasPrefix(parent.path + "/") ? String(url.path.dropFirst(parent.path.count + 1)) : path
        }
        var nearby = environment
        for name in ["EVIDENCE", "PUBKEY", "PROOF", "CHECKPOINT", "TSR", "TSA_CERTS"] {
            nearby[name] = relative(environment[name] ?? "")
        }
        #expect(nearby["EVIDENCE"]?.hasPrefix("/") == false && nearby["CHECKPOINT"]?.hasPrefix("/") == false)
        for (index, block) in blocks.enumerated() {
            let result = try Self.run(block, nearby, in: parent)
            #expect(result.0 == 0, "recipe \(index + 1) with relative paths: \(result.1)")
        }

        // A token checked against another TSA's certificates, or over another line, fails the time-stamp recipe.
        let stranger = try LocalTSA(name: "Stranger")
        #expect(try Self.run(blocks[3], environment.merging(["TSA_CERTS": stranger.chainPEM]) { $1 }).0 != 0)
        let other = kept.url.appendingPathComponent("other.txt").path
        let line = try String(contentsOfFile: checkpoint, encoding: .utf8)
        try Data(line.replacingOccurrences(of: " 2 ", with: " 1 ").utf8).write(to: URL(fileURLWithPath: other))
        #expect(try Self.run(blocks[3], environment.merging(["CHECKPOINT": other]) { $1 }).0 != 0)

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
