import EvidencePublish

/// S3 calls only the tests make: publishing never creates buckets or deletes objects.
extension S3Client {
    /// CreateBucket; with `objectLock` the bucket has Object Lock (and so versioning) enabled.
    func createBucket(objectLock: Bool) throws(PublishError) {
        var body: [UInt8] = []
        if endpoint.region != "us-east-1" {
            body = Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(endpoint.region)</LocationConstraint></CreateBucketConfiguration>").utf8
            )
        }
        let headers: [(name: String, value: String)] =
            objectLock ? [("x-amz-bucket-object-lock-enabled", "true")] : []
        try expectSuccess(try send("PUT", key: "", headers: headers, body: body), "CreateBucket \(endpoint.bucket)")
    }

    /// DeleteObject, of one version when `versionID` is given; the response is returned whatever its status.
    func deleteObject(key: String, versionID: String?) throws(PublishError) -> S3Response {
        try send("DELETE", key: key, query: versionID.map { [("versionId", $0)] } ?? [])
    }
}
