internal import EvidenceModel

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Where a report CSV's bytes come from: held in memory, or a file read a chunk at a time.
///
/// Both are read by the same streaming pass (`CSVReader.forEachRecord(reading:_:)`), so a month's PDF is the same
/// whether its reports are in memory or on disk, and a report on disk is never held whole.
enum ReportSource {
    case bytes([UInt8])
    case file(path: String)

    /// How much of a file is read at a time.
    static let chunkSize = 1 << 20

    /// Calls `body` with a function that fills a buffer with the next bytes and returns how many (0 at the end).
    func withReader<Result>(
        _ body: ((UnsafeMutableRawBufferPointer) throws -> Int) throws -> Result
    ) throws -> Result {
        switch self {
        case .bytes(let bytes):
            var offset = 0
            return try bytes.withUnsafeBytes { all in
                try body { buffer in
                    let count = min(buffer.count, all.count - offset)
                    if count > 0 {
                        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)]))
                    }
                    offset += count
                    return count
                }
            }
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                let reason = errno == ENOENT ? "missing; the PDF is built from the month's reports" : "cannot open"
                throw ComplianceReportError("\(path): \(reason)")
            }
            defer { close(descriptor) }
            return try body { buffer in
                while true {
                    let count = read(descriptor, buffer.baseAddress, buffer.count)
                    if count >= 0 { return count }
                    guard errno == EINTR else { throw ComplianceReportError("\(path): cannot read") }
                }
            }
        }
    }
}

/// Reads chosen columns of a report CSV in one streaming pass, without building the other fields.
///
/// Month reports hold from tens of thousands to tens of millions of rows, so a report is read a chunk at a time
/// and only the fields asked for are turned into strings; the CSV is read by the project's one reader
/// (`CSVReader` in EvidenceModel).
struct ReportColumns {
    let file: String
    let names: [String]

    /// Calls `body` for every data row, in file order, with a function giving the n-th named field and the line
    /// the row starts on.
    ///
    /// Fields are decoded only when asked for, so a row can be skipped after looking at one column.
    func forEachRow(
        _ source: ReportSource,
        _ body: (_ field: (Int) -> String, _ line: Int) throws(ComplianceReportError) -> Void
    ) throws(ComplianceReportError) {
        var wanted: [Int] = []
        var rows = 0
        do {
            try source.withReader { read in
                try CSVReader.forEachRecord(chunkSize: ReportSource.chunkSize, reading: read) { record in
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
                    try body({ wanted[$0] < record.count ? record.string(wanted[$0]) : "" }, record.line)
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
