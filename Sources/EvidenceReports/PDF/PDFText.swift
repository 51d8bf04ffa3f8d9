/// Text as a PDF content stream carries it: WinAnsiEncoding bytes inside an escaped literal string.
public enum PDFText {
    /// The WinAnsiEncoding (Windows-1252) bytes of `text`.
    ///
    /// Characters the encoding lacks become `?`; control characters (tab, line breaks) become spaces,
    /// since a text run is one line.
    public static func winAnsi(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x20...0x7E, 0xA0...0xFF: out.append(UInt8(value))
            case 0x00..<0x20, 0x7F: out.append(0x20)
            default: out.append(windows1252High[value] ?? 0x3F)
            }
        }
        return out
    }

    /// The characters Windows-1252 places at 0x80–0x9F.
    static let windows1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// A PDF literal string, parentheses included, holding `bytes`.
    ///
    /// `(`, `)` and `\` are escaped with a backslash; bytes outside printable ASCII are written as
    /// three-digit octal escapes, so the content stream itself stays ASCII.
    public static func literal(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x28]
        out.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case 0x28, 0x29, 0x5C:
                out.append(0x5C)
                out.append(byte)
            case 0x20...0x7E:
                out.append(byte)
            default:
                out.append(0x5C)
                out.append(0x30 + (byte >> 6))
                out.append(0x30 + ((byte >> 3) & 7))
                out.append(0x30 + (byte & 7))
            }
        }
        out.append(0x29)
        return out
    }

    /// The literal string of `text` in WinAnsiEncoding.
    public static func literal(_ text: String) -> [UInt8] { literal(winAnsi(text)) }

    /// A coordinate or size with at most two decimals and no exponent, as content streams want numbers.
    public static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(magnitude / 100)" }
        let digits = fraction % 10 == 0 ? "\(fraction / 10)" : (fraction < 10 ? "0\(fraction)" : "\(fraction)")
        return "\(sign)\(magnitude / 100).\(digits)"
    }
}
