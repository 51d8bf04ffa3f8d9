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

    /// Parses and validates an ARN; returns nil when the text is not one.
    ///
    /// Rules: six colon-separated parts with `arn` first; a partition of `aws`, `aws-cn`, `aws-us-gov` and the
    /// like; a non-empty lower-case service; an empty or well-formed Region; an empty or 12-digit account
    /// (or `aws`, as in AWS-managed resources); a non-empty resource without whitespace.
    public init?(_ text: String) {
        guard !text.contains(where: \.isWhitespace) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        let partition = String(parts[1])
        let service = String(parts[2])
        let region = String(parts[3])
        let account = String(parts[4])
        let resource = String(parts[5])
        guard partition == "aws" || partition.hasPrefix("aws-"),
            !service.isEmpty, service.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
            region.isEmpty || ARN.isRegion(region),
            account.isEmpty || account == "aws"
                || (account.count == 12 && account.allSatisfy(\.isASCII) && account.allSatisfy(\.isNumber)),
            !resource.isEmpty
        else { return nil }
        self.init(partition: partition, service: service, region: region, account: account, resource: resource)
    }

    /// Whether `text` looks like a Region code such as `us-east-1` or `ap-southeast-2`.
    public static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    /// Whether `text` is a 12-digit AWS account id.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    public static func < (lhs: ARN, rhs: ARN) -> Bool { lhs.description < rhs.description }
}
