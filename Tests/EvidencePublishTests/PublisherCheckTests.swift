import EvidenceLedger
import EvidenceModel
import Foundation
import Testing

@testable import EvidencePublish

@Suite("Publishing: an object already in the bucket, compared with the sealed file")
struct PublisherCheckTests {
    /// A client of a bucket at `http://127.0.0.1:PORT`, with made-up credentials.
    static func client(port: Int) throws -> S3Client {
        S3Client(
            endpoint: S3Endpoint(
                bucket: "evidence",
                region: "us-east-1",
                endpoint: URL(string: "http://127.0.0.1:\(port)")
            ),
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"),
            clock: { Instant(milliseconds: 0) }
        )
    }

    /// `Publisher.check` of a sealed file against an object a local server hands out with `stored` as its body,
    /// after a HEAD that answered `head` (no checksum).
    static func check(sealed: [UInt8], stored: [UInt8], head: [String: String]) throws -> [Finding] {
        let server = try OneShotServer(
            response: Array("HTTP/1.1 200 OK\r\nContent-Length: \(stored.count)\r\n\r\n".utf8) + stored
        )
        var report = PublishReport()
        let findings = try Publisher.check(
            PublishedObject(
                key: "2028-03/SHA256SUMS",
                source: URL(fileURLWithPath: "/nonexistent"),
                retainUntil: Instant(milliseconds: 0)
            ),
            bytes: sealed,
            head: S3Response(status: 200, headers: head, body: []),
            client: try client(port: server.port),
            report: &report
        )
        _ = server.received()
        return findings
    }

    @Test(
        "Without a checksum or a length from HEAD, a longer object is an INVALID finding, read no further than the sealed size"
    )
    func longerObject() throws {
        let sealed = Array("sealed bytes\n".utf8)
        let stored = [UInt8](repeating: 0x78, count: 1 << 20)
        let findings = try Self.check(sealed: sealed, stored: stored, head: [:])
        #expect(findings.first?.status == .invalid)
        #expect(findings.first?.detail == "larger than the sealed \(sealed.count) bytes")
    }

    @Test("Without a checksum, an object of the sealed size is read and compared by its SHA-256")
    func sameSizeOtherBytes() throws {
        let sealed = Array("sealed bytes\n".utf8)
        let stored = Array("SEALED BYTES\n".utf8)
        let findings = try Self.check(sealed: sealed, stored: stored, head: ["content-length": String(stored.count)])
        #expect(findings.first?.status == .invalid)
        #expect(findings.first?.detail.hasPrefix("sha256 ") == true)
    }
}
