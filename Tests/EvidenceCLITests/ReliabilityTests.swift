import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

/// The built binary run as a child process: exit status, stdout and stderr.
enum Binary {
    struct Result {
        var status: Int32
        var out: String
        var err: String
        /// The non-empty stderr lines.
        var errLines: [String] { err.split(separator: "\n").map(String.init) }
    }

    /// Runs `backup-evidence arguments`; stdout goes to `/dev/full` when `fullStdout` is true.
    static func run(
        _ arguments: [String],
        fullStdout: Bool = false,
        directory: URL? = nil,
        environment: [String: String] = [:]
    ) throws -> Result {
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the package first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, set in set }
        }
        let (out, err) = (Pipe(), Pipe())
        let full = fullStdout ? FileHandle(forWritingAtPath: "/dev/full") : nil
        if fullStdout { try #require(full != nil, "/dev/full cannot be opened") }
        process.standardOutput = full ?? out
        process.standardError = err
        try process.run()
        // A reader that blocks (a FIFO) must not hang the suite: the child is stopped after a minute.
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { kill(pid, SIGKILL) } }
        if !fullStdout { try out.fileHandleForWriting.close() }
        let outData = fullStdout ? Data() : out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try full?.close()
        return Result(
            status: process.terminationStatus,
            out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self)
        )
    }
}

@Suite("Reliability: full disks, damaged chains and failed writes", .serialized)
struct ReliabilityTests {
    static let noSpace = "error: standard output: cannot write: No space left on device"

    /// The chain's published public key file.
    static func publicKey(_ chain: SealedChain) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: chain.url("keys").path)
        return chain.url("keys/\(try #require(names.first))").path
    }

    /// The job id of the first row of the chain's first BACKUP_JOB_REPORT.csv.
    static func firstJobID(_ chain: SealedChain) throws -> String {
        let report = try String(
            contentsOfFile: chain.path + "/2028-03/reports/BACKUP_JOB_REPORT.csv",
            encoding: .utf8
        )
        let row = report.split(separator: "\n").dropFirst().first ?? ""
        return String(row.split(separator: ",", omittingEmptySubsequences: false)[5])
    }

    @Test("A command whose stdout is full exits 2 with one line on stderr")
    func fullStandardOutput() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let template = try ScenarioSandbox(copying: "untagged-neptune")
        try template.write(
            "plan.json",
            #"{"BackupPlan":{"BackupPlanName":"p","Rules":[{"RuleName":"r","RuleId":"1","TargetBackupVaultName":"v","#
                + #""ScheduleExpression":"cron(0 5 * * * *)","StartWindowMinutes":30}]},"BackupPlanId":"p","#
                + #""BackupPlanArn":"arn:aws:backup:us-east-1:111122223333:backup-plan:p","VersionId":"v"}"#
        )
        let compare = try await CompareTests.Setup()
        for arguments in [
            ["schedule", "cron(0 5 ? * * *)", "--from", "2028-01-01T00:00:00Z", "--to", "2028-01-03T00:00:00Z"],
            ["query", "--evidence", chain.path, "--trusted-key", try Self.publicKey(chain), "SELECT 1 AS one"],
            ["validate", template.root.appendingPathComponent("plan.json").path],
            ["compare", "--aws", compare.aws.path, "--ours", compare.ours.path],
            ["checkpoint", "--evidence", chain.path],
            ["verify", "--evidence", chain.path, "--trusted-key", try Self.publicKey(chain)],
            ["verify", "--evidence", chain.path, "--trusted-key", try Self.publicKey(chain), "--format", "json"],
            ["prove", "--evidence", chain.path, "--job-id", try Self.firstJobID(chain)],
            [
                "what-if", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--framework",
                RepositoryPaths.scenario("untagged-neptune")
                    + "/accounts/123456789012/us-east-1/frameworks/OrgBackupPolicy.json", "--format", "csv",
            ],
        ] {
            let result = try Binary.run(arguments, fullStdout: true)
            #expect(result.status == 2, "\(arguments[0]): exit \(result.status)")
            #expect(result.errLines == [Self.noSpace], "\(arguments[0])")
        }
    }

    @Test("With stderr full too, a failed write still exits 2 and never traps")
    func fullStandardError() throws {
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "schedule", "cron(0 5 ? * * *)", "--from", "2028-01-01T00:00:00Z", "--to", "2028-01-03T00:00:00Z",
        ]
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        process.standardOutput = full
        process.standardError = full
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 2)
    }

    @Test("monthly with a full stdout seals the month, then names the lost line and how to get it")
    func monthlyFullStandardOutput() throws {
        let evidence = try TemporaryFolder()
        let result = try Binary.run(
            [
                "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", evidence.path,
                "--month", "2028-04", "--key", RepositoryPaths.testKey,
            ],
            fullStdout: true
        )
        #expect(result.status == 2)
        #expect(result.errLines.count == 1)
        let line = result.errLines.first ?? ""
        #expect(line.hasPrefix(Self.noSpace + "; "))
        #expect(line.contains("checkpoint --evidence \(evidence.path)"))
        #expect(FileManager.default.fileExists(atPath: evidence.url.appendingPathComponent("2028-04/SHA256SUMS").path))
        let checkpoint = try Binary.run(["checkpoint", "--evidence", evidence.path])
        #expect(checkpoint.status == 0 && checkpoint.out.hasPrefix("backup-evidence-checkpoint "))
    }

    @Test("A seal that fails part-way removes its staging folder and the keys it published; the error is in words")
    func failedSealLeavesNothing() throws {
        let evidence = try TemporaryFolder()
        let key = try Ed25519PrivateKey(
            pem: [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.testKey)))
        )
        // `reports/a.csv` is written as a file, so `reports/a.csv/b.csv` cannot be: the seal fails after staging.
        let request = SealRequest(
            period: try #require(Month("2028-04")),
            files: ["reports/a.csv": Array("h\n1\n".utf8), "reports/a.csv/b.csv": Array("h\n2\n".utf8)],
            dataAsOf: try #require(Month("2028-04")).end,
            chainID: "chain",
            key: key,
            generatorVersion: "test"
        )
        var message = ""
        do {
            try Ledger(root: evidence.url).seal(request)
        } catch {
            message = "\(error)"
        }
        #expect(message.hasSuffix(": cannot create the file: Not a directory"), "\(message)")
        #expect(!message.contains("errno") && !message.contains("Domain="))
        #expect(try FileManager.default.contentsOfDirectory(atPath: evidence.path).isEmpty)
    }

    @Test("monthly into an evidence path that is a file fails in words and writes nothing")
    func evidenceIsAFile() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("evidence")
        try Data("not a folder\n".utf8).write(to: file)
        let result = try Binary.run([
            "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", file.path,
            "--month", "2028-04", "--key", RepositoryPaths.testKey,
        ])
        #expect(result.status == 2)
        #expect(result.errLines == ["error: \(file.path)/keys: cannot create the folder: Not a directory"])
        #expect(folder.files() == ["evidence"])
    }

    @Test("A corrupted MANIFEST.json is reported: the next month and a reseal refuse, naming it, leaving nothing")
    func damagedEntry() async throws {
        let chain = try await SealedChain(months: ["2028-03", "2028-04"])
        try chain.write("2028-04/MANIFEST.json", Array("{\"schema\":".utf8))
        let before = chain.folder.files()
        let damaged = chain.url("2028-04").path
        for month in ["2028-05", "2028-04"] {
            let result = try Binary.run([
                "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", chain.path,
                "--month", month, "--key", RepositoryPaths.testKey,
            ])
            #expect(result.status == 2, "\(month)")
            #expect(result.errLines.count == 1, "\(month): \(result.err)")
            #expect(result.err.hasPrefix("error: \(damaged): the sealed entry cannot be read (MANIFEST.json: "))
            #expect(chain.folder.files() == before, "\(month)")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: chain.path).filter { $0.hasPrefix(".") }.isEmpty
            )
        }
    }

    @Test("A FIFO under events/ or AWSLogs/ is refused at once, naming it", arguments: ["events", "AWSLogs"])
    func fifo(folder: String) throws {
        let sandbox = try ScenarioSandbox(copying: "event-streams")
        let files = TemporaryFolder.files(below: sandbox.root).filter { $0.hasPrefix(folder + "/") }
        let victim = try #require(files.first)
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent(victim))
        #expect(mkfifo(sandbox.root.appendingPathComponent(victim).path, 0o644) == 0)
        let out = try TemporaryFolder()
        let result = try Binary.run(["simulate", "--scenario", sandbox.path, "--out", out.path])
        #expect(result.status == 2)
        #expect(result.errLines == ["error: \(victim): is a FIFO, not a regular file; only regular files are read"])
        #expect(out.files().isEmpty)
    }

    @Test("validate FOLDER reports a framework without FrameworkName and a template resource without Type")
    func validateFolderReportsDamagedFiles() throws {
        let folder = try TemporaryFolder()
        let framework = try String(
            contentsOfFile: RepositoryPaths.scenario("job-lists")
                + "/accounts/888899990000/us-east-2/frameworks/OrgBackupPolicy.json",
            encoding: .utf8
        )
        let template = try String(
            contentsOfFile: RepositoryPaths.scenario("cfn-estate")
                + "/accounts/555566667777/us-east-1/templates/frameworks.json",
            encoding: .utf8
        )
        let good = folder.url.appendingPathComponent("good.json")
        try Data(framework.utf8).write(to: good)
        #expect(try Binary.run(["validate", folder.path]).status == 0)
        let noName = framework.replacingOccurrences(of: #""FrameworkName": "OrgBackupPolicy","#, with: "")
        let noType = template.replacingOccurrences(of: #""Type": "AWS::Backup::Framework","#, with: "")
        #expect(noName != framework && noType != template)
        for (name, text) in [("no-name.json", noName), ("no-type.json", noType)] {
            let file = folder.url.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            let alone = try Binary.run(["validate", file.path])
            #expect(alone.status == 2, "\(name)")
            let whole = try Binary.run(["validate", folder.path])
            #expect(whole.status == 2, "\(name)")
            #expect(whole.errLines.contains { $0.hasPrefix("error: \(file.path): ") }, "\(name): \(whole.err)")
            #expect(alone.errLines.first.map { line in whole.errLines.contains(line) } == true, "\(name)")
            try FileManager.default.removeItem(at: file)
        }
    }

    @Test("compare: a job id repeated within one AWS CSV file is a difference, exit 1")
    func compareRepeatedRow() async throws {
        let setup = try await CompareTests.Setup()
        let job = "973C25BC-6579-07A6-E924-F1096F22E6A6"
        try setup.edit(CompareTests.jobs) { text in
            var lines = text.components(separatedBy: "\n")
            let index = lines.firstIndex { $0.contains(",\(job),COMPLETED,") } ?? 0
            lines.insert(
                lines[index].replacingOccurrences(of: ",\(job),COMPLETED,", with: ",\(job),FAILED,"),
                at: index
            )
            return lines.joined(separator: "\n")
        }
        #expect(
            try setup.differences() == [
                "BACKUP_JOB_REPORT: row repeated in AWS's file: Backup Job ID \(job) (2 rows) (\(CompareTests.jobs))"
            ]
        )
        #expect(await setup.compare() == 1)
    }

    @Test("compare: a member missing from one JSON item while others have it is a difference, exit 1")
    func compareMissingMember() async throws {
        let setup = try await CompareTests.Setup()
        try setup.edit(CompareTests.copies) { text in
            guard let range = text.range(of: "      \"jobStatus\": \"COMPLETED\",\n") else { return text }
            return text.replacingCharacters(in: range, with: "")
        }
        let found = try setup.differences()
        #expect(found.count == 1)
        #expect(
            found.first?.hasSuffix(": Job Status: missing from AWS's item, ours \"COMPLETED\" (\(CompareTests.copies))")
                == true,
            "\(found)"
        )
        #expect(await setup.compare() == 1)
    }

    @Test("--trusted-key refuses a private key; query on an empty chain is one clear line")
    func keysAndEmptyChain() async throws {
        let chain = try await SealedChain(months: ["2028-03"])
        let publicKey = try Self.publicKey(chain)
        #expect(
            try Binary.run(["query", "--evidence", chain.path, "--trusted-key", publicKey, "SELECT 1"]).status == 0
        )
        let refused = try Binary.run([
            "query", "--evidence", chain.path, "--trusted-key", RepositoryPaths.testKey, "SELECT 1",
        ])
        #expect(refused.status == 2)
        #expect(refused.errLines.count == 1)
        #expect(refused.errLines.first?.hasPrefix("error: \(RepositoryPaths.testKey): holds a private key; ") == true)
        let empty = try TemporaryFolder()
        let query = try Binary.run(["query", "--evidence", empty.path, "SELECT * FROM backup_jobs"])
        #expect(query.status == 2)
        #expect(query.errLines == ["error: \(empty.path): no sealed month to query (seal one with monthly)"])
    }

    @Test("The demo key's folder is created 0700 and the key 0600, whatever the umask")
    func demoKeyModes() throws {
        let folder = try TemporaryFolder()
        let binary = RepositoryPaths.root.appendingPathComponent(".build/debug/backup-evidence").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", "umask 000; exec \"$0\" monthly --scenario \"$1\" --evidence evidence --month 2028-04", binary,
            RepositoryPaths.scenario("untagged-neptune"),
        ]
        process.currentDirectoryURL = folder.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let attributes = try FileManager.default.attributesOfItem(
            atPath: folder.url.appendingPathComponent(".backup-evidence").path
        )
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let key = try FileManager.default.attributesOfItem(
            atPath: folder.url.appendingPathComponent(".backup-evidence/demo-signing-key.pem").path
        )
        #expect((key[.posixPermissions] as? Int) == 0o600)
    }

    /// Runs `/bin/mount` or `/bin/umount`; nil when it succeeds, else its message.
    static func mount(_ arguments: [String], command: String = "/bin/mount") -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return "\(command) cannot run: \(error)" }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : String(decoding: data, as: UTF8.self)
    }

    @Test("what-if on exported jobs needs its temporary folder to exist: one line, exit 2, no folder made")
    func whatIfTemporaryFolder() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("be-missing-\(UUID().uuidString)")
        let arguments = [
            "what-if", "--scenario", RepositoryPaths.scenario("job-lists"), "--framework",
            RepositoryPaths.scenario("org-estate") + "/proposals/OrgBackupPolicy-standard-35-days.json",
        ]
        let result = try Binary.run(arguments, environment: ["TMPDIR": missing.appendingPathComponent("deeper").path])
        #expect(result.status == 2 && result.out.isEmpty, "\(result)")
        #expect(
            result.errLines.count == 1 && result.err.contains("cannot create a folder for sorted runs"),
            "\(result)"
        )
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        // With a temporary folder that exists, the run leaves nothing in it.
        let temporary = try TemporaryFolder()
        let fine = try Binary.run(arguments, environment: ["TMPDIR": temporary.path])
        #expect(fine.status == 0, "\(fine)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test("A seal on a full disk or a read-only mount fails in words, leaves nothing, and the chain verifies as before")
    func sealFaultsOnMounts() throws {
        let point = try TemporaryFolder()
        // 300 KiB holds one month of untagged-neptune (about 230 KB) but not two.
        if let reason = Self.mount(["-t", "tmpfs", "-o", "size=300k", "tmpfs", point.path]) {
            print(
                "skipped: cannot mount a small tmpfs here (\(reason.trimmingCharacters(in: .whitespacesAndNewlines)))"
            )
            return
        }
        defer { _ = Self.mount([point.path], command: "/bin/umount") }
        let evidence = point.url.appendingPathComponent("evidence").path
        func seal(_ month: String) throws -> Binary.Result {
            try Binary.run([
                "monthly", "--scenario", RepositoryPaths.scenario("untagged-neptune"), "--evidence", evidence,
                "--month", month, "--key", RepositoryPaths.testKey,
            ])
        }
        func state() throws -> (files: [String], verify: String) {
            (
                TemporaryFolder.files(below: URL(fileURLWithPath: evidence)),
                try Binary.run(["verify", "--evidence", evidence]).out
            )
        }
        #expect(try seal("2028-03").status == 0)
        let before = try state()
        let full = try seal("2028-04")
        #expect(full.status == 2)
        #expect(full.errLines.count == 1 && full.err.hasSuffix(": No space left on device\n"), "\(full.err)")
        #expect(try state() == before)
        if let reason = Self.mount(["-o", "remount,ro", point.path]) {
            print("skipped the read-only case: cannot remount read-only (\(reason))")
            return
        }
        let readOnly = try seal("2028-04")
        #expect(readOnly.status == 2)
        #expect(readOnly.errLines.count == 1 && readOnly.err.hasSuffix(": Read-only file system\n"), "\(readOnly.err)")
        #expect(try state() == before)
    }
}
