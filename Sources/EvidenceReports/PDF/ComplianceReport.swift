public import EvidenceModel
public import struct Foundation.URL

/// Where a month's PDF sits in its chain; every page prints it, so a printed sheet ties back to the seals.
public struct ChainPosition: Hashable, Sendable {
    public var month: Month
    public var chainID: String
    /// SHA-256 of the previous entry's SHA256SUMS (its seal); nil for the chain's first month.
    public var previousSeal: String?

    public init(month: Month, chainID: String, previousSeal: String?) {
        self.month = month
        self.chainID = chainID
        self.previousSeal = previousSeal
    }
}

/// `reports/compliance-report.pdf`: the month's compliance evidence for people, rendered from the month's CSVs.
///
/// Every figure and text comes from the CSV reports sealed beside it, so the PDF says nothing they do not.
/// Pages: the month's totals (restore jobs that did not complete named) and a chart of each control's
/// non-compliant and compliant rows (worst first); the non-compliant rows grouped by control and reason, each
/// group's resources in a compact table; each resource with a window not on time with its counts and a calendar
/// strip of the month (one mark per expected window), then every window that was not on time; copy and restore
/// evidence. Every page carries the month, the chain id and the previous seal, and "page N of M".
public enum ComplianceReport {
    /// The file name inside `reports/`.
    public static let fileName = "compliance-report.pdf"

    /// The PDF's bytes, from the report files keyed by name (`RESOURCE_COMPLIANCE_REPORT.csv`, …).
    public static func render(
        reports: [String: [UInt8]],
        position: ChainPosition
    ) throws(ComplianceReportError) -> [UInt8] {
        render(try ReportFacts(reports: reports), position: position)
    }

    /// The PDF's bytes, from the report files in a folder (`<reportsFolder>/<TEMPLATE>.csv`), the same bytes as
    /// ``render(reports:position:)`` gives for those files.
    ///
    /// Each CSV is read row by row in one pass, so memory follows what the PDF shows (tallies, and the rows it
    /// lists: non-compliant resources, windows not on time, copy jobs not completed, restore jobs), not the size
    /// of the reports, which reach gigabytes for a large organization.
    public static func render(
        reportsFolder: URL,
        position: ChainPosition
    ) throws(ComplianceReportError) -> [UInt8] {
        render(try ReportFacts(folder: reportsFolder.path), position: position)
    }

    private static func render(_ facts: ReportFacts, position: ChainPosition) -> [UInt8] {
        var writer = ReportLayout(position: position)
        writer.overview(facts)
        writer.controlSummary(facts)
        writer.nonCompliant(facts)
        writer.windows(facts)
        writer.copies(facts)
        writer.restores(facts)
        return PDFDocument(
            title: "AWS Backup compliance report \(position.month) (chain \(position.chainID))",
            pages: writer.pages()
        ).bytes()
    }
}

/// A resource as the per-resource tables key it: its Resource ID, account and Region.
struct ResourceKey: Hashable, Comparable {
    var id: String
    var account: String
    var region: String

    static func < (a: ResourceKey, b: ResourceKey) -> Bool { (a.id, a.account, a.region) < (b.id, b.account, b.region) }

    /// The compliance reports' Resource ID of a resource ARN: `<AWS Config type>/<id>` (ARCHITECTURE.md §5);
    /// the ARN itself when its type is not one AWS Backup names.
    init(type: String, arn: String, account: String, region: String) {
        if let kind = BackupResourceType(rawValue: type), let parsed = ARN(arn) {
            id = "\(kind.configType)/\(BackupResourceType.resourceID(of: parsed))"
        } else {
            id = arn
        }
        self.account = account
        self.region = region
    }

    init(id: String, account: String, region: String) {
        self.id = id
        self.account = account
        self.region = region
    }
}

extension ReportSet {
    /// The `reports/` folder of a month at this place in the chain: the CSVs and `compliance-report.pdf`.
    public func withComplianceReport(_ position: ChainPosition) throws(ComplianceReportError) -> [String: [UInt8]] {
        var out = files
        out[ComplianceReport.fileName] = try ComplianceReport.render(reports: files, position: position)
        return out
    }
}
