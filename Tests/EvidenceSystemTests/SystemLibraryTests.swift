import EvidenceCompression
import EvidenceCrypto
import EvidenceSQLite
import Testing

@Suite("System library wrappers")
struct SystemLibraryTests {
    @Test("SHA-256 of known vectors (FIPS 180-2)")
    func sha256Vectors() {
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        let hasher = SHA256Hasher()
        hasher.update(Array("ab".utf8))
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize() == SHA256.hash(Array("abc".utf8)))
    }

    @Test("Gzip round trip, multi-member files and corrupt input")
    func gzipRoundTrip() throws {
        let text = Array(String(repeating: "backup evidence ", count: 1000).utf8)
        let packed = Gzip.compress(text)
        #expect(packed.count < text.count)
        #expect(try Gzip.decompress(packed) == text)
        #expect(try Gzip.decompress(packed + packed) == text + text)
        #expect(throws: CompressionError.truncatedInput) { try Gzip.decompress(Array(packed.prefix(20))) }
        #expect(throws: CompressionError.outputLimitExceeded(limit: 100)) { try Gzip.decompress(packed, limit: 100) }
        #expect(throws: CompressionError.corruptInput("incorrect header check")) {
            try Gzip.decompress(Array("not gzip at all".utf8))
        }
    }

    @Test("GzipInflater inflates pieces of any size as one-shot decompression does, and stops at its limit")
    func gzipInflater() throws {
        let text = Array(String(repeating: "backup evidence ", count: 50_000).utf8)
        let packed = Gzip.compress(text) + Gzip.compress(text)
        for size in [1, 7, 4096, packed.count] {
            let inflater = GzipInflater(limit: 1 << 30)
            var output: [UInt8] = []
            var start = 0
            while start < packed.count {
                let end = min(start + size, packed.count)
                try inflater.inflate(Array(packed[start..<end])) { output.append(contentsOf: $0) }
                start = end
            }
            try inflater.finish()
            #expect(output == text + text, "pieces of \(size) bytes")
            #expect(inflater.total == 2 * text.count)
        }
        let truncated = GzipInflater(limit: 1 << 30)
        try truncated.inflate(Array(packed.prefix(packed.count / 4))) { _ in }
        #expect(throws: CompressionError.truncatedInput) { try truncated.finish() }
        #expect(throws: CompressionError.truncatedInput) { try GzipInflater(limit: 10).finish() }
        // The limit stops inflation as soon as the output passes it: a bomb never inflates whole.
        let limited = GzipInflater(limit: 100_000)
        var seen = 0
        #expect(throws: CompressionError.outputLimitExceeded(limit: 100_000)) {
            try limited.inflate(packed) { seen += $0.count }
        }
        #expect(seen <= 100_000)
        #expect(throws: CompressionError.corruptInput("incorrect header check")) {
            try GzipInflater(limit: 10).inflate(Array("not gzip at all".utf8)) { _ in }
        }
    }

    @Test("SQLite runs statements, binds values and reports errors with the SQL")
    func sqliteBasics() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT) STRICT")
        try db.execute("INSERT INTO t VALUES (?, ?)", [.integer(7), .text("seven")])
        #expect(try db.execute("SELECT a, b FROM t") == [[.integer(7), .text("seven")]])
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t VALUES (?, ?)", [.text("x"), .text("y")]) }
    }

    @Test("A prepared statement runs many times, each with its own bindings; a failed run leaves it usable")
    func sqlitePrepared() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT) STRICT")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?)")
        try insert.run([.integer(1), .text("one")])
        #expect(throws: SQLiteError.self) { try insert.run([.text("x"), .text("y")]) }
        try insert.run([.integer(2)])
        let (columns, rows) = try db.query("SELECT a, b FROM t ORDER BY a")
        #expect(columns == ["a", "b"])
        #expect(rows == [[.integer(1), .text("one")], [.integer(2), .null]])
    }
}
