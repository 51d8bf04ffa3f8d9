internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Why the month pipeline could not write or read one of its files.
public struct PipelineError: Error, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    /// The error of a failed system call, in words (`No space left on device`).
    static func system(_ path: String, _ what: String, errno code: Int32 = errno) -> PipelineError {
        PipelineError(path: path, message: "\(what): \(String(cString: strerror(code)))")
    }
}

/// A file written through a buffer with `write(2)`, every write checked.
final class OutputFile {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20

    /// Creates (or truncates) the file.
    init(path: String) throws(PipelineError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .system(path, "cannot create the file") }
        buffer.reserveCapacity(capacity)
    }

    deinit { if descriptor >= 0 { _ = Glibc.close(descriptor) } }

    func write(_ bytes: [UInt8]) throws(PipelineError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    func write(_ bytes: ArraySlice<UInt8>) throws(PipelineError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(PipelineError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    func flush() throws(PipelineError) {
        var failure: PipelineError?
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .system(path, "cannot write")
                    return
                }
                offset += written
            }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Empties the file and its buffer, to be written again from the start.
    func restart() throws(PipelineError) {
        buffer.removeAll(keepingCapacity: true)
        guard ftruncate(descriptor, 0) == 0 else { throw .system(path, "cannot truncate") }
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw .system(path, "cannot seek") }
    }

    /// Flushes, syncs when asked, and closes the file.
    func close(sync: Bool = false) throws(PipelineError) {
        try flush()
        if sync, fsync(descriptor) != 0 { throw .system(path, "cannot flush to disk") }
        let result = Glibc.close(descriptor)
        descriptor = -1
        if result != 0 { throw .system(path, "cannot close") }
    }
}

/// A file read sequentially through a buffer with `read(2)`.
final class InputFile {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false

    init(path: String, capacity: Int = 1 << 18) throws(PipelineError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(path, "cannot open") }
        buffer = [UInt8](repeating: 0, count: capacity)
    }

    deinit { if descriptor >= 0 { _ = Glibc.close(descriptor) } }

    /// Makes at least `count` bytes available from the current position; false at the end of the file.
    private func fill(_ count: Int) throws(PipelineError) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            let remaining = end - start
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                base.copyMemory(from: base + start, byteCount: remaining)
            }
            start = 0
            end = remaining
        }
        if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
        while end - start < count && !finished {
            let capacity = buffer.count
            let got = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.read(descriptor, base + end, capacity - end)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .system(path, "cannot read")
            }
            if got == 0 { finished = true }
            end += got
        }
        return end - start >= count
    }

    /// The next `count` bytes, or nil at the end of the file; a partial record is an error.
    func read(_ count: Int, into out: inout [UInt8]) throws(PipelineError) -> Bool {
        guard try fill(count) else {
            if end > start { throw PipelineError(path: path, message: "truncated sort run") }
            return false
        }
        out.append(contentsOf: buffer[start..<(start + count)])
        start += count
        return true
    }

    /// A little-endian 32-bit length, or nil at the end of the file.
    func readLength() throws(PipelineError) -> Int? {
        guard try fill(4) else {
            if end > start { throw PipelineError(path: path, message: "truncated sort run") }
            return nil
        }
        var value = 0
        for index in 0..<4 { value |= Int(buffer[start + index]) << (8 * index) }
        start += 4
        return value
    }

    func close() { if descriptor >= 0 { _ = Glibc.close(descriptor) }; descriptor = -1 }
}
