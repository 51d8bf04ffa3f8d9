internal import Foundation

/// The SHA-256 messages that `verify` hashes for a chain, by length: what its speed is bounded by.
///
/// Every listed file is one message (its SHA-256); every CSV file adds its header record, one leaf per data row
/// (`0x00 || record`), and the n - 1 interior nodes of n leaves (`0x01 || left || right`, 65 bytes), or the
/// empty tree's hash when it has no rows; every entry adds its seal (the SHA-256 of SHA256SUMS).
public struct HashingMix: Sendable, Equatable {
    /// Message length in bytes → number of messages of that length, over all kinds.
    public var messages: [Int: Int] = [:]
    /// Leaf message lengths (record plus prefix) → number of leaves.
    public var leaves: [Int: Int] = [:]
    /// Bytes of the listed files: what `verify` counts as checked.
    public var fileBytes = 0
    public var files = 0
    public var rows = 0
    public var nodes = 0

    public init() {}

    /// The number of messages of every kind.
    public var messageCount: Int { messages.values.reduce(0, +) }

    /// The bytes of every message of every kind.
    public var messageBytes: Int { messages.reduce(0) { $0 + $1.key * $1.value } }

    /// The 64-byte blocks SHA-256 compresses for every message, padding included.
    public var blocks: Int { messages.reduce(0) { $0 + HashingCost.blocks($1.key) * $1.value } }

    mutating func add(_ length: Int, count: Int = 1) {
        guard count > 0 else { return }
        messages[length, default: 0] += count
    }

    /// Leaf lengths at the given fractions of the leaves' bytes (each in 0...1): the sizes whose cost dominates.
    public func leafLengths(atByteFractions fractions: [Double]) -> [Int] {
        let lengths = leaves.keys.sorted()
        let total = Double(leaves.reduce(0) { $0 + $1.key * $1.value })
        guard total > 0 else { return [] }
        return fractions.map { fraction in
            var running = 0.0
            for length in lengths {
                running += Double(length * (leaves[length] ?? 0))
                if running >= fraction * total { return length }
            }
            return lengths[lengths.count - 1]
        }
    }
}

/// The time SHA-256 takes for a message of any length, from rates measured at a few lengths.
///
/// SHA-256 processes a message of L bytes in ⌈(L + 9) / 64⌉ blocks of 64 bytes, so cost is a function of the
/// block count: it is interpolated linearly between the measured lengths, and proportionally to the block count
/// below the shortest and above the longest (which is how long messages behave; it slightly flatters short ones).
public struct HashingCost: Sendable {
    /// (blocks, seconds per message), by increasing blocks.
    private let points: [(blocks: Int, seconds: Double)]

    /// - Parameter rates: message length → bytes hashed per second at that length (at least one, all positive).
    public init(rates: [Int: Double]) {
        var byBlocks: [Int: [Double]] = [:]
        for (length, rate) in rates where length > 0 && rate > 0 {
            byBlocks[Self.blocks(length), default: []].append(Double(length) / rate)
        }
        points = byBlocks.keys.sorted().map { blocks in
            let times = byBlocks[blocks] ?? []
            return (blocks, times.reduce(0, +) / Double(times.count))
        }
    }

    /// The 64-byte blocks SHA-256 compresses for a message of `length` bytes, padding included.
    public static func blocks(_ length: Int) -> Int { (length + 9 + 63) / 64 }

    /// Seconds for one message of `length` bytes.
    public func seconds(length: Int) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        let blocks = Self.blocks(length)
        if blocks <= first.blocks { return first.seconds * Double(blocks) / Double(first.blocks) }
        if blocks >= last.blocks { return last.seconds * Double(blocks) / Double(last.blocks) }
        var lower = first
        for point in points {
            if point.blocks == blocks { return point.seconds }
            if point.blocks > blocks {
                let fraction = Double(blocks - lower.blocks) / Double(point.blocks - lower.blocks)
                return lower.seconds + fraction * (point.seconds - lower.seconds)
            }
            lower = point
        }
        return last.seconds
    }

    /// Seconds for every message of a mix.
    public func seconds(_ mix: HashingMix) -> Double {
        mix.messages.keys.sorted().reduce(0) { $0 + Double(mix.messages[$1] ?? 0) * seconds(length: $1) }
    }
}

extension Ledger {
    /// The messages `verify` hashes for the sealed entries of this evidence folder (those whose SHA256SUMS reads).
    public func hashingMix() throws -> HashingMix {
        var mix = HashingMix()
        for entry in entries() {
            let folder = root.appendingPathComponent(entry.folder)
            let sums = try Data(contentsOf: folder.appendingPathComponent("SHA256SUMS"))
            mix.add(sums.count)
            for line in String(decoding: sums, as: UTF8.self).split(separator: "\n") where line.utf8.count > 66 {
                let path = String(line.dropFirst(66))
                guard !path.split(separator: "/").contains("..") else { continue }
                let data = try Data(contentsOf: folder.appendingPathComponent(path), options: .alwaysMapped)
                mix.files += 1
                mix.fileBytes += data.count
                mix.add(data.count)
                guard path.hasSuffix(".csv") else { continue }
                data.withUnsafeBytes { raw in
                    let records = CSVRecords.ranges(raw)
                    mix.add(records.first?.count ?? 0)
                    for record in records.dropFirst() {
                        mix.leaves[record.count + 1, default: 0] += 1
                        mix.add(record.count + 1)
                    }
                    let rows = max(records.count - 1, 0)
                    mix.rows += rows
                    if rows == 0 { mix.add(0) }
                    mix.nodes += max(rows - 1, 0)
                    mix.add(65, count: rows - 1)
                }
            }
        }
        return mix
    }
}
