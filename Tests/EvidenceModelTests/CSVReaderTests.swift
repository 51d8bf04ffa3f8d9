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

    /// Every record the streaming form reads from `bytes` handed out `step` bytes at a time: fields, line, index;
    /// or the failure.
    static func streamed(_ bytes: [UInt8], chunkSize: Int, step: Int) -> Result<[[String]], CSVReader.Failure> {
        var offset = 0
        var out: [[String]] = []
        do {
            try CSVReader.forEachRecord(chunkSize: chunkSize) { buffer in
                let count = min(step, buffer.count, bytes.count - offset)
                for index in 0..<count { buffer[index] = bytes[offset + index] }
                offset += count
                return count
            } _: { record in
                out.append([String(record.line), String(record.index)] + (0..<record.count).map { record.string($0) })
            }
        } catch let failure as CSVReader.Failure {
            return .failure(failure)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return .success(out)
    }

    /// The same, read by the in-memory form.
    static func whole(_ bytes: [UInt8]) -> Result<[[String]], CSVReader.Failure> {
        var out: [[String]] = []
        do {
            try bytes.withUnsafeBytes { buffer in
                try CSVReader.forEachRecord(in: buffer) { record in
                    out.append(
                        [String(record.line), String(record.index)] + (0..<record.count).map { record.string($0) }
                    )
                }
            }
        } catch let failure as CSVReader.Failure {
            return .failure(failure)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return .success(out)
    }

    @Test("The streaming form reads what the in-memory form reads, whatever the chunks, records across them included")
    func streaming() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let alphabet = Array("ab,\"\n\r".utf8)
        for round in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 57)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 61) % alphabet.count])
            }
            let chunkSize = 1 + round % 70
            let step = 1 + (round / 7) % 13
            #expect(Self.streamed(bytes, chunkSize: chunkSize, step: step) == Self.whole(bytes), "\(bytes)")
        }
        let text = Array("h,i\n\"one\ntwo\",x\nlast,\"a\"\"b\"".utf8)
        #expect(
            Self.streamed(text, chunkSize: 4, step: 3)
                == .success([["1", "0", "h", "i"], ["2", "1", "one\ntwo", "x"], ["4", "2", "last", "a\"b"]])
        )
        #expect(Self.streamed([], chunkSize: 8, step: 8) == .success([]))
    }
}
