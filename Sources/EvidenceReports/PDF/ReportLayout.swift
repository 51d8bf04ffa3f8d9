internal import EvidenceModel

/// Sets the report's sections into a ``PDFFlow`` and stamps every page with the chain position.
struct ReportLayout {
    let position: ChainPosition
    let header: [PDFLine]
    var flow: PDFFlow

    /// Body text size, and the size of data set in Courier (identifiers, reasons, evidence).
    static let body = 8.0
    static let data = 7.0
    static let width = PDFFlow.textWidth
    /// Where wrapped values start, after their label.
    static let indent = 52.0

    init(position: ChainPosition) {
        self.position = position
        let title = "AWS Backup compliance report  |  month \(position.month)  |  chain \(position.chainID)"
        var lines = PDFFlow.wrap(title, font: .helveticaBold, size: 9, width: Self.width).map {
            PDFLine(.helveticaBold, 9, $0)
        }
        if let seal = position.previousSeal {
            let label = "Previous seal (SHA-256 of the previous entry's SHA256SUMS): "
            let labelWidth = PDFFont.helvetica.width(of: label, size: 7)
            if labelWidth + PDFFont.courier.width(of: seal, size: 7) <= Self.width {
                lines.append(
                    PDFLine(
                        height: 9.5,
                        runs: [.init(.helvetica, 7, label), .init(.courier, 7, x: labelWidth, seal)]
                    )
                )
            } else {
                lines.append(PDFLine(.helvetica, 7, label))
                lines += PDFFlow.wrap(seal, font: .courier, size: 7, width: Self.width).map { PDFLine(.courier, 7, $0) }
            }
        } else {
            lines.append(PDFLine(.helvetica, 7, "First month of the chain: there is no previous seal to link to."))
        }
        header = lines
        let height = lines.reduce(0) { $0 + $1.height } + 10
        flow = PDFFlow(headerHeight: height, footerHeight: 16)
    }

    /// The finished pages, each with the header, a rule under it and the footer.
    func pages() -> [PDFPage] {
        let header = self.header
        let month = position.month.description
        return flow.pages { number, count in
            var page = PDFPage()
            var y = PDFDocument.pageHeight - PDFFlow.margin
            for line in header {
                for run in line.runs {
                    page.runs.append(
                        PDFTextRun(
                            font: run.font,
                            size: run.size,
                            x: PDFFlow.margin + run.x,
                            y: y - line.height * 0.78,
                            text: run.text
                        )
                    )
                }
                y -= line.height
            }
            page.rules.append(PDFRule(x1: PDFFlow.margin, y1: y - 3, x2: PDFFlow.margin + Self.width, y2: y - 3))
            let footerY = PDFFlow.margin
            page.rules.append(
                PDFRule(x1: PDFFlow.margin, y1: footerY + 10, x2: PDFFlow.margin + Self.width, y2: footerY + 10)
            )
            page.runs.append(
                PDFTextRun(
                    font: .helvetica,
                    size: 7,
                    x: PDFFlow.margin,
                    y: footerY,
                    text:
                        "Sealed as reports/\(ComplianceReport.fileName) of month \(month); figures from the CSV reports beside it."
                )
            )
            let label = "page \(number) of \(count)"
            page.runs.append(
                PDFTextRun(
                    font: .helvetica,
                    size: 7,
                    x: PDFFlow.margin + Self.width - PDFFont.helvetica.width(of: label, size: 7),
                    y: footerY,
                    text: label
                )
            )
            return page
        }
    }

    // MARK: - Building blocks

    /// A paragraph of body text, wrapped.
    func paragraph(_ text: String, font: PDFFont = .helvetica, size: Double = body, x: Double = 0) -> [PDFLine] {
        PDFFlow.wrap(text, font: font, size: size, width: Self.width - x).map { PDFLine(font, size, x: x, $0) }
    }

    /// A label in bold with its value wrapped beside it, in Courier.
    func labelled(_ label: String, _ value: String) -> [PDFLine] {
        let lines = PDFFlow.wrap(value, font: .courier, size: Self.data, width: Self.width - Self.indent)
        return lines.enumerated().map { index, text in
            var runs = [PDFLine.Run(.courier, Self.data, x: Self.indent, text)]
            if index == 0 { runs.insert(PDFLine.Run(.helveticaBold, Self.data, label), at: 0) }
            return PDFLine(height: Self.data * 1.3, runs: runs)
        }
    }

    mutating func section(_ title: String, _ intro: String) {
        flow.space(10)
        flow.add(
            [PDFLine(.helveticaBold, 12, title, leading: 1.5)] + paragraph(intro) + [PDFLine(height: 4, runs: [])],
            keepWithNext: 40
        )
    }

    /// A table row: left-aligned cells at their x, then right-aligned numbers ending at their x.
    func row(
        _ cells: [(Double, String)],
        numbers: [(Double, String)],
        font: PDFFont = .courier,
        size: Double = data,
        rule: Bool = false
    ) -> PDFLine {
        var runs = cells.map { PDFLine.Run(font, size, x: $0.0, $0.1) }
        for (right, text) in numbers {
            runs.append(PDFLine.Run(font, size, x: right - font.width(of: text, size: size), text))
        }
        return PDFLine(height: size * 1.35, runs: runs, ruleBelow: rule)
    }

    /// A resource's Resource ID, account and Region in three columns, or the ID alone on a line when it is wider
    /// than its column; the numbers follow on the last line.
    func resourceRow(_ key: ResourceKey, numbers: [(Double, String)]) -> [PDFLine] {
        let idWidth = Self.accountX - 4
        if PDFFont.courier.width(of: key.id, size: Self.data) <= idWidth {
            return [row([(0, key.id), (Self.accountX, key.account), (Self.regionX, key.region)], numbers: numbers)]
        }
        let ids = PDFFlow.wrap(key.id, font: .courier, size: Self.data, width: Self.width).map {
            PDFLine(.courier, Self.data, $0, leading: 1.35)
        }
        return ids + [row([(Self.accountX, key.account), (Self.regionX, key.region)], numbers: numbers)]
    }

    static let accountX = 232.0
    static let regionX = 287.0
}
