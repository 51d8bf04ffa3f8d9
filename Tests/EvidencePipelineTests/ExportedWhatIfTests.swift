import EvidenceControls
import EvidenceIngest
import EvidenceModel
import EvidenceReports
import EvidenceSimulation
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidencePipeline

@Suite("What-if on exported months")
struct ExportedWhatIfTests {
    static let proposals = RepositoryPaths.scenario("org-estate") + "/proposals"

    /// What `proposed` changes, each month simulated and judged whole in memory (`Simulator.run`,
    /// `ComplianceEvaluator.evaluate`): the reference the streamed comparison must equal.
    static func inMemory(_ estate: Estate, _ proposed: Estate) throws -> WhatIfResult {
        let month = estate.settings.month
        func stream(_ estate: Estate) throws -> MonthStream {
            try MonthStream(simulation: MonthSimulation(estate: estate, month: month, asOf: month.end), budget: 1 << 20)
        }
        var comparison = VerdictComparison(before: try stream(estate), after: try stream(proposed))
        func verdicts(_ stream: MonthStream) throws -> [Judged] {
            let evaluations = try ComplianceEvaluator.evaluate(
                estate: stream.simulation.estate,
                simulation: Simulator.run(stream.simulation)
            )
            return evaluations.enumerated().flatMap { index, evaluation in evaluation.verdicts.map { (index, $0) } }
        }
        comparison.compare(try verdicts(comparison.before), try verdicts(comparison.after))
        return comparison.result()
    }

    /// What `change` makes of the scenario's estate, judged as the command judges it: jobs read from the scenario
    /// folder in pieces, once for both months.
    static func streamed(_ folder: String, _ change: (Estate) throws -> Estate) throws -> WhatIfResult {
        let estate = try ScenarioReader.read(folder: folder, jobs: .deferred)
        #expect(estate.hasJobSource && estate.backupJobs.isEmpty)
        let pipeline = try MonthPipeline(scenario: folder, estate: estate, jobs: .deferred)
        return try pipeline.verdictChanges(
            proposed: MonthPipeline(scenario: folder, estate: change(estate), jobs: .deferred)
        )
    }

    @Test(
        "Streamed what-if on job lists and event streams equals the month judged whole in memory",
        arguments: ["job-lists", "event-streams"]
    )
    func matchesInMemory(scenario: String) throws {
        let folder = RepositoryPaths.scenario(scenario)
        let retention = try ProposalReader.framework(file: Self.proposals + "/OrgBackupPolicy-standard-35-days.json")
        // Every control scoped to every resource: the resource, plan and recovery-point controls all judge more.
        var everything = retention
        for index in everything.controls.indices { everything.controls[index].scope = ControlScope() }
        let estate = try ScenarioReader.read(folder: folder)
        for proposal in [retention, everything] {
            let reference = try Self.inMemory(estate, estate.deploying(proposal))
            #expect(!reference.changes.isEmpty)
            let streamed = try Self.streamed(folder) { $0.deploying(proposal) }
            #expect(streamed.text() == reference.text())
            #expect(streamed.json() == reference.json())
            // The estate holding every job takes the same path.
            let month = estate.settings.month
            let held = try MonthPipeline(scenario: folder, estate: estate, month: month)
                .verdictChanges(proposed: MonthPipeline(scenario: folder, estate: estate.deploying(proposal)))
            #expect(held.text() == reference.text())
        }
    }
}
