import EvidenceModel
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidenceIngest

@Suite("Job lists read in pieces")
struct JobListReaderTests {
    static let location = AccountRegion(account: "111122223333", region: "us-east-1")
    static let volume = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0"

    static func job(_ id: String, day: Int) -> String {
        """
        {"BackupJobId": "\(id)", "ResourceArn": "\(volume)", "State": "COMPLETED",
         "CreationDate": "2028-03-0\(day)T05:00:00Z", "BackupOptions": {"WindowsVSS": "enabled"}}
        """
    }

    /// The jobs of `text` as a backup-jobs.json, read in pieces.
    static func streamed(_ text: String, limits: ReadLimits = .defaults) throws -> [BackupJob] {
        let folder = try TemporaryFolder()
        let path = "accounts/111122223333/us-east-1/backup-jobs.json"
        let url = folder.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        var jobs: [BackupJob] = []
        let file = JobLists.File(path: path, kind: .backup, location: location)
        try JobLists.read(file, files: FileSystem(root: folder.url), limits: limits) { batch in
            for listed in batch {
                guard case .backup(let job) = listed.job else { continue }
                jobs.append(job)
            }
        }
        return jobs
    }

    /// The jobs of `text` read whole, as one JSON tree.
    static func whole(_ text: String) throws -> [BackupJob] {
        let path = "accounts/111122223333/us-east-1/backup-jobs.json"
        return try AWSShapes.backupJobs(JSONNode.parse(Array(text.utf8), file: path), location: location)
    }

    /// The error `body` throws, as printed.
    static func failure(_ body: () throws -> [BackupJob]) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("Every job list of the job-list scenario reads as the whole file's reader reads it")
    func scenarioLists() throws {
        let root = URL(fileURLWithPath: RepositoryPaths.scenario("job-lists"))
        let files = FileSystem(root: root)
        let lists = try JobLists.files(files)
        #expect(lists.count > 3)
        for file in lists {
            var streamed: [JobStreams.Job] = []
            try JobLists.read(file, files: files, limits: .defaults) { batch in streamed += batch.map(\.job) }
            let node = try files.json(file.path)
            let whole: [JobStreams.Job]
            switch file.kind {
            case .backup: whole = try AWSShapes.backupJobs(node, location: file.location).map { .backup($0) }
            case .copy: whole = try AWSShapes.copyJobs(node, location: file.location).map { .copy($0) }
            case .restore: whole = try AWSShapes.restoreJobs(node, location: file.location).map { .restore($0) }
            }
            #expect(streamed.count == whole.count, "\(file.path)")
            for (a, b) in zip(streamed, whole) { #expect("\(a)" == "\(b)", "\(file.path)") }
        }
    }

    @Test("Other members before and after the array, pieces of any size: the same jobs")
    func otherMembers() throws {
        let text = """
            \u{FEFF}{ "NextToken" : {"a": [1, "]}"]}, "BackupJobs" : [ \(Self.job("J1", day: 1)) ,
              \(Self.job("J\\u0032", day: 2))],
            "Other": null }\n
            """
        let expected = try Self.whole(text.replacingOccurrences(of: "\u{FEFF}", with: ""))
        #expect(expected.map(\.id) == ["J1", "J2"])
        #expect(try Self.streamed(text) == expected)
        // One byte at a time: every state of the frame is crossed at a piece's end.
        var splitter = RecordSplitter(
            file: "f",
            limit: 1 << 20,
            frame: RecordSplitter.Frame(key: "BackupJobs", otherMembers: true, name: "a job list")
        )
        var records: [[UInt8]] = []
        for byte in Array(text.utf8) { try splitter.feed([byte][...]) { records.append($0.bytes) } }
        try splitter.finish()
        #expect(records.count == 2)
        #expect(String(decoding: records[1], as: UTF8.self).hasPrefix("{\"BackupJobId\": \"J\\u0032\""))
    }

    @Test(
        "A malformed list is refused as the whole file's reader refuses it",
        arguments: [
            "", "[]", "null", "{}", #"{"NextToken": "x"}"#, #"{"BackupJobs": null}"#, #"{"BackupJobs": {}}"#,
            #"{"BackupJobs": "x", "NextToken": 1}"#, #"{"BackupJobs": [}"#, #"{"BackupJobs": [1,]}"#,
            #"{"BackupJobs": [] "x": 1}"#, #"{"BackupJobs": [], }"#, #"{"BackupJobs": []} x"#,
            #"{"BackupJobs": [{"BackupJobId": 1}]}"#, #"{"BackupJobs": [{"BackupJobId": "J", "ResourceArn": "x"}]}"#,
            #"{"BackupJobs": [{"a": tru}]}"#, #"{"BackupJobs": ["#, #"{"Back"#, #"{"x": [1, {]}"#, #"{1: 2}"#,
            #"{"BackupJobs" 1}"#,
        ]
    )
    func malformed(text: String) throws {
        #expect(Self.failure { try Self.whole(text) } != nil)
        try Self.expectSameFailure(text)
    }

    @Test("Nesting is counted as the whole file's parser counts it, around a job and around another member")
    func nesting() throws {
        for (prefix, depth) in [(#"{"BackupJobs": ["#, 510), (#"{"BackupJobs": [], "x": "#, 511)] {
            for extra in 0...1 {
                let count = depth + extra
                let text = prefix + String(repeating: "[", count: count) + String(repeating: "]", count: count) + "]}"
                let closed = prefix.hasSuffix("[") ? text : String(text.dropLast(2)) + "}"
                try Self.expectSameFailure(closed)
            }
        }
    }

    static func expectSameFailure(_ text: String) throws {
        let expected = Self.failure { try Self.whole(text) }
        #expect(Self.failure { try Self.streamed(text) } == expected, "\(text.prefix(40))")
    }

    @Test("An element longer than limits.record_bytes, a second array: refused where they are")
    func limits() throws {
        let text = #"{"BackupJobs": [\#(Self.job("J1", day: 1)), \#(Self.job("J2", day: 2))]}"#
        var limits = ReadLimits.defaults
        limits.recordBytes = 200
        #expect(
            Self.failure { try Self.streamed(text, limits: limits) }
                == "accounts/111122223333/us-east-1/backup-jobs.json: $.BackupJobs[0]: the record, with the white "
                + "space before it, is longer than 200 bytes (limits.record_bytes in scenario.json raises the limit)"
        )
        // Another member is not kept while jobs are read: one longer than the limit is passed over.
        let long = #"{"NextToken": "\#(String(repeating: "x", count: 300))", "BackupJobs": []}"#
        #expect(try Self.streamed(long, limits: limits).isEmpty)
        #expect(
            Self.failure { try Self.streamed(#"{"BackupJobs": [], "BackupJobs": []}"#) }
                == "accounts/111122223333/us-east-1/backup-jobs.json: $.BackupJobs: the member appears twice; "
                + "the file holds one BackupJobs array"
        )
    }

    /// The splitter of a backup job list after reading `text`, its records dropped.
    static func split(_ text: String, limit: Int = 1 << 20, keep: Bool) throws -> RecordSplitter {
        var splitter = RecordSplitter(
            file: "f",
            limit: limit,
            frame: RecordSplitter.Frame(key: "BackupJobs", otherMembers: true, name: "a job list", keepMembers: keep)
        )
        try splitter.feed(Array(text.utf8)[...]) { _ in }
        try splitter.finish()
        return splitter
    }

    @Test("Other members are not kept while jobs are read, and kept within bounds for the normalized copy")
    func membersBounded() throws {
        let many = "{" + (0..<3000).map { #""k\#($0)": 0, "# }.joined() + #""BackupJobs": []}"#
        #expect(try Self.split(many, keep: false).otherMembers.isEmpty)
        #expect(
            Self.failure {
                _ = try Self.split(many, keep: true); return []
            }
                == "f: $: the object holds more than 1000 members other than BackupJobs"
        )
        let few = #"{"NextToken": "x", "BackupJobs": [], "Other": [1]}"#
        #expect(
            try Self.split(few, keep: true).otherMembers == [
                "NextToken": .string("x"), "Other": .array([.number("1")]),
            ]
        )
        let string = String(repeating: "x", count: 150)
        let long = #"{"a": "\#(string)", "b": "\#(string)", "c": "\#(string)", "BackupJobs": []}"#
        let tooLong =
            "f: $: the members other than BackupJobs are longer than 400 bytes together "
            + "(limits.record_bytes in scenario.json raises the limit)"
        #expect(try Self.split(long, limit: 400, keep: false).otherMembers.isEmpty)
        #expect(
            Self.failure {
                _ = try Self.split(long, limit: 400, keep: true); return []
            } == tooLong
        )
        let one = #"{"a": "\#(String(repeating: "x", count: 500))", "BackupJobs": []}"#
        #expect(
            Self.failure {
                _ = try Self.split(one, limit: 400, keep: true); return []
            } == tooLong
        )
        #expect(try Self.split(one, limit: 400, keep: false).otherMembers.isEmpty)
    }

    @Test("White space before the object counts against nothing")
    func leadingWhitespace() throws {
        let text = #"{"BackupJobs": [\#(Self.job("J1", day: 1))]}"#
        for prefix in [String(repeating: " ", count: 5000), "\u{FEFF}" + String(repeating: "\n", count: 5000)] {
            var limits = ReadLimits.defaults
            limits.recordBytes = 1000
            #expect(try Self.streamed(prefix + text, limits: limits).map(\.id) == ["J1"])
        }
        for blank in ["  ", " \n\t", "\u{FEFF}", "\u{FEFF} \n ", String(repeating: "\n", count: 5000)] {
            try Self.expectSameFailure(blank)
        }
        // A syntax error after it is located as before.
        let bad = String(repeating: "\n", count: 5000) + "  {\"BackupJobs\": [1,]}"
        try Self.expectSameFailure(bad)
        #expect(Self.failure { try Self.streamed(bad) }?.contains("5001:") == true)
    }

    @Test("A list of the wrong shape is named as the whole file's reader names it, whatever its size")
    func wrongShapes() throws {
        var limits = ReadLimits.defaults
        limits.recordBytes = 100
        let jobs = "[" + (1...5).map { Self.job("J\($0)", day: $0) }.joined(separator: ",") + "]"
        let string = #"{"BackupJobs": "\#(String(repeating: "x", count: 200))", "NextToken": 1}"#
        for text in [jobs, #"{"Jobs": \#(jobs)}"#, #"{"NextToken": "x", "CopyJobs": \#(jobs)}"#, string] {
            let expected = Self.failure { try Self.whole(text) }
            #expect(expected?.contains("raises the limit") == false)
            #expect(Self.failure { try Self.streamed(text, limits: limits) } == expected, "\(text.prefix(20))")
        }
        #expect(
            Self.failure { try Self.streamed(jobs, limits: limits) }
                == "accounts/111122223333/us-east-1/backup-jobs.json: $: expected an object, found an array"
        )
    }

    @Test("White space between jobs or before ']' counts against no job")
    func whitespaceInArray() throws {
        var limits = ReadLimits.defaults
        limits.recordBytes = 300
        let spaces = String(repeating: " ", count: 1000)
        #expect(try Self.streamed(#"{"BackupJobs": [\#(spaces)]}"#, limits: limits).isEmpty)
        let two = #"{"BackupJobs": [\#(Self.job("J1", day: 1)),\#(spaces)\#(Self.job("J2", day: 2))\#(spaces)]}"#
        #expect(try Self.streamed(two, limits: limits).map(\.id) == ["J1", "J2"])
    }

    @Test("The array's key given twice, once null, is named twice")
    func nullThenArray() throws {
        for text in [#"{"BackupJobs": null, "BackupJobs": []}"#, #"{"BackupJobs": [], "BackupJobs": null}"#] {
            #expect(
                Self.failure { try Self.streamed(text) }
                    == "accounts/111122223333/us-east-1/backup-jobs.json: $.BackupJobs: the member appears twice; "
                    + "the file holds one BackupJobs array"
            )
        }
        try Self.expectSameFailure(#"{"BackupJobs": null, "NextToken": "x"}"#)
    }

    @Test("Encoded jobs read back as the jobs scanned")
    func encoded() throws {
        var count = 0
        try JobLists.scan(folder: RepositoryPaths.scenario("job-lists")) { batch in
            for item in batch {
                let job = try JobLists.job(encoded: item.bytes[...])
                #expect("\(job)" == "\(item.job)")
                count += 1
            }
        }
        #expect(count > 100)
    }
}

@Suite("Job lists normalized in pieces")
struct JobListInputTests {
    /// The normalized input handed out in pieces, joined.
    static func pieces(_ scenario: String, _ path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        try ScenarioInputs.normalized(scenario: scenario, path: path) { out += $0 }
        return out
    }

    @Test("A job list normalized a job at a time is the canonical JSON of the whole file")
    func canonical() throws {
        let scenario = RepositoryPaths.scenario("job-lists")
        let paths = ScenarioInputs.paths(scenario: scenario).filter { JobLists.kind(ofPath: $0) != nil }
        #expect(paths.count > 3)
        for path in paths {
            #expect(try Self.pieces(scenario, path) == ScenarioInputs.normalized(scenario: scenario, path: path))
        }
        let folder = try TemporaryFolder()
        try Data(#"{"name": "t", "month": "2028-03", "seed": 1}"#.utf8)
            .write(to: folder.url.appendingPathComponent("scenario.json"))
        let path = "accounts/111122223333/us-east-1/backup-jobs.json"
        let url = folder.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        for text in [
            #"{"NextToken": "b\u00e9", "BackupJobs": [{"B": 1, "A": [true, null, "\n"]}, {}], "Alpha": {"z": 1, "a": 2}}"#,
            #"{"BackupJobs": []}"#, #"[1, 2]"#, #"{"BackupJobs": [1,]}"#, #"{"BackupJobs": [1], "BackupJobs": [2]}"#,
        ] {
            try Data(text.utf8).write(to: url)
            #expect(
                try Self.pieces(folder.path, path) == ScenarioInputs.normalized(scenario: folder.path, path: path),
                "\(text)"
            )
        }
        // Other members beyond the bounds are refused, not read whole.
        try Data(("{" + (0...1000).map { #""k\#($0)": 0, "# }.joined() + #""BackupJobs": []}"#).utf8).write(to: url)
        #expect(throws: ImportError.self) { try Self.pieces(folder.path, path) }
    }
}
