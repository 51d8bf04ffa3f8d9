internal import EvidenceModel

/// Recovery-point ARN shapes per resource type (facts sheet §4.3).
enum RecoveryPointNaming {
    /// The ARN of a recovery point of `resource` made by job `jobID` in a vault of `vault`'s account and Region.
    static func arn(
        resource: Resource,
        vault: Vault,
        jobID: String,
        created: Instant,
        random: inout SeededRandom,
        copy: Bool
    ) -> String {
        let region = vault.region
        let account = vault.account
        // Composed only for the shapes that use it.
        var backupForm: String { "arn:aws:backup:\(region):\(account):recovery-point:" }
        if vault.vaultType == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" || resource.type.isFullyManaged {
            if resource.type == .s3 {
                let c = created.civil
                let stamp = pad4(c.year) + two(c.month) + two(c.day) + two(c.hour) + two(c.minute) + two(c.second)
                return backupForm + "\(resource.resourceID)-\(stamp)-\(random.hex(8))"
            }
            return backupForm + random.guid()
        }
        var job: String { (copy ? "copyjob-" : "job-") + asciiLowercased(jobID) }
        switch resource.type {
        case .ec2: return "arn:aws:ec2:\(region)::image/ami-\(random.hex(17))"
        case .ebs, .storageGateway: return "arn:aws:ec2:\(region)::snapshot/snap-\(random.hex(17))"
        case .rds: return "arn:aws:rds:\(region):\(account):snapshot:awsbackup:\(job)"
        case .aurora, .neptune, .documentDB: return "arn:aws:rds:\(region):\(account):cluster-snapshot:awsbackup:\(job)"
        case .dynamoDB:
            return "arn:aws:dynamodb:\(region):\(account):table/\(resource.resourceID)/backup/"
                + "\(created.milliseconds)-\(random.hex(8))"
        case .fsx: return "arn:aws:fsx:\(region):\(account):backup/backup-\(random.hex(17))"
        case .redshift: return "arn:aws:redshift:\(region):\(account):snapshot:\(resource.resourceID)/awsbackup:\(job)"
        default: return backupForm + random.guid()
        }
    }

    /// The one continuous recovery point of a resource in a vault: stable for the pair.
    static func continuousARN(resource: Resource, vault: Vault, seed: UInt64) -> String {
        var random = SeededRandom(
            seed: seed,
            key: SeededRandom.Key("continuous|").then(resource.arnString).then("|").then(vault.arn.description)
        )
        return
            "arn:aws:backup:\(vault.region):\(vault.account):recovery-point:continuous:\(resource.resourceID)-\(random.hex(8))"
    }

    /// The ARN of the resource a restore test creates: the source's shape with `-restore-<suffix>` on its id.
    static func restoredARN(resource: Resource, suffix: String) -> String {
        let arn = resource.arn
        let id = resource.resourceID
        let restored = String(arn.resource.dropLast(id.count)) + "\(id)-restore-\(suffix)"
        return ARN(
            partition: arn.partition,
            service: arn.service,
            region: arn.region,
            account: arn.account,
            resource: restored
        )
        .description
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `text.lowercased()` for a job id, whose letters are ASCII (`A`–`F` of a GUID), without Unicode case mapping.
    private static func asciiLowercased(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        for index in utf8.indices where utf8[index] >= UInt8(ascii: "A") && utf8[index] <= UInt8(ascii: "Z") {
            utf8[index] += 32
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}

func pad4(_ value: Int) -> String {
    let digits = value.description
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
