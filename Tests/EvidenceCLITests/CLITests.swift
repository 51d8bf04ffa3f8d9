import ArgumentParser
import EvidenceCLI
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Command line")
struct CLITests {
    /// Runs the command in-process and returns its exit status.
    static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try BackupEvidenceCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return BackupEvidenceCommand.exitCode(for: error).rawValue
        }
    }

    @Test("simulate writes <out>/reports/<TEMPLATE>.csv and nothing else")
    func simulate() async throws {
        let out = try TemporaryFolder()
        let status = await Self.run([
            "simulate", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--out", out.path,
        ])
        #expect(status == 0)
        #expect(
            out.files() == [
                "reports/BACKUP_JOB_REPORT.csv", "reports/BACKUP_WINDOW_REPORT.csv",
                "reports/CONTROL_COMPLIANCE_REPORT.csv", "reports/COPY_JOB_REPORT.csv",
                "reports/RESOURCE_COMPLIANCE_REPORT.csv", "reports/RESTORE_JOB_REPORT.csv",
            ]
        )
    }

    @Test("monthly writes <evidence>/<month>/reports; --month runs another month")
    func monthly() async throws {
        let out = try TemporaryFolder()
        let status = await Self.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", out.path, "--month",
            "2028-04",
        ])
        #expect(status == 0)
        #expect(out.files().count == 6)
        #expect(out.files().allSatisfy { $0.hasPrefix("2028-04/reports/") })
        let jobs = try String(
            contentsOf: out.url.appendingPathComponent("2028-04/reports/BACKUP_JOB_REPORT.csv"),
            encoding: .utf8
        )
        #expect(jobs.contains("2028-04-01T00:00:00Z,2028-05-01T00:00:00Z"))
    }

    @Test("Bad input exits 2 and writes nothing")
    func badInput() async throws {
        let sandbox = try ScenarioSandbox(copying: "untagged-neptune")
        try sandbox.write("accounts/123456789012/us-east-1/resources.json", "{")
        let out = try TemporaryFolder()
        let status = await Self.run(["monthly", "--scenario", sandbox.path, "--evidence", out.path])
        #expect(status == 2)
        #expect(out.files().isEmpty)
    }

    @Test("Usage errors exit 64")
    func usage() async {
        #expect(await Self.run(["monthly", "--month", "March"]) == 64)
        #expect(await Self.run(["no-such-command"]) == 64)
    }

    @Test("schedule prints firing instants and rejects sub-hourly schedules")
    func schedule() async {
        #expect(
            await Self.run([
                "schedule", "cron(0 5 ? * * *)", "--from", "2028-03-01T00:00:00Z", "--to", "2028-03-02T00:00:00Z",
            ]) == 0
        )
        #expect(
            await Self.run([
                "schedule", "cron(*/5 * ? * * *)", "--from", "2028-03-01T00:00:00Z", "--to", "2028-03-02T00:00:00Z",
            ]) == 2
        )
    }
}
