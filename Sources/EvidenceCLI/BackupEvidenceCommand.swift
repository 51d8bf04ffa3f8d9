public import ArgumentParser
internal import Foundation

/// The `backup-evidence` command: AWS Backup compliance evidence, offline.
public struct BackupEvidenceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backup-evidence",
        abstract: "Turn an AWS Backup estate into auditor-ready evidence, offline.",
        discussion: """
            Each command's help (backup-evidence help COMMAND, or COMMAND --help) has examples that run from the \
            repository's root on the bundled scenarios, and its exit statuses. Conventions shared by every \
            command: --scenario is scenarios/org-estate, the bundled organization, unless given; --evidence is \
            ./evidence; --format takes text or json wherever a command reports something (csv and table too \
            where rows are the result: query, what-if, compare); a value a command does not take is a usage \
            error naming the values it does.

            Examples:
              $ backup-evidence monthly --scenario scenarios/untagged-neptune \\
                  --evidence neptune-evidence
              $ backup-evidence verify --evidence golden/org-estate \\
                  --trusted-key golden/org-estate/keys/ea41648116e302f5.pub.pem
              $ backup-evidence help what-if

            Exit status: 0 success (non-compliant resources are findings, not failures); 1 integrity failure, \
            golden mismatch or differences found; 2 unreadable or invalid input, or an I/O error; 3 verification \
            inconclusive; 64 usage error.
            """,
        version: BackupEvidenceCommand.version,
        subcommands: [
            Monthly.self, Simulate.self, ScheduleCommand.self, WhatIfCommand.self, Validate.self, Check.self,
            Verify.self, CheckpointCommand.self, Prove.self, VerifyRow.self, Query.self, Export.self, Publish.self,
            Compare.self,
        ]
    )

    /// The version written into each manifest's `generator`.
    package static let version = "0.1.0"

    public init() {}

    /// The options that may be given more than once; each gathers every value given.
    static let repeatableOptions: Set<String> = ["--plan", "--parameter", "--timestamp", "--tsa-cert"]

    /// The first option of `arguments` given twice that is not repeatable, or nil.
    ///
    /// The parser keeps the last value of an option given twice, so `verify --evidence A --evidence B` would check B
    /// alone and `--expect-key-sha256 X --expect-key-sha256 Y` pin Y alone; such a command line is refused instead.
    static func repeatedOption(_ arguments: [String]) -> String? {
        var seen: Set<String> = []
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let name = String(argument.prefix { $0 != "=" })
            if !repeatableOptions.contains(name) && !seen.insert(name).inserted { return name }
        }
        return nil
    }

    /// Parses the arguments and runs the command they name.
    ///
    /// As ArgumentParser's own `main()`, except that a usage error found while the command runs is printed with that
    /// command's usage, as one found while parsing is, never the top-level usage; and an option that takes one value,
    /// given twice, is a usage error before anything is parsed.
    public static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let name = repeatedOption(arguments) {
            let message = "\(name) is given more than once; give it once"
            guard let subcommand = configuration.subcommands.first(where: { $0._commandName == arguments.first })
            else { exit(withError: ValidationError(message)) }
            usageError(message, subcommand)
        }
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let error as ValidationError {
            usageError(error.message, type(of: command))
        } catch {
            exit(withError: error)
        }
    }

    /// Prints a usage error with `subcommand`'s usage and exits 64.
    private static func usageError(_ message: String, _ subcommand: any ParsableCommand.Type) -> Never {
        StandardOutput.diagnostic(
            "Error: \(message)\nUsage: \(usageString(for: subcommand))\n"
                + "  See 'backup-evidence \(subcommand._commandName) --help' for more information.\n"
        )
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }
}

/// Exit statuses of ARCHITECTURE.md §4.
enum ExitStatus {
    static let integrityFailure: Int32 = 1
    static let invalidInput: Int32 = 2
    static let inconclusive: Int32 = 3
}

extension BackupEvidenceCommand {
    /// Every command's help as printed `columns` wide: the top level's first, then each command's, by name.
    package static func helpTexts(columns: Int) -> [(name: String, text: String)] {
        [("backup-evidence", helpMessage(for: BackupEvidenceCommand.self, columns: columns))]
            + configuration.subcommands.map { ($0._commandName, helpMessage(for: $0, columns: columns)) }
    }
}
