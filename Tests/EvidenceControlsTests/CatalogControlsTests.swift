import EvidenceControls
import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Testing

/// One passing and one failing case for each control added beyond the first five.
@Suite("Every Audit Manager control")
struct CatalogControlsTests {
    static func verdicts(_ builder: EstateBuilder) throws -> [String: ComplianceStatus] {
        let month = builder.estate.settings.month
        let simulation = try Simulator.run(estate: builder.estate, month: month, asOf: month.end)
        let evaluations = try ComplianceEvaluator.evaluate(estate: builder.estate, simulation: simulation)
        var out: [String: ComplianceStatus] = [:]
        for evaluation in evaluations {
            for verdict in evaluation.verdicts { out[verdict.resourceID] = verdict.status }
        }
        return out
    }

    static func estate(copyTo destination: String? = nil, vault: String = "main") -> EstateBuilder {
        var b = EstateBuilder()
        b.resource("arn:aws:rds:us-east-1:111122223333:db:covered", tags: ["tier": "a"])
        b.resource("arn:aws:rds:us-east-1:111122223333:db:other", tags: ["tier": "b"])
        b.plan(
            "p",
            rules: [EstateBuilder.rule("d", "cron(0 5 ? * * *)", keep: 35, vault: vault, copyTo: destination)],
            selecting: ["arn:aws:rds:*:*:db:covered"]
        )
        return b
    }

    @Test("The catalog holds AWS's eleven controls, in one order")
    func catalog() {
        #expect(ControlCatalog.names.count == 11)
        #expect(Set(ControlCatalog.names).count == 11)
        #expect(!ControlCatalog.names.contains("CROSS_REGION_EVENT_NOTIFICATIONS_ENABLED"))
    }

    @Test("Cross-account copy: the account must differ, and be listed when a list is given")
    func crossAccount() throws {
        var b = Self.estate(copyTo: "arn:aws:backup:us-east-1:999988887777:backup-vault:dr")
        b.framework(ResourcesProtectedByCrossAccount.name)
        var verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .compliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == .nonCompliant)
        b.estate.frameworks = []
        b.framework(ResourcesProtectedByCrossAccount.name, parameters: ["crossAccountList": "123456789012"])
        verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .nonCompliant)
    }

    @Test("Vault lock: the target vault must be locked within the parameter bounds")
    func vaultLock() throws {
        var b = Self.estate(vault: "locked")
        let index = try #require(b.estate.vaults.firstIndex { $0.name == "locked" })
        b.estate.vaults[index].locked = true
        b.estate.vaults[index].minRetentionDays = 7
        b.estate.vaults[index].maxRetentionDays = 400
        b.framework(ResourcesProtectedByBackupVaultLock.name, parameters: ["minRetentionDays": "7"])
        var verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .compliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == .nonCompliant)
        b.estate.frameworks = []
        b.framework(ResourcesProtectedByBackupVaultLock.name, parameters: ["maxRetentionDays": "365"])
        verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .nonCompliant)
    }

    @Test("Last recovery point: created within the age window before the evaluation instant")
    func lastRecoveryPoint() throws {
        var b = Self.estate()
        b.framework(LastRecoveryPointCreated.name)
        var verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .compliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == .nonCompliant)
        b.estate.frameworks = []
        b.framework(
            LastRecoveryPointCreated.name,
            parameters: ["recoveryPointAgeUnit": "hours", "recoveryPointAgeValue": "1"]
        )
        verdicts = try Self.verdicts(b)
        // The last backup started on March 31 around 05:00, 19 hours before the evaluation instant.
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .nonCompliant)
    }

    @Test("Restore time: the latest restore against maxRestoreTime, in minutes; no restore, no row")
    func restoreTime() throws {
        var b = Self.estate()
        b.estate.settings.restoreTests = [
            RestoreTest(
                resourceARN: "arn:aws:rds:us-east-1:111122223333:db:covered",
                at: try #require(Instant(iso8601: "2028-03-20T10:00:00Z")),
                minutes: 45
            )
        ]
        b.framework(RestoreTimeMeetsTarget.name, parameters: ["maxRestoreTime": "60"])
        var verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .compliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == nil)
        b.estate.frameworks = []
        b.framework(RestoreTimeMeetsTarget.name, parameters: ["maxRestoreTime": "30"])
        b.estate.resources[1].latestRestoreMinutes = 12
        verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .nonCompliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == .compliant)
    }

    @Test("maxRestoreTime is required")
    func restoreTimeRequired() throws {
        var b = Self.estate()
        b.framework(RestoreTimeMeetsTarget.name)
        #expect(throws: ControlError.self) { try Self.verdicts(b) }
    }

    @Test("Logically air-gapped vault: a recent point must be stored in one")
    func airGapped() throws {
        var b = Self.estate(copyTo: "arn:aws:backup:us-east-1:111122223333:backup-vault:gap")
        b.vault("gap")
        if let index = b.estate.vaults.firstIndex(where: { $0.name == "gap" }) {
            b.estate.vaults[index].vaultType = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
        }
        b.framework(ResourcesInLogicallyAirGappedVault.name, parameters: ["recoveryPointAgeValue": "7"])
        let verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::RDS::DBInstance/covered"] == .compliant)
        #expect(verdicts["AWS::RDS::DBInstance/other"] == .nonCompliant)
    }

    static let denyPolicy = AccessPolicy(statements: [
        PolicyStatement(
            sid: "deny-delete",
            effect: "Deny",
            principals: ["*"],
            actions: [
                "backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                "backup:PutBackupVaultAccessPolicy",
            ],
            resources: ["*"],
            conditions: [
                PolicyCondition(
                    operation: "ArnNotEquals",
                    key: "aws:PrincipalArn",
                    values: ["arn:aws:iam::111122223333:role/break-glass"]
                )
            ]
        )
    ])

    @Test("Manual deletion: a Deny for every principal of the three actions; exemptions only as listed")
    func manualDeletion() throws {
        var b = Self.estate()
        b.vault("other")
        if let index = b.estate.vaults.firstIndex(where: { $0.name == "main" }) {
            b.estate.vaults[index].accessPolicy = Self.denyPolicy
        }
        b.framework(
            RecoveryPointManualDeletionDisabled.name,
            parameters: ["principalArnList": "arn:aws:iam::111122223333:role/break-glass"]
        )
        var verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::Backup::BackupVault/main"] == .compliant)
        #expect(verdicts["AWS::Backup::BackupVault/other"] == .nonCompliant)
        b.estate.frameworks = []
        b.framework(RecoveryPointManualDeletionDisabled.name)
        verdicts = try Self.verdicts(b)
        #expect(verdicts["AWS::Backup::BackupVault/main"] == .nonCompliant)
    }

    @Test("A wildcard action covers the three actions")
    func wildcardActions() {
        var policy = Self.denyPolicy
        policy.statements[0].actions = ["backup:*"]
        policy.statements[0].conditions = []
        guard let arn = ARN("arn:aws:backup:us-east-1:111122223333:backup-vault:v") else { return }
        let vault = Vault(name: "v", arn: arn, account: "111122223333", region: "us-east-1", accessPolicy: policy)
        #expect(RecoveryPointManualDeletionDisabled.judge(vault, allowed: []).0)
    }
}
