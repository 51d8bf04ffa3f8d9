internal import CEvidenceZlib

/// Why gzip data could not be compressed or decompressed.
public enum CompressionError: Error, Hashable, CustomStringConvertible {
    /// The data ends before the gzip stream does.
    case truncatedInput
    /// The data is not gzip; the associated text is zlib's own message.
    case corruptInput(String)
    /// Decompressed output would exceed the caller's limit, in bytes.
    case outputLimitExceeded(limit: Int)

    public var description: String {
        switch self {
        case .truncatedInput: "gzip data ends unexpectedly; the file may be incomplete"
        case .corruptInput(let message): "not valid gzip data (\(message))"
        case .outputLimitExceeded(let limit): "gzip data expands beyond \(limit) bytes"
        }
    }
}

/// Gzip (RFC 1952) framing over zlib.
public enum Gzip {
    /// Compresses `input` into one gzip member at the given zlib level (0–9).
    ///
    /// The output is a pure function of the input and level: zlib writes no time stamp (MTIME is 0).
    public static func compress(_ input: [UInt8], level: Int32 = 9) -> [UInt8] {
        deflate(input, level: level, windowBits: 15 + 16)
    }

    /// Compresses `input` as a zlib (RFC 1950) stream, the encoding of PDF's FlateDecode filter.
    public static func zlibCompress(_ input: [UInt8], level: Int32 = 9) -> [UInt8] {
        deflate(input, level: level, windowBits: 15)
    }

    private static func deflate(_ input: [UInt8], level: Int32, windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        guard cevidence_deflate_init(&stream, level, windowBits) == Z_OK else {
            fatalError("zlib could not initialise deflate")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let inputCount = input.count
        input.withUnsafeMutableBufferPointer { inBuffer in
            // zlib declares next_in mutable although it never writes through it.
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inputCount)
            var status = Z_OK
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    status = CEvidenceZlib.deflate(&stream, Z_FINISH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
            } while status == Z_OK
            guard status == Z_STREAM_END else { fatalError("zlib deflate failed with status \(status)") }
        }
        return output
    }

    /// Decompresses gzip data, every member of a multi-member file in turn.
    ///
    /// - Parameter limit: the largest output accepted, in bytes; a guard against decompression bombs.
    public static func decompress(_ input: [UInt8], limit: Int = 1 << 30) throws(CompressionError) -> [UInt8] {
        var output = [UInt8]()
        try decompress(input, limit: limit) { output.append(contentsOf: $0) }
        return output
    }

    /// Decompresses zlib (RFC 1950) data, such as a PDF's FlateDecode stream.
    public static func zlibDecompress(_ input: [UInt8], limit: Int = 1 << 30) throws(CompressionError) -> [UInt8] {
        var output = [UInt8]()
        try inflateFrames(input, limit: limit, windowBits: 15, multipleMembers: false) { output.append(contentsOf: $0) }
        return output
    }

    /// Decompresses gzip data in chunks, handing each decompressed chunk to `sink` as it is produced.
    public static func decompress(
        _ input: [UInt8],
        limit: Int = 1 << 30,
        sink: ([UInt8]) -> Void
    ) throws(CompressionError) {
        try inflateFrames(input, limit: limit, windowBits: 15 + 16, multipleMembers: true, sink: sink)
    }

    /// zlib's inflate over gzip (`windowBits` 31) or zlib (15) framing; `multipleMembers` reads on after the first
    /// stream ends (gzip), or refuses what follows it (zlib).
    private static func inflateFrames(
        _ input: [UInt8],
        limit: Int,
        windowBits: Int32,
        multipleMembers: Bool,
        sink: ([UInt8]) -> Void
    ) throws(CompressionError) {
        guard !input.isEmpty else { throw .truncatedInput }
        var stream = z_stream()
        guard cevidence_inflate_init(&stream, windowBits) == Z_OK else {
            fatalError("zlib could not initialise inflate")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        var input = input
        let count = input.count
        let failure: CompressionError? = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(count)
            while true {
                var status = Z_OK
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if produced > 0 {
                    total += produced
                    if total > limit { return .outputLimitExceeded(limit: limit) }
                    sink(Array(chunk[0..<produced]))
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return nil }
                    // gzip files may hold several members; a zlib stream is one, and bytes after it are not its.
                    guard multipleMembers else { return .corruptInput("data after the end of the zlib stream") }
                    guard inflateReset(&stream) == Z_OK else { return .corruptInput("cannot reset the stream") }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { return .truncatedInput }
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    return .corruptInput(message)
                }
            }
        }
        if let failure { throw failure }
    }
}

/// Inflates gzip data handed over in pieces, so that neither the compressed nor the inflated bytes are ever held
/// whole: each piece of output goes to the caller as it is produced.
///
/// ```swift
/// let inflater = GzipInflater(limit: 1 << 34)
/// while let piece = read() { try inflater.inflate(piece) { output in … } }
/// try inflater.finish()
/// ```
public final class GzipInflater {
    /// The most bytes inflated in all; more is `CompressionError.outputLimitExceeded`.
    public let limit: Int
    /// Bytes inflated so far.
    public private(set) var total = 0
    /// zlib keeps a pointer back to its stream, so the stream lives at one address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    /// Whether the input so far ends where a gzip member ends.
    private var atMemberEnd = false
    private var sawInput = false

    public init(limit: Int) {
        self.limit = limit
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard cevidence_inflate_init(stream, 15 + 16) == Z_OK else { fatalError("zlib could not initialise inflate") }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates the next piece of the gzip data, handing each piece of output to `sink` before inflating more.
    ///
    /// An error thrown by `sink` ends the inflation and is thrown as it is; bad data throws a ``CompressionError``.
    public func inflate(_ input: [UInt8], into sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard !input.isEmpty else { return }
        sawInput = true
        var input = input
        let count = input.count
        try input.withUnsafeMutableBufferPointer { inBuffer in
            // zlib declares next_in mutable although it never writes through it.
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = UInt32(count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while stream.pointee.avail_in > 0 || !atMemberEnd {
                if atMemberEnd {
                    // Another member follows the one that ended.
                    guard inflateReset(stream) == Z_OK else { throw CompressionError.corruptInput("cannot reset") }
                    atMemberEnd = false
                }
                var status = Z_OK
                let produced = output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(outBuffer.count)
                    status = CEvidenceZlib.inflate(stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.pointee.avail_out)
                }
                if produced > 0 {
                    total += produced
                    if total > limit { throw CompressionError.outputLimitExceeded(limit: limit) }
                    try sink(output[0..<produced])
                }
                switch status {
                case Z_OK:
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
                case Z_STREAM_END:
                    atMemberEnd = true
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    return
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw CompressionError.corruptInput(message)
                }
            }
        }
    }

    /// Checks that the data ended where a gzip member ends.
    public func finish() throws(CompressionError) {
        guard sawInput, atMemberEnd else { throw .truncatedInput }
    }
}
