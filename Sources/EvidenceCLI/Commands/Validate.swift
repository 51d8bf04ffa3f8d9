internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check plans, selections, frameworks and vault lists against AWS Backup's own constraints.",
        discussion: """
            Each PATH is a JSON export (get-backup-plan, get-backup-selection, describe-framework, \
            list-backup-vaults) or a folder searched for *.json files. One line per finding, with file and \
            location; exit 2 when anything is invalid.
            """
    )

    @Argument(help: "Files or folders to check.")
    var paths: [String]

    func run() throws {
        var files: [String] = []
        var explicit = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("\(path): no such file or folder")
                throw ExitCode(ExitStatus.invalidInput)
            }
            if isDirectory.boolValue {
                let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
                explicit.insert(path)
            }
        }
        var findings: [String] = []
        var checked = 0
        for file in files {
            // In a folder, files of other kinds (resources.json, job lists, policies) are not this command's.
            if !explicit.contains(file), !(try ExportFile.isCheckable(path: file)) { continue }
            checked += 1
            do {
                switch try ExportFile.read(path: file) {
                case .plan(let plan): findings += Validation.check(plan).map(\.description)
                case .selection(let selection): findings += Validation.check(selection, file: file).map(\.description)
                case .framework(let framework): findings += Validation.check(framework).map(\.description)
                case .vaults(let vaults): findings += Validation.check(vaults, file: file).map(\.description)
                }
            } catch let error as ImportError {
                findings.append(error.description)
            }
        }
        for finding in findings { print(finding) }
        if !findings.isEmpty { throw ExitCode(ExitStatus.invalidInput) }
        printNote("\(checked) file\(checked == 1 ? "" : "s") valid")
    }
}
