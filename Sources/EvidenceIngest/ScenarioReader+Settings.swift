public import EvidenceModel
internal import Foundation

extension ScenarioReader {
    /// The scenario's settings alone (its month, chain id, seed, ...), from scenario.json: what a command checks
    /// before reading the estate.
    ///
    /// The same reading and validation of scenario.json as ``read(folder:)``, with the same errors.
    public static func settings(folder: String) throws -> ScenarioSettings {
        let files = FileSystem(root: URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL)
        guard files.isDirectory("") else {
            throw ImportError(file: folder, message: "scenario folder not found")
        }
        return try ScenarioFile.read(try files.json("scenario.json")).settings
    }
}
