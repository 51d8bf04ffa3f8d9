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

    @Test("Shapes come first, each in its own graphics state: fill, stroke, both, and hatching clipped to the shape")
    func shapes() throws {
        let page = PDFPage(
            runs: [PDFTextRun(font: .helvetica, size: 8, x: 36, y: 700, text: "bars")],
            shapes: [
                .rectangle(x: 36, y: 710, width: 5, height: 4, fill: PDFColor(0.8, 0.15, 0.15), hatch: .white),
                PDFShape(
                    points: [PDFPoint(50, 710), PDFPoint(54, 710), PDFPoint(52, 714)],
                    fill: PDFColor(0.93, 0.6, 0.05),
                    stroke: .black,
                    lineWidth: 0.3
                ),
                PDFShape(points: [PDFPoint(60, 710), PDFPoint(64, 714)], closed: false, stroke: .black),
            ]
        )
        #expect(
            Self.ascii(page.contentStream())
                == "q 0.5 w 0.8 0.15 0.15 rg 36 710 m 41 710 l 41 714 l 36 714 l h f 36 710 m 41 710 l 41 714 l "
                + "36 714 l h W n 1 1 1 RG 0.6 w 32 710 m 36 714 l 34.5 710 m 38.5 714 l 37 710 m 41 714 l "
                + "39.5 710 m 43.5 714 l S Q\n"
                + "q 0.3 w 0.93 0.6 0.05 rg 0 0 0 RG 50 710 m 54 710 l 52 714 l h B Q\n"
                + "q 0.5 w 0 0 0 RG 60 710 m 64 714 l S Q\n"
                + "BT\n/F1 8 Tf\n1 0 0 1 36 700 Tm (bars) Tj\nET\n"
        )
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("shapes.pdf").path
        try Data(PDFDocument(title: "Shapes", pages: [page]).bytes()).write(to: URL(fileURLWithPath: path))
        let check = try Tools.run("qpdf", ["--check", path])
        #expect(check.status == 0, "\(check.output)")
        #expect(try Tools.pdfPages(path).first?.contains("bars") == true)
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

    /// The inflated content streams of a PDF this writer made, page by page.
    static func contentStreams(_ pdf: [UInt8]) throws -> [String] {
        let head = Array("<< /Length ".utf8)
        let marker = Array(" /Filter /FlateDecode >>\nstream\n".utf8)
        var out: [String] = []
        var index = 0
        while index + head.count <= pdf.count {
            guard pdf[index..<(index + head.count)].elementsEqual(head) else {
                index += 1
                continue
            }
            var cursor = index + head.count
            var length = 0
            while cursor < pdf.count, (48...57).contains(pdf[cursor]) {
                length = length * 10 + Int(pdf[cursor] - 48)
                cursor += 1
            }
            guard pdf[cursor..<min(pdf.count, cursor + marker.count)].elementsEqual(marker) else {
                index = cursor
                continue
            }
            let start = cursor + marker.count
            out.append(String(decoding: try Gzip.zlibDecompress(Array(pdf[start..<(start + length)])), as: UTF8.self))
            index = start + length
        }
        return out
    }

    @Test("A strip has one mark per expected window, each outcome its own shape; on-time resources get none")
    func stripMarks() throws {
        let set = try ReportsTests.reports(RepositoryPaths.scenario("untagged-neptune"))
        var files = set.files
        var lines = String(decoding: files["BACKUP_WINDOW_REPORT.csv"] ?? [], as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The first resource's windows 2 to 6 become one of each outcome but on time (two not completed).
        for (line, outcome) in zip(2...6, ["LATE", "MISSED", "RETENTION_SHORT", "FAILED", "EXPIRED"]) {
            lines[line] = lines[line].replacingOccurrences(of: ",ON_TIME,", with: ",\(outcome),")
        }
        files["BACKUP_WINDOW_REPORT.csv"] = Array(lines.joined(separator: "\n").utf8)
        let arn = String(lines[1].split(separator: ",")[3])
        let windows = lines.filter { $0.split(separator: ",").count > 3 && $0.split(separator: ",")[3] == arn }.count
        let position = ChainPosition(month: try #require(Month("2028-03")), chainID: "c", previousSeal: nil)
        let content = try Self.contentStreams(try ComplianceReport.render(reports: files, position: position))
            .joined()
        func count(_ operators: String) -> Int { content.components(separatedBy: operators).count - 1 }
        // Each legend holds one mark of each outcome; the chart's legend and bars use the compliant colour too.
        #expect(count("0.93 0.6 0.05 rg") == 1 + 1, "late: filled triangle")
        #expect(count("1.1 w 0 0 0 RG") == 0)
        #expect(count("q 1.1 w 0.8 0.15 0.15 RG") == 2 * (1 + 1), "missed: a cross of two strokes")
        #expect(count("q 0.9 w 0.15 0.4 0.8 RG") == 1 + 1, "short retention: hollow square")
        #expect(count("0.5 0.15 0.6 rg") == 1 + 2, "not completed: filled diamond")
        let onTimeMarks = content.components(separatedBy: "q 0.5 w 0.2 0.6 0.3 rg ").dropFirst().filter { shape in
            // `x y m x+3.2 y l ...`: a square 3.2 points wide.
            let tokens = shape.split(separator: " ").prefix(4)
            guard tokens.count == 4, let left = Double(tokens[0]), let right = Double(tokens[3]) else { return false }
            return abs(right - left - 3.2) < 0.001
        }
        #expect(onTimeMarks.count == 1 + windows - 5, "on time: a small filled square per window")
    }

    @Test("Window rows out of the report's order are refused with their line")
    func windowOrder() throws {
        let set = try ReportsTests.reports(RepositoryPaths.scenario("untagged-neptune"))
        var files = set.files
        var lines = String(decoding: files["BACKUP_WINDOW_REPORT.csv"] ?? [], as: UTF8.self)
            .split(separator: "\n").map(String.init)
        let last = lines.removeLast()
        lines.insert(last, at: 1)
        files["BACKUP_WINDOW_REPORT.csv"] = Array((lines.joined(separator: "\n") + "\n").utf8)
        let position = ChainPosition(month: try #require(Month("2028-03")), chainID: "c", previousSeal: nil)
        #expect(
            throws: ComplianceReportError(
                "BACKUP_WINDOW_REPORT.csv: line 3: rows are not in the report's order (account, Region, resource ARN, "
                    + "scheduled time)"
            )
        ) {
            try ComplianceReport.render(reports: files, position: position)
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
