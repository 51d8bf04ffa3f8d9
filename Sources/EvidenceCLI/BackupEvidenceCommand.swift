public import ArgumentParser

/// The `backup-evidence` command: AWS Backup compliance evidence, offline.
public struct BackupEvidenceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backup-evidence",
        abstract: "Turn an AWS Backup estate into auditor-ready evidence, offline.",
        discussion: """
            Exit statuses: 0 success (non-compliant resources are findings, not failures); 1 integrity \
            failure, golden mismatch or differences found; 2 unreadable or invalid input, or an I/O error; \
            3 verification inconclusive; 64 usage error.
            """,
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

    /// Refuses an option given twice that takes one value (a usage error), then runs the command.
    public static func main() async {
        if let name = repeatedOption(Array(CommandLine.arguments.dropFirst())) {
            exit(withError: ValidationError("\(name) is given more than once; give it once"))
        }
        await main(nil)
    }
}

/// Exit statuses of ARCHITECTURE.md §4.
enum ExitStatus {
    static let integrityFailure: Int32 = 1
    static let invalidInput: Int32 = 2
    static let inconclusive: Int32 = 3
}
