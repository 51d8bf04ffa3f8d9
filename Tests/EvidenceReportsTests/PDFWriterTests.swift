import EvidenceCompression
import EvidenceModel
import EvidenceReports
import EvidenceTestSupport
import Foundation
import Testing

@Suite("PDF writer")
struct PDFWriterTests {
    static func ascii(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func sample() -> PDFDocument {
        PDFDocument(
            title: "Sample (1)",
            pages: [
                PDFPage(
                    runs: [
                        PDFTextRun(font: .helveticaBold, size: 12, x: 36, y: 800, text: "Heading (one) \\ done"),
                        PDFTextRun(font: .courier, size: 8, x: 36, y: 780, text: "caf\u{E9} costs 5\u{20AC}"),
                    ],
                    rules: [PDFRule(x1: 36, y1: 790, x2: 559, y2: 790)]
                ),
                PDFPage(runs: [PDFTextRun(font: .helvetica, size: 10, x: 36, y: 800, text: "second page")]),
            ]
        )
    }

    @Test("Literal strings escape parentheses and backslashes and write other bytes as octal")
    func escaping() {
        #expect(Self.ascii(PDFText.literal("a(b)c\\d")) == "(a\\(b\\)c\\\\d)")
        #expect(Self.ascii(PDFText.literal("\u{E9}\u{20AC}\u{2014}")) == "(\\351\\200\\227)")
        #expect(PDFText.winAnsi("\u{6F22}\tx\n") == [0x3F, 0x20, 0x78, 0x20])
        #expect(PDFText.number(1.5) == "1.5")
        #expect(PDFText.number(2) == "2")
        #expect(PDFText.number(0.05) == "0.05")
        #expect(PDFText.number(-3.25) == "-3.25")
        #expect(PDFText.number(841.89) == "841.89")
    }

    @Test("Widths are the AFM widths; wrapped lines fit and lose no text")
    func widths() {
        // H 722 + e 556 + l 222 + l 222 + o 556 (Helvetica.afm).
        #expect(PDFFont.helvetica.width(of: "Hello", size: 10) == 22.78)
        // H 722 + e 556 + l 278 + l 278 + o 611 (Helvetica-Bold.afm).
        #expect(PDFFont.helveticaBold.width(of: "Hello", size: 10) == 24.45)
        #expect(PDFFont.courier.width(of: "any text", size: 10) == 48)
        let text =
            "recovery point arn:aws:backup:us-east-1:222233334444:recovery-point:0123456789abcdef0123456789 is kept"
        for font in PDFFont.allCases {
            let lines = PDFFlow.wrap(text, font: font, size: 8, width: 120)
            #expect(lines.count > 1)
            #expect(lines.allSatisfy { font.width(of: $0, size: 8) <= 120 })
            #expect(
                lines.joined().replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: "")
            )
        }
    }

    @Test("Header, objects, cross-reference offsets and trailer are consistent; no dates, no /ID")
    func structure() throws {
        let bytes = Self.sample().bytes()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4\n%"))
        #expect(text.hasSuffix("%%EOF\n"))
        #expect(!text.contains("CreationDate") && !text.contains("ModDate") && !text.contains("/ID"))
        // startxref points at the table; every in-use entry points at "<n> 0 obj".
        let tail = try #require(text.range(of: "startxref\n", options: .backwards))
        let xrefOffset = try #require(Int(text[tail.upperBound...].prefix { $0.isNumber }))
        let xref = Array(bytes[xrefOffset...])
        let lines = Self.ascii(xref).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "xref")
        let header = lines[1].split(separator: " ")
        let count = try #require(Int(header[1]))
        #expect(count == 1 + 2 + 3 + 1 + 2 * 2)  // free entry, catalog, pages, fonts, info, page + stream each
        #expect(lines[2] == "0000000000 65535 f ")
        for number in 1..<count {
            let entry = lines[2 + number]
            #expect(entry.count == 19)  // 20 bytes with the line feed
            #expect(entry.hasSuffix(" 00000 n "))
            let offset = try #require(Int(entry.prefix(10)))
            #expect(Self.ascii(Array(bytes[offset..<(offset + 12)])).hasPrefix("\(number) 0 obj\n"))
        }
        #expect(text.contains("trailer\n<< /Size \(count) /Root 1 0 R /Info 6 0 R >>"))
        #expect(text.contains("/Type /Pages /Kids [7 0 R 9 0 R] /Count 2"))
        #expect(text.contains("/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding"))
        #expect(text.contains("/Filter /FlateDecode"))
        // Each stream's /Length is the number of bytes between "stream\n" and "\nendstream" (searched as bytes:
        // the streams are binary).
        var search = 0
        var streams = 0
        while let length = Self.find("/Length ", in: bytes, from: search) {
            let digits = bytes[(length + 8)...].prefix { $0 >= 0x30 && $0 <= 0x39 }
            let value = try #require(Int(Self.ascii(Array(digits))))
            let start = try #require(Self.find("stream\n", in: bytes, from: length)) + 7
            #expect(Self.ascii(Array(bytes[(start + value)..<(start + value + 10)])) == "\nendstream")
            search = start + value
            streams += 1
        }
        #expect(streams == 2)
    }

    static func find(_ pattern: String, in bytes: [UInt8], from start: Int) -> Int? {
        let needle = Array(pattern.utf8)
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count)
        where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    @Test("The content stream places runs with Tf, Tm and escaped Tj operands")
    func contentStream() {
        let stream = Self.ascii(Self.sample().pages[0].contentStream())
        #expect(
            stream
                == "0.5 w 36 790 m 559 790 l S\nBT\n/F2 12 Tf\n1 0 0 1 36 800 Tm (Heading \\(one\\) \\\\ done) Tj\n"
                + "/F3 8 Tf\n1 0 0 1 36 780 Tm (caf\\351 costs 5\\200) Tj\nET\n"
        )
    }

    @Test("qpdf finds no error and pdftotext reads the text back, escapes and WinAnsi characters included")
    func realReaders() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("sample.pdf").path
        try Data(Self.sample().bytes()).write(to: URL(fileURLWithPath: path))
        let check = try Tools.run("qpdf", ["--check", path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors found"))
        let pages = try Tools.pdfPages(path)
        #expect(pages.count == 2)
        #expect(pages[0].contains("Heading (one) \\ done"))
        #expect(pages[0].contains("caf\u{E9} costs 5\u{20AC}"))
        #expect(pages[1].contains("second page"))
    }

    @Test("The same pages give the same bytes")
    func byteStable() {
        #expect(Self.sample().bytes() == Self.sample().bytes())
    }
}

@Suite("Compliance report rendering")
struct ComplianceReportRenderTests {
    @Test("Rendering the same reports twice gives the same bytes; the previous seal changes them")
    func byteStable() throws {
        let set = try ReportsTests.reports(RepositoryPaths.scenario("untagged-neptune"))
        let month = try #require(Month("2028-03"))
        let first = ChainPosition(month: month, chainID: "untagged-neptune", previousSeal: nil)
        let a = try ComplianceReport.render(reports: set.files, position: first)
        let b = try ComplianceReport.render(reports: set.files, position: first)
        #expect(a == b)
        let linked = ChainPosition(
            month: month,
            chainID: "untagged-neptune",
            previousSeal: String(repeating: "ab", count: 32)
        )
        #expect(try ComplianceReport.render(reports: set.files, position: linked) != a)
    }

    @Test(
        "Rendered from the reports folder, read row by row, the PDF is the sealed one, byte for byte",
        arguments: ["2028-03", "2028-04"]
    )
    func fromFolder(month: String) throws {
        let folder = RepositoryPaths.golden.appendingPathComponent("org-estate/\(month)/reports")
        let sealed = [UInt8](try Data(contentsOf: folder.appendingPathComponent(ComplianceReport.fileName)))
        var files: [String: [UInt8]] = [:]
        for template in ReportTemplate.allCases {
            files[template.fileName] = [UInt8](try Data(contentsOf: folder.appendingPathComponent(template.fileName)))
        }
        let manifest = try Data(contentsOf: folder.deletingLastPathComponent().appendingPathComponent("MANIFEST.json"))
        let fields = try JSONSerialization.jsonObject(with: manifest) as? [String: Any]
        let previous = fields?["prev_seal_sha256"] as? String
        #expect((previous == nil) == (month == "2028-03"))
        let position = ChainPosition(month: try #require(Month(month)), chainID: "org-estate", previousSeal: previous)
        let streamed = try ComplianceReport.render(reportsFolder: folder, position: position)
        #expect(PDFDocument.sameContent(streamed, sealed))
        #expect(streamed == (try ComplianceReport.render(reports: files, position: position)))
    }

    @Test("A report missing from the folder, or bad CSV in it, is an error naming the file and line")
    func folderErrors() throws {
        let set = try ReportsTests.reports(RepositoryPaths.scenario("untagged-neptune"))
        let position = ChainPosition(month: try #require(Month("2028-03")), chainID: "c", previousSeal: nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, bytes) in set.files where name != "COPY_JOB_REPORT.csv" {
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
        let copies = folder.appendingPathComponent("COPY_JOB_REPORT.csv").path
        #expect(throws: ComplianceReportError("\(copies): missing; the PDF is built from the month's reports")) {
            try ComplianceReport.render(reportsFolder: folder, position: position)
        }
        try Data(set.files["COPY_JOB_REPORT.csv"] ?? []).write(to: folder.appendingPathComponent("COPY_JOB_REPORT.csv"))
        #expect(
            try ComplianceReport.render(reportsFolder: folder, position: position)
                == ComplianceReport.render(reports: set.files, position: position)
        )
        let restores = folder.appendingPathComponent("RESTORE_JOB_REPORT.csv")
        try Data((set.files["RESTORE_JOB_REPORT.csv"] ?? []) + Array("\"open,\n".utf8)).write(to: restores)
        #expect(throws: ComplianceReportError.self) {
            try ComplianceReport.render(reportsFolder: folder, position: position)
        }
        do {
            _ = try ComplianceReport.render(reportsFolder: folder, position: position)
        } catch {
            #expect(error.description.hasPrefix("\(restores.path): line "), "\(error)")
            #expect(error.description.hasSuffix("a quoted field is not closed; the file may be truncated"))
        }
    }

    @Test("A missing report or column is an error naming it")
    func missingInput() throws {
        let set = try ReportsTests.reports(RepositoryPaths.scenario("untagged-neptune"))
        let position = ChainPosition(month: try #require(Month("2028-03")), chainID: "c", previousSeal: nil)
        var files = set.files
        files["COPY_JOB_REPORT.csv"] = nil
        #expect(
            throws: ComplianceReportError("COPY_JOB_REPORT.csv: missing; the PDF is built from the month's reports")
        ) {
            try ComplianceReport.render(reports: files, position: position)
        }
        files = set.files
        files["RESTORE_JOB_REPORT.csv"] = Array("Account ID,Region\n".utf8)
        #expect(throws: ComplianceReportError("RESTORE_JOB_REPORT.csv: no column 'Resource Type' in the header")) {
            try ComplianceReport.render(reports: files, position: position)
        }
    }
}

@Suite("PDF content comparison")
struct PDFContentTests {
    @Test("Streams deflated differently hold the same content; other text or a damaged stream does not")
    func sameContent() {
        let document = PDFWriterTests.sample()
        let best = document.bytes()
        let fast = document.bytes(compressionLevel: 1)
        #expect(best != fast)
        #expect(PDFDocument.sameContent(best, fast))
        var other = document
        other.pages[1].runs[0].text = "second page!"
        #expect(!PDFDocument.sameContent(best, other.bytes()))
        var damaged = best
        if let stream = PDFWriterTests.ascii(best).range(of: "stream\n") {
            let offset = PDFWriterTests.ascii(best).utf8.distance(
                from: PDFWriterTests.ascii(best).startIndex,
                to: stream.upperBound
            )
            damaged[offset + 3] ^= 0xFF
        }
        #expect(!PDFDocument.sameContent(best, damaged))
        #expect(!PDFDocument.sameContent(best, Array("not a pdf".utf8)))
    }

    @Test("An incremental update after %%EOF, or a stream hiding a second zlib stream, is not the same content")
    func tampering() throws {
        let best = PDFWriterTests.sample().bytes()
        // An update appended after the end replaces what a reader shows; the file is no longer this writer's.
        let update = Array(
            "8 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\nxref\n0 1\ntrailer\n<< >>\n%%EOF\n".utf8
        )
        #expect(!PDFDocument.sameContent(best, best + update))
        #expect(!PDFDocument.sameContent(best, best + [10]))

        // The first page's stream rewritten as two zlib streams: readers decode only the first.
        let key = Array("<< /Length ".utf8)
        let head = Array(" /Filter /FlateDecode >>\nstream\n".utf8)
        let at = try #require((0..<best.count).first { best[$0...].starts(with: key) })
        let digits = best[(at + key.count)...].prefix { (48...57).contains($0) }
        let length = try #require(Int(String(decoding: digits, as: UTF8.self)))
        let dataStart = at + key.count + digits.count + head.count
        let content = try Gzip.zlibDecompress(Array(best[dataStart..<(dataStart + length)]))
        let split =
            Gzip.zlibCompress(Array(content.prefix(content.count / 3)))
            + Gzip.zlibCompress(Array(content.dropFirst(content.count / 3)))
        let forged =
            Array(best[..<(at + key.count)]) + Array(String(split.count).utf8) + head + split
            + Array(best[(dataStart + length)...])
        #expect(!PDFDocument.sameContent(best, forged))
        #expect(throws: CompressionError.self) { try Gzip.zlibDecompress(split) }
    }
}
