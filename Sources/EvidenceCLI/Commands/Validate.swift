internal import ArgumentParser
internal import EvidenceControls
internal import EvidenceIngest
internal import EvidenceModel
internal import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check plans, selections, frameworks and vault lists against AWS Backup's own constraints.",
        discussion: """
            Each PATH is a JSON export (get-backup-plan, get-backup-selection, describe-framework, \
            list-backup-vaults), an effective backup policy (organizations describe-effective-policy), a \
            CloudFormation template (YAML or JSON, with AWS::Backup::* resources), terraform show -json output, \
            or a folder searched for *.json, *.yaml and *.yml files; the kind is told by content. One line per \
            finding on stdout, with file and location (for a template or Terraform file, the plan, selection, \
            framework or vault, then the path in its get-* shape); a file that cannot be read is an error on \
            stderr.

            Examples:
              $ backup-evidence validate scenarios/org-estate/accounts
              $ backup-evidence validate scenarios/cfn-estate scenarios/terraform-estate
              $ backup-evidence validate scenarios/org-policy --format json

            Exit status: 0 everything is valid; 2 a finding, or a file that cannot be read; 64 usage error.
            """
    )

    @Argument(help: "Files or folders to check.")
    var paths: [String]

    @OptionGroup var output: FormatOptions<TextOrJSON>

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
                files += names.filter { name in [".json", ".yaml", ".yml"].contains { name.hasSuffix($0) } }
                    .sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
                explicit.insert(path)
            }
        }
        var findings: [ValidationFinding] = []
        var errors: [String] = []
        var checked = 0
        for file in files {
            // In a folder, files of other kinds (resources.json, job lists, policies) are not this command's.
            if !explicit.contains(file), !(try ExportFile.isCheckable(path: file)) { continue }
            checked += 1
            do {
                findings += Self.findings(try ExportFile.read(path: file), file: file)
            } catch let error as ImportError {
                errors.append(error.description)
            }
        }
        // A folder with nothing this command checks is not a pass: a mistyped path must not read as "valid".
        guard checked > 0 else {
            printError(
                "\(paths.map(Printable.value).joined(separator: ", ")): no plan, selection, vault, framework, "
                    + "template or Terraform file to validate"
            )
            throw ExitCode(ExitStatus.invalidInput)
        }
        try withExitStatuses {
            switch output.format {
            case .text: try StandardOutput.lines(findings.map { Printable.line($0.description) })
            case .json:
                let items = findings.map { finding in
                    JSONValue.object([
                        "file": .string(finding.file), "location": .string(finding.location),
                        "message": .string(finding.message),
                    ])
                }
                try JSONOutput.print(
                    .object([
                        "errors": .array(errors.map(JSONValue.string)), "files_checked": .int(checked),
                        "findings": .array(items), "valid": .bool(findings.isEmpty && errors.isEmpty),
                    ])
                )
            }
        }
        for error in errors { printError(error) }
        if !findings.isEmpty || !errors.isEmpty { throw ExitCode(ExitStatus.invalidInput) }
        if output.format == .text { printNote("\(checked) file\(checked == 1 ? "" : "s") valid") }
    }

    /// The findings for what one file defines; those of a template or Terraform file name the definition first.
    static func findings(_ export: ExportFile, file: String) -> [ValidationFinding] {
        switch export {
        case .plan(let plan): return Validation.check(plan)
        case .selection(let selection): return Validation.check(selection, file: file)
        case .framework(let framework): return Validation.check(framework)
        case .vaults(let vaults): return Validation.check(vaults, file: file)
        case .template(let found), .terraform(let found), .backupPolicy(let found):
            return definitions(file, found)
        }
    }

    /// Checks each definition of a template or Terraform file as if it were its get-* export, locating a finding by
    /// the definition and then the path in that export's shape (Docs/ASSUMPTIONS.md A71).
    static func definitions(_ file: String, _ found: BackupDefinitions) -> [ValidationFinding] {
        let (vaults, plans, selections, frameworks) = (found.vaults, found.plans, found.selections, found.frameworks)
        func located(_ found: [ValidationFinding], _ what: String) -> [ValidationFinding] {
            found.map { ValidationFinding(file: file, location: "\(what) \($0.location)", message: $0.message) }
        }
        var out: [ValidationFinding] = []
        for plan in plans { out += located(Validation.check(plan), "backup plan \(plan.name)") }
        for selection in selections {
            out += located(Validation.check(selection, file: file), "backup selection \(selection.name)")
        }
        for framework in frameworks { out += located(Validation.check(framework), "framework \(framework.name)") }
        // Each vault is checked as a list of one, so its path reads BackupVaultList[0]; the vault is named first.
        for vault in vaults { out += located(Validation.check([vault], file: file), "backup vault \(vault.name)") }
        return out
    }
}
