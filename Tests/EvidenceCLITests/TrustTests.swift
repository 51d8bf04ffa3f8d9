import EvidenceLedger
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidenceCLI

/// The built `backup-evidence`, run as an auditor runs it: exit status and the exact bytes of stdout and stderr.
enum BuiltBinary {
    static var path: String { RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path }

    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]

        var lines: [String] { Output.lines(stdout) }
        var errorLines: [String] { Output.lines(stderr) }

        static func lines(_ bytes: [UInt8]) -> [String] {
            bytes.split(separator: 10, omittingEmptySubsequences: false).dropLast().map {
                String(decoding: $0, as: UTF8.self)
            }
        }
    }

    static func run(_ arguments: [String]) throws -> Output {
        let folder = try TemporaryFolder()
        let out = folder.url.appendingPathComponent("stdout")
        let err = folder.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: [UInt8](try Data(contentsOf: out)),
            stderr: [UInt8](try Data(contentsOf: err))
        )
    }
}

/// Issue 13: exit 0 only against a trusted key, nothing to verify is not a pass, one status per fault, and output
/// that input cannot forge.
@Suite("Trust: exit statuses an auditor can rely on, output input cannot forge", .serialized)
struct TrustTests {
    static var owner: String { RepositoryPaths.testKey }
    static var attacker: String { RepositoryPaths.nextTestKey }

    static func fingerprint(_ path: String) throws -> String { try ChainTests.fingerprint(path) }

    static func unpinnedLine(_ claimed: String) -> String {
        "KEY\tkeys/\tUNVERIFIED: no key pinned; the chain claims key \(claimed): compare it with the fingerprint you "
            + "were given, then run again with --expect-key-sha256 \(claimed)"
    }

    init() {
        precondition(
            FileManager.default.isExecutableFile(atPath: BuiltBinary.path),
            "build the package first (swift build --build-tests)"
        )
    }

    @Test("Nothing to verify: an empty folder, deleted months, a missing path or a file is exit 2 with one line")
    func nothingToVerify() async throws {
        let empty = try TemporaryFolder()
        let deleted = try await SealedChain(months: ["2028-03"])
        try FileManager.default.removeItem(at: deleted.url("2028-03"))
        let file = empty.url.appendingPathComponent("evidence.txt")
        try Data("not a folder\n".utf8).write(to: file)
        let missing = empty.url.appendingPathComponent("no-such-folder").path
        let pin = ["--expect-key-sha256", try Self.fingerprint(Self.owner)]
        let cases: [(String, String)] = [
            (
                empty.path,
                "\(empty.path): no sealed month (no YYYY-MM folder holding MANIFEST.json, SHA256SUMS and "
                    + "SHA256SUMS.sig); nothing to verify"
            ),
            (
                deleted.path,
                "\(deleted.path): no sealed month (no YYYY-MM folder holding MANIFEST.json, SHA256SUMS "
                    + "and SHA256SUMS.sig); nothing to verify"
            ),
            (missing, "\(missing): no such evidence folder; nothing to verify"),
            (file.path, "\(file.path): not a folder (expected an evidence folder); nothing to verify"),
        ]
        for (evidence, message) in cases {
            // Said before anything else is read: the checkpoint named does not exist either.
            let result = try BuiltBinary.run(
                ["verify", "--evidence", evidence, "--require-anchor", "--checkpoint", missing] + pin
            )
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.errorLines == ["error: \(message)"])
            let checkpoint = try BuiltBinary.run(["checkpoint", "--evidence", evidence])
            #expect(checkpoint.status == 2)
            #expect(checkpoint.errorLines == ["error: \(message)"])
        }
    }

    @Test("An option that takes one value, given twice, is a usage error: the parser would keep only the last")
    func repeatedOptions() async throws {
        let good = try await SealedChain(months: ["2028-03"])
        let bad = try await SealedChain(months: ["2028-03"])
        try bad.write("2028-03/reports/extra.csv", Array("x\n".utf8))
        let own = try Self.fingerprint(Self.owner)
        let zero = String(repeating: "0", count: 64)
        let cases: [([String], String)] = [
            (["verify", "--evidence", bad.path, "--evidence", good.path, "--expect-key-sha256", own], "--evidence"),
            (
                ["verify", "--evidence", good.path, "--expect-key-sha256", zero, "--expect-key-sha256=\(own)"],
                "--expect-key-sha256"
            ),
            (
                [
                    "verify", "--evidence", good.path, "--expect-key-sha256", own, "--expect-through", "2028-09",
                    "--expect-through", "2028-03",
                ], "--expect-through"
            ),
            (["verify-row", "/no/proof", "--evidence", bad.path, "--evidence", good.path], "--evidence"),
            (["query", "--evidence", bad.path, "--evidence", good.path, "SELECT 1"], "--evidence"),
        ]
        for (arguments, name) in cases {
            let result = try BuiltBinary.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.errorLines.first == "Error: \(name) is given more than once; give it once")
            #expect(result.errorLines.dropFirst().first?.hasPrefix("Usage: backup-evidence \(arguments[0]) ") == true)
        }
        // Repeatable options still gather every value.
        #expect(BackupEvidenceCommand.repeatedOption(["verify", "--tsa-cert", "a", "--tsa-cert", "b"]) == nil)
        #expect(BackupEvidenceCommand.repeatedOption(["verify", "--", "--evidence", "--evidence"]) == nil)
    }

    @Test("A checkpoint file that is not one checkpoint line is named in one error line, exit 2")
    func malformedCheckpoint() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let kept = try TemporaryFolder()
        let own = try Self.fingerprint(Self.owner)
        for (index, text) in [
            "", "backup-evidence-checkpoint a 2028-03 1 x\nbackup-evidence-checkpoint b 2028-03 1 y\n",
        ]
        .enumerated() {
            let file = kept.url.appendingPathComponent("checkpoint-\(index).txt").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let result = try BuiltBinary.run([
                "verify", "--evidence", chain.path, "--expect-key-sha256", own, "--checkpoint", file,
            ])
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(
                result.errorLines == [
                    "error: \(file): expected one line 'backup-evidence-checkpoint <chain_id> <period> <seq> "
                        + "<seal_sha256>'"
                ]
            )
        }
    }

    @Test("verify --format accepts text and json only: anything else is a usage error before any input is read")
    func formats() async throws {
        let result = try BuiltBinary.run(["verify", "--evidence", "/no/such/evidence", "--format", "csv"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(!String(decoding: result.stderr, as: UTF8.self).contains("no such evidence folder"))
        let chain = try await SealedChain(months: ["2028-03"])
        let json = try BuiltBinary.run([
            "verify", "--evidence", chain.path, "--format", "json", "--expect-key-sha256",
            try Self.fingerprint(Self.owner),
        ])
        #expect(json.status == 0)
        #expect(json.lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any]
        #expect(object?["exit"] as? Int == 0)
    }

    @Test("monthly prints the signing key's fingerprint; verify pinned to it is exit 0, unpinned exit 3")
    func pinning() async throws {
        let evidence = try TemporaryFolder()
        let sealed = try BuiltBinary.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", evidence.path,
            "--month", "2028-03", "--key", Self.owner,
        ])
        #expect(sealed.status == 0)
        let fingerprint = try Self.fingerprint(Self.owner)
        #expect(sealed.lines[2] == "signing-key-sha256 \(fingerprint)")
        let pinned = try BuiltBinary.run(["verify", "--evidence", evidence.path, "--expect-key-sha256", fingerprint])
        #expect(pinned.status == 0)
        #expect(pinned.lines.last?.hasSuffix("; VERIFIED") == true)
        let publicKey = evidence.url.appendingPathComponent("keys/\(fingerprint.prefix(16)).pub.pem").path
        let trusted = try BuiltBinary.run(["verify", "--evidence", evidence.path, "--trusted-key", publicKey])
        #expect(trusted.status == 0)
        // Unpinned, whatever else passed: anchored by a checkpoint and --expect-through, still inconclusive.
        let kept = try TemporaryFolder()
        let checkpoint = kept.url.appendingPathComponent("checkpoint.txt")
        try Data(sealed.lines[1].utf8).write(to: checkpoint)
        let unpinned = try BuiltBinary.run([
            "verify", "--evidence", evidence.path, "--checkpoint", checkpoint.path, "--expect-through", "2028-03",
        ])
        #expect(unpinned.status == 3)
        #expect(unpinned.lines.first == Self.unpinnedLine(fingerprint))
        #expect(unpinned.lines.count == 2)
        #expect(
            unpinned.lines.last?.contains("1/1 entries valid, 0 missing; findings: 0 INVALID, 0 MISSING, 1 UNVERIFIED;")
                == true
        )
        #expect(unpinned.lines.last?.hasSuffix("; INCONCLUSIVE") == true)
        // query warns with the same finding line and goes on.
        let query = try BuiltBinary.run(["query", "--evidence", evidence.path, "SELECT count(*) AS n FROM backup_jobs"])
        #expect(query.status == 0)
        #expect(query.errorLines == [Self.unpinnedLine(fingerprint)])
    }

    @Test("A chain re-sealed with an attacker's own key: INVALID pinned or trusted (1), inconclusive unpinned (3)")
    func resealedByAttacker() async throws {
        let genuine = try await SealedChain()
        let forged = try await SealedChain(key: Self.attacker)
        let own = try Self.fingerprint(Self.owner)
        let theirs = try Self.fingerprint(Self.attacker)
        let keyLine = "KEY\t2028-03\tINVALID: signed by key \(theirs.prefix(16)), expected \(own.prefix(16))"

        let pinned = try BuiltBinary.run(["verify", "--evidence", forged.path, "--expect-key-sha256", own])
        #expect(pinned.status == 1)
        #expect(pinned.lines.first == keyLine)
        // Each month is signed by a key not handed over from the pinned one.
        #expect(pinned.lines.filter { $0.hasPrefix("KEY\t") && $0.contains("\tINVALID: signed by key ") }.count == 3)
        #expect(
            pinned.lines.last?.contains("0/3 entries valid, 0 missing; findings: 3 INVALID, 0 MISSING, 0 UNVERIFIED;")
                == true
        )
        #expect(pinned.lines.last?.hasSuffix("; INVALID") == true)

        let ownerKey = genuine.url("keys/\(own.prefix(16)).pub.pem").path
        let trusted = try BuiltBinary.run(["verify", "--evidence", forged.path, "--trusted-key", ownerKey])
        #expect(trusted.status == 1)
        #expect(trusted.lines.first == keyLine)

        let unpinned = try BuiltBinary.run(["verify", "--evidence", forged.path])
        #expect(unpinned.status == 3)
        #expect(
            unpinned.lines == [
                Self.unpinnedLine(theirs),
                "TAIL\t2028-05\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through",
                unpinned.lines.last ?? "",
            ]
        )
        #expect(unpinned.lines.last?.hasSuffix("; INCONCLUSIVE") == true)

        // The attacker's own checkpoint anchors the tail; it does not make their key trusted.
        let theirCheckpoint = try BuiltBinary.run(["checkpoint", "--evidence", forged.path])
        let saved = forged.url("../checkpoint-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: saved) }
        try Data(theirCheckpoint.stdout).write(to: saved)
        let anchored = try BuiltBinary.run(["verify", "--evidence", forged.path, "--checkpoint", saved.path])
        #expect(anchored.status == 3)
        #expect(anchored.lines.first == Self.unpinnedLine(theirs))

        // The checkpoint the auditor kept of the genuine chain catches the re-seal even unpinned.
        let ours = try BuiltBinary.run(["checkpoint", "--evidence", genuine.path])
        try Data(ours.stdout).write(to: saved)
        let caught = try BuiltBinary.run(["verify", "--evidence", forged.path, "--checkpoint", saved.path])
        #expect(caught.status == 1)
        #expect(
            caught.lines.contains(
                "TAIL\t2028-05\tINVALID: seq 3 is sealed as 2028-05 with seal "
                    + "\(try forged.sha("2028-05/SHA256SUMS").prefix(16)), the checkpoint says 2028-05 "
                    + "\(try genuine.sha("2028-05/SHA256SUMS").prefix(16))"
            )
        )
    }

    @Test("verify-row gives verify's status: a proof from a chain signed by another key is INVALID under the pin")
    func rowProofUnderPin() async throws {
        let forged = try await SealedChain(months: ["2028-03"], key: Self.attacker)
        let jobs = String(decoding: try forged.read("2028-03/reports/BACKUP_JOB_REPORT.csv"), as: UTF8.self)
        let jobID = String(jobs.split(separator: "\n")[3].split(separator: ",")[5])
        let proof = forged.url("../proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        #expect(await CLITests.run(["prove", "--evidence", forged.path, "--job-id", jobID, "--out", proof.path]) == 0)
        let first = try #require(try RowProof.parse(String(contentsOf: proof, encoding: .utf8)).first)
        let own = try Self.fingerprint(Self.owner)
        let theirs = try Self.fingerprint(Self.attacker)
        let row = try BuiltBinary.run(["verify-row", proof.path, "--evidence", forged.path, "--expect-key-sha256", own])
        #expect(row.status == 1)
        #expect(
            row.lines.first
                == "ROW\t2028-03/\(first.file)#\(first.index)\tINVALID: 2028-03 signed by key \(theirs.prefix(16)), "
                + "expected \(own.prefix(16))"
        )
        let chain = try BuiltBinary.run(["verify", "--evidence", forged.path, "--expect-key-sha256", own])
        #expect(chain.status == row.status)
        // Unpinned: checked with the month's own key, then inconclusive with the line to pin.
        let unpinned = try BuiltBinary.run(["verify-row", proof.path, "--evidence", forged.path])
        #expect(unpinned.status == 3)
        #expect(unpinned.lines.last == Self.unpinnedLine(theirs))
        #expect(unpinned.lines.dropLast().allSatisfy { $0.hasSuffix("\tOK: row included in the sealed report") })
    }

    @Test("verify-row follows a sealed key handover from the pinned key, as verify does")
    func rowProofAfterRotation() async throws {
        let chain = try await SealedChain(months: [])
        for (month, key, extra) in [
            ("2028-03", Self.owner, ["--next-key", Self.attacker]), ("2028-04", Self.attacker, []),
        ] {
            let status = await CLITests.run(
                [
                    "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path,
                    "--month", month, "--key", key,
                ] + extra
            )
            #expect(status == 0)
        }
        let jobs = String(decoding: try chain.read("2028-04/reports/BACKUP_JOB_REPORT.csv"), as: UTF8.self)
        let jobID = String(jobs.split(separator: "\n")[3].split(separator: ",")[5])
        let proof = chain.url("../proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        #expect(await CLITests.run(["prove", "--evidence", chain.path, "--job-id", jobID, "--out", proof.path]) == 0)
        let pin = ["--expect-key-sha256", try Self.fingerprint(Self.owner)]
        let row = try BuiltBinary.run(["verify-row", proof.path, "--evidence", chain.path] + pin)
        #expect(row.status == 0)
        #expect(!row.lines.isEmpty && row.lines.allSatisfy { $0.hasPrefix("ROW\t") && $0.contains("\tOK: ") })
        // A handover claimed by editing an earlier month's manifest is not sealed, and not followed.
        let manifest = String(decoding: try chain.read("2028-03/MANIFEST.json"), as: UTF8.self)
        #expect(manifest.contains("\"version\":\"0.1.0\""))
        try chain.write(
            "2028-03/MANIFEST.json",
            Array(manifest.replacingOccurrences(of: "\"version\":\"0.1.0\"", with: "\"version\":\"0.1.1\"").utf8)
        )
        let broken = try BuiltBinary.run(["verify-row", proof.path, "--evidence", chain.path] + pin)
        #expect(broken.status == 1)
        // The job's rows of 2028-04, signed by the key handed over, lose that key.
        let handedOver = broken.lines.filter { $0.hasPrefix("ROW\t2028-04/") }
        #expect(!handedOver.isEmpty, "\(broken.lines)")
        #expect(
            handedOver.allSatisfy {
                $0.hasSuffix("\tINVALID: 2028-03, which hands the signing key on, does not verify (run verify)")
            },
            "\(broken.lines)"
        )
    }

    @Test("A SHA256SUMS rewritten with CRLF line ends: one finding per line, the CR shown as \\x0d")
    func crlfSums() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let sums = String(decoding: try chain.read("2028-03/SHA256SUMS"), as: UTF8.self)
        let listed = sums.split(separator: "\n").map { String($0.dropFirst(66)) }
        try chain.write("2028-03/SHA256SUMS", Array(sums.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let key = try Self.fingerprint(Self.owner)
        let result = try BuiltBinary.run(["verify", "--evidence", chain.path, "--expect-key-sha256", key])
        #expect(result.status == 1)
        Self.expectClean(result, lines: result.lines.count)
        #expect(
            result.lines.contains(
                "SEAL\t2028-03/SHA256SUMS\tINVALID: signature verification failed (key \(key.prefix(16)))"
            )
        )
        for path in listed {
            #expect(result.lines.contains("SUMS\t2028-03/\(path)\\x0d\tINVALID: unsafe path"))
        }
        #expect(result.lines.contains("SUMS\t2028-03/SHA256SUMS\tINVALID: MANIFEST.json is not listed"))
        #expect(result.lines.filter { $0.hasSuffix("INVALID: unsafe path") }.count == listed.count)
        #expect(result.lines.last?.hasSuffix("; INVALID") == true)
    }

    // MARK: - Output that input cannot forge

    /// Every control character, DEL, and escape sequences that hide, retitle or recolour a terminal.
    static let hostile: [String] =
        (0...0x1F).map { String(UnicodeScalar(UInt8($0))) } + [
            "\u{7F}", "\u{1B}[8m", "\u{1B}]0;title\u{07}", "\u{1B}[2K\r",
        ]

    /// Checks that output bytes are UTF-8 and hold no control or non-printing character but the line feeds ending
    /// lines and, on stdout, the two TABs of each finding line; that at most one line (the last) is a summary; and
    /// that stdout has `lines` lines.
    static func expectClean(
        _ output: BuiltBinary.Output,
        lines: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.lines.count == lines, "\(output.lines)", sourceLocation: sourceLocation)
        for line in output.lines where line.contains("\t") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(fields.count == 3, "\(line)", sourceLocation: sourceLocation)
        }
        let summaries = output.lines.indices.filter { output.lines[$0].hasPrefix("Summary:") }
        #expect(summaries.isEmpty || summaries == [output.lines.count - 1], sourceLocation: sourceLocation)
        #expect(output.errorLines.allSatisfy { $0.hasPrefix("error: ") }, sourceLocation: sourceLocation)
        for (bytes, allowed) in [(output.stdout, "\t\n"), (output.stderr, "\n")] {
            let text = String(bytes: bytes, encoding: .utf8)
            #expect(text != nil, "not UTF-8", sourceLocation: sourceLocation)
            let raw = (text ?? "").unicodeScalars.filter {
                !allowed.unicodeScalars.contains($0) && !Printable.isPrintable($0)
            }
            #expect(raw.isEmpty, "raw \(raw.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
        }
    }

    @Test("Every control character in names, SHA256SUMS, chain ids and a checkpoint: one escaped line per finding")
    func hostileEvidence() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let manager = FileManager.default
        let named = Self.hostile.filter { $0 != "\u{0}" }
        for (index, text) in named.enumerated() {
            try chain.write("2028-03/reports/f\(index)-\(text)", Array("x\n".utf8))
            try manager.createDirectory(at: chain.url("d\(index)-\(text)"), withIntermediateDirectories: false)
        }
        // SHA256SUMS: a line per character (a line feed makes two), and a forged summary after CR LF and ESC.
        var sums = try chain.read("2028-04/SHA256SUMS")
        for text in Self.hostile { sums += Array("x\(text)y\n".utf8) }
        sums += Array("\r\nSummary: chain untagged-neptune 2028-03..2028-04: 2/2 entries valid\n\u{1B}[8m".utf8)
        try chain.write("2028-04/SHA256SUMS", sums)
        // The chain id of the first month, as its manifest's JSON escapes can spell it.
        let id = "c" + Self.hostile.joined() + " \\x1b"
        try Self.setChainID(id, of: chain)
        // A checkpoint whose period holds every character.
        let checkpoint = chain.url("../checkpoint-\(UUID().uuidString).txt")
        defer { try? manager.removeItem(at: checkpoint) }
        let seal = try chain.sha("2028-04/SHA256SUMS")
        try Data("backup-evidence-checkpoint untagged-neptune 20\(Self.hostile.joined())28-04 2 \(seal)\n".utf8).write(
            to: checkpoint
        )

        let pin = ["--expect-key-sha256", try Self.fingerprint(Self.owner)]
        let arguments = ["verify", "--evidence", chain.path, "--checkpoint", checkpoint.path] + pin
        let json = try BuiltBinary.run(arguments + ["--format", "json"])
        #expect(json.status == 1)
        #expect(json.lines.count == 1)
        Self.expectClean(json, lines: 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: String]])
        let text = try BuiltBinary.run(arguments)
        #expect(text.status == 1)
        Self.expectClean(text, lines: findings.count + 1)
        // Each finding of the text output is the JSON one, escaped, on its own line.
        for (line, finding) in zip(text.lines, findings) {
            let detail = finding["detail"] ?? ""
            #expect(
                line
                    == "\(finding["scope"] ?? "")\t\(Printable.value(finding["subject"] ?? ""))\t\(finding["status"] ?? "")"
                    + (detail.isEmpty ? "" : ": \(Printable.value(detail))")
            )
        }
        let subjects = Set(findings.map { $0["subject"] ?? "" })
        for (index, name) in named.enumerated() {
            #expect(subjects.contains("2028-03/reports/f\(index)-\(name)"))
            #expect(subjects.contains("d\(index)-\(name)"))
        }
        let malformed = findings.filter { $0["scope"] == "SUMS" && $0["detail"]?.hasPrefix("malformed line: ") == true }
        #expect(malformed.count == Self.hostile.count + 1 + 3)
        #expect(
            text.lines.contains(
                "FILE\t2028-03/reports/f\(named.firstIndex(of: "\u{1B}[8m") ?? 0)-\\x1b[8m\tINVALID: not listed in SHA256SUMS (unsealed file)"
            )
        )
        #expect(text.lines.contains("SUMS\t2028-04/SHA256SUMS\tINVALID: malformed line: \\x0d"))
        #expect(text.lines.contains("SUMS\t2028-04/SHA256SUMS\tINVALID: malformed line: \\x1b[8m"))
        #expect(
            text.lines.contains {
                $0.hasPrefix("LINK\t2028-03 -> 2028-04\tINVALID: chain_id untagged-neptune, expected c\\x00\\x01\\x02")
            }
        )
        #expect(text.lines.contains { $0.hasPrefix("TAIL\t20\\x00\\x01\\x02") })
        #expect(text.lines.last?.hasPrefix("Summary: chain c\\x00\\x01") == true)
        #expect(text.lines.last?.contains("\\x1b[8m\\x1b]0;title\\x07\\x1b[2K\\x0d \\\\x1b 2028-03..2028-04") == true)
    }

    /// Rewrites the first month's chain id in its MANIFEST.json (its seal no longer matches; verify reads the id).
    static func setChainID(_ id: String, of chain: SealedChain) throws {
        let manifest = String(decoding: try chain.read("2028-03/MANIFEST.json"), as: UTF8.self)
        try chain.write(
            "2028-03/MANIFEST.json",
            Array(
                manifest.replacingOccurrences(
                    of: "\"chain_id\":\"untagged-neptune\"",
                    with: "\"chain_id\":\(CanonicalJSON.string(id))"
                ).utf8
            )
        )
    }

    @Test("Every control character through checkpoint, verify-row and error lines: one escaped line each")
    func hostileLinesElsewhere() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let id = "c" + Self.hostile.joined() + " x"
        try Self.setChainID(id, of: chain)
        // checkpoint: one line of five fields, which verify reads back as the same chain id.
        let checkpoint = try BuiltBinary.run(["checkpoint", "--evidence", chain.path])
        #expect(checkpoint.status == 0)
        Self.expectClean(checkpoint, lines: 1)
        let fields = checkpoint.lines.first?.split(separator: " ") ?? []
        #expect(fields.count == 5)
        #expect(fields.count == 5 && fields[1] == Substring(Ledger.checkpointToken(id)))
        let saved = chain.url("../checkpoint-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: saved) }
        try Data(checkpoint.stdout).write(to: saved)
        let pin = ["--expect-key-sha256", try Self.fingerprint(Self.owner)]
        let verify = try BuiltBinary.run(["verify", "--evidence", chain.path, "--checkpoint", saved.path] + pin)
        #expect(verify.status == 1)
        #expect(!verify.lines.contains { $0.hasPrefix("TAIL\t") })

        // verify-row: a proof naming a period with every character but the line feed that ends proof lines.
        let proof = chain.url("../proof-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: proof) }
        let period = "20" + Self.hostile.filter { $0 != "\n" }.joined() + "28-03"
        let hash = Data(repeating: 0, count: 32).base64EncodedString()
        try Data(
            "backup-evidence.rowproof/v1\nchain x\nperiod \(period)\nfile f\nindex 0\nsize 1\nrow eA==\n\(hash)\n".utf8
        ).write(to: proof)
        let row = try BuiltBinary.run(["verify-row", proof.path, "--evidence", chain.path] + pin)
        #expect(row.status == 1)
        Self.expectClean(row, lines: 1)
        #expect(row.lines.first?.hasPrefix("ROW\t20\\x00\\x01") == true)
        // A malformed path hash is an error line holding the input, up to the line feed.
        try Data(
            ("backup-evidence.rowproof/v1\nchain x\nperiod 2028-03\nfile f\nindex 0\nsize 1\nrow eA==\nAA"
                + Self.hostile.filter { $0 != "\n" }.joined() + "\nmore\n").utf8
        ).write(to: proof)
        let parse = try BuiltBinary.run(["verify-row", proof.path, "--evidence", chain.path] + pin)
        #expect(parse.status == 2)
        Self.expectClean(parse, lines: 0)
        #expect(parse.errorLines.count == 1)
        #expect(parse.errorLines.first?.hasPrefix("error: malformed path hash: AA\\x00\\x01") == true)

        // Error lines: a path holding every character a path can hold.
        let path = chain.url("missing-" + Self.hostile.filter { $0 != "\u{0}" }.joined()).path
        for command in ["verify", "checkpoint"] {
            let result = try BuiltBinary.run([command, "--evidence", path])
            #expect(result.status == 2)
            Self.expectClean(result, lines: 0)
            #expect(result.errorLines.count == 1)
            #expect(result.errorLines.first?.contains("missing-\\x01\\x02") == true)
        }
    }
}
