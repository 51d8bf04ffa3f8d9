public import EvidenceModel
internal import Foundation

/// The inputs a month is computed from, normalized for sealing.
///
/// They are scenario.json, every file under accounts/, and the job streams under AWSLogs/ and events/; JSON
/// re-encoded canonically (sorted keys, no white space), other files (CloudTrail's gzip files, EventBridge's JSON
/// lines, templates) as they are. The result is itself a scenario folder, which `verify --rebuild` runs again.
public enum ScenarioInputs {
    /// The folders of a scenario whose files are inputs, beside scenario.json.
    public static let folders = ["accounts", "AWSLogs", "events"]

    /// Every input file of the scenario, by its path inside the scenario folder, normalized.
    public static func normalized(scenario: String) throws(ImportError) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for path in paths(scenario: scenario) { out[path] = try normalized(scenario: scenario, path: path) }
        return out
    }

    /// The paths of the scenario's input files inside its folder, sorted; hidden files and folders are left out.
    public static func paths(scenario: String) -> [String] {
        let root = URL(fileURLWithPath: scenario)
        var paths = ["scenario.json"]
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path) else {
                continue
            }
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(
                    atPath: root.appendingPathComponent("\(folder)/\(path)").path,
                    isDirectory: &isDirectory
                )
                if !isDirectory.boolValue, !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                    paths.append("\(folder)/\(path)")
                }
            }
        }
        return paths.sorted()
    }

    /// One input file, normalized as `normalized(scenario:path:)` returns it, handed to `body` in pieces: a job list
    /// a job at a time (`JobLists`), so that memory never holds it whole; any other file at once.
    public static func normalized(
        scenario: String,
        path: String,
        _ body: ([UInt8]) throws -> Void
    ) throws {
        if let kind = JobLists.kind(ofPath: path) {
            let root = URL(fileURLWithPath: scenario, isDirectory: true)
            var written = false
            do {
                // The scenario's limits, as its jobs were read with them.
                let limits = try ScenarioFile.read(FileSystem(root: root).json("scenario.json")).limits
                try JobLists.canonical(root.appendingPathComponent(path), kind: kind, limits: limits) { piece in
                    written = true
                    try body(piece)
                }
                return
            } catch let bounds as RecordSplitter.MembersBeyondBounds {
                // A job list whose other members are too many or too long to keep: refused, not read whole.
                throw bounds.error
            } catch  where !written {
                // Not a job list a piece at a time: normalized whole, as any other file.
            }
        }
        try body(normalized(scenario: scenario, path: path))
    }

    /// One input file, normalized: JSON re-encoded canonically, anything else as it is.
    public static func normalized(scenario: String, path: String) throws(ImportError) -> [UInt8] {
        let root = URL(fileURLWithPath: scenario)
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            throw ImportError(file: "\(scenario)/\(path)", message: "cannot read")
        }
        let bytes = [UInt8](data)
        if path.hasSuffix(".json"), let value = try? JSONParser.parse(bytes) {
            return CanonicalJSON.encode(value)
        }
        return bytes
    }
}
