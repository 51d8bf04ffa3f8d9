/// The standard Type 1 fonts the writer uses.
///
/// Every conforming reader has the core fonts, so nothing is embedded; text is written in WinAnsiEncoding.
/// Widths are those of Adobe's core-14 font metrics (AFM) files, in thousandths of the font size.
public enum PDFFont: Int, CaseIterable, Sendable {
    case helvetica
    case helveticaBold
    case courier

    /// The PostScript name the font dictionary names.
    public var baseFont: String {
        switch self {
        case .helvetica: "Helvetica"
        case .helveticaBold: "Helvetica-Bold"
        case .courier: "Courier"
        }
    }

    /// The name the page resources give the font: `F1`, `F2`, `F3`.
    public var resourceName: String { "F\(rawValue + 1)" }

    /// The advance width of one WinAnsi byte, in thousandths of the font size.
    ///
    /// Printable ASCII uses the AFM widths; any other byte counts as 1000, the widest glyph WinAnsiEncoding
    /// gives these fonts above ASCII, so a measured line never overflows.
    public func width(byte: UInt8) -> Int {
        if self == .courier { return 600 }
        guard byte >= 32, byte <= 126 else { return 1000 }
        let index = Int(byte) - 32
        return self == .helvetica ? Self.helveticaWidths[index] : Self.helveticaBoldWidths[index]
    }

    /// The width of `text` set at `size` points, in points.
    public func width(of text: String, size: Double) -> Double {
        var total = 0
        for byte in PDFText.winAnsi(text) { total += width(byte: byte) }
        return Double(total) * size / 1000
    }

    /// Helvetica.afm, characters 32 (space) to 126 (asciitilde).
    static let helveticaWidths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space to slash
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556,  // 0 to 9
        278, 278, 584, 584, 584, 556, 1015,  // colon to at
        667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,  // A to M
        722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,  // N to Z
        278, 278, 278, 469, 556, 333,  // bracketleft to grave
        556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,  // a to m
        556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,  // n to z
        334, 260, 334, 584,  // braceleft to asciitilde
    ]

    /// Helvetica-Bold.afm, characters 32 (space) to 126 (asciitilde).
    static let helveticaBoldWidths: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,  // space to slash
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556,  // 0 to 9
        333, 333, 584, 584, 584, 611, 975,  // colon to at
        722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,  // A to M
        722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,  // N to Z
        333, 278, 333, 584, 556, 333,  // bracketleft to grave
        556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889,  // a to m
        611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500,  // n to z
        389, 280, 389, 584,  // braceleft to asciitilde
    ]
}
