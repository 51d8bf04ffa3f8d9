import ArgumentParser
import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidenceCLI

/// A chain of three sealed months of the small scenario, in a temporary folder.
final class SealedChain {
    let folder: TemporaryFolder
    var path: String { folder.path }

    init(
        months: [String] = ["2028-03", "2028-04", "2028-05"],
        key: String = RepositoryPaths.testKey,
        scenario: String = "untagged-neptune"
    ) async throws {
        folder = try TemporaryFolder()
        for month in months {
            let status = await CLITests.run([
                "monthly", "--scenario", RepositoryPaths.scenario(scenario), "--evidence", folder.path,
                "--month", month, "--key", key,
            ])
            precondition(status == 0, "sealing \(month) failed")
        }
    }

    func url(_ relative: String) -> URL { folder.url.appendingPathComponent(relative) }

    func read(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(relative))) }

    func write(_ relative: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: url(relative)) }

    func sha(_ relative: String) throws -> String { SHA256.hash(try read(relative)).hex }

    /// Verifies with the pinned test key, as `verify` would with these flags; returns its lines and exit status.
    func verify(_ flags: [String] = [], scratch: URL? = nil) async -> (lines: [String], status: Int32) {
        do {
            let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.publicKeyPath)))
            var options = VerifyOptions(trustedKey: try Ed25519PrivateKey(pem: pem).publicKey(), scratch: scratch)
            var index = 0
            while index < flags.count {
                switch flags[index] {
                case "--checkpoint":
                    index += 1
                    options.checkpoint = try String(contentsOfFile: flags[index], encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                case "--expect-through":
                    index += 1
                    options.expectThrough = Month(flags[index])
                case "--require-anchor": options.requireAnchor = true
                case "--rebuild": options.rebuild = Verify.rebuild
                default: break
                }
                index += 1
            }
            let report = try Ledger(root: folder.url).verify(options)
            return (report.findings.map(\.description) + [report.summary], ExitStatus.of(report.verdict))
        } catch {
            return (["\(error)"], 2)
        }
    }

    static var publicKeyPath: String { RepositoryPaths.testKey }
}

@Suite("Evidence chain: seal, verify and the tamper matrix", .serialized)
struct ChainTests {
    static func fingerprint(_ path: String) throws -> String {
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return try Ed25519PrivateKey(pem: pem).publicKey().fingerprint().hex
    }

    @Test("An untouched chain verifies: exit 0, and 3 with --require-anchor while the tail is unanchored")
    func clean() async throws {
        let chain = try await SealedChain()
        let result = await chain.verify()
        #expect(result.status == 0)
        #expect(
            result.lines.contains(
                "TAIL\t2028-05\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through"
            )
        )
        #expect(
            result.lines.last?.hasPrefix(
                "Summary: chain untagged-neptune 2028-03..2028-05: 3/3 entries valid, 0 missing"
            ) == true
        )
        #expect(await chain.verify(["--require-anchor"]).status == 3)
        #expect(await chain.verify(["--expect-through", "2028-05", "--require-anchor"]).status == 0)
    }

    @Test("Edited report: the file's hash no longer matches SHA256SUMS")
    func editedReport() async throws {
        let chain = try await SealedChain()
        let file = "2028-04/reports/BACKUP_JOB_REPORT.csv"
        let sealed = try chain.sha(file)
        var bytes = try chain.read(file)
        bytes[bytes.count - 2] ^= 1
        try chain.write(file, bytes)
        let result = await chain.verify()
        #expect(result.status == 1)
        #expect(
            result.lines.contains(
                "FILE\t\(file)\tINVALID: sha256 mismatch (sealed \(sealed.prefix(16)), found \(try chain.sha(file).prefix(16)))"
            )
        )
    }

    @Test("Edited report with SHA256SUMS rewritten: the signature fails")
    func rewrittenSums() async throws {
        let chain = try await SealedChain()
        let file = "2028-04/reports/RESOURCE_COMPLIANCE_REPORT.csv"
        let text = String(decoding: try chain.read(file), as: UTF8.self).replacingOccurrences(
            of: "NON_COMPLIANT",
            with: "COMPLIANT"
        )
        try chain.write(file, Array(text.utf8))
        var sums = String(decoding: try chain.read("2028-04/SHA256SUMS"), as: UTF8.self)
        let old = sums.split(separator: "\n").first { $0.hasSuffix("RESOURCE_COMPLIANCE_REPORT.csv") } ?? ""
        sums = sums.replacingOccurrences(
            of: String(old),
            with: "\(try chain.sha(file))  reports/RESOURCE_COMPLIANCE_REPORT.csv"
        )
        try chain.write("2028-04/SHA256SUMS", Array(sums.utf8))
        let result = await chain.verify()
        #expect(result.status == 1)
        let key = try Self.fingerprint(RepositoryPaths.testKey).prefix(16)
        #expect(result.lines.contains("SEAL\t2028-04/SHA256SUMS\tINVALID: signature verification failed (key \(key))"))

    }

    @Test("Extra file slipped into a sealed month")
    func extraFile() async throws {
        let chain = try await SealedChain()
        try chain.write("2028-04/reports/NOTES.txt", Array("not evidence\n".utf8))
        let result = await chain.verify()
        #expect(result.status == 1)
        #expect(
            result.lines.contains("FILE\t2028-04/reports/NOTES.txt\tINVALID: not listed in SHA256SUMS (unsealed file)")
        )
    }

    @Test("Missing month: the link breaks and the month is named")
    func missingMonth() async throws {
        let chain = try await SealedChain()
        let seal = try chain.sha("2028-03/SHA256SUMS")
        let missingSeal = try chain.sha("2028-04/SHA256SUMS")
        try FileManager.default.removeItem(at: chain.url("2028-04"))
        let result = await chain.verify()
        #expect(result.status == 1)
        #expect(
            result.lines.contains(
                "LINK\t2028-03 -> 2028-05\tINVALID: seq 3 follows seq 1; prev_period is 2028-04, expected 2028-03; "
                    + "prev_seal_sha256 is \(missingSeal.prefix(16)), expected \(seal.prefix(16))"
            )
        )
        #expect(result.lines.contains("CHAIN\t2028-04\tMISSING: no sealed folder between 2028-03 and 2028-05"))
    }

    @Test("Swapped months: the folder holds another period")
    func swappedMonths() async throws {
        let chain = try await SealedChain()
        let manager = FileManager.default
        try manager.moveItem(at: chain.url("2028-03"), to: chain.url("swap"))
        try manager.moveItem(at: chain.url("2028-04"), to: chain.url("2028-03"))
        try manager.moveItem(at: chain.url("swap"), to: chain.url("2028-04"))
        let result = await chain.verify()
        #expect(result.status == 1)
        #expect(result.lines.contains("MANIFEST\t2028-03\tINVALID: folder holds period 2028-04, not 2028-03"))
        #expect(result.lines.contains("MANIFEST\t2028-04\tINVALID: folder holds period 2028-03, not 2028-04"))
    }

    @Test("Chain re-signed with another key: the pinned key rejects it")
    func resigned() async throws {
        let chain = try await SealedChain(key: RepositoryPaths.nextTestKey)
        let result = await chain.verify()
        #expect(result.status == 1)
        let other = try Self.fingerprint(RepositoryPaths.nextTestKey).prefix(16)
        let pinned = try Self.fingerprint(RepositoryPaths.testKey).prefix(16)
        #expect(result.lines.contains("KEY\t2028-03\tINVALID: signed by key \(other), expected \(pinned)"))
    }

    @Test("Truncated tail: invisible without a checkpoint, MISSING with one")
    func truncatedTail() async throws {
        let chain = try await SealedChain()
        let checkpoint = "backup-evidence-checkpoint untagged-neptune 2028-05 3 \(try chain.sha("2028-05/SHA256SUMS"))"
        let saved = chain.url("../checkpoint-\(UUID().uuidString).txt")
        try Data((checkpoint + "\n").utf8).write(to: saved)
        defer { try? FileManager.default.removeItem(at: saved) }
        #expect(await chain.verify(["--checkpoint", saved.path]).status == 0)
        try FileManager.default.removeItem(at: chain.url("2028-05"))
        let without = await chain.verify()
        #expect(without.status == 0)
        #expect(
            without.lines.contains(
                "TAIL\t2028-04\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through"
            )
        )
        let with = await chain.verify(["--checkpoint", saved.path])
        #expect(with.status == 1)
        #expect(
            with.lines.contains(
                "TAIL\t2028-05\tMISSING: the chain ends at seq 2, before the checkpoint's seq 3 (truncated)"
            )
        )
        // The summary counts the truncation it reports.
        #expect(with.lines.last?.contains("2/2 entries valid, 1 missing; findings: 0 INVALID, 1 MISSING") == true)
        #expect(with.lines.last?.hasSuffix("; INVALID") == true)
        let through = await chain.verify(["--expect-through", "2028-05"])
        #expect(through.status == 1)
        #expect(through.lines.contains("TAIL\t2028-05\tMISSING: expected sealed through 2028-05"))
    }

    @Test("Amended month: appended at the tip, verifies, and the sealed month is untouched")
    func amendment() async throws {
        let chain = try await SealedChain()
        let before = try chain.read("2028-04/SHA256SUMS")
        let status = await CLITests.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path, "--month",
            "2028-04", "--key", RepositoryPaths.testKey, "--amend", "--reason", "late restore jobs",
        ])
        #expect(status == 0)
        #expect(try chain.read("2028-04/SHA256SUMS") == before)
        let manifest = String(decoding: try chain.read("2028-04.amend-1/MANIFEST.json"), as: UTF8.self)
        #expect(manifest.contains("\"kind\":\"amendment\""))
        #expect(manifest.contains("\"prev_period\":\"2028-05\""))
        #expect(manifest.contains("\"supersedes_period\":\"2028-04\""))
        #expect(manifest.contains("\"reason\":\"late restore jobs\""))
        let result = await chain.verify(["--expect-through", "2028-05"])
        #expect(result.status == 0)
        #expect(result.lines.last?.contains("4/4 entries valid") == true)
    }

    @Test("Deleted row: the report no longer matches its seal or its Merkle root")
    func deletedRow() async throws {
        let chain = try await SealedChain()
        let file = "2028-03/reports/BACKUP_JOB_REPORT.csv"
        let sealed = try chain.sha(file)
        var lines = String(decoding: try chain.read(file), as: UTF8.self).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        lines.remove(at: 5)
        try chain.write(file, Array(lines.joined(separator: "\n").utf8))
        let result = await chain.verify()
        #expect(result.status == 1)
        #expect(
            result.lines.contains(
                "FILE\t\(file)\tINVALID: sha256 mismatch (sealed \(sealed.prefix(16)), found \(try chain.sha(file).prefix(16)))"
            )
        )
    }

    @Test("Key rotation: announced with --next-key, the next month is signed with the new key")
    func rotation() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        var status = await CLITests.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path, "--month",
            "2028-04", "--key", RepositoryPaths.testKey, "--next-key", RepositoryPaths.nextTestKey,
        ])
        #expect(status == 0)
        // The old key may no longer sign.
        status = await CLITests.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path, "--month",
            "2028-05", "--key", RepositoryPaths.testKey,
        ])
        #expect(status == 2)
        status = await CLITests.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path, "--month",
            "2028-05", "--key", RepositoryPaths.nextTestKey,
        ])
        #expect(status == 0)
        let result = await chain.verify(["--expect-through", "2028-05"])
        #expect(result.status == 0)
    }

    @Test("Rebuild: the sealed inputs give the sealed reports again")
    func rebuild() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        var result = await chain.verify(["--rebuild", "--verbose", "--expect-through", "2028-04"])
        #expect(result.status == 0)
        #expect(result.lines.contains("REBUILD\t2028-03/reports/BACKUP_WINDOW_REPORT.csv\tOK"))
        // The PDF prints the chain position, which the rebuild takes from the manifest.
        #expect(result.lines.contains("REBUILD\t2028-03/reports/compliance-report.pdf\tOK"))
        #expect(result.lines.contains("REBUILD\t2028-04/reports/compliance-report.pdf\tOK"))
        // An input changed after sealing (and re-sealed listing) is caught by the rebuild as well as the hashes.
        let input = "2028-03/inputs/scenario.json"
        let text = String(decoding: try chain.read(input), as: UTF8.self).replacingOccurrences(
            of: "\"seed\":7",
            with: "\"seed\":8"
        )
        try chain.write(input, Array(text.utf8))
        result = await chain.verify(["--rebuild", "--expect-through", "2028-04"])
        #expect(result.status == 1)
    }

    @Test("Rebuild: a report changed and sealed again with the chain's key is caught; no scratch folder remains")
    func rebuildCatchesResealedReport() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let manifest = try #require(Ledger(root: chain.folder.url).entries().first?.manifest)
        // The same month sealed again by the key holder, with one row of the job report changed.
        var files: [String: [UInt8]] = [:]
        for file in manifest.files + manifest.inputs { files[file.path] = try chain.read("2028-03/\(file.path)") }
        let report = "reports/BACKUP_JOB_REPORT.csv"
        let text = String(decoding: try #require(files[report]), as: UTF8.self)
        files[report] = Array(text.replacingOccurrences(of: "COMPLETED", with: "FAILED").utf8)
        #expect(files[report] != Array(text.utf8))
        try FileManager.default.removeItem(at: chain.url("2028-03"))
        let pem = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        try Ledger(root: chain.folder.url).seal(
            SealRequest(
                period: manifest.period,
                files: files,
                dataAsOf: manifest.dataAsOf,
                chainID: manifest.chainID,
                key: try Ed25519PrivateKey(pem: pem),
                generatorVersion: manifest.generatorVersion
            )
        )
        let scratch = try TemporaryFolder()
        // Every hash and signature holds; only the rebuild sees that the report is not what the inputs give.
        #expect(await chain.verify(["--expect-through", "2028-03"]).status == 0)
        let result = await chain.verify(["--rebuild", "--expect-through", "2028-03"], scratch: scratch.url)
        #expect(result.status == 1)
        #expect(
            result.lines.filter { $0.hasPrefix("REBUILD") && !$0.hasSuffix("\tOK") } == [
                "REBUILD\t2028-03/reports/BACKUP_JOB_REPORT.csv\tINVALID: rebuilt bytes differ from the sealed file"
            ]
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("A month whose jobs came as CloudTrail and EventBridge streams seals them and rebuilds from them")
    func rebuildFromStreams() async throws {
        let chain = try await SealedChain(months: ["2028-03"], scenario: "event-streams")
        let inputs = try FileManager.default.subpathsOfDirectory(atPath: chain.url("2028-03/inputs").path)
        #expect(
            inputs.contains {
                $0.hasPrefix("AWSLogs/o-a1b2c3d4e5/555566667777/CloudTrail/") && $0.hasSuffix(".json.gz")
            }
        )
        #expect(inputs.contains { $0.hasPrefix("events/") && $0.hasSuffix(".jsonl") })
        let result = await chain.verify(["--rebuild", "--verbose", "--expect-through", "2028-03"])
        #expect(result.status == 0)
        #expect(result.lines.contains("REBUILD\t2028-03/reports/BACKUP_JOB_REPORT.csv\tOK"))
    }

    @Test("Row proofs: prove a job's rows, check them with the month alone; a forged row fails")
    func rowProofs() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let jobs = String(decoding: try chain.read("2028-03/reports/BACKUP_JOB_REPORT.csv"), as: UTF8.self)
        let jobID = String(jobs.split(separator: "\n")[3].split(separator: ",")[5])
        let proof = chain.url("../proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        #expect(await CLITests.run(["prove", "--evidence", chain.path, "--job-id", jobID, "--out", proof.path]) == 0)
        let text = try String(contentsOf: proof, encoding: .utf8)
        #expect(text.hasPrefix("backup-evidence.rowproof/v1\nchain untagged-neptune\nperiod 2028-03\n"))
        let pinned = ["--expect-key-sha256", try Self.fingerprint(RepositoryPaths.testKey)]
        #expect(await CLITests.run(["verify-row", proof.path, "--evidence", chain.path] + pinned) == 0)
        // Unpinned, the same proof is inconclusive.
        #expect(await CLITests.run(["verify-row", proof.path, "--evidence", chain.path]) == 3)
        let forged = text.replacingOccurrences(of: "\nindex ", with: "\nindex 1").replacingOccurrences(
            of: "index 10",
            with: "index 1"
        )
        try Data(forged.utf8).write(to: proof)
        #expect(await CLITests.run(["verify-row", proof.path, "--evidence", chain.path] + pinned) == 1)
    }

    @Test("checkpoint prints the tip's line")
    func checkpoint() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let tip = Ledger(root: chain.folder.url).entries().last
        #expect(
            tip.map(Ledger.checkpoint)
                == "backup-evidence-checkpoint untagged-neptune 2028-03 1 \(try chain.sha("2028-03/SHA256SUMS"))"
        )
        #expect(await CLITests.run(["checkpoint", "--evidence", chain.path]) == 0)
    }

    /// Kills the real binary at each step of a seal; the chain must then verify as the previous chain or the new
    /// one, and a later run must seal the month cleanly.
    @Test(
        "Crash safety: a seal killed at any step leaves the previous chain or the new one",
        arguments: Ledger.SealStep.allCases
    )
    func crash(step: Ledger.SealStep) async throws {
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        #expect(
            FileManager.default.isExecutableFile(atPath: binary),
            "build the package first (swift build --build-tests)"
        )
        let chain = try await SealedChain(months: ["2028-03"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path, "--month",
            "2028-04", "--key", RepositoryPaths.testKey,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["BACKUP_EVIDENCE_FAILPOINT"] = step.rawValue
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let result = await chain.verify()
        #expect(result.status == 0)
        let sealed = FileManager.default.fileExists(atPath: chain.url("2028-04").path)
        #expect(sealed == (step == .renamed))
        #expect(result.lines.last?.contains(sealed ? "2/2 entries valid" : "1/1 entries valid") == true)
        if !sealed {
            let status = await CLITests.run([
                "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path,
                "--month",
                "2028-04", "--key", RepositoryPaths.testKey,
            ])
            #expect(status == 0)
            #expect(await chain.verify(["--expect-through", "2028-04"]).status == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: chain.path).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty)
        }
    }
}
