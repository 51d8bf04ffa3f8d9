import EvidencePublish
import Foundation
import Testing

/// Request URLs as S3Client sends them, built without any network: virtual-hosted for a bucket name that is one host
/// label, path-style on the Regional endpoint for a name with dots (the `*.s3.REGION.amazonaws.com` certificate
/// matches one label only) or any other name that is not a host label, path-style under an explicit endpoint.
@Suite("S3 addressing")
struct S3AddressingTests {
    static let key = "acme/2028-03/SHA256SUMS"

    @Test("A bucket name that is one host label is addressed virtual-hosted")
    func virtualHosted() {
        let endpoint = S3Endpoint(bucket: "acme-evidence-2028", region: "eu-west-1", endpoint: nil)
        #expect(endpoint.addressing == .virtualHosted)
        #expect(
            endpoint.location(key: Self.key)
                == S3Location(
                    scheme: "https",
                    authority: "acme-evidence-2028.s3.eu-west-1.amazonaws.com",
                    path: "/acme/2028-03/SHA256SUMS"
                )
        )
        #expect(endpoint.url(key: Self.key) == "https://acme-evidence-2028.s3.eu-west-1.amazonaws.com/\(Self.key)")
        #expect(
            endpoint.url(key: "", query: [("versions", "")])
                == "https://acme-evidence-2028.s3.eu-west-1.amazonaws.com/?versions"
        )
    }

    @Test("A bucket name with dots is addressed path-style on the Regional endpoint, for objects and the bucket")
    func dottedBucket() {
        let endpoint = S3Endpoint(bucket: "my.evidence.bucket", region: "eu-west-1", endpoint: nil)
        #expect(endpoint.addressing == .pathStyle)
        #expect(
            endpoint.location(key: Self.key)
                == S3Location(
                    scheme: "https",
                    authority: "s3.eu-west-1.amazonaws.com",
                    path: "/my.evidence.bucket/acme/2028-03/SHA256SUMS"
                )
        )
        #expect(endpoint.url(key: Self.key) == "https://s3.eu-west-1.amazonaws.com/my.evidence.bucket/\(Self.key)")
        #expect(
            endpoint.url(key: "", query: [("versions", "")])
                == "https://s3.eu-west-1.amazonaws.com/my.evidence.bucket?versions"
        )
        #expect(endpoint.location(key: "").authority == "s3.eu-west-1.amazonaws.com")
    }

    @Test("Keys and query values are URI-encoded; slashes in the key are kept")
    func encoding() {
        let endpoint = S3Endpoint(bucket: "my.evidence.bucket", region: "us-east-1", endpoint: nil)
        #expect(
            endpoint.url(key: "acme/2028-03/a b+c.csv", query: [("retention", ""), ("versionId", "3/L4kq+t=")])
                == "https://s3.us-east-1.amazonaws.com/my.evidence.bucket/acme/2028-03/a%20b%2Bc.csv"
                + "?retention&versionId=3%2FL4kq%2Bt%3D"
        )
    }

    @Test("Names that are not one host label go path-style; so does every bucket under an explicit endpoint")
    func otherNames() throws {
        for name in ["Legacy_Bucket", "UPPER", "-leading", "trailing-", "ab", String(repeating: "a", count: 64)] {
            #expect(S3Endpoint(bucket: name, region: "us-east-1", endpoint: nil).addressing == .pathStyle, "\(name)")
        }
        for name in ["abc", "0-evidence-9", String(repeating: "a", count: 63)] {
            #expect(
                S3Endpoint(bucket: name, region: "us-east-1", endpoint: nil).addressing == .virtualHosted,
                "\(name)"
            )
        }
        let local = try #require(URL(string: "http://127.0.0.1:9000/s3/"))
        let endpoint = S3Endpoint(bucket: "acme-evidence", region: "us-east-1", endpoint: local)
        #expect(endpoint.addressing == .pathStyle)
        #expect(endpoint.url(key: Self.key) == "http://127.0.0.1:9000/s3/acme-evidence/\(Self.key)")
        #expect(endpoint.url(key: "") == "http://127.0.0.1:9000/s3/acme-evidence")
        let dotted = S3Endpoint(bucket: "my.evidence.bucket", region: "us-east-1", endpoint: local)
        #expect(dotted.location(key: Self.key).authority == "127.0.0.1:9000")
    }
}
