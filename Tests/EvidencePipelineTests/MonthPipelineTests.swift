import EvidenceControls
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@testable import EvidencePipeline

@Suite("Month pipeline: streaming reports")
struct MonthPipelineTests {
    /// A fresh folder under the system's temporary folder, removed by the caller.
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("be-pipeline-\(UUID().uuidString)")
    }

    /// A fresh scratch folder for a sorter, created; the caller removes it.
    static func scratchFolder() throws -> URL {
        let scratch = folder()
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        return scratch
    }

    /// Adds `records` to `sorter` as one `KeyedRows` buffer, as a resource's rows are added.
    static func add(_ records: ArraySlice<(key: String, row: String)>, to sorter: RowSorter) throws {
        var keyed = KeyedRows()
        for (key, row) in records {
            keyed.add(key: { SortKey.append(key, to: &$0) }, row: { $0.append(contentsOf: Array(row.utf8)) })
        }
        try sorter.append(keyed)
    }

    /// The rows in the order a sorter must give them: by key as `String`'s `<` orders ASCII keys, then as added.
    static func expectedOrder(_ records: [(key: String, row: String)]) -> String {
        records.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }.map(\.element.row).joined()
    }

    static func expectGolden(_ folder: URL, scenario: String) throws {
        let golden = RepositoryPaths.golden.appendingPathComponent("\(scenario)/2028-03/reports")
        for template in ReportTemplate.allCases {
            let written = try Data(contentsOf: folder.appendingPathComponent(template.fileName))
            let expected = try Data(contentsOf: golden.appendingPathComponent(template.fileName))
            #expect(written == expected, "\(scenario) \(template.fileName) differs from golden")
        }
    }

    @Test(
        "Every scenario's streamed reports match golden/ byte for byte",
        arguments: [
            "untagged-neptune", "org-estate", "event-streams", "job-lists", "cfn-estate", "terraform-estate",
            "org-policy",
        ]
    )
    func golden(scenario: String) throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let statistics = try MonthPipeline(scenario: RepositoryPaths.scenario(scenario)).writeReports(to: out)
        try Self.expectGolden(out, scenario: scenario)
        #expect(statistics.spilledRuns == 0)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".sort-runs").path))
    }

    @Test(
        "Resource compliance rows are written as their folders are done; a row that comes after its folder was written makes the month be written again, to the same bytes",
        arguments: ["org-estate", "org-policy", "untagged-neptune"]
    )
    func verdictsWrittenEarly(scenario: String) throws {
        let pipeline = try MonthPipeline(scenario: RepositoryPaths.scenario(scenario))
        for forced in [false, true] {
            let out = Self.folder()
            let scratch = out.appendingPathComponent(".sort-runs")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: out) }
            var stream = try MonthStream(simulation: pipeline.simulation, budget: MonthPipeline.defaultSortBudget)
            let partitions = stream.partitions().map(\.0)
            let bounds = stream.verdictBounds(partitions)
            #expect(bounds.count == partitions.count && bounds.last == .some(nil))
            if forced {
                // Every row before the last framework control's is taken as final after the first partition.
                var all: [UInt8] = []
                SortKey.append(UInt64(stream.work.count), to: &all)
                stream.verdictBoundsOverride = [all] + Array(repeating: nil, count: partitions.count - 1)
            }
            let statistics = try stream.write(to: out, scratch: scratch)
            try Self.expectGolden(out, scenario: scenario)
            // The bounds from the plans' copy actions hold for every bundled estate: nothing is written twice.
            #expect(statistics.rewritten == (forced && partitions.count > 1))
        }
    }

    @Test(
        "Bounds that leave out the copy actions let copies reach folders already written: the month is written again to the same bytes, with and without spilled runs",
        arguments: [MonthPipeline.defaultSortBudget, 16 << 20, 2 << 20]
    )
    func verdictsReachingWrittenFolders(budget: Int) throws {
        let pipeline = try MonthPipeline(scenario: RepositoryPaths.scenario("org-estate"))
        let out = Self.folder()
        let scratch = out.appendingPathComponent(".sort-runs")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        var stream = try MonthStream(simulation: pipeline.simulation, budget: budget)
        let partitions = stream.partitions().map(\.0)
        // Each partition taken to reach only its own folder: its copies to the central vaults are not foreseen.
        stream.verdictBoundsOverride = partitions.indices.map { index in
            guard index + 1 < partitions.count else { return nil }
            let first = stream.work.firstIndex { !($0.location < partitions[index + 1]) } ?? stream.work.count
            var key: [UInt8] = []
            SortKey.append(UInt64(first), to: &key)
            return key
        }
        let statistics = try stream.write(to: out, scratch: scratch)
        try Self.expectGolden(out, scenario: "org-estate")
        if budget == MonthPipeline.defaultSortBudget { #expect(statistics.rewritten) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test(
        "Rows flushed stretch by stretch, then drained, come out as one full sort; a row added before a flushed bound is noticed",
        arguments: [1 << 12, 1 << 17, 1 << 26]
    )
    func flushedStretches(budget: Int) throws {
        let scratch = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for late in [false, true] {
            var generator = SplitMix(seed: 23)
            // Eight stretches; a stretch's rows fall in its own key range or in a later one (a copy into a folder
            // still to come), with equal keys across stretches. With `late`, one row of the last stretch falls in
            // the first range, whose rows were already written.
            var stretches: [[(key: String, row: String)]] = []
            for stretch in 0..<8 {
                stretches.append(
                    (0..<1_500).map { index in
                        var range = stretch
                        if index % 11 == 0 { range += Int(generator.next() % UInt64(8 - stretch)) }
                        if late, stretch == 7, index == 700 { range = 0 }
                        let key = "p\(range)-\(String(generator.next() % 200 + 1_000))"
                        return (key, "stretch \(stretch) row \(index) of \(key)\n")
                    }
                )
            }
            let expected = Self.expectedOrder(stretches.flatMap { $0 })
            let sorter = RowSorter(scratch: scratch, name: "flushed-\(late)", budget: budget)
            let path = scratch.appendingPathComponent("out-\(late)").path
            let output = try OutputFile(path: path)
            for (stretch, rows) in stretches.enumerated() {
                for chunk in stride(from: 0, to: rows.count, by: 300) {
                    try Self.add(rows[chunk..<(chunk + 300)], to: sorter)
                }
                var bound: [UInt8] = []
                SortKey.append("p\(stretch + 1)", to: &bound)
                try sorter.flush(before: bound, into: output)
            }
            #expect((sorter.runCount > 0) == (budget < 1 << 26))
            try sorter.drain(into: output)
            try output.close()
            // The smallest budget spills before the first flush, which then writes nothing; the others flush first.
            #expect(sorter.addedBeforeFlushed == (late && budget > 1 << 12))
            if !sorter.addedBeforeFlushed {
                #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).allSatisfy { !$0.hasSuffix(".run") })
    }

    @Test("Sorters that outgrow a small budget spill sorted runs and merge them into the same bytes")
    func spilled() throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let statistics = try MonthPipeline(scenario: RepositoryPaths.scenario("org-estate"))
            .writeReports(to: out, sortBudget: 1 << 20)
        #expect(statistics.spilledRuns > 20)
        try Self.expectGolden(out, scenario: "org-estate")
        #expect(statistics.rows[.resourceCompliance] == 43_600)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".sort-runs").path))
    }

    @Test(
        "Exported jobs: events, jobs and rows spill sorted runs under a tiny budget and merge into the same bytes",
        arguments: ["event-streams", "job-lists"]
    )
    func exportedSpilled(scenario: String) throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let pipeline = try MonthPipeline(scenario: RepositoryPaths.scenario(scenario))
        #expect(pipeline.estate.hasJobSource)
        // Job lists and event streams are read as the reports are written, never into the estate.
        #expect(pipeline.estate.backupJobs.isEmpty)
        let statistics = try pipeline.writeReports(to: out, sortBudget: 1 << 12)
        #expect(statistics.spilledRuns > 20)
        try Self.expectGolden(out, scenario: scenario)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".sort-runs").path))
    }

    @Test("A sorter orders by key bytes, keeps equal keys in the order added, in memory or spilled")
    func sorter() throws {
        let scratch = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var generator = SplitMix(seed: 7)
        var records: [(key: String, row: String)] = []
        // More rows than a sorter sorts in one piece: they are sorted in slices on all cores and merged.
        for index in 0..<40_000 {
            let key = String(generator.next() % 300)
            records.append((key, "row \(index) of \(key)\n"))
        }
        let expected = Self.expectedOrder(records)
        // Sorted as stretches (every 7,000 rows, as partitions end) or all at once: the same bytes.
        for (budget, stretches) in [(1 << 12, false), (1 << 12, true), (1 << 24, false), (1 << 24, true)] {
            let sorter = RowSorter(scratch: scratch, name: "test-\(budget)-\(stretches)", budget: budget)
            for chunk in stride(from: 0, to: records.count, by: 100) {
                if stretches, chunk % 7_000 == 0 { sorter.sortAdded() }
                try Self.add(records[chunk..<(chunk + 100)], to: sorter)
            }
            let path = scratch.appendingPathComponent("out-\(budget)-\(stretches)").path
            let output = try OutputFile(path: path)
            let spilled = sorter.runCount > 0
            try sorter.drain(into: output)
            try output.close()
            #expect(spilled == (budget == 1 << 12))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).allSatisfy { !$0.hasSuffix(".run") })
    }

    @Test("Stretches that mostly sort apart, as partitions do, are merged row for row as a full sort orders them")
    func partitionLikeStretches() throws {
        let scratch = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var generator = SplitMix(seed: 11)
        // Eight stretches of 3,000 rows, each in its own key range, except every 37th row, which falls in the
        // first range (a copy into another partition's folder), and runs of equal keys across stretches.
        var stretches: [[(key: String, row: String)]] = []
        for stretch in 0..<8 {
            stretches.append(
                (0..<3_000).map { index in
                    let range = index % 37 == 0 ? 0 : stretch
                    let key = "p\(range)-\(String(generator.next() % 500 + 1_000))"
                    return (key, "stretch \(stretch) row \(index) of \(key)\n")
                }
            )
        }
        let expected = Self.expectedOrder(stretches.flatMap { $0 })
        let sorter = RowSorter(scratch: scratch, name: "partitions", budget: 1 << 26)
        for stretch in stretches {
            for chunk in stride(from: 0, to: stretch.count, by: 250) {
                try Self.add(stretch[chunk..<(chunk + 250)], to: sorter)
            }
            sorter.sortAdded()
        }
        let path = scratch.appendingPathComponent("out").path
        let output = try OutputFile(path: path)
        try sorter.drain(into: output)
        try output.close()
        #expect(sorter.runCount == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test("Sort keys: a field sorts before longer fields it begins, zero bytes included; instants by time")
    func keys() {
        func key(_ fields: [String]) -> [UInt8] {
            var bytes: [UInt8] = []
            for field in fields { SortKey.append(field, to: &bytes) }
            return bytes
        }
        #expect(key(["a", "z"]).lexicographicallyPrecedes(key(["ab", "a"])))
        #expect(key(["a\u{0}", "z"]).lexicographicallyPrecedes(key(["a\u{0}b", "a"])))
        #expect(key(["a", "z"]).lexicographicallyPrecedes(key(["a\u{0}", "a"])))
        var early: [UInt8] = []
        var late: [UInt8] = []
        SortKey.append(Instant(milliseconds: -5), to: &early)
        SortKey.append(Instant(milliseconds: 3), to: &late)
        #expect(early.lexicographicallyPrecedes(late))
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
