internal import EvidenceModel
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Report rows with their sort keys, rendered together: a flat byte buffer holding each record's key then its row.
///
/// Keys compare as bytes (`SortKey` encodes fields so that byte order is field order).
struct KeyedRows {
    var bytes: [UInt8] = []
    /// Each record's key and row lengths, in the order added.
    var lengths: [(key: Int, row: Int)] = []

    /// Adds one record: `key` appends the key's bytes, `row` the CSV record.
    mutating func add(key: (inout [UInt8]) -> Void, row: (inout [UInt8]) -> Void) {
        let start = bytes.count
        key(&bytes)
        let middle = bytes.count
        row(&bytes)
        lengths.append((middle - start, bytes.count - middle))
    }

    var isEmpty: Bool { lengths.isEmpty }
}

/// Encodes sort-key fields so that comparing the encodings byte by byte compares the fields in order.
enum SortKey {
    /// A string field, as its UTF-8 bytes: a zero byte becomes `00 FF` and the field ends with `00 01`, so a
    /// field sorts before any longer field it begins (as `String`'s `<` orders NFC text).
    static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            if !utf8.contains(0) {
                bytes.append(contentsOf: utf8)
            } else {
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == 0 { bytes.append(0xFF) }
                }
            }
        }
        bytes.append(0)
        bytes.append(1)
    }

    /// An instant, as its milliseconds big-endian with the sign bit flipped.
    static func append(_ instant: Instant, to bytes: inout [UInt8]) {
        append(UInt64(bitPattern: instant.milliseconds) ^ (1 << 63), to: &bytes)
    }

    /// An unsigned integer, big-endian.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}

/// Sorts rows by key within a memory budget: rows are kept in memory until the budget is reached, then sorted and
/// spilled as a run to a scratch folder; `drain` merges the runs (or sorts the rows held) into an output file.
///
/// The rows are held as they were added (each `KeyedRows` buffer by reference, not copied); only their keys are
/// copied, into one buffer that the sort compares. The order is total when keys are distinct; rows with equal keys
/// keep the order they were added in.
final class RowSorter {
    private let scratch: URL
    private let name: String
    private let budget: Int
    /// The keys of the rows held, one after another.
    private var keys: [UInt8] = []
    /// The buffers added (`KeyedRows.bytes`), whose rows the entries point into.
    private var chunks: [[UInt8]] = []
    /// Bytes held: the buffers added and the keys copied.
    private(set) var heldBytes = 0
    private var entries: [Entry] = []
    private var runs: [String] = []
    /// Where each stretch of `entries` already in key order begins; the last one ends at `sortedEnd`.
    private var stretchStarts: [Int] = []
    private var sortedEnd = 0
    /// Every row added so far; with equal keys, the earlier row sorts first.
    private(set) var count = 0
    /// Rows with keys before this were written by `flush(before:into:)`; nil when nothing was.
    private var flushedBefore: [UInt8]?
    /// Whether a row added after a flush sorts before the flushed rows' bound, so that the output written is no
    /// longer in key order.
    private(set) var addedBeforeFlushed = false

    private struct Entry {
        /// Where the key is in `keys`.
        var keyOffset: Int
        /// Which buffer of `chunks` holds the row, and where in it.
        var chunk: Int
        var rowOffset: Int
        var keyLength: Int32
        var rowLength: Int32
        var sequence: Int

        var keyRange: Range<Int> { keyOffset..<(keyOffset + Int(keyLength)) }
        var rowRange: Range<Int> { rowOffset..<(rowOffset + Int(rowLength)) }
    }

    /// - Parameters:
    ///   - scratch: an existing folder for the runs; they are removed as they are merged.
    ///   - budget: bytes of keys and rows held in memory before a run is spilled.
    init(scratch: URL, name: String, budget: Int) {
        self.scratch = scratch
        self.name = name
        self.budget = max(budget, 1 << 12)
    }

    /// Spilled runs so far.
    var runCount: Int { runs.count }

    func append(_ rows: KeyedRows) throws(PipelineError) {
        guard !rows.isEmpty else { return }
        let chunk = chunks.count
        chunks.append(rows.bytes)
        let keysBefore = keys.count
        var offset = 0
        for (key, row) in rows.lengths {
            entries.append(
                Entry(
                    keyOffset: keys.count,
                    chunk: chunk,
                    rowOffset: offset + key,
                    keyLength: Int32(key),
                    rowLength: Int32(row),
                    sequence: count
                )
            )
            keys.append(contentsOf: rows.bytes[offset..<(offset + key)])
            if let flushedBefore, !addedBeforeFlushed,
                rows.bytes[offset..<(offset + key)].lexicographicallyPrecedes(flushedBefore)
            {
                addedBeforeFlushed = true
            }
            offset += key + row
            count += 1
        }
        heldBytes += rows.bytes.count + keys.count - keysBefore
        if heldBytes >= budget { try spill() }
    }

    /// Sorts the rows held in memory, by key then by the order they were added.
    ///
    /// The rows added since `sortAdded` was last called are sorted, then the sorted stretches are merged pair by
    /// pair on all cores; the order is total (the sequence breaks ties), so it does not depend on the stretches.
    private func sortEntries() {
        sortAdded()
        guard stretchStarts.count > 1 else { return }
        keys.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            nonisolated(unsafe) let bytes = base
            let bounds = stretchStarts + [entries.count]
            let entries = entries
            let stretches = (0..<stretchStarts.count).map { Array(entries[bounds[$0]..<bounds[$0 + 1]]) }
            self.entries = Self.merged(stretches, in: bytes)
        }
        stretchStarts = [0]
    }

    /// Sorts the rows added since the last call (or since the sorter was emptied) as a stretch of their own, so
    /// that sorting everything later only merges the stretches.
    ///
    /// Many rows are sorted in slices on all cores, which are then merged.
    func sortAdded() {
        let start = sortedEnd
        guard entries.count > start else { return }
        keys.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            nonisolated(unsafe) let bytes = base
            let count = entries.count - start
            let slices = Self.sliceCount(count)
            guard slices > 1 else {
                entries[start...].sort { Self.less($0, $1, in: bytes) }
                return
            }
            let added = Array(entries[start...])
            let bounds = (0...slices).map { count * $0 / slices }
            let sorted = Parallel.map(Array(0..<slices)) { slice in
                added[bounds[slice]..<bounds[slice + 1]].sorted { Self.less($0, $1, in: bytes) }
            }
            entries.replaceSubrange(start..., with: Self.merged(sorted, in: bytes))
        }
        stretchStarts.append(start)
        sortedEnd = entries.count
    }

    /// Sorted lists as one, merged pair by pair on all cores.
    private static func merged(_ lists: [[Entry]], in bytes: UnsafeRawPointer) -> [Entry] {
        nonisolated(unsafe) let bytes = bytes
        var lists = lists
        while lists.count > 1 {
            let pairs = stride(from: 0, to: lists.count, by: 2).map { index in
                (lists[index], index + 1 < lists.count ? lists[index + 1] : [])
            }
            lists = Parallel.map(pairs) { pair in Self.merge(pair.0, pair.1, in: bytes) }
        }
        return lists.first ?? []
    }

    /// Forgets the sorted stretches, once the rows held are written or spilled.
    private func emptied() {
        keys.removeAll(keepingCapacity: true)
        chunks.removeAll()
        heldBytes = 0
        entries.removeAll(keepingCapacity: true)
        stretchStarts.removeAll(keepingCapacity: true)
        sortedEnd = 0
    }

    /// Slices to sort apart: one below 16,384 rows, else one per core (a power of two, at most 8).
    private static func sliceCount(_ count: Int) -> Int {
        guard count >= 1 << 14 else { return 1 }
        var slices = 1
        while slices * 2 <= min(ProcessInfo.processInfo.activeProcessorCount, 8) { slices *= 2 }
        return slices
    }

    /// Key order (bytes compared as unsigned, a prefix first), then the order rows were added.
    private static func less(_ a: Entry, _ b: Entry, in base: UnsafeRawPointer) -> Bool {
        let common = Int(min(a.keyLength, b.keyLength))
        let order = memcmp(base + a.keyOffset, base + b.keyOffset, common)
        if order != 0 { return order < 0 }
        if a.keyLength != b.keyLength { return a.keyLength < b.keyLength }
        return a.sequence < b.sequence
    }

    /// Two sorted lists as one.
    private static func merge(_ a: [Entry], _ b: [Entry], in base: UnsafeRawPointer) -> [Entry] {
        var merged: [Entry] = []
        merged.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if less(b[j], a[i], in: base) {
                merged.append(b[j])
                j += 1
            } else {
                merged.append(a[i])
                i += 1
            }
        }
        merged.append(contentsOf: a[i...])
        merged.append(contentsOf: b[j...])
        return merged
    }

    private func spill() throws(PipelineError) {
        guard !entries.isEmpty else { return }
        sortEntries()
        let path = scratch.appendingPathComponent("\(name)-\(runs.count).run").path
        let file = try OutputFile(path: path)
        var record: [UInt8] = []
        for entry in entries {
            record.removeAll(keepingCapacity: true)
            Self.appendLength(Int(entry.keyLength), to: &record)
            Self.appendLength(Int(entry.rowLength), to: &record)
            record.append(contentsOf: keys[entry.keyRange])
            record.append(contentsOf: chunks[entry.chunk][entry.rowRange])
            try file.write(record)
        }
        try file.close()
        runs.append(path)
        emptied()
    }

    /// Writes the rows held whose keys sort before `bound`, in key order, to `output`, and forgets them.
    ///
    /// For rows that no later row can sort before: a row added afterwards with a key before `bound` sets
    /// `addedBeforeFlushed`, and the output is then out of order (the caller writes it again without flushing). Does
    /// nothing once rows were spilled, since a run may hold rows before `bound`; `drain` then writes them all.
    func flush(before bound: [UInt8], into output: OutputFile) throws(PipelineError) {
        guard runs.isEmpty else { return }
        sortAdded()
        let starts = stretchStarts
        let ends = Array(starts.dropFirst()) + [entries.count]
        // Where each stretch's rows from `bound` on begin.
        let cuts = keys.withUnsafeBufferPointer { keys in
            entries.withUnsafeBufferPointer { entries in
                starts.indices.map { stretch in
                    var low = starts[stretch]
                    var high = ends[stretch]
                    while low < high {
                        let middle = (low + high) / 2
                        let key = UnsafeBufferPointer(rebasing: keys[entries[middle].keyRange])
                        if key.lexicographicallyPrecedes(bound) { low = middle + 1 } else { high = middle }
                    }
                    return low
                }
            }
        }
        if zip(starts, cuts).allSatisfy({ $0 == $1 }) {
            raiseFlushed(to: bound)
            return
        }
        // The flushed rows, written as one sorter of their own stretches; the rest kept.
        let flushed = entries
        var kept: [Entry] = []
        var keptStarts: [Int] = []
        var writtenStarts: [Int] = []
        var written: [Entry] = []
        for stretch in starts.indices {
            writtenStarts.append(written.count)
            written.append(contentsOf: flushed[starts[stretch]..<cuts[stretch]])
            if cuts[stretch] < ends[stretch] {
                keptStarts.append(kept.count)
                kept.append(contentsOf: flushed[cuts[stretch]..<ends[stretch]])
            }
        }
        entries = written
        stretchStarts = writtenStarts
        try writeStretches(into: output)
        // The kept rows' keys and buffers, without those only flushed rows used.
        var newKeys: [UInt8] = []
        var newChunks: [[UInt8]] = []
        var chunkIndex: [Int: Int] = [:]
        for index in kept.indices {
            let entry = kept[index]
            let start = newKeys.count
            newKeys.append(contentsOf: keys[entry.keyRange])
            kept[index].keyOffset = start
            if let mapped = chunkIndex[entry.chunk] {
                kept[index].chunk = mapped
            } else {
                chunkIndex[entry.chunk] = newChunks.count
                kept[index].chunk = newChunks.count
                newChunks.append(chunks[entry.chunk])
            }
        }
        keys = newKeys
        chunks = newChunks
        entries = kept
        stretchStarts = keptStarts
        sortedEnd = kept.count
        heldBytes = keys.count + chunks.reduce(0) { $0 + $1.count }
        raiseFlushed(to: bound)
    }

    private func raiseFlushed(to bound: [UInt8]) {
        if let flushedBefore, !flushedBefore.lexicographicallyPrecedes(bound) { return }
        flushedBefore = bound
    }

    /// Writes every row in key order to `output` and empties the sorter.
    ///
    /// Rows held in memory are sorted as a stretch (`sortAdded`), and the stretches are merged as they are written,
    /// without first being merged into one list.
    func drain(into output: OutputFile) throws(PipelineError) {
        if runs.isEmpty {
            sortAdded()
            try writeStretches(into: output)
            emptied()
            return
        }
        try spill()
        try merge(into: output)
        runs.removeAll()
    }

    /// Writes the rows of the sorted stretches in key order: a merge through a binary heap of the stretches' next
    /// rows, each row copied from the buffer it was rendered in.
    ///
    /// The stretch that comes first gives every row that sorts before the other stretches' next rows at once,
    /// found by galloping (doubling steps, then halving): stretches are partitions, whose rows mostly sort apart
    /// from one another's, so most rows are written without a comparison.
    private func writeStretches(into output: OutputFile) throws(PipelineError) {
        let bounds = stretchStarts + [entries.count]
        // Each stretch's next entry and end.
        var next = Array(bounds.dropLast())
        let ends = Array(bounds.dropFirst())
        let chunks = chunks
        try keys.withUnsafeBufferPointer { (keys) throws(PipelineError) in
            guard let base = UnsafeRawPointer(keys.baseAddress) else { return }
            try entries.withUnsafeBufferPointer { (entries) throws(PipelineError) in
                func less(_ a: Int, _ b: Int) -> Bool { Self.less(entries[next[a]], entries[next[b]], in: base) }
                var heap = Array(next.indices.filter { next[$0] < ends[$0] })
                func siftDown(_ start: Int) {
                    var parent = start
                    while true {
                        var smallest = parent
                        let left = 2 * parent + 1
                        if left < heap.count && less(heap[left], heap[smallest]) { smallest = left }
                        if left + 1 < heap.count && less(heap[left + 1], heap[smallest]) { smallest = left + 1 }
                        if smallest == parent { return }
                        heap.swapAt(parent, smallest)
                        parent = smallest
                    }
                }
                for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
                while let stretch = heap.first {
                    let start = next[stretch]
                    var bound = ends[stretch]
                    if heap.count > 1 {
                        let rival = heap.count > 2 && less(heap[2], heap[1]) ? heap[2] : heap[1]
                        bound = Self.firstNotBefore(entries[next[rival]], in: entries, from: start + 1, to: bound, base)
                    }
                    for index in start..<bound {
                        let entry = entries[index]
                        try chunks[entry.chunk].withUnsafeBufferPointer { (rows) throws(PipelineError) in
                            try output.write(UnsafeBufferPointer(rebasing: rows[entry.rowRange]))
                        }
                    }
                    next[stretch] = bound
                    if bound == ends[stretch] {
                        heap.swapAt(0, heap.count - 1)
                        heap.removeLast()
                    }
                    if heap.count > 1 { siftDown(0) }
                }
            }
        }
    }

    /// The first index in `start..<end` of a sorted stretch whose entry does not sort before `limit`.
    ///
    /// `end` when all do. Steps of 1, 2, 4, ... until one overshoots, then halving.
    private static func firstNotBefore(
        _ limit: Entry,
        in entries: UnsafeBufferPointer<Entry>,
        from start: Int,
        to end: Int,
        _ base: UnsafeRawPointer
    ) -> Int {
        var low = start
        var step = 1
        while low < end {
            let probe = min(low + step - 1, end - 1)
            guard less(entries[probe], limit, in: base) else {
                var high = probe
                while low < high {
                    let middle = (low + high) / 2
                    if less(entries[middle], limit, in: base) { low = middle + 1 } else { high = middle }
                }
                return low
            }
            low = probe + 1
            step *= 2
        }
        return low
    }

    /// Every record in key order, read one at a time; the sorter is emptied, and its runs are removed when the cursor
    /// is closed.
    func cursor() throws(PipelineError) -> SortedCursor {
        if runs.isEmpty {
            sortEntries()
            let cursor = SortedCursor(
                keys: keys,
                chunks: chunks,
                entries: entries.map { ($0.keyRange, $0.chunk, $0.rowRange) }
            )
            keys = []
            chunks = []
            heldBytes = 0
            entries.removeAll()
            stretchStarts.removeAll()
            sortedEnd = 0
            return cursor
        }
        try spill()
        defer { runs.removeAll() }
        return try SortedCursor(runs: runs)
    }

    /// A k-way merge of the runs through ``SortedCursor``, which removes them when closed.
    ///
    /// Among equal keys, the earlier run (rows added earlier) wins.
    private func merge(into output: OutputFile) throws(PipelineError) {
        let cursor = try SortedCursor(runs: runs)
        defer { cursor.close() }
        while try cursor.advance() { try output.write(cursor.row) }
    }

    static func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}

/// One spilled run, read record by record.
final class RunReader {
    let file: InputFile
    var key: [UInt8] = []
    var row: [UInt8] = []

    init(path: String) throws(PipelineError) { file = try InputFile(path: path) }

    /// Reads the next record; false at the end of the run.
    func advance() throws(PipelineError) -> Bool {
        guard let keyLength = try file.readLength() else { return false }
        guard let rowLength = try file.readLength() else {
            throw PipelineError(path: file.path, message: "truncated sort run")
        }
        key.removeAll(keepingCapacity: true)
        row.removeAll(keepingCapacity: true)
        guard try file.read(keyLength, into: &key), try file.read(rowLength, into: &row) else {
            throw PipelineError(path: file.path, message: "truncated sort run")
        }
        return true
    }
}

/// The records of a `RowSorter` in key order, read one at a time: from memory, or merged from its runs (among equal
/// keys the earlier run first, as `drain`).
final class SortedCursor {
    private let keys: [UInt8]
    private let chunks: [[UInt8]]
    private let entries: [(key: Range<Int>, chunk: Int, row: Range<Int>)]
    private var position = -1
    private let paths: [String]
    private var readers: [RunReader] = []
    private var heap: [Int] = []
    private var started = false

    init(keys: [UInt8], chunks: [[UInt8]], entries: [(key: Range<Int>, chunk: Int, row: Range<Int>)]) {
        self.keys = keys
        self.chunks = chunks
        self.entries = entries
        paths = []
    }

    init(runs: [String]) throws(PipelineError) {
        keys = []
        chunks = []
        entries = []
        paths = runs
        for path in runs { readers.append(try RunReader(path: path)) }
    }

    /// Moves to the next record; false when there is none.
    func advance() throws(PipelineError) -> Bool {
        if paths.isEmpty {
            guard position < entries.count else { return false }
            position += 1
            return position < entries.count
        }
        if !started {
            started = true
            for index in readers.indices where try readers[index].advance() { heap.append(index) }
            for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(index) }
            return !heap.isEmpty
        }
        guard let top = heap.first else { return false }
        if try readers[top].advance() {
            down(0)
        } else {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            if !heap.isEmpty { down(0) }
        }
        return !heap.isEmpty
    }

    /// The current record's key.
    var key: ArraySlice<UInt8> {
        if paths.isEmpty { return keys[entries[position].key] }
        return readers[heap[0]].key[...]
    }

    /// The current record's row.
    var row: ArraySlice<UInt8> {
        if paths.isEmpty {
            let entry = entries[position]
            return chunks[entry.chunk][entry.row]
        }
        return readers[heap[0]].row[...]
    }

    /// Closes and removes the runs.
    func close() {
        for reader in readers { reader.file.close() }
        readers.removeAll()
        for path in paths { unlink(path) }
    }

    /// Key order (bytes compared as unsigned, a prefix first); among equal keys the earlier run.
    private func less(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (readers[a].key, readers[b].key)
        let order = x.withUnsafeBytes { p in
            y.withUnsafeBytes { q -> Int32 in
                guard let left = p.baseAddress, let right = q.baseAddress else { return 0 }
                return memcmp(left, right, min(p.count, q.count))
            }
        }
        if order != 0 { return order < 0 }
        if x.count != y.count { return x.count < y.count }
        return a < b
    }

    private func down(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var child = left
            if left + 1 < heap.count, less(heap[left + 1], heap[left]) { child = left + 1 }
            guard less(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            parent = child
        }
    }
}
