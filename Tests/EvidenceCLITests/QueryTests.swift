import EvidenceLedger
import EvidenceSQLite
import EvidenceStore
import EvidenceTestSupport
import Foundation
import Testing

@Suite("Query over sealed months", .serialized)
struct QueryTests {
    static let seedQuery = """
        SELECT control_name, SUM(CASE WHEN compliance_status='NON_COMPLIANT' THEN 1 ELSE 0 END) AS non_compliant,
        COUNT(*) AS total FROM backup_resources_compliance WHERE year=2028 AND month='03' GROUP BY control_name
        ORDER BY non_compliant DESC;
        """

    @Test("The seed's query runs unchanged over a sealed chain; every report is a table with year and month")
    func seedQuery() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        let ledger = Ledger(root: chain.folder.url)
        let store = try EvidenceStore(ledger: ledger, entries: ledger.entries())
        let (columns, rows) = try store.query(Self.seedQuery)
        #expect(columns == ["control_name", "non_compliant", "total"])
        #expect(
            rows == [
                [.text("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"), .integer(1), .integer(5)],
                [.text("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"), .integer(0), .integer(2)],
            ]
        )
        let months = try store.query("SELECT DISTINCT year, month FROM backup_jobs ORDER BY month").rows
        #expect(months == [[.integer(2028), .text("03")], [.integer(2028), .text("04")]])
        for table in ["backup_copy_jobs", "backup_restore_jobs", "backup_control_compliance", "backup_windows"] {
            #expect((try? store.query("SELECT COUNT(*) FROM \(table)")) != nil)
        }
        let job = try store.query("SELECT backup_job_id, job_status FROM backup_jobs LIMIT 1").columns
        #expect(job == ["backup_job_id", "job_status"])
        #expect(await CLITests.run(["query", "--evidence", chain.path, "--format", "csv", Self.seedQuery]) == 0)
    }

    @Test("A chain that does not verify is refused")
    func refused() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        try chain.write("2028-03/reports/BACKUP_JOB_REPORT.csv", Array("tampered\n".utf8))
        #expect(await CLITests.run(["query", "--evidence", chain.path, Self.seedQuery]) == 1)
    }

    @Test("Column names are the CSV headers in snake_case")
    func columns() {
        #expect(EvidenceStore.column("Backup Job ID") == "backup_job_id")
        #expect(EvidenceStore.column("Backup Size in Bytes") == "backup_size_in_bytes")
        #expect(EvidenceStore.column("Resource Compliance Status") == "compliance_status")
        #expect(EvidenceStore.column("Control Compliance Status") == "compliance_status")
        #expect(EvidenceStore.column("Move to Cold After Days") == "move_to_cold_after_days")
    }
}
