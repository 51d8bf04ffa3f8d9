public import EvidenceModel
internal import Foundation

/// Reads a scenario folder (ARCHITECTURE.md §3) into an ``Estate``.
///
/// Files are visited in byte order of their paths, and every list in the estate is sorted by a total order,
/// so the estate does not depend on directory order or on the order of entries inside files.
///
/// ```swift
/// let estate = try ScenarioReader.read(folder: "scenarios/org-estate")
/// ```
public enum ScenarioReader {
    /// What `read` does with the scenario's exported jobs: job lists (`backup-jobs.json`, `copy-jobs.json`,
    /// `restore-jobs.json`) and event streams (`AWSLogs/`, `events/`).
    public enum JobReading: Sendable {
        /// Their jobs are read into the estate.
        case assembled
        /// The estate has a job source but none of their jobs: the caller reads them in pieces
        /// (`JobLists.scan`, `JobStreams.scan`), and their problems are found then.
        case deferred
    }

    /// Reads and validates the whole scenario; the first problem found is thrown as an ``ImportError``.
    public static func read(folder: String, jobs: JobReading = .assembled) throws -> Estate {
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        let files = FileSystem(root: root)
        guard files.isDirectory("") else {
            throw ImportError(file: folder, message: "scenario folder not found")
        }
        let scenario = try ScenarioFile.read(try files.json("scenario.json"))

        var estate = Estate(settings: scenario.settings)

        // The folders are listed first, in order; each account/Region folder is then read on its own, all of them
        // on all cores, and their parts are added in that order, so the first problem in folder order is thrown.
        enum Step: Sendable {
            case problem(any Error)
            case location(AccountRegion, base: String)
            case policy(account: String, regions: [String])
        }
        var steps: [Step] = []
        listing: for account in try files.list("accounts") {
            let accountPath = "accounts/\(account)"
            guard files.isDirectory(accountPath) else { continue }
            guard ARN.isAccountID(account) else {
                steps.append(
                    .problem(
                        ImportError(file: accountPath, message: "expected a folder named after a 12-digit account id")
                    )
                )
                break listing
            }
            var regions: [String] = []
            let listed: [String]
            do {
                listed = try files.list(accountPath)
            } catch {
                steps.append(.problem(error))
                break listing
            }
            for region in listed {
                let base = "\(accountPath)/\(region)"
                guard files.isDirectory(base) else { continue }
                guard ARN.isRegion(region) else {
                    steps.append(
                        .problem(
                            ImportError(
                                file: base,
                                message: "expected a folder named after a Region, such as us-east-1"
                            )
                        )
                    )
                    break listing
                }
                steps.append(.location(AccountRegion(account: account, region: region), base: base))
                regions.append(region)
            }
            steps.append(.policy(account: account, regions: regions))
        }
        let parts = Parallel.map(steps) { step -> Result<Estate, any Error>? in
            guard case .location(let location, let base) = step else { return nil }
            return Result {
                var part = Estate(settings: scenario.settings, locations: [location])
                try readLocation(
                    files: files,
                    base: base,
                    location: location,
                    scenario: scenario,
                    jobs: jobs,
                    into: &part
                )
                return part
            }
        }
        for (step, part) in zip(steps, parts) {
            switch step {
            case .problem(let problem): throw problem
            case .location: if let part { estate.append(part: try part.get()) }
            case .policy(let account, let regions):
                let policyFile = "accounts/\(account)/\(EffectiveBackupPolicy.fileName)"
                if files.exists(policyFile) {
                    let found = try EffectiveBackupPolicy.read(
                        files.json(policyFile),
                        account: account,
                        regions: regions
                    )
                    estate.plans += found.plans
                    estate.selections += found.selections
                }
            }
        }
        if JobStreams.present(in: files), jobs == .deferred {
            estate.hasJobSource = true
        } else if JobStreams.present(in: files) {
            let streams = try JobStreams.read(files: files, limits: scenario.limits)
            estate.hasJobSource = true
            estate.backupJobs += streams.backupJobs
            estate.copyJobs += streams.copyJobs
            estate.restoreJobs += streams.restoreJobs
        }
        try crossCheck(&estate)
        sort(&estate)
        return estate
    }

    private static func readLocation(
        files: FileSystem,
        base: String,
        location: AccountRegion,
        scenario: ScenarioFile,
        jobs: JobReading,
        into estate: inout Estate
    ) throws {
        estate.resources += try AWSShapes.resources(
            try files.json("\(base)/resources.json"),
            location: location,
            overrides: scenario.resourceOverrides
        )
        for file in try files.jsonFiles(in: "\(base)/backup-plans") {
            estate.plans.append(try AWSShapes.plan(try files.json(file), location: location, tags: scenario.tags))
        }
        for file in try files.jsonFiles(in: "\(base)/backup-selections") {
            estate.selections.append(try AWSShapes.selection(try files.json(file), location: location))
        }
        if files.exists("\(base)/region-settings.json") {
            estate.regionSettings[location] = try AWSShapes.regionSettings(
                try files.json("\(base)/region-settings.json")
            )
        }
        if files.exists("\(base)/backup-vaults.json") {
            var vaults = try AWSShapes.vaults(try files.json("\(base)/backup-vaults.json"), location: location)
            for index in vaults.indices { vaults[index].tags = scenario.tags[vaults[index].arn.description] ?? [:] }
            estate.vaults += vaults
        }
        for file in try files.jsonFiles(in: "\(base)/frameworks") {
            estate.frameworks.append(try AWSShapes.framework(try files.json(file), location: location))
        }
        try readDefinitions(files: files, base: base, location: location, limits: scenario.limits, into: &estate)
        try readVaultAccessPolicies(files: files, base: base, location: location, into: &estate)
        for file in JobLists.files(files, base: base, location: location) {
            estate.hasJobSource = true
            guard jobs == .assembled else { continue }
            try JobLists.read(file, files: files, limits: scenario.limits) { batch in
                for listed in batch {
                    switch listed.job {
                    case .backup(let job): estate.backupJobs.append(job)
                    case .copy(let job): estate.copyJobs.append(job)
                    case .restore(let job): estate.restoreJobs.append(job)
                    }
                }
            }
        }
    }

    /// Applies `backup-vault-access-policies/*.json` to the folder's vaults, whether they come from
    /// `backup-vaults.json`, a template or a Terraform file.
    ///
    /// A policy for a vault the folder does not define, a second policy file for a vault, or a policy for a vault
    /// whose template or Terraform file already sets one, is an error.
    private static func readVaultAccessPolicies(
        files: FileSystem,
        base: String,
        location: AccountRegion,
        into estate: inout Estate
    ) throws {
        var applied = Set<String>()
        for file in try files.jsonFiles(in: "\(base)/backup-vault-access-policies") {
            let (name, policy) = try AWSShapes.vaultAccessPolicy(try files.json(file))
            let index = estate.vaults.firstIndex { vault in
                vault.account == location.account && vault.region == location.region && vault.name == name
            }
            guard let index else {
                throw ImportError(
                    file: file,
                    location: "$.BackupVaultName",
                    message: "vault \(name) is not a vault of this folder"
                )
            }
            guard applied.insert(name).inserted else {
                throw ImportError(
                    file: file,
                    location: "$.BackupVaultName",
                    message: "another file of this folder also gives vault \(name)'s access policy"
                )
            }
            guard estate.vaults[index].accessPolicy == nil else {
                throw ImportError(
                    file: file,
                    location: "$.BackupVaultName",
                    message: "vault \(name) already has an access policy from its definition"
                )
            }
            estate.vaults[index].accessPolicy = policy
        }
    }

    /// References between files: a selection's plan must exist in its folder; names must be unique.
    private static func crossCheck(_ estate: inout Estate) throws {
        var planIDs = Set<String>()
        var planNames = Set<String>()
        for plan in estate.plans {
            let key = "\(plan.account)/\(plan.region)/"
            let file = plan.source.isEmpty ? "accounts/\(key)backup-plans" : plan.source
            guard planIDs.insert(key + plan.id).inserted else {
                throw ImportError(file: file, message: "plan id \(plan.id) appears twice in this folder")
            }
            guard planNames.insert(key + plan.name).inserted else {
                throw ImportError(file: file, message: "plan name \(plan.name) appears twice in this folder")
            }
        }
        var vaultNames = Set<String>()
        for vault in estate.vaults where !vaultNames.insert("\(vault.account)/\(vault.region)/\(vault.name)").inserted {
            throw ImportError(
                file: "accounts/\(vault.account)/\(vault.region)",
                message: "vault \(vault.name) is defined twice in this folder"
            )
        }
        var frameworkNames = Set<String>()
        for framework in estate.frameworks
        where !frameworkNames.insert("\(framework.account)/\(framework.region)/\(framework.name)").inserted {
            throw ImportError(
                file: framework.source,
                message: "framework \(framework.name) appears twice in this folder"
            )
        }
        for selection in estate.selections
        where !planIDs.contains("\(selection.account)/\(selection.region)/\(selection.planID)") {
            throw ImportError(
                file: "accounts/\(selection.account)/\(selection.region)/backup-selections",
                location: "$.BackupPlanId",
                message:
                    "selection \(selection.name) names plan \(selection.planID), which is not in this folder's backup-plans"
            )
        }
        var seen = Set<String>()
        for resource in estate.resources
        where !seen.insert("\(resource.account)/\(resource.region)/\(resource.arn)").inserted {
            throw ImportError(
                file: "accounts/\(resource.account)/\(resource.region)/resources.json",
                message: "resource \(resource.arn) is listed twice"
            )
        }
    }

    private static func sort(_ estate: inout Estate) {
        estate.locations.sort()
        estate.resources.sort { ($0.account, $0.region, $0.arnString) < ($1.account, $1.region, $1.arnString) }
        estate.plans.sort { ($0.account, $0.region, $0.name) < ($1.account, $1.region, $1.name) }
        estate.selections.sort {
            ($0.account, $0.region, $0.planID, $0.name, $0.id) < ($1.account, $1.region, $1.planID, $1.name, $1.id)
        }
        estate.vaults.sort { ($0.account, $0.region, $0.name) < ($1.account, $1.region, $1.name) }
        estate.frameworks.sort { ($0.account, $0.region, $0.name) < ($1.account, $1.region, $1.name) }
        estate.backupJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        estate.copyJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
        estate.restoreJobs.sort { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
    }
}

/// Reads proposed frameworks and plans for `what-if`.
public enum ProposalReader {
    /// A framework from `describe-framework` JSON.
    public static func framework(file: String) throws -> Framework {
        let root = try FileSystem.standalone(file)
        return try AWSShapes.framework(root, location: AccountRegion(account: "", region: ""))
    }

    /// A plan from `get-backup-plan` JSON; its account and Region are those of its own ARN.
    public static func plan(file: String) throws -> BackupPlan {
        let root = try FileSystem.standalone(file)
        let arnNode = try root.required("BackupPlanArn")
        let arn = try arnNode.arn()
        return try AWSShapes.plan(root, location: AccountRegion(account: arn.account, region: arn.region), tags: [:])
    }
}

/// A file `validate` was given, read by its shape.
public enum ExportFile: Sendable {
    case plan(BackupPlan)
    case selection(BackupSelection)
    case framework(Framework)
    case vaults([Vault])
    /// A CloudFormation template's AWS Backup resources.
    case template(BackupDefinitions)
    /// The AWS Backup resources of `terraform show -json` output.
    case terraform(BackupDefinitions)
    /// The plans and selections of `describe-effective-policy --policy-type BACKUP_POLICY` output, in each Region
    /// the policy lists, for the account of its `TargetId`.
    case backupPolicy(BackupDefinitions)

    /// The account and Region a template or Terraform file is read as deployed in (Docs/ASSUMPTIONS.md A71).
    ///
    /// Those of its folder when the path holds `accounts/<account>/<region>/`. Else, for `terraform show -json`
    /// output, those its managed resources give in `planned_values` (or `values`), in file order: the Region of the
    /// first `region` argument, else of the first own ARN (`arn` of an `aws_backup_*` resource); the account of that
    /// ARN. The plan's `configuration` and copy-action destinations, which may name another Region or account, are
    /// not used. What is still unknown is account 000000000000 and us-east-1.
    public static func deployment(path: String, content: JSONValue? = nil) -> (account: String, region: String) {
        let parts = path.split(separator: "/").map(String.init)
        for index in parts.indices.dropLast(2) where parts[index] == "accounts" {
            let (account, region) = (parts[index + 1], parts[index + 2])
            if ARN.isAccountID(account), ARN.isRegion(region) { return (account, region) }
        }
        var regionArgument: String?
        var ownARN: ARN?
        func visit(_ module: JSONValue?) {
            guard case .object(let members)? = module else { return }
            if case .array(let resources)? = members["resources"] {
                for case .object(let resource) in resources {
                    if case .string(let mode)? = resource["mode"], mode != "managed" { continue }
                    guard case .object(let values)? = resource["values"] else { continue }
                    if regionArgument == nil, case .string(let region)? = values["region"], ARN.isRegion(region) {
                        regionArgument = region
                    }
                    if ownARN == nil, case .string(let type)? = resource["type"], type.hasPrefix("aws_backup_"),
                        case .string(let text)? = values["arn"], let arn = ARN(text), arn.service == "backup",
                        ARN.isAccountID(arn.account), ARN.isRegion(arn.region)
                    {
                        ownARN = arn
                    }
                }
            }
            if case .array(let children)? = members["child_modules"] {
                for child in children { visit(child) }
            }
        }
        if case .object(let root)? = content, case .object(let values)? = root["planned_values"] ?? root["values"] {
            visit(values["root_module"])
        }
        return (ownARN?.account ?? "000000000000", regionArgument ?? ownARN?.region ?? "us-east-1")
    }

    /// Whether a file found in a folder is one that `read` handles.
    ///
    /// Those are get-* JSON with the top-level key of its kind, a template with an `AWS::Backup::*` resource, and
    /// `terraform show -json` output. Unreadable JSON and YAML count as checkable so that their errors are reported;
    /// a template's `*.parameters.json` is read with its template.
    public static func isCheckable(path: String) throws -> Bool {
        if path.hasSuffix(".parameters.json") { return false }
        // Anything but a regular file is checked, so that `read` refuses it by name.
        if RegularFile.otherKind(path) != nil { return true }
        if isYAML(path) {
            guard let data = FileManager.default.contents(atPath: path),
                let root = try? CloudFormationLoader.load([UInt8](data), file: path)
            else { return true }
            return isTemplate(root)
        }
        guard let root = try? FileSystem.standalone(path), case .object(let members) = root.value else { return true }
        // A framework's other members count too, so that one without its FrameworkName is reported, not skipped.
        return [
            "BackupPlan", "BackupSelection", "FrameworkName", "FrameworkArn", "FrameworkControls", "BackupVaultList",
            "format_version", "EffectivePolicy",
        ].contains {
            members[$0] != nil
        } || isTemplate(root.value)
    }

    private static func isYAML(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

    /// A CloudFormation template declaring at least one `AWS::Backup::*` resource, or a resource without a string
    /// `Type` (a damaged template is reported, not skipped).
    private static func isTemplate(_ root: JSONValue) -> Bool {
        guard case .object(let members) = root, case .object(let resources)? = members["Resources"] else {
            return false
        }
        return resources.values.contains { resource in
            guard case .object(let fields) = resource, case .string(let type)? = fields["Type"] else { return true }
            return type.hasPrefix("AWS::Backup::")
        }
    }

    /// Reads `get-backup-plan`, `get-backup-selection`, `describe-framework` or `list-backup-vaults` JSON, told
    /// apart by their top-level keys; a CloudFormation template (YAML, or JSON with `Resources` or
    /// `AWSTemplateFormatVersion`), with the `<name>.parameters.json` beside it when there is one; or
    /// `terraform show -json` output (JSON with `format_version`).
    public static func read(path: String) throws -> ExportFile {
        try RegularFile.require(path, shown: path)
        if isYAML(path) { return try readTemplate(path: path) }
        let root = try FileSystem.standalone(path)
        let none = AccountRegion(account: "", region: "")
        if try root.optional("BackupPlan") != nil {
            let arn = try root.required("BackupPlanArn").arn()
            return .plan(
                try AWSShapes.plan(root, location: AccountRegion(account: arn.account, region: arn.region), tags: [:])
            )
        }
        if try root.optional("BackupSelection") != nil {
            return .selection(try AWSShapes.selection(root, location: none))
        }
        if try root.optional("FrameworkName") != nil || root.optional("FrameworkArn") != nil
            || root.optional("FrameworkControls") != nil
        {
            return .framework(try AWSShapes.framework(root, location: none))
        }
        if let list = try root.optional("BackupVaultList"), let first = try list.array().first {
            let arn = try first.required("BackupVaultArn").arn()
            return .vaults(
                try AWSShapes.vaults(root, location: AccountRegion(account: arn.account, region: arn.region))
            )
        }
        if try root.optional("Resources") != nil || root.optional("AWSTemplateFormatVersion") != nil {
            return try readTemplate(path: path)
        }
        if let body = try root.optional("EffectivePolicy") {
            return .backupPolicy(try EffectiveBackupPolicy.readStandalone(root, body: body))
        }
        if try root.optional("format_version") != nil {
            let (account, region) = deployment(path: path, content: root.value)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportError(file: path, message: "cannot read the file")
            }
            return .terraform(
                try TerraformShow.read(bytes: [UInt8](data), file: path, account: account, region: region)
            )
        }
        throw ImportError(
            file: path,
            message: "not a backup plan, selection, framework, vault list, effective backup policy, CloudFormation "
                + "template or terraform show -json output (expected a top-level BackupPlan, BackupSelection, "
                + "FrameworkName, BackupVaultList, EffectivePolicy, Resources or format_version)"
        )
    }

    private static func readTemplate(path: String) throws -> ExportFile {
        let (account, region) = deployment(path: path)
        return .template(
            try ScenarioReader.readTemplate(files: .asGiven, file: path, account: account, region: region)
        )
    }
}

/// File access confined to one folder: every path is relative to the root and must stay inside it.
struct FileSystem {
    let root: URL
    /// Whether paths must stay inside `root`; false for files named on the command line, taken as given.
    var confining = true

    /// Paths as given on the command line: relative to the working folder, or absolute, and named so in errors.
    static let asGiven = FileSystem(
        root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
        confining: false
    )

    private func url(_ relative: String) -> URL {
        guard confining else { return URL(fileURLWithPath: relative) }
        return relative.isEmpty ? root : root.appendingPathComponent(relative)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }

    func isDirectory(_ relative: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url(relative).path, isDirectory: &directory)
            && directory.boolValue
    }

    /// The names in a folder, sorted by their UTF-8 bytes; an absent folder lists nothing.
    func list(_ relative: String) throws -> [String] {
        guard isDirectory(relative) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url(relative).path)
        } catch {
            throw ImportError(file: relative, message: "cannot list the folder")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The `*.json` files of a folder, as relative paths.
    func jsonFiles(in relative: String) throws -> [String] {
        try list(relative).filter { $0.hasSuffix(".json") }.map { "\(relative)/\($0)" }
    }

    /// The URL of an existing file, refusing a path that resolves outside the root (through `..` or a symbolic
    /// link).
    func confined(_ relative: String) throws -> URL {
        let target = url(relative)
        guard confining else {
            guard FileManager.default.fileExists(atPath: target.path) else {
                throw ImportError(file: relative, message: "cannot read the file")
            }
            try RegularFile.require(target.path, shown: relative)
            return target
        }
        let resolved = target.resolvingSymlinksInPath().path
        let rootPath = root.resolvingSymlinksInPath().path
        guard resolved == rootPath || resolved.hasPrefix(rootPath + "/") else {
            throw ImportError(file: relative, message: "path leaves the scenario folder")
        }
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw ImportError(file: relative, message: "required file is missing")
        }
        try RegularFile.require(target.path, shown: relative)
        return target
    }

    /// A file's bytes, refusing a path that resolves outside the root (through `..` or a symbolic link).
    func bytes(_ relative: String) throws -> [UInt8] {
        let target = try confined(relative)
        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw ImportError(file: relative, message: "cannot read the file")
        }
        return [UInt8](data)
    }

    func json(_ relative: String) throws -> JSONNode {
        try JSONNode.parse(try bytes(relative), file: relative)
    }

    /// A single JSON file outside any scenario, named in errors as given.
    static func standalone(_ path: String) throws -> JSONNode {
        try RegularFile.require(path, shown: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, message: "cannot read the file")
        }
        return try JSONNode.parse([UInt8](data), file: path)
    }
}
