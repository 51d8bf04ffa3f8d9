/// An Amazon Resource Name, split into its six parts.
///
/// `arn:partition:service:region:account-id:resource`; the resource part may itself hold `:` and `/`.
public struct ARN: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var partition: String { didSet { description = Self.text(partition, service, region, account, resource) } }
    public var service: String { didSet { description = Self.text(partition, service, region, account, resource) } }
    public var region: String { didSet { description = Self.text(partition, service, region, account, resource) } }
    public var account: String { didSet { description = Self.text(partition, service, region, account, resource) } }
    public var resource: String { didSet { description = Self.text(partition, service, region, account, resource) } }
    /// The ARN's text, `arn:partition:service:region:account-id:resource`, composed once (reports and lookups use it
    /// for every job and recovery point).
    public private(set) var description: String

    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
        description = Self.text(partition, service, region, account, resource)
    }

    private static func text(
        _ partition: String,
        _ service: String,
        _ region: String,
        _ account: String,
        _ resource: String
    ) -> String {
        "arn:\(partition):\(service):\(region):\(account):\(resource)"
    }

    /// Parses and validates an ARN; returns nil when the text is not one (the rules of ``isWellFormed(_:)``).
    public init?(_ text: String) {
        guard ARN.isWellFormed(text) else { return nil }
        // Split on the colon bytes isWellFormed checked, not on Characters (a colon may carry a combining mark).
        let parts = text.utf8.split(separator: 58, maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        let field = { (index: Int) in String(decoding: parts[index], as: UTF8.self) }
        self.init(partition: field(1), service: field(2), region: field(3), account: field(4), resource: field(5))
    }

    /// Whether `text` is an ARN, checked on its bytes without building its parts (ARNs are read by the million
    /// from event streams).
    ///
    /// Rules: six colon-separated parts with `arn` first; a partition of `aws`, `aws-cn`, `aws-us-gov` and the
    /// like; a non-empty lower-case service; an empty or well-formed Region; an empty or 12-digit account
    /// (or `aws`, as in AWS-managed resources); a non-empty resource without whitespace.
    public static func isWellFormed(_ text: String) -> Bool {
        if text.utf8.contains(where: { $0 >= 0x80 }), text.unicodeScalars.contains(where: \.properties.isWhitespace) {
            return false
        }
        var copy = text
        return copy.withUTF8 { isWellFormed(utf8: $0) }
    }

    private static func isWellFormed(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // The first five colons split arn, partition, service, Region and account from the resource.
        var colons = (0, 0, 0, 0, 0)
        var found = 0
        for (index, byte) in bytes.enumerated() {
            if byte == 32 || (9...13).contains(byte) { return false }
            guard byte == 58, found < 5 else { continue }
            switch found {
            case 0: colons.0 = index
            case 1: colons.1 = index
            case 2: colons.2 = index
            case 3: colons.3 = index
            default: colons.4 = index
            }
            found += 1
        }
        guard found == 5 else { return false }
        let arn = bytes[0..<colons.0]
        let partition = bytes[(colons.0 + 1)..<colons.1]
        let service = bytes[(colons.1 + 1)..<colons.2]
        let region = bytes[(colons.2 + 1)..<colons.3]
        let account = bytes[(colons.3 + 1)..<colons.4]
        return arn.elementsEqual("arn".utf8)
            && (partition.elementsEqual("aws".utf8) || partition.starts(with: "aws-".utf8))
            && !service.isEmpty && service.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
            && (region.isEmpty || isRegion(utf8: region))
            && (account.isEmpty || account.elementsEqual("aws".utf8)
                || (account.count == 12 && account.allSatisfy { (48...57).contains($0) }))
            && colons.4 + 1 < bytes.count
    }

    /// A backup vault's ARN, `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
    public static func backupVault(partition: String = "aws", region: String, account: String, name: String) -> ARN {
        ARN(partition: partition, service: "backup", region: region, account: account, resource: "backup-vault:\(name)")
    }

    /// The vault name of a backup vault's ARN; nil for any other ARN.
    public var backupVaultName: String? {
        guard service == "backup", resource.hasPrefix("backup-vault:") else { return nil }
        return String(resource.dropFirst("backup-vault:".count))
    }

    /// Whether `text` looks like a Region code such as `us-east-1` or `ap-southeast-2`.
    public static func isRegion(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { isRegion(utf8: $0[...]) }
    }

    /// Lower-case words and a final number, joined by single hyphens, at least three parts.
    private static func isRegion(utf8 bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let parts = bytes.split(separator: 45, omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy({ (48...57).contains($0) })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { (97...122).contains($0) } }
    }

    /// Whether `text` is a 12-digit AWS account id.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    public static func < (lhs: ARN, rhs: ARN) -> Bool { lhs.description < rhs.description }

    /// Equal parts, as for any value; the text follows from them.
    public static func == (lhs: ARN, rhs: ARN) -> Bool {
        lhs.partition == rhs.partition && lhs.service == rhs.service && lhs.region == rhs.region
            && lhs.account == rhs.account && lhs.resource == rhs.resource
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
