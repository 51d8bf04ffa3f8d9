package import EvidenceModel

/// Builds small in-memory estates for tests: one account and Region, vaults named as rules target them.
package struct EstateBuilder {
    package static let account = "111122223333"
    package static let region = "us-east-1"
    package var estate: Estate

    package init(month: String = "2028-03", seed: UInt64 = 1) {
        guard let parsed = Month(month) else { preconditionFailure("bad month \(month)") }
        estate = Estate(
            settings: ScenarioSettings(name: "test", month: parsed, seed: seed),
            locations: [AccountRegion(account: Self.account, region: Self.region)]
        )
    }

    /// Adds a resource and returns it.
    @discardableResult
    package mutating func resource(
        _ arn: String,
        tags: [String: String] = [:],
        type: BackupResourceType? = nil
    ) -> Resource {
        guard let parsed = ARN(arn), let detected = BackupResourceType.of(parsed) else {
            preconditionFailure("bad ARN \(arn)")
        }
        let resource = Resource(
            arn: parsed,
            type: type ?? detected,
            account: Self.account,
            region: Self.region,
            tags: tags
        )
        estate.resources.append(resource)
        return resource
    }

    /// Adds a vault (once) in the builder's account and Region.
    package mutating func vault(_ name: String, region: String = EstateBuilder.region, locked: (Int?, Int?)? = nil) {
        guard !estate.vaults.contains(where: { $0.name == name && $0.region == region }),
            let arn = ARN("arn:aws:backup:\(region):\(Self.account):backup-vault:\(name)")
        else { return }
        estate.vaults.append(
            Vault(
                name: name,
                arn: arn,
                account: Self.account,
                region: region,
                encryptionKeyARN: "arn:aws:kms:\(region):\(Self.account):key/\(name)",
                locked: locked != nil,
                minRetentionDays: locked?.0,
                maxRetentionDays: locked?.1
            )
        )
        if !estate.locations.contains(AccountRegion(account: Self.account, region: region)) {
            estate.locations.append(AccountRegion(account: Self.account, region: region))
        }
    }

    /// Adds a plan with its rules and one selection picking every resource; vaults are created as needed.
    package mutating func plan(_ name: String, rules: [BackupRule], selecting resources: [String] = ["*"]) {
        for rule in rules {
            vault(rule.targetVaultName)
            for action in rule.copyActions {
                vault(
                    String(action.destinationVaultARN.resource.dropFirst("backup-vault:".count)),
                    region: action.destinationVaultARN.region
                )
            }
        }
        let id = "plan-\(name)"
        estate.plans.append(
            BackupPlan(
                id: id,
                arn: "arn:aws:backup:\(Self.region):\(Self.account):backup-plan:\(id)",
                name: name,
                versionID: "v1",
                account: Self.account,
                region: Self.region,
                rules: rules,
                source: "backup-plans/\(name).json"
            )
        )
        estate.selections.append(
            BackupSelection(
                id: "sel-\(name)",
                name: "sel-\(name)",
                planID: id,
                iamRoleARN: "arn:aws:iam::\(Self.account):role/backup",
                account: Self.account,
                region: Self.region,
                resources: resources
            )
        )
    }

    /// Adds a framework holding one control, in the builder's account and Region.
    package mutating func framework(
        _ control: String,
        parameters: [String: String] = [:],
        scope: ControlScope = ControlScope()
    ) {
        estate.frameworks.append(
            Framework(
                name: "F\(estate.frameworks.count)",
                arn: "arn:aws:backup:\(Self.region):\(Self.account):framework:F\(estate.frameworks.count)-1",
                description: "",
                account: Self.account,
                region: Self.region,
                controls: [
                    FrameworkControl(
                        name: control,
                        parameters: parameters.keys.sorted().map {
                            ControlParameter(name: $0, value: parameters[$0] ?? "")
                        },
                        scope: scope
                    )
                ],
                source: "frameworks/F\(estate.frameworks.count).json"
            )
        )
    }

    /// A rule with the given schedule, windows and retention.
    package static func rule(
        _ name: String,
        _ cron: String,
        start: Int = 60,
        completion: Int = 720,
        keep: Int? = 7,
        vault: String = "main",
        continuous: Bool = false,
        copyTo: String? = nil
    ) -> BackupRule {
        BackupRule(
            name: name,
            id: "rule-\(name)",
            targetVaultName: vault,
            scheduleExpression: cron,
            startWindowMinutes: start,
            completionWindowMinutes: completion,
            lifecycle: Lifecycle(deleteAfterDays: keep),
            copyActions: copyTo.flatMap { ARN($0) }.map { [CopyAction(destinationVaultARN: $0)] } ?? [],
            continuous: continuous
        )
    }
}
