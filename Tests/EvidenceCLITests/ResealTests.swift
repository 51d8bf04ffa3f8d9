import EvidenceCrypto
import EvidenceLedger
import EvidenceTestSupport
import Foundation
import Testing

/// The re-sealed chain (evidence-chain.md §5.3) under each trust option an auditor has.
///
/// A pinned key (`--expect-key-sha256`), a trusted key (`--trusted-key`), a checkpoint kept of the genuine chain, and
/// an RFC 3161 time-stamp of it. Each case asserts every finding line and the exit status.
@Suite("Tamper: a re-sealed chain under each trust option", .serialized)
struct ResealTests {
    static var owner: String { RepositoryPaths.testKey }
    static var attacker: String { RepositoryPaths.nextTestKey }

    /// The genuine chain, the auditor's checkpoint of it and a TSA's token over that checkpoint.
    final class Genuine {
        let chain: SealedChain
        let tsa: LocalTSA
        let kept: TemporaryFolder
        var checkpoint: String { kept.url.appendingPathComponent("checkpoint.txt").path }
        var token: String { kept.url.appendingPathComponent("checkpoint.tsr").path }

        init() async throws {
            chain = try await SealedChain()
            tsa = try LocalTSA()
            kept = try TemporaryFolder()
            let request = kept.url.appendingPathComponent("checkpoint.tsq").path
            let printed = try BuiltBinary.run(["checkpoint", "--evidence", chain.path, "--timestamp-request", request])
            precondition(printed.status == 0, "checkpoint failed")
            try Data(printed.stdout).write(to: URL(fileURLWithPath: checkpoint))
            try tsa.reply(request: request, response: token)
        }
    }

    static let unanchored = "TAIL\t2028-05\tUNANCHORED: newest seal not covered by a checkpoint or --expect-through"

    /// The line of a token over no entry's checkpoint line of the chain checked.
    static func foreignToken(_ token: String, over checkpoint: String) throws -> String {
        let line = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        return "TIMESTAMP\t\(token)\tINVALID: the token time-stamps \(SHA256.hash([UInt8](line)).hex.prefix(16)), "
            + "the checkpoint line of no entry of this chain"
    }

    /// The line of a checkpoint whose seq the chain holds with another seal.
    static func resealedTip(_ chain: SealedChain, _ genuine: SealedChain) throws -> String {
        "TAIL\t2028-05\tINVALID: seq 3 is sealed as 2028-05 with seal \(try chain.sha("2028-05/SHA256SUMS").prefix(16)), "
            + "the checkpoint says 2028-05 \(try genuine.sha("2028-05/SHA256SUMS").prefix(16))"
    }

    static func expect(
        _ arguments: [String],
        status: Int32,
        lines: [String],
        verdict: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try BuiltBinary.run(arguments)
        #expect(result.status == status, "\(result.lines) \(result.errorLines)", sourceLocation: sourceLocation)
        #expect(Array(result.lines.dropLast()) == lines, sourceLocation: sourceLocation)
        #expect(result.lines.last?.hasSuffix("; \(verdict)") == true, sourceLocation: sourceLocation)
    }

    @Test(
        "Re-sealed whole by an attacker with their own key: inconclusive with nothing, INVALID under each trust option"
    )
    func attackersKey() async throws {
        let genuine = try await Genuine()
        let forged = try await SealedChain(key: Self.attacker)
        let own = try ChainTests.fingerprint(Self.owner)
        let theirs = try ChainTests.fingerprint(Self.attacker)
        // Every entry: the first is not signed by the pinned key, and an entry signed by another key hands nothing on.
        let keyLines = ["2028-03", "2028-04", "2028-05"].map {
            "KEY\t\($0)\tINVALID: signed by key \(theirs.prefix(16)), expected \(own.prefix(16))"
        }
        let verify = ["verify", "--evidence", forged.path]
        let pinned = ["--expect-key-sha256", own]
        let trusted = ["--trusted-key", genuine.chain.url("keys/\(own.prefix(16)).pub.pem").path]
        let stamp = ["--timestamp", genuine.token, "--tsa-cert", genuine.tsa.chainPEM]
        let foreign = try Self.foreignToken(genuine.token, over: genuine.checkpoint)
        let tail = try Self.resealedTip(forged, genuine.chain)

        // Nothing but the evidence: inconclusive, never a pass.
        try Self.expect(
            verify,
            status: 3,
            lines: [TrustTests.unpinnedLine(theirs), Self.unanchored],
            verdict: "INCONCLUSIVE"
        )
        // Pinned key, trusted key: the first entry is not signed by it.
        try Self.expect(verify + pinned, status: 1, lines: keyLines + [Self.unanchored], verdict: "INVALID")
        try Self.expect(verify + trusted, status: 1, lines: keyLines + [Self.unanchored], verdict: "INVALID")
        // The genuine chain's checkpoint: its seq holds another seal, pinned or not.
        try Self.expect(
            verify + ["--checkpoint", genuine.checkpoint],
            status: 1,
            lines: [TrustTests.unpinnedLine(theirs), tail],
            verdict: "INVALID"
        )
        try Self.expect(
            verify + ["--checkpoint", genuine.checkpoint] + pinned,
            status: 1,
            lines: keyLines + [tail],
            verdict: "INVALID"
        )
        // The genuine chain's time-stamp: it covers no checkpoint line of the re-sealed chain, pinned or not.
        try Self.expect(
            verify + stamp,
            status: 1,
            lines: [TrustTests.unpinnedLine(theirs), foreign, Self.unanchored],
            verdict: "INVALID"
        )
        try Self.expect(
            verify + stamp + pinned,
            status: 1,
            lines: keyLines + [foreign, Self.unanchored],
            verdict: "INVALID"
        )

        // The attacker's own checkpoint and a genuine TSA token over it, kept in anchors/: the tail is anchored in
        // time, the key is still unknown (3), and under the pin it is INVALID (1).
        let theirCheckpoint = try BuiltBinary.run([
            "checkpoint", "--evidence", forged.path, "--timestamp-request", forged.url("../their.tsq").path,
        ])
        defer {
            try? FileManager.default.removeItem(at: forged.url("../their.tsq"))
            try? FileManager.default.removeItem(at: forged.url("../their.txt"))
        }
        try Data(theirCheckpoint.stdout).write(to: forged.url("../their.txt"))
        try FileManager.default.createDirectory(at: forged.url("anchors"), withIntermediateDirectories: false)
        let theirToken = forged.url("anchors/2028-05.tsr").path
        try genuine.tsa.reply(request: forged.url("../their.tsq").path, response: theirToken)
        let anchoredLine =
            "TIMESTAMP\t2028-05\tANCHORED: checkpoint seq 3 time-stamped \(try LocalTSA.time(of: theirToken)) "
            + "(anchors/2028-05.tsr, serial \(try LocalTSA.serial(of: theirToken)))"
        let ownAnchors = verify + ["--tsa-cert", genuine.tsa.chainPEM, "--checkpoint", forged.url("../their.txt").path]
        try Self.expect(
            ownAnchors,
            status: 3,
            lines: [TrustTests.unpinnedLine(theirs), anchoredLine],
            verdict: "INCONCLUSIVE"
        )
        try Self.expect(ownAnchors + pinned, status: 1, lines: keyLines + [anchoredLine], verdict: "INVALID")
    }

    @Test("The tip re-sealed with the owner's own key (a stolen key): only a checkpoint or a time-stamp catches it")
    func ownersKey() async throws {
        let genuine = try await Genuine()
        // A copy of the genuine chain whose last month is sealed again, later, with the same key.
        let resealed = try await SealedChain(months: ["2028-03", "2028-04"])
        let status = await CLITests.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", resealed.path,
            "--month", "2028-05", "--as-of", "2028-06-01T00:00:01Z", "--key", Self.owner,
        ])
        #expect(status == 0)
        #expect(try resealed.sha("2028-04/SHA256SUMS") == genuine.chain.sha("2028-04/SHA256SUMS"))
        #expect(try resealed.sha("2028-05/SHA256SUMS") != genuine.chain.sha("2028-05/SHA256SUMS"))
        let own = try ChainTests.fingerprint(Self.owner)
        let verify = ["verify", "--evidence", resealed.path]
        let pinned = ["--expect-key-sha256", own]
        let trusted = ["--trusted-key", genuine.chain.url("keys/\(own.prefix(16)).pub.pem").path]

        // A pinned or trusted key cannot tell: the re-seal is signed by it.
        try Self.expect(verify + pinned, status: 0, lines: [Self.unanchored], verdict: "VERIFIED")
        try Self.expect(verify + trusted, status: 0, lines: [Self.unanchored], verdict: "VERIFIED")
        // The genuine chain's checkpoint and time-stamp do.
        try Self.expect(
            verify + pinned + ["--checkpoint", genuine.checkpoint],
            status: 1,
            lines: [try Self.resealedTip(resealed, genuine.chain)],
            verdict: "INVALID"
        )
        try Self.expect(
            verify + pinned + ["--timestamp", genuine.token, "--tsa-cert", genuine.tsa.chainPEM],
            status: 1,
            lines: [try Self.foreignToken(genuine.token, over: genuine.checkpoint), Self.unanchored],
            verdict: "INVALID"
        )
        // The same token over the genuine chain anchors its tip.
        try Self.expect(
            [
                "verify", "--evidence", genuine.chain.path, "--timestamp", genuine.token, "--tsa-cert",
                genuine.tsa.chainPEM,
            ]
                + pinned,
            status: 0,
            lines: [
                "TIMESTAMP\t2028-05\tANCHORED: checkpoint seq 3 time-stamped \(try LocalTSA.time(of: genuine.token)) "
                    + "(\(genuine.token), serial \(try LocalTSA.serial(of: genuine.token)))"
            ],
            verdict: "VERIFIED"
        )
    }
}
