import EvidenceCrypto
import EvidenceLedger
import EvidenceTestSupport
import Foundation
import Testing

/// RFC 3161 time anchors: `checkpoint --timestamp-request`, a local TSA, and `verify --timestamp --tsa-cert`.
@Suite("Time-stamps: RFC 3161 tokens over checkpoint lines, verified offline", .serialized)
struct TimeStampTests {
    static var owner: String { RepositoryPaths.testKey }

    /// A sealed chain, its tip's checkpoint saved as printed, and a token for it from a local TSA.
    final class Stamped {
        let chain: SealedChain
        let tsa: LocalTSA
        let kept: TemporaryFolder
        var checkpoint: String { kept.url.appendingPathComponent("checkpoint.txt").path }
        var request: String { kept.url.appendingPathComponent("checkpoint.tsq").path }
        var token: String { kept.url.appendingPathComponent("checkpoint.tsr").path }

        init(months: [String] = ["2028-03", "2028-04", "2028-05"]) async throws {
            chain = try await SealedChain(months: months)
            tsa = try LocalTSA()
            kept = try TemporaryFolder()
            let printed = try BuiltBinary.run([
                "checkpoint", "--evidence", chain.path, "--timestamp-request", kept.url.path + "/checkpoint.tsq",
            ])
            precondition(printed.status == 0 && printed.lines.count == 1, "checkpoint failed")
            try Data(printed.stdout).write(to: URL(fileURLWithPath: checkpoint))
            try tsa.reply(request: request, response: token)
        }

        /// The ANCHORED line `verify` prints for a token over entry `folder`, seq `seq`, reported as `name`.
        func anchoredLine(_ folder: String, seq: Int, token path: String, name: String) throws -> String {
            "TIMESTAMP\t\(folder)\tANCHORED: checkpoint seq \(seq) time-stamped \(try LocalTSA.time(of: path)) "
                + "(\(name), serial \(try LocalTSA.serial(of: path)))"
        }
    }

    static var pin: [String] { ["--expect-key-sha256", (try? ChainTests.fingerprint(owner)) ?? ""] }

    @Test("checkpoint --timestamp-request: SHA-256 of the printed line, a nonce, certReq; any TSA's openssl accepts it")
    func request() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let text = try LocalTSA.openssl(["ts", "-query", "-in", stamped.request, "-text"])
        let line = try String(contentsOfFile: stamped.checkpoint, encoding: .utf8)
        #expect(line.hasPrefix("backup-evidence-checkpoint untagged-neptune 2028-03 1 ") && line.hasSuffix("\n"))
        #expect(text.contains("Version: 1\n"))
        #expect(text.contains("Hash Algorithm: sha256\n"))
        #expect(text.contains("Certificate required: yes\n"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("Nonce: 0x") })
        // The request's imprint is the printed line's: openssl verifies the token against the saved file.
        #expect(
            try LocalTSA.openssl([
                "ts", "-verify", "-data", stamped.checkpoint, "-in", stamped.token, "-CAfile", stamped.tsa.chainPEM,
            ]).contains("Verification: OK")
        )
        // Two requests for the same line differ in their nonce only.
        let again = stamped.kept.url.appendingPathComponent("again.tsq").path
        let second = try BuiltBinary.run([
            "checkpoint", "--evidence", stamped.chain.path, "--timestamp-request", again,
        ])
        #expect(second.status == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: again)) != Data(contentsOf: URL(fileURLWithPath: stamped.request))
        )
    }

    @Test("A token over the tip's checkpoint: ANCHORED with its time in default output, the tail anchored, exit 0")
    func anchored() async throws {
        let stamped = try await Stamped()
        let line = try stamped.anchoredLine("2028-05", seq: 3, token: stamped.token, name: stamped.token)
        let result = try BuiltBinary.run(
            [
                "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert",
                stamped.tsa.chainPEM,
            ]
                + Self.pin
        )
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        #expect(result.lines.first == line)
        #expect(result.lines.last?.hasSuffix("; VERIFIED") == true)
        let required = try BuiltBinary.run(
            [
                "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert",
                stamped.tsa.chainPEM, "--require-anchor",
            ] + Self.pin
        )
        #expect(required.status == 0)
        // JSON carries the same finding.
        let json = try BuiltBinary.run(
            [
                "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert",
                stamped.tsa.chainPEM, "--format", "json",
            ] + Self.pin
        )
        #expect(json.status == 0)
        #expect(String(decoding: json.stdout, as: UTF8.self).contains("\"status\":\"ANCHORED\""))
    }

    @Test("Tokens kept in evidence/anchors/*.tsr are read when --tsa-cert is given, and are not a layout fault")
    func anchorsFolder() async throws {
        let stamped = try await Stamped()
        try FileManager.default.createDirectory(at: stamped.chain.url("anchors"), withIntermediateDirectories: false)
        let kept = stamped.chain.url("anchors/2028-05.tsr")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: stamped.token), to: kept)
        let result = try BuiltBinary.run(
            ["verify", "--evidence", stamped.chain.path, "--tsa-cert", stamped.tsa.chainPEM] + Self.pin
        )
        #expect(result.status == 0)
        #expect(
            result.lines
                == [
                    try stamped.anchoredLine("2028-05", seq: 3, token: kept.path, name: "anchors/2028-05.tsr"),
                    result.lines.last ?? "",
                ]
        )
        // Without --tsa-cert the tokens are not checked: one WARN says they are there, and the tail is unanchored.
        let plain = try BuiltBinary.run(["verify", "--evidence", stamped.chain.path] + Self.pin)
        #expect(plain.status == 0)
        #expect(
            plain.lines.dropLast() == [
                "TIMESTAMP\tanchors/\tWARN: 1 time-stamp token not checked; give --tsa-cert with the TSA's "
                    + "certificates to check it",
                "TAIL\t2028-05\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through",
            ]
        )
        try FileManager.default.copyItem(at: kept, to: stamped.chain.url("anchors/again.tsr"))
        let two = try BuiltBinary.run(["verify", "--evidence", stamped.chain.path] + Self.pin)
        #expect(two.status == 0)
        #expect(
            two.lines.first
                == "TIMESTAMP\tanchors/\tWARN: 2 time-stamp tokens not checked; give --tsa-cert with the TSA's "
                + "certificates to check them"
        )
    }

    @Test("A token over an earlier entry anchors it; the entries after it are not anchored")
    func earlierEntry() async throws {
        let stamped = try await Stamped(months: ["2028-03", "2028-04"])
        let later = try BuiltBinary.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", stamped.chain.path,
            "--month", "2028-05", "--key", Self.owner,
        ])
        #expect(later.status == 0)
        let arguments = [
            "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert",
            stamped.tsa.chainPEM,
        ]
        let result = try BuiltBinary.run(arguments + Self.pin)
        #expect(result.status == 0)
        #expect(
            result.lines.dropLast() == [
                try stamped.anchoredLine("2028-04", seq: 2, token: stamped.token, name: stamped.token),
                "TAIL\t2028-05\tWARN: entries after the newest time-stamped checkpoint are not anchored",
            ]
        )
        let required = try BuiltBinary.run(arguments + ["--require-anchor"] + Self.pin)
        #expect(required.status == 3)
        #expect(
            required.lines.dropLast().last
                == "TAIL\t2028-05\tUNANCHORED: entries after the newest time-stamped checkpoint are not anchored"
        )
    }

    @Test("A tampered token, a token for another checkpoint, a wrong TSA certificate: INVALID, exit 1")
    func invalidTokens() async throws {
        let stamped = try await Stamped()
        let base = ["verify", "--evidence", stamped.chain.path, "--tsa-cert", stamped.tsa.chainPEM] + Self.pin
        let unanchored = "TAIL\t2028-05\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through"

        // One bit of the signature flipped.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: stamped.token)))
        bytes[bytes.count - 5] ^= 1
        let tampered = stamped.kept.url.appendingPathComponent("tampered.tsr").path
        try Data(bytes).write(to: URL(fileURLWithPath: tampered))
        let bad = try BuiltBinary.run(base + ["--timestamp", tampered])
        #expect(bad.status == 1)
        #expect(
            bad.lines.dropLast() == [
                "TIMESTAMP\t\(tampered)\tINVALID: the token does not verify: signature failure", unanchored,
            ]
        )
        #expect(bad.lines.last?.contains("findings: 1 INVALID, 0 MISSING, 0 UNVERIFIED;") == true)

        // Not a token at all.
        let garbage = stamped.kept.url.appendingPathComponent("garbage.tsr").path
        try Data("not DER\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let unreadable = try BuiltBinary.run(base + ["--timestamp", garbage])
        #expect(unreadable.status == 1)
        #expect(unreadable.lines.contains("TIMESTAMP\t\(garbage)\tINVALID: not a DER time-stamp response or token"))

        // A genuine token over another chain's checkpoint line.
        let other = stamped.kept.url.appendingPathComponent("other.txt").path
        let otherLine = "backup-evidence-checkpoint other-chain 2028-05 3 \(String(repeating: "0", count: 64))\n"
        try Data(otherLine.utf8).write(to: URL(fileURLWithPath: other))
        let otherToken = stamped.kept.url.appendingPathComponent("other.tsr").path
        try stamped.tsa.stamp(data: other, response: otherToken)
        let foreign = try BuiltBinary.run(base + ["--timestamp", otherToken])
        #expect(foreign.status == 1)
        #expect(
            foreign.lines.dropLast() == [
                "TIMESTAMP\t\(otherToken)\tINVALID: the token time-stamps "
                    + "\(SHA256.hash(Array(otherLine.utf8)).hex.prefix(16)), the checkpoint line of no entry of this chain",
                unanchored,
            ]
        )

        // The genuine token checked against another TSA's certificates.
        let stranger = try LocalTSA(name: "Stranger")
        let wrong = try BuiltBinary.run(
            [
                "verify", "--evidence", stamped.chain.path, "--tsa-cert", stranger.chainPEM, "--timestamp",
                stamped.token,
            ] + Self.pin
        )
        #expect(wrong.status == 1)
        #expect(
            wrong.lines.dropLast() == [
                "TIMESTAMP\t\(stamped.token)\tINVALID: the token does not verify: certificate verify error "
                    + "(Verify error:self-signed certificate in certificate chain)",
                unanchored,
            ]
        )
        // The TSA's own certificate without its CA does not chain either.
        let alone = try BuiltBinary.run(
            [
                "verify", "--evidence", stamped.chain.path, "--tsa-cert", "\(stamped.tsa.folder.path)/tsa.pem",
                "--timestamp", stamped.token,
            ] + Self.pin
        )
        #expect(alone.status == 1)
    }

    @Test("A timestamp anchors the tail in time; it never makes an unpinned key trusted (exit 3)")
    func unpinned() async throws {
        let stamped = try await Stamped()
        let result = try BuiltBinary.run([
            "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert",
            stamped.tsa.chainPEM,
        ])
        #expect(result.status == 3)
        #expect(result.lines.first == TrustTests.unpinnedLine(try ChainTests.fingerprint(Self.owner)))
        #expect(
            result.lines.contains(
                try stamped.anchoredLine("2028-05", seq: 3, token: stamped.token, name: stamped.token)
            )
        )
    }

    @Test("Usage and input errors: --timestamp without --tsa-cert is 64; an unreadable token or PEM is 2, one line")
    func inputErrors() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let usage = try BuiltBinary.run(["verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token])
        #expect(usage.status == 64)
        #expect(usage.stdout.isEmpty)
        let missing = stamped.kept.url.appendingPathComponent("missing.tsr").path
        let absent = try BuiltBinary.run([
            "verify", "--evidence", stamped.chain.path, "--timestamp", missing, "--tsa-cert", stamped.tsa.chainPEM,
        ])
        #expect(absent.status == 2)
        #expect(absent.stdout.isEmpty)
        #expect(absent.errorLines == ["error: \(missing): cannot read the time-stamp token"])
        let key = "\(stamped.tsa.folder.path)/tsa.key"
        let notCertificates = try BuiltBinary.run([
            "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert", key,
        ])
        #expect(notCertificates.status == 2)
        #expect(notCertificates.stdout.isEmpty)
        #expect(
            notCertificates.errorLines == [
                "error: \(key): PEM block 1 is a private key (PRIVATE KEY); expected the TSA's certificates only"
            ]
        )
    }

    @Test("A TSA certificate file that lost a certificate or holds a private key is refused (2), not a token failure")
    func certificateFiles() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let tsa = "\(stamped.tsa.folder.path)/tsa.pem"
        let ca = "\(stamped.tsa.folder.path)/ca.pem"
        func run(_ pem: String) throws -> BuiltBinary.Output {
            try BuiltBinary.run(
                ["verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert", pem]
                    + Self.pin
            )
        }
        // The CA's block damaged (one base64 character), after the TSA's: its loss is the file's fault.
        var lines = try String(contentsOfFile: ca, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[2] = "#" + lines[2].dropFirst()
        let damaged = stamped.kept.url.appendingPathComponent("damaged.pem").path
        try Data((try String(contentsOfFile: tsa, encoding: .utf8) + lines.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: damaged))
        let lost = try run(damaged)
        #expect(lost.status == 2)
        #expect(lost.stdout.isEmpty)
        #expect(lost.errorLines == ["error: \(damaged): PEM block 2 cannot be read (no END line, or bad base64)"])
        // The TSA's key kept with its chain.
        let keyed = stamped.kept.url.appendingPathComponent("keyed.pem").path
        let privateKey = try Data(contentsOf: URL(fileURLWithPath: "\(stamped.tsa.folder.path)/tsa.key"))
        let chain = try Data(contentsOf: URL(fileURLWithPath: stamped.tsa.chainPEM))
        try (privateKey + chain).write(to: URL(fileURLWithPath: keyed))
        let key = try run(keyed)
        #expect(key.status == 2)
        #expect(key.stdout.isEmpty)
        #expect(
            key.errorLines == [
                "error: \(keyed): PEM block 1 is a private key (PRIVATE KEY); expected the TSA's certificates only"
            ]
        )
        // Text around the blocks is no fault: the chain still verifies.
        let annotated = stamped.kept.url.appendingPathComponent("annotated.pem").path
        try Data(("subject=TSA\n" + (try String(contentsOfFile: stamped.tsa.chainPEM, encoding: .utf8)) + "end\n").utf8)
            .write(to: URL(fileURLWithPath: annotated))
        #expect(try run(annotated).status == 0)
    }

    @Test("A bare token that fails says why it fails, not why it is not a response")
    func bareTokenReason() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let bare = stamped.kept.url.appendingPathComponent("bare.tst").path
        try LocalTSA.openssl(["ts", "-reply", "-in", stamped.token, "-token_out", "-out", bare])
        let pinned = ["verify", "--evidence", stamped.chain.path, "--timestamp", bare] + Self.pin
        #expect(try BuiltBinary.run(pinned + ["--tsa-cert", stamped.tsa.chainPEM]).status == 0)
        let stranger = try LocalTSA(name: "Stranger")
        let wrong = try BuiltBinary.run(pinned + ["--tsa-cert", stranger.chainPEM])
        #expect(wrong.status == 1)
        #expect(
            wrong.lines.first
                == "TIMESTAMP\t\(bare)\tINVALID: the token does not verify: certificate verify error "
                + "(Verify error:self-signed certificate in certificate chain)"
        )
    }

    @Test("anchors/ entries that are not regular files, or larger than any token, are INVALID and not read")
    func oddAnchors() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let anchors = stamped.chain.url("anchors")
        try FileManager.default.createDirectory(
            at: anchors.appendingPathComponent("folder.tsr"),
            withIntermediateDirectories: true
        )
        #expect(mkfifo(anchors.appendingPathComponent("fifo.tsr").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: anchors.appendingPathComponent("zero.tsr").path,
            withDestinationPath: "/dev/zero"
        )
        // Sparse: one byte more than the largest token read.
        let huge = anchors.appendingPathComponent("huge.tsr")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(TimeStampCheck.largestToken + 1))
        try handle.close()
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: stamped.token),
            to: anchors.appendingPathComponent("ok.tsr")
        )
        let result = try BuiltBinary.run(
            ["verify", "--evidence", stamped.chain.path, "--tsa-cert", stamped.tsa.chainPEM] + Self.pin
        )
        #expect(result.status == 1)
        #expect(
            result.lines.dropLast() == [
                "TIMESTAMP\tanchors/fifo.tsr\tINVALID: is a FIFO, not a regular file",
                "TIMESTAMP\tanchors/folder.tsr\tINVALID: is a folder, not a regular file",
                "TIMESTAMP\tanchors/huge.tsr\tINVALID: is 1048577 bytes, larger than a time-stamp token (at most "
                    + "1048576)",
                "TIMESTAMP\tanchors/zero.tsr\tINVALID: is a device, not a regular file",
                try stamped.anchoredLine(
                    "2028-03",
                    seq: 1,
                    token: anchors.appendingPathComponent("ok.tsr").path,
                    name: "anchors/ok.tsr"
                ),
            ]
        )
    }

    @Test("Every control character in the names of anchors/*.tsr and of --tsa-cert: one escaped line each")
    func hostileNames() async throws {
        let stamped = try await Stamped(months: ["2028-03"])
        let anchors = stamped.chain.url("anchors")
        try FileManager.default.createDirectory(at: anchors, withIntermediateDirectories: false)
        let named = TrustTests.hostile.filter { $0 != "\u{0}" }
        let token = try Data(contentsOf: URL(fileURLWithPath: stamped.token))
        for (index, text) in named.enumerated() {
            try token.write(to: anchors.appendingPathComponent("t\(index)-\(text).tsr"))
            try Data("not DER".utf8).write(to: anchors.appendingPathComponent("x\(index)-\(text).tsr"))
        }
        let result = try BuiltBinary.run(
            ["verify", "--evidence", stamped.chain.path, "--tsa-cert", stamped.tsa.chainPEM] + Self.pin
        )
        #expect(result.status == 1)
        TrustTests.expectClean(result, lines: 2 * named.count + 1)
        let escape = named.firstIndex(of: "\u{1B}[8m") ?? 0
        #expect(
            result.lines.contains {
                $0.hasPrefix("TIMESTAMP\t2028-03\tANCHORED: ") && $0.contains("(anchors/t\(escape)-\\x1b[8m.tsr, ")
            }
        )
        #expect(
            result.lines.contains(
                "TIMESTAMP\tanchors/x\(escape)-\\x1b[8m.tsr\tINVALID: not a DER time-stamp response or token"
            )
        )

        // Error lines: a certificate file named with every character a path can hold.
        let path = stamped.kept.url.appendingPathComponent("missing-" + named.joined()).path
        let missing = try BuiltBinary.run([
            "verify", "--evidence", stamped.chain.path, "--timestamp", stamped.token, "--tsa-cert", path,
        ])
        #expect(missing.status == 2)
        TrustTests.expectClean(missing, lines: 0)
        #expect(missing.errorLines.count == 1)
        #expect(missing.errorLines.first?.contains("missing-\\x01\\x02") == true)
        #expect(missing.errorLines.first?.hasSuffix(": cannot read the TSA certificates") == true)
    }
}
