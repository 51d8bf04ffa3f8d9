import EvidenceCrypto
import EvidenceLedger
import EvidenceModel
import Foundation
import Testing

@Suite("SHA-256 of files, rows and trees as verify computes them")
struct HashingTests {
    static func hex(_ bytes: [UInt8]) -> String { SHA256Digest(bytes: bytes).hex }

    /// A CSV file of a header and `rows` records of varying lengths, one with a quoted line break.
    static func csv(rows: Int) -> (bytes: [UInt8], records: [[UInt8]]) {
        var records: [[UInt8]] = []
        for index in 0..<rows {
            let padding = String(repeating: "x", count: (index * 37) % 300)
            let text = index % 1000 == 7 ? "\(index),\"two\nlines\",\(padding)" : "\(index),\(padding),end"
            records.append(Array(text.utf8))
        }
        let lines = [Array("id,note,padding".utf8)] + records
        return (Array(lines.map { $0 + [13, 10] }.joined()), records)
    }

    @Test("SHA256.digest of a prefix and two parts equals the hash of their concatenation; FIPS 180-2's 'abc'")
    func digestParts() {
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        let first = (0..<100).map { UInt8($0) }
        let second = (0..<70).map { UInt8(255 - $0) }
        for prefix in [nil, 0, 1] as [UInt8?] {
            var out = [UInt8](repeating: 0, count: 32)
            first.withUnsafeBytes { a in
                second.withUnsafeBytes { b in
                    out.withUnsafeMutableBytes { SHA256.digest(prefix: prefix, a, b, into: $0.baseAddress!) }
                }
            }
            #expect(out == SHA256.hash((prefix.map { [$0] } ?? []) + first + second).bytes)
        }
        var empty = [UInt8](repeating: 0, count: 32)
        empty.withUnsafeMutableBytes {
            SHA256.digest(prefix: nil, UnsafeRawBufferPointer(start: nil, count: 0), into: $0.baseAddress!)
        }
        #expect(Self.hex(empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("A CSV file's rows, header and Merkle root equal the reference tree, at powers of two and around them")
    func rootsAtSubtreeBoundaries() {
        for rows in [0, 1, 2, 3, 5, 7, 8, 9, 4095, 4096, 4097, 8193] {
            let (bytes, records) = Self.csv(rows: rows)
            let expected = Self.hex(Merkle.root(leaves: records.map { Merkle.leaf($0) }))
            let entry = FileDigest.entry(path: "reports/X.csv", bytes: bytes)
            #expect(entry.rows == rows)
            #expect(entry.merkleRoot == expected, "\(rows) rows")
            #expect(entry.headerSHA256 == SHA256.hash(Array("id,note,padding".utf8)).hex)
            #expect(entry.sha256 == SHA256.hash(bytes).hex)
            #expect(entry.bytes == bytes.count)
        }
    }

    @Test("Read in chunks of any size (records across chunks, quoted line breaks, longer records), as in memory")
    func chunkedReading() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = String(repeating: "y", count: 5000)
        let contents: [[UInt8]] = [
            Self.csv(rows: 1200).bytes,
            Array("h\r\n\"a\r\nb\",\"\"\"\"\r\n\r\n\n\(long)\r\nlast\"open\nstill".utf8),
            Array("h1,h2".utf8), Array("\n\n".utf8), Array("\r\n".utf8), Array("h\n\"\"\n\"x\n".utf8),
            [],
        ]
        for (index, bytes) in contents.enumerated() {
            let path = folder.appendingPathComponent("\(index).csv")
            try Data(bytes).write(to: path)
            let expected = FileDigest.entry(path: "reports/\(index).csv", bytes: bytes)
            let reference = CSVRecords.ranges(bytes).map { Array(bytes[$0]) }
            #expect(expected.rows == max(reference.count - 1, 0), "\(index)")
            #expect(
                expected.merkleRoot == Self.hex(Merkle.root(leaves: reference.dropFirst().map { Merkle.leaf($0) })),
                "\(index)"
            )
            for chunk in [1, 2, 3, 7, 64, 1000, 1 << 20] {
                let found = FileDigest.entries(of: [(path: "reports/\(index).csv", location: path.path)], chunk: chunk)
                #expect(found == [expected], "file \(index), chunks of \(chunk)")
            }
        }
    }

    @Test("Files on disk: the same entries as one file at a time, in order; an unreadable file is nil")
    func entriesOfFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hashing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let contents: [(String, [UInt8])] = [
            ("small.csv", Self.csv(rows: 3).bytes), ("large.csv", Self.csv(rows: 9000).bytes),
            ("empty.csv", []), ("inputs/scenario.json", Array("{\"a\":1}\n".utf8)),
            ("medium.csv", Self.csv(rows: 500).bytes),
        ]
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("inputs"),
            withIntermediateDirectories: true
        )
        for (path, bytes) in contents { try Data(bytes).write(to: folder.appendingPathComponent(path)) }
        let files = (contents.map(\.0) + ["absent.csv", "inputs"]).map {
            (path: $0, location: folder.appendingPathComponent($0).path)
        }
        let entries = FileDigest.entries(of: files)
        #expect(entries.count == files.count)
        for (index, (path, bytes)) in contents.enumerated() {
            #expect(entries[index] == FileDigest.entry(path: path, bytes: bytes), "\(path)")
        }
        #expect(entries[contents.count] == nil)
        #expect(entries[contents.count + 1] == nil)
        #expect(entries[3]?.rows == nil)
        #expect(entries[2]?.rows == 0)
    }

    @Test("The hashing mix counts what verify checks: file bytes, rows, a node per row but one, headers, seals")
    func hashingMix() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = Ledger(root: folder)
        let key = try Ed25519PrivateKey.generate()
        var month = try #require(Month("2028-03"))
        let shapes = [(5, 0), (4097, 1)]
        for (rows, otherRows) in shapes {
            try ledger.seal(
                SealRequest(
                    period: month,
                    files: [
                        "reports/A.csv": Self.csv(rows: rows).bytes, "reports/B.csv": Self.csv(rows: otherRows).bytes,
                        "reports/empty.csv": [], "inputs/scenario.json": Array("{}\n".utf8),
                    ],
                    dataAsOf: month.end,
                    chainID: "mix",
                    key: key,
                    generatorVersion: "test"
                )
            )
            month = month.next
        }
        let mix = try ledger.hashingMix()
        let report = try ledger.verify(VerifyOptions(expectedKeySHA256: try key.publicKey().fingerprint().hex))
        #expect(report.verdict == .verified)
        #expect(mix.fileBytes == report.bytesChecked)
        #expect(mix.rows == report.rowsChecked)
        #expect(mix.rows == 5 + 0 + 4097 + 1)
        #expect(mix.nodes == 4 + 4096)
        // Five files a month (the four, MANIFEST.json), three CSV headers, two empty trees a month, two seals.
        #expect(mix.files == 10)
        #expect(mix.leaves.values.reduce(0, +) == mix.rows)
        #expect(mix.messageCount == mix.files + 6 + mix.rows + mix.nodes + 3 + 2)
        #expect(mix.messages[65] ?? 0 >= mix.nodes)
        let longest = try #require(mix.leaves.keys.max())
        #expect(mix.leafLengths(atByteFractions: [0, 1]) == [mix.leaves.keys.min(), longest])
    }

    @Test("Unsealed files are found at any depth, hidden or dangling links too; directories and links to them are not")
    func unsealedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = Ledger(root: folder)
        let key = try Ed25519PrivateKey.generate()
        let month = try #require(Month("2028-03"))
        try ledger.seal(
            SealRequest(
                period: month,
                files: ["reports/A.csv": Self.csv(rows: 2).bytes, "inputs/x/scenario.json": Array("{}\n".utf8)],
                dataAsOf: month.end,
                chainID: "walk",
                key: key,
                generatorVersion: "test"
            )
        )
        let base = folder.appendingPathComponent("2028-03")
        let manager = FileManager.default
        try manager.createDirectory(at: base.appendingPathComponent("extra/deeper"), withIntermediateDirectories: true)
        try manager.createDirectory(at: base.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: base.appendingPathComponent("extra/deeper/notes.txt"))
        try Data("x".utf8).write(to: base.appendingPathComponent("inputs/.hidden"))
        try manager.createSymbolicLink(
            atPath: base.appendingPathComponent("linked").path,
            withDestinationPath: "inputs"
        )
        try manager.createSymbolicLink(
            atPath: base.appendingPathComponent("dangling").path,
            withDestinationPath: "nowhere"
        )
        let report = try ledger.verify(VerifyOptions(expectedKeySHA256: try key.publicKey().fingerprint().hex))
        let unsealed = report.findings.filter { $0.scope == .file }.map(\.subject)
        #expect(unsealed == ["2028-03/dangling", "2028-03/extra/deeper/notes.txt", "2028-03/inputs/.hidden"])
        #expect(report.verdict == .invalid)
    }

    @Test("Hashing cost: the measured times at their lengths, linear in blocks between them, proportional outside")
    func hashingCost() {
        // 65 bytes: 2 blocks at 100 MB/s; 1,000 bytes: 16 blocks at 800 MB/s; 16,384 bytes: 257 blocks at 1.6 GB/s.
        let cost = HashingCost(rates: [65: 100e6, 1000: 800e6, 16384: 1.6e9])
        #expect(HashingCost.blocks(0) == 1)
        #expect(HashingCost.blocks(55) == 1)
        #expect(HashingCost.blocks(56) == 2)
        #expect(HashingCost.blocks(65) == 2)
        #expect(abs(cost.seconds(length: 65) - 65 / 100e6) < 1e-15)
        #expect(abs(cost.seconds(length: 1000) - 1000 / 800e6) < 1e-15)
        // 9 blocks (530 bytes) is half way from 2 to 16 blocks.
        #expect(HashingCost.blocks(530) == 9)
        #expect(abs(cost.seconds(length: 530) - (65 / 100e6 + 1000 / 800e6) / 2) < 1e-15)
        #expect(abs(cost.seconds(length: 0) - 65 / 100e6 / 2) < 1e-15)
        // 1,028 blocks, four times 16,384 bytes' 257.
        #expect(abs(cost.seconds(length: 65_756) - 4 * 16384 / 1.6e9) < 1e-12)
        var mix = HashingMix()
        mix.messages = [65: 10, 1000: 2]
        #expect(abs(cost.seconds(mix) - (10 * 65 / 100e6 + 2 * 1000 / 800e6)) < 1e-15)
        #expect(mix.blocks == 10 * 2 + 2 * 16)
    }
}
