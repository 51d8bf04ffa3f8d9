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
}

/// Exit statuses of ARCHITECTURE.md §4.
enum ExitStatus {
    static let integrityFailure: Int32 = 1
    static let invalidInput: Int32 = 2
    static let inconclusive: Int32 = 3
}
