import EvidenceModel
import Testing

@Suite("Printable: values escaped so output stays one line per finding")
struct PrintableTests {
    @Test("Every control character, DEL, C1 controls and bidirectional overrides become \\xNN; printable text stays")
    func value() {
        for byte in Array(0...0x1F) + [0x7F] {
            let hex = String(byte, radix: 16)
            let expected = "a\\x" + (hex.count == 1 ? "0" + hex : hex) + "b"
            #expect(Printable.value("a\(String(UnicodeScalar(UInt8(byte))))b") == expected)
        }
        #expect(Printable.value("a\u{85}b\u{202E}c\u{2028}d") == "a\\xc2\\x85b\\xe2\\x80\\xaec\\xe2\\x80\\xa8d")
        #expect(Printable.value("reports/é ü 日本 ✓.csv") == "reports/é ü 日本 ✓.csv")
        #expect(Printable.value("a\\x1b") == "a\\\\x1b")
        #expect(Printable.value("\r\n") == "\\x0d\\x0a")
    }

    @Test("A line escaped again is unchanged: backslashes are kept, controls escaped")
    func line() {
        let once = Printable.line("error: a\u{1B}[8mb\\c\n")
        #expect(once == "error: a\\x1b[8mb\\c\\x0a")
        #expect(Printable.line(once) == once)
        #expect(Printable.line(Printable.value("x\u{7}\\y")) == Printable.value("x\u{7}\\y"))
    }

    @Test("JSON strings escape every control and non-printing character as \\uXXXX")
    func json() {
        #expect(Printable.json("a\"b\\c\n\r\t") == "\"a\\\"b\\\\c\\n\\r\\t\"")
        #expect(Printable.json("\u{0}\u{1B}\u{7F}\u{85}\u{202E}") == "\"\\u0000\\u001b\\u007f\\u0085\\u202e\"")
        #expect(Printable.json("\u{F0000}") == "\"\\udb80\\udc00\"")
        #expect(Printable.json("日本 ✓") == "\"日本 ✓\"")
    }
}
