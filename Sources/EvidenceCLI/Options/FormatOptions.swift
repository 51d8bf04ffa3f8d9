internal import ArgumentParser

/// The output formats of one command: the values `--format` accepts there, the first being the default.
protocol OutputFormats: ExpressibleByArgument, CaseIterable, RawRepresentable<String> {
    /// What `--format` says about each value.
    static var help: String { get }

    /// The default format.
    static var standard: Self { get }
}

/// `--format`, the one option of every command that reports something; its values are the command's own.
///
/// A value the command does not offer is a usage error (exit 64) naming the values it does.
struct FormatOptions<Format: OutputFormats>: ParsableArguments {
    @Option(help: ArgumentHelp(Format.help, valueName: "format"))
    var format: Format = Format.standard
}

/// `text` for people, `json` for tools: what most commands offer.
enum TextOrJSON: String, OutputFormats {
    case text
    case json

    static let help = "Output format: text, or json (one object, snake_case keys)."
    static let standard = TextOrJSON.text
}

/// The formats of commands whose natural result is rows (`query`, `compare`): `table` and `csv` besides.
enum RowFormat: String, OutputFormats {
    case text
    case json
    case csv
    case table

    static let help =
        "Output format: text, json (snake_case keys), csv (RFC 4180, header row) or table (aligned columns)."
    static let standard = RowFormat.text
}
