/// A line of a flowing document: runs placed from the left margin, and the line's height (leading).
public struct PDFLine: Sendable {
    /// One piece of text on the line, `x` points from the left margin.
    public struct Run: Sendable {
        public var font: PDFFont
        public var size: Double
        public var x: Double
        public var text: String

        public init(_ font: PDFFont, _ size: Double, x: Double = 0, _ text: String) {
            self.font = font
            self.size = size
            self.x = x
            self.text = text
        }
    }

    public var height: Double
    public var runs: [Run]
    /// A thin rule under the line, across the text width (table headers).
    public var ruleBelow: Bool
    /// Vector shapes drawn with the line, in points from the left margin and the line's bottom.
    public var shapes: [PDFShape]

    public init(height: Double, runs: [Run], ruleBelow: Bool = false, shapes: [PDFShape] = []) {
        self.height = height
        self.runs = runs
        self.ruleBelow = ruleBelow
        self.shapes = shapes
    }

    /// A line of one run.
    public init(_ font: PDFFont, _ size: Double, x: Double = 0, _ text: String, leading: Double = 1.3) {
        self.init(height: size * leading, runs: [Run(font, size, x: x, text)])
    }
}

/// Lays lines out top to bottom on A4 pages, keeping blocks together, then stamps every page.
public struct PDFFlow: Sendable {
    public static let margin = 36.0
    /// The width between the margins, in points.
    public static let textWidth = PDFDocument.pageWidth - 2 * margin

    let top: Double
    let bottom: Double
    private(set) var bodies: [PDFPage] = [PDFPage()]
    private var y: Double

    /// A flow whose body lies between `headerHeight` below the top margin and `footerHeight` above the bottom one.
    public init(headerHeight: Double, footerHeight: Double) {
        top = PDFDocument.pageHeight - Self.margin - headerHeight
        bottom = Self.margin + footerHeight
        y = top
    }

    /// Whether the current page holds nothing yet.
    var pageIsEmpty: Bool { y == top }

    /// Starts a new page unless the current one is empty.
    public mutating func newPage() {
        guard !pageIsEmpty else { return }
        bodies.append(PDFPage())
        y = top
    }

    /// Vertical space; dropped at the top of a page.
    public mutating func space(_ points: Double) {
        guard !pageIsEmpty else { return }
        y -= points
        if y < bottom { newPage() }
    }

    /// Adds lines that stay on one page when they fit on one; a longer block flows line by line.
    ///
    /// - Parameters:
    ///   - keepWithNext: height of what must follow on the same page (a heading and its first row).
    ///   - continued: lines set first on every new page the block starts or continues on (a table's column
    ///     heads), so a table that runs over a page break is headed on each page.
    public mutating func add(_ lines: [PDFLine], keepWithNext: Double = 0, continued: [PDFLine] = []) {
        let height = lines.reduce(0) { $0 + $1.height } + keepWithNext
        let headHeight = continued.reduce(0) { $0 + $1.height }
        if y - height < bottom && height + headHeight <= top - bottom {
            newPage()
            place(continued)
        }
        for line in lines {
            if y - line.height < bottom {
                newPage()
                place(continued)
            }
            place([line])
        }
    }

    private mutating func place(_ lines: [PDFLine]) {
        for line in lines {
            let baseline = y - line.height * 0.78
            for shape in line.shapes {
                bodies[bodies.count - 1].shapes.append(shape.offset(Self.margin, y - line.height))
            }
            for run in line.runs {
                bodies[bodies.count - 1].runs.append(
                    PDFTextRun(font: run.font, size: run.size, x: Self.margin + run.x, y: baseline, text: run.text)
                )
            }
            y -= line.height
            if line.ruleBelow {
                bodies[bodies.count - 1].rules.append(
                    PDFRule(x1: Self.margin, y1: y + 1, x2: Self.margin + Self.textWidth, y2: y + 1)
                )
            }
        }
    }

    /// The pages, each with what `stamp` draws for it given its 1-based number and the page count.
    public func pages(stamp: (Int, Int) -> PDFPage) -> [PDFPage] {
        bodies.enumerated().map { index, body in
            let extra = stamp(index + 1, bodies.count)
            return PDFPage(
                runs: extra.runs + body.runs,
                rules: extra.rules + body.rules,
                shapes: extra.shapes + body.shapes
            )
        }
    }

    /// Breaks `text` into lines no wider than `width` at `size`: at spaces where it can, inside a word where a
    /// word alone is too wide (identifiers and ARNs), so nothing is ever cut off.
    public static func wrap(_ text: String, font: PDFFont, size: Double, width: Double) -> [String] {
        let limit = width * 1000 / size
        var lines: [String] = []
        var line = ""
        var lineWidth = 0.0
        func measure(_ s: Substring) -> Double {
            Double(PDFText.winAnsi(String(s)).reduce(0) { $0 + font.width(byte: $1) })
        }
        let space = Double(font.width(byte: 0x20))
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = word
            var wordWidth = measure(word)
            let needed = line.isEmpty ? wordWidth : lineWidth + space + wordWidth
            if needed <= limit {
                line += line.isEmpty ? String(word) : " " + word
                lineWidth = needed
                continue
            }
            if !line.isEmpty {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            while wordWidth > limit {
                var cut = word.startIndex
                var used = 0.0
                for index in word.indices {
                    let w = measure(word[index...index])
                    if used + w > limit && cut > word.startIndex { break }
                    used += w
                    cut = word.index(after: index)
                }
                lines.append(String(word[..<cut]))
                word = word[cut...]
                wordWidth = measure(word)
            }
            line = String(word)
            lineWidth = wordWidth
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
