/// An Amazon Resource Name, split into its six parts.
///
/// `arn:partition:service:region:account-id:resource`; the resource part may itself hold `:` and `/`.
public struct ARN: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses and validates an ARN; returns nil when the text is not one (the rules of ``isWellFormed(_:)``).
    public init?(_ text: String) {
        guard ARN.isWellFormed(text) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        self.init(
            partition: String(parts[1]),
            service: String(parts[2]),
            region: String(parts[3]),
            account: String(parts[4]),
            resource: String(parts[5])
        )
    }

    /// Whether `text` is an ARN, checked on its bytes without building its parts (ARNs are read by the million
    /// from event streams).
    ///
    /// Rules: six colon-separated parts with `arn` first; a partition of `aws`, `aws-cn`, `aws-us-gov` and the
    /// like; a non-empty lower-case service; an empty or well-formed Region; an empty or 12-digit account
    /// (or `aws`, as in AWS-managed resources); a non-empty resource without whitespace.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = text.utf8
        if bytes.contains(where: { $0 >= 0x80 }) {
            guard !text.contains(where: \.isWhitespace) else { return false }
        } else if bytes.contains(where: { $0 == 32 || (9...13).contains($0) }) {
            return false
        }
        var fields: [Substring.UTF8View] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex, fields.count < 5 {
            if bytes[index] == 58 {
                fields.append(Substring(text)[start..<index].utf8)
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        guard fields.count == 5 else { return false }
        let (arn, partition, service, region, account) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        let resourceEmpty = start == bytes.endIndex
        return arn.elementsEqual("arn".utf8)
            && (partition.elementsEqual("aws".utf8) || partition.starts(with: "aws-".utf8))
            && !service.isEmpty && service.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
            && (region.isEmpty || isRegion(String(Substring(region))))
            && (account.isEmpty || account.elementsEqual("aws".utf8)
                || (account.count == 12 && account.allSatisfy { (48...57).contains($0) }))
            && !resourceEmpty
    }

    /// Whether `text` looks like a Region code such as `us-east-1` or `ap-southeast-2`.
    public static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.utf8.allSatisfy({ (48...57).contains($0) })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (97...122).contains($0) } }
    }

    /// Whether `text` is a 12-digit AWS account id.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    public static func < (lhs: ARN, rhs: ARN) -> Bool { lhs.description < rhs.description }
}
