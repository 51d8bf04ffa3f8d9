internal import EvidenceModel

/// The rows of a sealed CSV file, as MANIFEST.json counts them and Merkle leaves hash them.
///
/// A record is the exact bytes of each record without its line terminator; a line break inside a quoted field
/// belongs to the record; both `\n` and `\r\n` end a record. The boundaries are those of the project's one CSV
/// reader (`CSVReader.recordRanges` in EvidenceModel), which never fails, so any bytes have rows.
public enum CSVRecords {
    /// The byte ranges of every record, header first.
    public static func ranges(_ bytes: [UInt8]) -> [Range<Int>] {
        CSVReader.recordRanges(bytes)
    }

    /// The byte ranges of every record of a buffer, header first.
    public static func ranges(_ buffer: UnsafeRawBufferPointer) -> [Range<Int>] {
        CSVReader.recordRanges(buffer)
    }
}
