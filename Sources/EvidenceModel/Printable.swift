/// Text from the evidence, a scenario or a command line made safe to print: it cannot end a line, move the cursor,
/// hide or recolour text on a terminal, or reorder what is shown.
///
/// Control characters (U+0000 to U+001F, U+007F), other non-printing characters (C1 controls, format characters
/// such as bidirectional overrides, line and paragraph separators, private-use, surrogate and unassigned code
/// points) are written as `\xNN`, one per byte of their UTF-8 form, as git quotes paths.
public enum Printable {
    /// A value printed inside a line: non-printing characters as `\xNN`, and a backslash as `\\`, so the escaped text
    /// names exactly one original.
    public static func value(_ text: String) -> String { escape(text.unicodeScalars, backslash: true) }

    /// A whole line: non-printing characters as `\xNN`, backslashes kept, so a line whose values were escaped with
    /// `value` is unchanged.
    public static func line(_ text: String) -> String { escape(text.unicodeScalars, backslash: false) }

    /// A JSON string literal: RFC 8259's escapes, and every non-printing character as `\uXXXX` (surrogate pairs above
    /// U+FFFF), so the literal holds no control or non-printing character at all.
    public static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    for unit in String(scalar).utf16 { out += "\\u" + hex4(unit) }
                }
            }
        }
        return out + "\""
    }

    /// Whether a character prints as itself on one line.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || scalar.value == 0x7F { return false }
        if scalar.value < 0x7F { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return true
        }
    }

    private static func escape(_ scalars: String.UnicodeScalarView, backslash: Bool) -> String {
        var out = ""
        for scalar in scalars { append(scalar, to: &out, backslash: backslash) }
        return out
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String, backslash: Bool) {
        if scalar == "\\" && backslash {
            out += "\\\\"
        } else if isPrintable(scalar) {
            out.unicodeScalars.append(scalar)
        } else {
            for byte in String(scalar).utf8 { out += hex(byte) }
        }
    }

    private static let digits = Array("0123456789abcdef")

    private static func hex(_ byte: UInt8) -> String {
        "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }

    private static func hex4(_ unit: UInt16) -> String {
        String([12, 8, 4, 0].map { digits[Int((unit >> UInt16($0)) & 0xF)] })
    }
}
