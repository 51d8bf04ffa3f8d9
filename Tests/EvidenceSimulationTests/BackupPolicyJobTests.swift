import EvidenceIngest
import EvidenceModel
import EvidenceSimulation
import EvidenceTestSupport
import Testing

@Suite("Jobs of Organizations backup policy plans")
struct BackupPolicyJobTests {
    @Test("Jobs of a policy's plan name the plan and rule as the policy gives them, and its selection's role")
    func jobsNameThePolicy() throws {
        let estate = try ScenarioReader.read(folder: RepositoryPaths.scenario("org-policy"))
        let result = try Simulator.run(estate: estate, month: estate.settings.month, asOf: estate.settings.month.end)
        let jobs = result.backupJobs.filter { $0.origin.planID == "org-policy-critical_tier" }
        #expect(!jobs.isEmpty)
        #expect(
            Set(jobs.map(\.resourceARN)) == [
                "arn:aws:dynamodb:us-east-1:343434343434:table/events",
                "arn:aws:ec2:us-east-1:121212121212:volume/vol-0c1a2b3c4d5e6f701",
                "arn:aws:rds:us-east-1:121212121212:db:payments-db",
            ]
        )
        for job in jobs {
            #expect(job.origin.planName == "critical_tier" && job.origin.ruleName == "daily_35_day")
            #expect(
                job.origin.planARN == "arn:aws:backup:us-east-1:\(job.account):backup-plan:org-policy-critical_tier"
            )
            #expect(job.iamRoleARN == "arn:aws:iam::\(job.account):role/BackupPolicyRole")
        }
    }
}
