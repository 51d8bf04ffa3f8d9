import EvidenceReports
import Foundation
package import Testing

/// Compares a month's report files with `golden/<scenario>/<month>/reports/`, byte for byte.
///
/// `RECORD_GOLDEN=1 swift test` writes the files instead; the test then fails on purpose so a re-recording
/// is never accepted silently.
package func expectMatchesGolden(
    _ files: [String: [UInt8]],
    scenario: String,
    month: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let folder = RepositoryPaths.golden.appendingPathComponent("\(scenario)/\(month)/reports")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        Issue.record("re-recorded \(folder.path); run again without RECORD_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    var expected: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        expected[name] = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
    // The same comparison as `backup-evidence check`, so a failure reads as rows, not bytes.
    for difference in GoldenComparison.compare(expected: expected, actual: files) {
        Issue.record("\(scenario)/\(month): \(difference); RECORD_GOLDEN=1 re-records", sourceLocation: sourceLocation)
    }
}

/// Compares text with `golden/<path>`; `RECORD_GOLDEN=1` writes it instead and fails once on purpose.
package func expectMatchesGoldenText(
    _ text: String,
    path: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let url = RepositoryPaths.golden.appendingPathComponent(path)
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        Issue.record("re-recorded \(url.path); run again without RECORD_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(text == expected, "\(path) differs from golden; RECORD_GOLDEN=1 re-records", sourceLocation: sourceLocation)
}
