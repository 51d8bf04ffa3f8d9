import EvidenceModel
import Testing

@Suite("The RFC 4180 CSV reader")
struct CSVReaderTests {
    static func records(_ text: String) throws -> [[String]] { try CSVReader.records(Array(text.utf8)) }

    static func failure(_ text: String) -> CSVReader.Failure? {
        do {
            _ = try CSVReader.records(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// The ledger's record scan as it was before the reader was shared: quote parity per line, `memchr`-free.
    static func parityRecords(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var quoted = false
        for (index, byte) in bytes.enumerated() {
            if byte == 34 { quoted.toggle() }
            guard byte == 10, !quoted else { continue }
            var end = index
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            out.append(start..<end)
            start = index + 1
        }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }

    @Test("Quoted fields hold commas; empty fields, a trailing comma and an empty last field count")
    func quoting() throws {
        #expect(try Self.records("a,\"b,c\",d\n") == [["a", "b,c", "d"]])
        #expect(try Self.records(",x,\n\"\",\"\"\n") == [["", "x", ""], ["", ""]])
        #expect(try Self.records("a,b") == [["a", "b"]])
        #expect(try Self.records("a\n\nb\n") == [["a"], [""], ["b"]])
        #expect(try Self.records("") == [])
    }

    @Test("Line breaks inside quotes belong to the field; CRLF and LF both end records; a lone CR is data")
    func lineBreaks() throws {
        #expect(try Self.records("\"x\r\ny\",z\r\n\"p\nq\",r\n") == [["x\r\ny", "z"], ["p\nq", "r"]])
        #expect(try Self.records("a\rb,c\r\n") == [["a\rb", "c"]])
        #expect(try Self.records("a,b\r") == [["a", "b\r"]])
        let text = Array("h\n\"one\ntwo\",x\nlast\n".utf8)
        var lines: [Int] = []
        var indexes: [Int] = []
        try text.withUnsafeBytes { buffer in
            try CSVReader.forEachRecord(in: buffer) { record in
                lines.append(record.line)
                indexes.append(record.index)
            }
        }
        #expect(lines == [1, 2, 4])
        #expect(indexes == [0, 1, 2])
    }

    @Test("Doubled quotes stand for one; such fields are rebuilt, the others are slices of the input")
    func doubledQuotes() throws {
        #expect(try Self.records("\"say \"\"hi\"\"\",\"\"\"\"\n") == [["say \"hi\"", "\""]])
        let text = Array("plain,\"a\"\"b\"\n".utf8)
        try text.withUnsafeBytes { buffer in
            try CSVReader.forEachRecord(in: buffer) { record in
                #expect(!record.isEscaped(0) && record.isEscaped(1))
                record.withBytes(0) { #expect($0.baseAddress == buffer.baseAddress) }
                record.withBytes(1) { #expect(Array($0) == Array("a\"b".utf8)) }
            }
        }
    }

    @Test("Bad input is refused with the line where it goes wrong")
    func badInput() {
        #expect(Self.failure("a,b\n\"x\"y,z\n") == CSVReader.Failure(line: 2, message: "text after a closing quote"))
        #expect(
            Self.failure("h\n\"a\nb\",c\n\"d\ne\"f\n")
                == CSVReader.Failure(line: 5, message: "text after a closing quote")
        )
        #expect(
            Self.failure("h\nok\n\"open\nstill open")
                == CSVReader.Failure(line: 4, message: "a quoted field is not closed; the file may be truncated")
        )
        #expect(Self.failure("h\nab\"c\"d\n")?.line == 2)
        #expect(Self.failure("h\nab\"c\"d\n")?.message.hasPrefix("a quote inside an unquoted field") == true)
        #expect(Self.failure("a,\"b\",\"c\" \n")?.description == "line 1: text after a closing quote")
    }

    @Test("Record boundaries are quote parity, for any bytes: the ledger's rows, well-formed or not")
    func recordBoundaries() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("a,\"\n\r".utf8)
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 61) % alphabet.count])
            }
            #expect(CSVReader.recordRanges(bytes) == Self.parityRecords(bytes), "\(bytes)")
            // Where the fields are well formed, the strict split agrees with the boundaries.
            if let records = try? CSVReader.records(bytes) {
                #expect(records.count == Self.parityRecords(bytes).count, "\(bytes)")
            }
        }
    }
}
