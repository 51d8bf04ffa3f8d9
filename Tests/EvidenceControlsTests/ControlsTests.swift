import EvidenceControls
import EvidenceIngest
import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Testing

@Suite("Audit Manager controls")
struct ControlsTests {
    static func evaluate(_ folder: String) throws -> [ControlEvaluation] {
        let estate = try ScenarioReader.read(folder: folder)
        let month = estate.settings.month
        let simulation = try Simulator.run(estate: estate, month: month, asOf: month.end)
        return try ComplianceEvaluator.evaluate(estate: estate, simulation: simulation)
    }

    @Test("The untagged Neptune cluster is the one resource not protected by a backup plan")
    func untaggedNeptune() throws {
        for scenario in ["untagged-neptune", "org-estate"] {
            let evaluations = try Self.evaluate(RepositoryPaths.scenario(scenario))
            let failing = evaluations.filter { $0.control.name == ResourcesProtectedByBackupPlan.name }
                .flatMap(\.verdicts).filter { $0.status == .nonCompliant }
            #expect(failing.count == 1)
            #expect(failing.first?.resourceID.hasPrefix("AWS::RDS::DBCluster/") == true)
            #expect(failing.first?.resourceID.contains("neptune") == true)
        }
    }

    @Test("Coverage evidence names plan, selection and clause")
    func coverageEvidence() throws {
        let evaluations = try Self.evaluate(RepositoryPaths.scenario("untagged-neptune"))
        let protected = try #require(evaluations.first { $0.control.name == ResourcesProtectedByBackupPlan.name })
        let orders = try #require(protected.verdicts.first { $0.resourceID == "AWS::RDS::DBInstance/orders-db" })
        #expect(orders.status == .compliant)
        #expect(
            orders.evidence == [
                "plan daily-35-day (rule daily-critical) via selection critical-tier (ListOfTags[0] BackupTier=critical)"
            ]
        )
        #expect(protected.status == .nonCompliant)
        #expect(protected.compliantCount == 4)
        #expect(protected.nonCompliantCount == 1)
    }

    @Test("Cross-Region: critical resources copied to us-west-2 pass; scope is the critical tier")
    func crossRegion() throws {
        let evaluations = try Self.evaluate(RepositoryPaths.scenario("untagged-neptune"))
        let cross = try #require(evaluations.first { $0.control.name == ResourcesProtectedByCrossRegion.name })
        #expect(
            cross.verdicts.map(\.resourceID) == [
                "AWS::RDS::DBCluster/graph-neptune-tagged", "AWS::RDS::DBInstance/orders-db",
            ]
        )
        #expect(cross.verdicts.allSatisfy { $0.status == .compliant })
        #expect(cross.status == .compliant)
    }

    @Test("Plan frequency and retention: one rule must meet both")
    func planCheck() throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        let framework = "accounts/123456789012/us-east-1/frameworks/OrgBackupPolicy.json"
        try sandbox.write(
            framework,
            """
            {"FrameworkName": "PlanCheck", "FrameworkControls": [
              {"ControlName": "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
               "ControlInputParameters": [{"ParameterName": "requiredRetentionDays", "ParameterValue": "30"},
                 {"ParameterName": "requiredFrequencyUnit", "ParameterValue": "hours"},
                 {"ParameterName": "requiredFrequencyValue", "ParameterValue": "24"}]}]}
            """
        )
        let evaluation = try #require(try Self.evaluate(sandbox.path).first)
        let byPlan = Dictionary(uniqueKeysWithValues: evaluation.verdicts.map { ($0.evidence.first ?? "", $0.status) })
        #expect(
            byPlan["plan daily-35-day rule daily-critical: cron(0 3 ? * * *) runs at most 1 day apart, kept 35 days"]
                == .compliant
        )
        #expect(
            byPlan["plan daily-7-day rule daily: cron(0 5 ? * * *) runs at most 1 day apart, kept 7 days"]
                == .nonCompliant
        )
    }

    @Test("Recovery points: encryption and minimum retention, one row per point")
    func recoveryPointControls() throws {
        let evaluations = try Self.evaluate(RepositoryPaths.scenario("org-estate"))
        let encrypted = evaluations.filter { $0.control.name == RecoveryPointEncrypted.name }.flatMap(\.verdicts)
        let unencrypted = encrypted.filter { $0.status == .nonCompliant }
        #expect(!unencrypted.isEmpty)
        #expect(
            unencrypted.allSatisfy {
                $0.resourceID.hasPrefix("AWS::Backup::RecoveryPoint/arn:aws:ec2:us-east-1::snapshot/")
            }
        )
        #expect(Set(encrypted.map(\.resourceID)).count == encrypted.count)
        let retention = evaluations.filter { $0.control.name == RecoveryPointMinimumRetention.name }.flatMap(\.verdicts)
        #expect(retention.allSatisfy { $0.status == .compliant })
        #expect(retention.contains { $0.reason == "kept 7 days; 7 required" })
    }

    @Test(
        "Invalid controls are rejected, naming framework, control and parameter",
        arguments: [
            (
                "{\"ControlName\": \"CROSS_REGION_EVENT_NOTIFICATIONS_ENABLED\"}",
                "framework F, control CROSS_REGION_EVENT_NOTIFICATIONS_ENABLED: not an AWS Backup Audit Manager control; valid names: BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN, BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK, BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED, BACKUP_RECOVERY_POINT_ENCRYPTED, BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK, BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION, BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT, BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK, BACKUP_LAST_RECOVERY_POINT_CREATED, RESTORE_TIME_FOR_RESOURCES_MEET_TARGET, RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT"
            ),
            (
                "{\"ControlName\": \"BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK\", \"ControlInputParameters\": [{\"ParameterName\": \"requiredRetentionDays\", \"ParameterValue\": \"0\"}]}",
                "framework F, control BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK: parameter requiredRetentionDays must be an integer from 1 to 36500 (days), found \"0\""
            ),
            (
                "{\"ControlName\": \"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK\", \"ControlInputParameters\": [{\"ParameterName\": \"requiredFrequencyUnit\", \"ParameterValue\": \"hours\"}, {\"ParameterName\": \"requiredFrequencyValue\", \"ParameterValue\": \"48\"}]}",
                "framework F, control BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: parameter requiredFrequencyValue must be an integer from 1 to 24 when requiredFrequencyUnit is hours, found \"48\""
            ),
            (
                "{\"ControlName\": \"BACKUP_RECOVERY_POINT_ENCRYPTED\", \"ControlScope\": {\"ComplianceResourceTypes\": [\"EBS\"]}}",
                "framework F, control BACKUP_RECOVERY_POINT_ENCRYPTED: scope ComplianceResourceTypes is not accepted by this control"
            ),
            (
                "{\"ControlName\": \"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN\", \"ControlScope\": {\"Tags\": {\"a\": \"1\", \"b\": \"2\"}}}",
                "framework F, control BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN: scope Tags holds at most one tag"
            ),
            (
                "{\"ControlName\": \"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN\", \"ControlInputParameters\": [{\"ParameterName\": \"x\", \"ParameterValue\": \"1\"}]}",
                "framework F, control BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN: unknown parameter x; this control takes none"
            ),
        ]
    )
    func invalidControls(control: String, message: String) throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        let file = "accounts/123456789012/us-east-1/frameworks/OrgBackupPolicy.json"
        try sandbox.write(file, "{\"FrameworkName\": \"F\", \"FrameworkControls\": [\(control)]}")
        do {
            _ = try Self.evaluate(sandbox.path)
            Issue.record("expected an error")
        } catch let error as ControlError {
            #expect(error.description == "\(file): \(message)")
        }
    }
}
