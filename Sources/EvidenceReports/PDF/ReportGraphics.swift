/// The report's pictures: bars for the summary by control, marks for the calendar strips, and their legends.
///
/// Every category differs in shape or fill pattern as well as colour (hatching for non-compliant rows; a square, a
/// hollow square, a triangle, a diamond and a cross for the window outcomes), so the pictures read the same printed in
/// greyscale.
enum ReportGraphics {
    static let compliant = PDFColor(0.2, 0.6, 0.3)
    static let nonCompliant = PDFColor(0.8, 0.15, 0.15)
    static let otherStatus = PDFColor(0.85, 0.85, 0.85)
    static let frame = PDFColor(0.45, 0.45, 0.45)
    static let stripBackground = PDFColor(0.94, 0.94, 0.94)
    static let dayLine = PDFColor(0.75, 0.75, 0.75)

    /// The colour an outcome's mark is drawn in.
    static func color(_ outcome: ReportFacts.Outcome) -> PDFColor {
        switch outcome {
        case .onTime: compliant
        case .shortRetention: PDFColor(0.15, 0.4, 0.8)
        case .late: PDFColor(0.93, 0.6, 0.05)
        case .notCompleted: PDFColor(0.5, 0.15, 0.6)
        case .missed: nonCompliant
        }
    }

    /// What the legend calls an outcome.
    static func label(_ outcome: ReportFacts.Outcome) -> String {
        switch outcome {
        case .onTime: "on time"
        case .shortRetention: "short retention"
        case .late: "late"
        case .notCompleted: "not completed (failed, expired, aborted, partial, running)"
        case .missed: "missed"
        }
    }

    /// An outcome's mark centred on `x`, `y`: a filled square (on time), a hollow square (short retention), a
    /// triangle (late), a diamond (not completed) or a cross (missed).
    static func mark(_ outcome: ReportFacts.Outcome, x: Double, y: Double) -> [PDFShape] {
        let color = color(outcome)
        switch outcome {
        case .onTime:
            return [.rectangle(x: x - 1.6, y: y - 1.6, width: 3.2, height: 3.2, fill: color)]
        case .shortRetention:
            return [.rectangle(x: x - 2.2, y: y - 2.2, width: 4.4, height: 4.4, stroke: color, lineWidth: 0.9)]
        case .late:
            return [
                PDFShape(
                    points: [PDFPoint(x - 2.8, y - 2.4), PDFPoint(x + 2.8, y - 2.4), PDFPoint(x, y + 2.6)],
                    fill: color,
                    stroke: .black,
                    lineWidth: 0.3
                )
            ]
        case .notCompleted:
            return [
                PDFShape(
                    points: [PDFPoint(x, y - 3), PDFPoint(x + 2.6, y), PDFPoint(x, y + 3), PDFPoint(x - 2.6, y)],
                    fill: color,
                    stroke: .black,
                    lineWidth: 0.3
                )
            ]
        case .missed:
            return [
                PDFShape(
                    points: [PDFPoint(x - 2.4, y - 2.4), PDFPoint(x + 2.4, y + 2.4)],
                    closed: false,
                    stroke: color,
                    lineWidth: 1.1
                ),
                PDFShape(
                    points: [PDFPoint(x - 2.4, y + 2.4), PDFPoint(x + 2.4, y - 2.4)],
                    closed: false,
                    stroke: color,
                    lineWidth: 1.1
                ),
            ]
        }
    }

    /// A bar `width` wide from `x`, `y`: the non-compliant share hatched on the left, the compliant share solid,
    /// and rows of any other status light grey; a non-zero non-compliant share is never narrower than 2 points.
    static func bar(
        nonCompliant: Int,
        compliant: Int,
        total: Int,
        x: Double,
        y: Double,
        width: Double,
        height: Double
    ) -> [PDFShape] {
        var shapes = [PDFShape.rectangle(x: x, y: y, width: width, height: height, fill: otherStatus)]
        if total > 0 {
            var bad = width * Double(nonCompliant) / Double(total)
            if nonCompliant > 0 { bad = max(bad, 2) }
            let good = min(width - bad, width * Double(compliant) / Double(total))
            if good > 0 {
                shapes.append(.rectangle(x: x + bad, y: y, width: good, height: height, fill: Self.compliant))
            }
            if bad > 0 {
                shapes.append(
                    .rectangle(x: x, y: y, width: bad, height: height, fill: Self.nonCompliant, hatch: .white)
                )
            }
        }
        shapes.append(.rectangle(x: x, y: y, width: width, height: height, stroke: frame, lineWidth: 0.4))
        return shapes
    }

    /// A legend line: for each entry its swatch (shapes centred at x = 0, y = 0) and its label, left to right.
    static func legend(_ entries: [(swatch: [PDFShape], label: String)], size: Double, height: Double) -> PDFLine {
        var runs: [PDFLine.Run] = []
        var shapes: [PDFShape] = []
        var x = 0.0
        let middle = height * 0.22 + size * 0.33
        for entry in entries {
            shapes += entry.swatch.map { $0.offset(x + 4, middle) }
            runs.append(PDFLine.Run(.helvetica, size, x: x + 11, entry.label))
            x += 11 + PDFFont.helvetica.width(of: entry.label, size: size) + 12
        }
        return PDFLine(height: height, runs: runs, shapes: shapes)
    }
}
