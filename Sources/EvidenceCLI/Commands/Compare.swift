internal import ArgumentParser
internal import EvidenceIngest
internal import EvidenceModel
internal import EvidenceReports
internal import Foundation

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare AWS Backup Audit Manager's own report files with ours for the same windows.",
        discussion: """
            --aws holds AWS's report files as delivered to S3 (CSV or JSON, one day or many, in their \
            Backup/<account>/<region>/yyyy/mm/dd/<plan>/ folders or not); --ours holds our reports for the same \
            period (a simulate --out folder, its reports/ folder, or a sealed month folder). Prints where ours \
            differ: missing, extra, renamed or reordered columns, rows only in AWS's files or only in ours, and \
            cells, rows matched by each report's natural key.

            Examples:
              $ backup-evidence simulate --scenario scenarios/untagged-neptune \\
                  --out neptune
              $ backup-evidence compare --aws Tests/Fixtures/compare/aws --ours neptune
              $ backup-evidence compare --aws Tests/Fixtures/compare/aws --ours neptune \\
                  --format table

            Exit status: 0 nothing differs; 1 something differs; 2 a file that cannot be read as a report; 64 \
            usage error.
            """
    )

    @Option(help: "Folder of AWS's delivered report files.")
    var aws: String

    @Option(help: "Folder of our reports: a simulate --out folder, its reports/ folder, or a sealed month folder.")
    var ours: String

    @OptionGroup var output: FormatOptions<RowFormat>

    func run() throws {
        var differs = false
        try withExitStatuses {
            let files = try readAWS()
            let ourReports = try readOurs(templates: Set(files.map(\.template)))
            let differences = ReportComparison.compare(aws: files, ours: ourReports)
            differs = !differences.isEmpty
            let columns = ["template", "kind", "file", "key", "column", "aws", "ours"]
            let rows = differences.map { difference in
                [
                    difference.template.rawValue, difference.kind.rawValue, difference.file, difference.key,
                    difference.column, difference.aws, difference.ours,
                ]
            }
            switch output.format {
            case .text:
                let templates = Set(files.map(\.template)).count
                try StandardOutput.lines(differences.map(\.description))
                try StandardOutput.line(
                    "\(differences.count) difference\(differences.count == 1 ? "" : "s") "
                        + "(\(files.count) AWS file\(files.count == 1 ? "" : "s") of \(templates) "
                        + "report\(templates == 1 ? "" : "s") compared with \(ours))"
                )
            case .json:
                let items = rows.map { row in
                    JSONValue.object(Dictionary(uniqueKeysWithValues: zip(columns, row.map(JSONValue.string))))
                }
                try JSONOutput.print(.object(["aws_files": .int(files.count), "differences": .array(items)]))
            case .csv:
                try StandardOutput.write(Rows.csv(columns: columns, rows: rows))
            case .table:
                try StandardOutput.lines(Rows.table(columns: columns, rows: rows))
            }
        }
        if differs { throw ExitCode(ExitStatus.integrityFailure) }
    }

    /// Every report file below --aws, in path order; hidden files are skipped.
    func readAWS() throws -> [AWSReportFile] {
        let root = URL(fileURLWithPath: aws).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw IOFailure(description: "\(aws): not a folder") }
        var paths: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            for case let path as String in walker {
                if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var folder: ObjCBool = false
                if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &folder),
                    !folder.boolValue
                {
                    paths.append(path)
                }
            }
        }
        var files: [AWSReportFile] = []
        for path in paths.sorted() {
            let shown = "\(aws)/\(path)"
            // The whole path, so that the account, Region and date folders above --aws still count.
            let whole = root.appendingPathComponent(path).path
            if let kind = RegularFile.otherKind(whole) {
                throw IOFailure(description: "\(shown): is \(kind), not a regular file; only regular files are read")
            }
            guard let data = FileManager.default.contents(atPath: whole) else {
                throw IOFailure(description: "\(shown): cannot read the file")
            }
            do {
                guard var file = try AWSReportFile.read(path: whole, bytes: [UInt8](data)) else {
                    printNote("\(shown): not compared: this tool writes no such report")
                    continue
                }
                file.path = shown
                files.append(file)
            } catch {
                var located = error
                located.file = shown
                throw located
            }
        }
        guard !files.isEmpty else { throw IOFailure(description: "\(aws): holds no AWS report files") }
        return files
    }

    /// Our report of each template AWS's files hold.
    func readOurs(templates: Set<ReportTemplate>) throws -> [ReportTemplate: ReportComparison.OurReport] {
        let root = URL(fileURLWithPath: ours)
        var isDirectory: ObjCBool = false
        let nested = root.appendingPathComponent("reports")
        let folder =
            FileManager.default.fileExists(atPath: nested.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? nested : root
        let shownFolder = folder == nested ? "\(ours)/reports" : ours
        var reports: [ReportTemplate: ReportComparison.OurReport] = [:]
        for template in ReportTemplate.allCases where templates.contains(template) {
            let shown = "\(shownFolder)/\(template.fileName)"
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(template.fileName).path)
            else {
                throw IOFailure(
                    description: "\(shown): no such file; --ours must hold our reports "
                        + "(a simulate --out folder, its reports/ folder, or a sealed month folder)"
                )
            }
            do {
                reports[template] = try ReportComparison.OurReport(path: shown, bytes: [UInt8](data))
            } catch {
                throw IOFailure(description: error.description)
            }
        }
        return reports
    }
}
