internal import EvidenceModel

/// Reads chosen columns of a report CSV in one pass, without building the other fields.
///
/// Month reports hold tens of thousands of rows, so only the fields asked for are turned into strings; the CSV
/// is read by the project's one reader (`CSVReader` in EvidenceModel).
struct ReportColumns {
    let file: String
    let names: [String]

    /// Calls `body` for every data row, in file order, with a function giving the n-th named field.
    ///
    /// Fields are decoded only when asked for, so a row can be skipped after looking at one column.
    func forEachRow(_ bytes: [UInt8], _ body: ((Int) -> String) -> Void) throws(ComplianceReportError) {
        var wanted: [Int] = []
        var rows = 0
        do {
            try bytes.withUnsafeBytes { buffer in
                try CSVReader.forEachRecord(in: buffer) { record in
                    rows += 1
                    guard record.index > 0 else {
                        var header: [String: Int] = [:]
                        for position in 0..<record.count {
                            header[record.string(position)] = position
                        }
                        for name in names {
                            guard let position = header[name] else {
                                throw ComplianceReportError("\(file): no column '\(name)' in the header")
                            }
                            wanted.append(position)
                        }
                        return
                    }
                    body { wanted[$0] < record.count ? record.string(wanted[$0]) : "" }
                }
            }
        } catch let failure as CSVReader.Failure {
            throw ComplianceReportError("\(file): \(failure)")
        } catch let failure as ComplianceReportError {
            throw failure
        } catch {
            throw ComplianceReportError("\(file): \(error)")
        }
        if rows == 0 { throw ComplianceReportError("\(file): empty; expected a header row") }
    }
}

/// Why the PDF could not be built from the month's report files.
public struct ComplianceReportError: Error, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
