internal import EvidenceCompression
internal import EvidenceModel

/// One line of text on a page: a font, a size and a baseline origin, in points from the bottom left.
public struct PDFTextRun: Hashable, Sendable {
    public var font: PDFFont
    public var size: Double
    public var x: Double
    public var y: Double
    public var text: String

    public init(font: PDFFont, size: Double, x: Double, y: Double, text: String) {
        self.font = font
        self.size = size
        self.x = x
        self.y = y
        self.text = text
    }
}

/// A straight line stroked on a page, in points from the bottom left.
public struct PDFRule: Hashable, Sendable {
    public var x1: Double
    public var y1: Double
    public var x2: Double
    public var y2: Double
    public var width: Double

    public init(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.width = width
    }
}

/// A colour in DeviceRGB, each component from 0 to 1.
public struct PDFColor: Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = PDFColor(0, 0, 0)
    public static let white = PDFColor(1, 1, 1)

    var components: String { "\(PDFText.number(red)) \(PDFText.number(green)) \(PDFText.number(blue))" }
}

/// A point on a page, or inside a line of a ``PDFFlow``, in points.
public struct PDFPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A vector shape: a polygon (closed) or a polyline, filled, stroked, or both, and optionally hatched.
///
/// Hatching draws thin diagonal lines inside the shape (clipped to it), so a filled area also reads in greyscale
/// or to a reader who cannot tell its colour from another's.
public struct PDFShape: Hashable, Sendable {
    public var points: [PDFPoint]
    public var closed: Bool
    public var fill: PDFColor?
    public var stroke: PDFColor?
    public var lineWidth: Double
    /// The colour of diagonal hatching inside a closed shape; nil for none.
    public var hatch: PDFColor?

    public init(
        points: [PDFPoint],
        closed: Bool = true,
        fill: PDFColor? = nil,
        stroke: PDFColor? = nil,
        lineWidth: Double = 0.5,
        hatch: PDFColor? = nil
    ) {
        self.points = points
        self.closed = closed
        self.fill = fill
        self.stroke = stroke
        self.lineWidth = lineWidth
        self.hatch = hatch
    }

    /// A rectangle from its lower left corner.
    public static func rectangle(
        x: Double,
        y: Double,
        width: Double,
        height: Double,
        fill: PDFColor? = nil,
        stroke: PDFColor? = nil,
        lineWidth: Double = 0.5,
        hatch: PDFColor? = nil
    ) -> PDFShape {
        PDFShape(
            points: [PDFPoint(x, y), PDFPoint(x + width, y), PDFPoint(x + width, y + height), PDFPoint(x, y + height)],
            fill: fill,
            stroke: stroke,
            lineWidth: lineWidth,
            hatch: hatch
        )
    }

    /// The shape moved by `dx`, `dy`.
    public func offset(_ dx: Double, _ dy: Double) -> PDFShape {
        var moved = self
        moved.points = points.map { PDFPoint($0.x + dx, $0.y + dy) }
        return moved
    }

    /// The shape's operators, in a saved graphics state of its own.
    func operators() -> String {
        guard let first = points.first else { return "" }
        let n = PDFText.number
        var path = "\(n(first.x)) \(n(first.y)) m"
        for point in points.dropFirst() { path += " \(n(point.x)) \(n(point.y)) l" }
        if closed { path += " h" }
        var out = "q \(n(lineWidth)) w"
        if let fill { out += " \(fill.components) rg" }
        if let stroke { out += " \(stroke.components) RG" }
        let paint: String
        switch (fill != nil && closed, stroke != nil) {
        case (true, true): paint = "B"
        case (true, false): paint = "f"
        case (false, true): paint = "S"
        case (false, false): paint = "n"
        }
        out += " \(path) \(paint)"
        if let hatch, closed {
            let xs = points.map(\.x)
            let ys = points.map(\.y)
            let (left, right, bottom, top) = (xs.min() ?? 0, xs.max() ?? 0, ys.min() ?? 0, ys.max() ?? 0)
            let height = top - bottom
            out += " \(path) W n \(hatch.components) RG 0.6 w"
            var x = left - height
            while x < right {
                out += " \(n(x)) \(n(bottom)) m \(n(x + height)) \(n(top)) l"
                x += 2.5
            }
            out += " S"
        }
        return out + " Q\n"
    }
}

/// One page: its shapes, rules and text runs, drawn in that order.
public struct PDFPage: Hashable, Sendable {
    public var runs: [PDFTextRun] = []
    public var rules: [PDFRule] = []
    public var shapes: [PDFShape] = []

    public init(runs: [PDFTextRun] = [], rules: [PDFRule] = [], shapes: [PDFShape] = []) {
        self.runs = runs
        self.rules = rules
        self.shapes = shapes
    }

    /// The page's content stream, uncompressed: shapes first, then rules, then one text object holding every run.
    public func contentStream() -> [UInt8] {
        var out: [UInt8] = []
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        for shape in shapes { put(shape.operators()) }
        for rule in rules {
            put(
                "\(PDFText.number(rule.width)) w \(PDFText.number(rule.x1)) \(PDFText.number(rule.y1)) m "
                    + "\(PDFText.number(rule.x2)) \(PDFText.number(rule.y2)) l S\n"
            )
        }
        guard !runs.isEmpty else { return out }
        put("BT\n")
        var current: (PDFFont, Double)?
        for run in runs {
            if current == nil || current?.0 != run.font || current?.1 != run.size {
                put("/\(run.font.resourceName) \(PDFText.number(run.size)) Tf\n")
                current = (run.font, run.size)
            }
            put("1 0 0 1 \(PDFText.number(run.x)) \(PDFText.number(run.y)) Tm ")
            out.append(contentsOf: PDFText.literal(run.text))
            put(" Tj\n")
        }
        put("ET\n")
        return out
    }
}

/// A PDF 1.4 file of text pages in the standard fonts, written byte for byte the same for the same pages.
///
/// Objects: 1 the catalog, 2 the page tree, 3–5 the fonts (``PDFFont`` order), 6 the document information
/// (title and producer only: no dates, and no `/ID`, which is optional without encryption), then each page
/// followed by its FlateDecode content stream. The cross-reference table gives every object's byte offset.
public struct PDFDocument: Sendable {
    /// Portrait A4 in points.
    public static let pageWidth = 595.0
    public static let pageHeight = 842.0

    public var title: String
    public var producer: String
    public var pages: [PDFPage]

    public init(title: String, producer: String = "backup-evidence", pages: [PDFPage]) {
        self.title = title
        self.producer = producer
        self.pages = pages
    }

    /// The file's bytes; the content streams are deflated at `compressionLevel` (zlib's 0–9).
    public func bytes(compressionLevel: Int32 = 9) -> [UInt8] {
        let fontsStart = 3
        let infoNumber = fontsStart + PDFFont.allCases.count
        let firstPage = infoNumber + 1
        let pageNumbers = pages.indices.map { firstPage + 2 * $0 }
        // Content streams are compressed on all cores; the bytes do not depend on which.
        let streams = Parallel.map(pages) { Gzip.zlibCompress($0.contentStream(), level: compressionLevel) }

        var out: [UInt8] = []
        var offsets: [Int] = []
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        func object(_ body: () -> Void) {
            offsets.append(out.count)
            put("\(offsets.count) 0 obj\n")
            body()
            put("\nendobj\n")
        }

        put("%PDF-1.4\n")
        out.append(contentsOf: [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A])  // binary marker comment
        object { put("<< /Type /Catalog /Pages 2 0 R >>") }
        object {
            let kids = pageNumbers.map { "\($0) 0 R" }.joined(separator: " ")
            put("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        }
        for font in PDFFont.allCases {
            object {
                put("<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
            }
        }
        object {
            put("<< /Title ")
            out.append(contentsOf: PDFText.literal(title))
            put(" /Producer ")
            out.append(contentsOf: PDFText.literal(producer))
            put(" >>")
        }
        let fonts = PDFFont.allCases.map { "/\($0.resourceName) \(fontsStart + $0.rawValue) 0 R" }.joined(
            separator: " "
        )
        for (index, stream) in streams.enumerated() {
            object {
                put(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(PDFText.number(Self.pageWidth)) "
                        + "\(PDFText.number(Self.pageHeight))] /Resources << /Font << \(fonts) >> >> "
                        + "/Contents \(pageNumbers[index] + 1) 0 R >>"
                )
            }
            object {
                put("<< /Length \(stream.count) /Filter /FlateDecode >>\nstream\n")
                out.append(contentsOf: stream)
                put("\nendstream")
            }
        }
        let xref = out.count
        put("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n")
        for offset in offsets {
            let digits = String(offset)
            put(String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n")
        }
        put("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info \(infoNumber) 0 R >>\n")
        put("startxref\n\(xref)\n%%EOF\n")
        return out
    }
}

extension PDFDocument {
    /// Whether two files this writer made hold the same document: the same objects with the same content streams
    /// once inflated, whatever bytes the deflate of the zlib at hand produced.
    ///
    /// `verify --rebuild` compares a sealed PDF with one rendered again on the auditor's machine, whose zlib may
    /// compress differently (Docs/ASSUMPTIONS.md A53). False when either file is not in this writer's layout.
    public static func sameContent(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard let left = contentForm(a), let right = contentForm(b) else { return false }
        return left == right
    }

    /// The file with each `/Length n /Filter /FlateDecode` stream inflated and without its length, then its trailer.
    ///
    /// Nil unless the file is exactly in this writer's layout: each stream one complete zlib stream, objects numbered
    /// in order, and after the last object only the cross-reference table those objects' own offsets give, the
    /// trailer and `%%EOF` (no incremental update, nothing after it). The offsets themselves, which follow the
    /// compressed lengths, are checked but left out.
    static func contentForm(_ bytes: [UInt8]) -> [UInt8]? {
        let lengthKey = Array("<< /Length ".utf8)
        let streamHead = Array(" /Filter /FlateDecode >>\nstream\n".utf8)
        let streamTail = Array("\nendstream".utf8)
        let bodyEnd = Array("\nendobj\nxref\n".utf8)
        func matches(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        }
        var out: [UInt8] = []
        var objects: [Int] = []
        var index = 0
        while index < bytes.count {
            if index > 0, bytes[index - 1] == 10, matches(Array("\(objects.count + 1) 0 obj\n".utf8), at: index) {
                objects.append(index)
            }
            if matches(bodyEnd, at: index) {
                let xref = index + Array("\nendobj\n".utf8).count
                out.append(contentsOf: Array("\nendobj\n".utf8))
                guard let trailer = trailer(bytes, xref: xref, objects: objects) else { return nil }
                out.append(contentsOf: trailer)
                return out
            }
            guard matches(lengthKey, at: index) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            var cursor = index + lengthKey.count
            var length = 0
            while cursor < bytes.count, (48...57).contains(bytes[cursor]), length < 1 << 30 {
                length = length * 10 + Int(bytes[cursor] - 48)
                cursor += 1
            }
            guard matches(streamHead, at: cursor) else { return nil }
            let start = cursor + streamHead.count
            guard start + length <= bytes.count, matches(streamTail, at: start + length),
                let inflated = try? Gzip.zlibDecompress(Array(bytes[start..<(start + length)]))
            else { return nil }
            out.append(contentsOf: Array("<<".utf8) + streamHead)
            out.append(contentsOf: inflated)
            out.append(contentsOf: streamTail)
            index = start + length + streamTail.count
        }
        return nil
    }

    /// The trailer dictionary, when everything from `xref` to the end of the file is exactly what this writer makes
    /// for objects at `objects`; nil otherwise.
    private static func trailer(_ bytes: [UInt8], xref: Int, objects: [Int]) -> [UInt8]? {
        var expected = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in objects {
            let digits = String(offset)
            expected += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n"
        }
        let head = Array(expected.utf8)
        let tail = Array(bytes[xref...])
        guard tail.starts(with: head) else { return nil }
        let rest = String(decoding: tail[head.count...], as: UTF8.self)
        let lines = rest.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 6, lines[0] == "trailer", lines[2] == "startxref", lines[3] == "\(xref)",
            lines[4] == "%%EOF", lines[5].isEmpty,
            lines[1].hasPrefix("<< /Size \(objects.count + 1) /Root 1 0 R /Info "), lines[1].hasSuffix(" 0 R >>")
        else { return nil }
        return Array("trailer\n\(lines[1])\n".utf8)
    }
}
