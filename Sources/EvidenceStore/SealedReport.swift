public import EvidenceLedger
public import EvidenceModel
public import Foundation

/// One report CSV of a sealed month: the file `query` loads and `export` lays out.
public struct SealedReport: Sendable {
    /// The month the entry seals.
    public var period: Month
    /// The entry's folder name, such as `2028-03` or `2028-03.amend-1`.
    public var entryFolder: String
    /// The file's path inside the entry, such as `reports/BACKUP_JOB_REPORT.csv`.
    public var path: String
    /// The file on disk.
    public var url: URL

    /// The file's name, such as `BACKUP_JOB_REPORT.csv`.
    public var fileName: String { String(path.split(separator: "/").last ?? "") }

    /// The month as two digits, such as `03`: the `month` column and partition value.
    public var monthText: String { period.month < 10 ? "0\(period.month)" : "\(period.month)" }

    /// Where the file is, for messages: `<entry>/<path>`.
    public var location: String { "\(entryFolder)/\(path)" }

    /// The report CSVs (manifest files with rows) of the newest entry of each month, in month then path order.
    ///
    /// An amendment supersedes the month it amends, so a month is read from its newest entry only.
    public static func newest(ledger: Ledger, entries: [ChainEntry]) throws -> [SealedReport] {
        var newest: [Month: ChainEntry] = [:]
        for entry in entries { newest[entry.manifest.period] = entry }
        var reports: [SealedReport] = []
        for period in newest.keys.sorted() {
            guard let entry = newest[period] else { continue }
            let folder = ledger.root.appendingPathComponent(entry.folder)
            for file in entry.manifest.files.sorted(by: { $0.path < $1.path }) where file.rows != nil {
                reports.append(
                    SealedReport(
                        period: period,
                        entryFolder: entry.folder,
                        path: file.path,
                        url: folder.appendingPathComponent(file.path)
                    )
                )
            }
        }
        return reports
    }

    /// The file's bytes.
    public func bytes() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StoreError(.unreadableReport, "\(location): cannot read the file")
        }
        return [UInt8](data)
    }

    /// The file's contents, not copied into an array.
    public func data() throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StoreError(.unreadableReport, "\(location): cannot read the file")
        }
        return data
    }

    /// The file's first line, its line feed included, read alone (at most 64 KiB).
    public func headerLine() throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw StoreError(.unreadableReport, "\(location): cannot read the file")
        }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 65_536)) ?? Data()
        guard let newline = start.firstIndex(of: 10) else { return start }
        return start[start.startIndex...newline]
    }

    /// The file's CSV records, header first.
    public func records() throws -> [[String]] {
        do {
            return try CSVReader.records(try bytes())
        } catch let failure as CSVReader.Failure {
            throw StoreError(.unreadableReport, "\(location): \(failure)")
        }
    }
}
