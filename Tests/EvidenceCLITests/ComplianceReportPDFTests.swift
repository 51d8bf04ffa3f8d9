import EvidenceCrypto
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

/// The sealed org-estate months' `reports/compliance-report.pdf`, read back with poppler's pdftotext and checked
/// with qpdf; every expected figure is computed here from the CSV reports sealed beside it.
@Suite("Compliance report PDF")
struct ComplianceReportPDFTests {
    static let folder = RepositoryPaths.golden.appendingPathComponent("org-estate")

    static func csv(_ month: String, _ template: ReportTemplate) throws -> (header: [String: Int], rows: [[String]]) {
        let url = folder.appendingPathComponent("\(month)/reports/\(template.fileName)")
        let records = try CSVReader.records([UInt8](try Data(contentsOf: url)))
        let header = Dictionary(uniqueKeysWithValues: records[0].enumerated().map { ($1, $0) })
        return (header, Array(records.dropFirst()))
    }

    /// Text without any whitespace, so wrapped values compare whole.
    static func squeezed(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    @Test(
        "Every page names the month, the chain and the previous seal, and counts its pages",
        arguments: ["2028-03", "2028-04"]
    )
    func everyPage(month: String) throws {
        let path = Self.folder.appendingPathComponent("\(month)/reports/compliance-report.pdf").path
        let check = try Tools.run("qpdf", ["--check", path])
        #expect(check.status == 0, "\(check.output)")
        let pages = try Tools.pdfPages(path)
        #expect(pages.count >= 5)
        let link: String
        if month == "2028-03" {
            link = "First month of the chain: there is no previous seal to link to."
        } else {
            let sums = try Data(contentsOf: Self.folder.appendingPathComponent("2028-03/SHA256SUMS"))
            link = "Previous seal (SHA-256 of the previous entry's SHA256SUMS): \(SHA256.hash([UInt8](sums)).hex)"
        }
        for (index, page) in pages.enumerated() {
            #expect(
                page.contains("AWS Backup compliance report | month \(month) | chain org-estate"),
                "page \(index + 1)"
            )
            #expect(page.contains(link), "page \(index + 1)")
            #expect(page.contains("page \(index + 1) of \(pages.count)"))
        }
        // A sensible size for about 400 resources and 18,000 windows.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 400_000)
    }

    @Test("The figures are those of the month's CSV reports", arguments: ["2028-03", "2028-04"])
    func figures(month: String) throws {
        let path = Self.folder.appendingPathComponent("\(month)/reports/compliance-report.pdf").path
        let pages = try Tools.pdfPages(path)
        let text = pages.joined(separator: "\n")
        let lines = Set(text.split(separator: "\n").map(String.init))
        let flat = Self.squeezed(text)

        // Summary by control: one unbroken line per control with its non-compliant, compliant and total rows.
        let resources = try Self.csv(month, .resourceCompliance)
        let control = try #require(resources.header["Control Name"])
        let status = try #require(resources.header["Resource Compliance Status"])
        var tallies: [String: (Int, Int, Int)] = [:]
        for row in resources.rows {
            var t = tallies[row[control], default: (0, 0, 0)]
            if row[status] == "NON_COMPLIANT" { t.0 += 1 }
            if row[status] == "COMPLIANT" { t.1 += 1 }
            t.2 += 1
            tallies[row[control]] = t
        }
        #expect(tallies.count >= 5)
        for (name, t) in tallies {
            #expect(lines.contains("\(name) \(t.0) \(t.1) \(t.2)"), "\(name)")
        }
        let order = tallies.sorted { $0.value.0 > $1.value.0 }.map(\.key)
        let worst = try #require(order.first)
        let summary = try #require(text.range(of: "1. Summary by control"))
        let firstRow = text[summary.upperBound...].split(separator: "\n").first { line in
            tallies.keys.contains { line.hasPrefix($0 + " ") }
        }
        #expect(firstRow?.hasPrefix(worst + " ") == true, "the worst control comes first")
        #expect(pages[0].contains("1. Summary by control"), "the chart is on page 1")

        // Drill-down: every non-compliant row with its Resource ID and every evidence item (a recovery point that
        // is the resource itself is named by its Resource ID); each control's reason once, with its row count.
        let id = try #require(resources.header["Resource ID"])
        let reason = try #require(resources.header["Evaluation Reason"])
        let evidence = try #require(resources.header["Evidence"])
        let nonCompliant = resources.rows.filter { $0[status] == "NON_COMPLIANT" }
        #expect(!nonCompliant.isEmpty)
        for row in nonCompliant {
            #expect(lines.contains { $0 == row[id] || $0.hasPrefix(row[id] + " ") }, "\(row[id])")
            for item in row[evidence].components(separatedBy: "; ") where !item.isEmpty {
                if row[id] == "AWS::Backup::RecoveryPoint/" + item.dropFirst("recovery point ".count) { continue }
                let shown = flat.contains(Self.squeezed(item))
                #expect(shown, "\(item)")
            }
        }
        var groups: [String: Int] = [:]
        for row in nonCompliant { groups[row[control] + "\n" + row[reason], default: 0] += 1 }
        var reasonGroups: [String: Int] = [:]
        for key in groups.keys { reasonGroups[String(key.split(separator: "\n")[1]), default: 0] += 1 }
        for (key, count) in groups {
            let reasonText = String(key.split(separator: "\n")[1])
            let heading = Self.squeezed((count == 1 ? "1 row" : "\(count) rows") + reasonText)
            #expect(flat.contains(heading), "\(key)")
            // Grouped: the reason is printed once per control that gives it, not once per row.
            // A group that runs over a page break names its reason again, marked "(continued)", above its table.
            let printed =
                flat.components(separatedBy: Self.squeezed(reasonText)).count
                - flat.components(separatedBy: Self.squeezed(reasonText + " (continued)")).count
            #expect(printed == reasonGroups[reasonText], "\(reasonText) printed \(printed) times")
        }

        // Backup windows: totals, and every window that was not on time by its job.
        let windows = try Self.csv(month, .backupWindow)
        let outcome = try #require(windows.header["Outcome"])
        let job = try #require(windows.header["Backup Job ID"])
        let onTime = windows.rows.filter { $0[outcome] == "ON_TIME" }.count
        let count = { (name: String) in windows.rows.filter { $0[outcome] == name }.count }
        #expect(
            text.contains(
                "Backup windows \(windows.rows.count) expected, \(onTime) on time, \(windows.rows.count - onTime) not "
                    + "on time: \(count("LATE")) late, \(count("MISSED")) missed, \(count("RETENTION_SHORT")) short "
                    + "retention"
            )
        )
        for row in windows.rows where row[outcome] != "ON_TIME" && !row[job].isEmpty {
            let shown = flat.contains(row[job])
            #expect(shown, "\(row[job])")
        }
        // A strip for each resource with a window not on time, under its counts; the others are counted only.
        let arn = try #require(windows.header["Resource ARN"])
        var late = Set<String>()
        var all = Set<String>()
        for row in windows.rows {
            all.insert(row[arn])
            if row[outcome] != "ON_TIME" { late.insert(row[arn]) }
        }
        #expect(
            flat.contains(
                Self.squeezed("\(late.count) of \(all.count) resources had a window not on time (section 3)")
            ),
            "\(late.count) of \(all.count)"
        )
        #expect(
            flat.contains(Self.squeezed("\(all.count - late.count) of \(all.count) resources had every window on time"))
        )
        // On-time windows are counted, not listed.
        let listedOnTime = windows.rows.prefix(50).filter { $0[outcome] == "ON_TIME" && flat.contains($0[job]) }
        #expect(listedOnTime.isEmpty)

        // Copy and restore evidence.
        let copies = try Self.csv(month, .copyJob)
        let copyStatus = try #require(copies.header["Job Status"])
        let completed = copies.rows.filter { $0[copyStatus] == "COMPLETED" }.count
        #expect(text.contains("Copy jobs \(copies.rows.count): \(completed) completed"))
        let restores = try Self.csv(month, .restoreJob)
        let restoreID = try #require(restores.header["Restore Job ID"])
        #expect(text.contains("Restore jobs \(restores.rows.count):"))
        for row in restores.rows {
            let shown = flat.contains(row[restoreID])
            #expect(shown, "\(row[restoreID])")
        }
        // Page 1 names every restore job that did not complete.
        let restoreStatus = try #require(restores.header["Job Status"])
        let page1 = Self.squeezed(pages[0])
        for row in restores.rows where row[restoreStatus] != "COMPLETED" {
            #expect(page1.contains(row[restoreStatus] + row[restoreID]), "\(row[restoreID]) named on page 1")
        }
    }
}
