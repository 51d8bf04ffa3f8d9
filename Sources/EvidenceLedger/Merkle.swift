internal import EvidenceCrypto

/// RFC 6962 Merkle trees: `leaf = SHA-256(0x00 || data)`, `node = SHA-256(0x01 || left || right)`, the empty tree
/// is `SHA-256()`, and a tree of n leaves splits at the largest power of two below n.
public enum Merkle {
    /// The leaf hash of one record.
    public static func leaf(_ record: some Collection<UInt8>) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update([0])
        hasher.update(record)
        return hasher.finalize().bytes
    }

    /// Leaf hashes of the given records of `bytes`.
    static func leaves(_ bytes: [UInt8], _ records: [Range<Int>]) -> [[UInt8]] {
        records.map { leaf(bytes[$0]) }
    }

    /// The interior node over two child hashes.
    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        SHA256.hash([1] + left + right).bytes
    }

    /// The tree head over leaf hashes.
    public static func root(leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return SHA256.hash([UInt8]()).bytes }
        var level = leaves
        // Pairwise reduction, carrying an odd last node up: equal to RFC 6962's recursive split.
        while level.count > 1 {
            var next: [[UInt8]] = []
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index + 1 < level.count {
                next.append(node(level[index], level[index + 1]))
                index += 2
            }
            if index < level.count { next.append(level[index]) }
            level = next
        }
        return level[0]
    }

    /// The audit path of leaf `index` in a tree of `leaves` (RFC 9162 §2.1.3.1), leaf to root.
    public static func auditPath(index: Int, leaves: [[UInt8]]) -> [[UInt8]] {
        precondition(index >= 0 && index < leaves.count, "leaf index out of range")
        return path(index, leaves[...])
    }

    private static func path(_ index: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let start = leaves.startIndex
        if index < split {
            return path(index, leaves[start..<(start + split)]) + [root(leaves: Array(leaves[(start + split)...]))]
        }
        return path(index - split, leaves[(start + split)...]) + [root(leaves: Array(leaves[start..<(start + split)]))]
    }

    /// The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or nil when the proof is malformed.
    public static func rootFromProof(leaf: [UInt8], index: Int, size: Int, path: [[UInt8]]) -> [UInt8]? {
        guard index >= 0, index < size else { return nil }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in path {
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? r : nil
    }
}

/// The RFC 6962 tree head over records given one at a time, holding only the roots of complete subtrees.
///
/// After n leaves the stack holds one subtree root per set bit of n, largest first: adding a leaf pushes its hash
/// and merges the top two while they cover equal numbers of leaves. The head is the stack folded from the right,
/// `node(s1, node(s2, … node(sk-1, sk)))`, which is RFC 6962's split at the largest power of two below n applied
/// at every level. Memory is 32 bytes per level, whatever the number of leaves.
struct MerkleStack {
    /// Subtree roots back to back, 32 bytes each; room for any count of leaves an `Int` can hold.
    private var roots = [UInt8](repeating: 0, count: 65 * 32)
    private var depth = 0
    private(set) var leaves = 0

    /// Adds the leaf `SHA-256(0x00 || record)`.
    mutating func add(_ record: UnsafeRawBufferPointer) {
        var depth = self.depth
        leaves += 1
        var merges = leaves.trailingZeroBitCount
        roots.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress.unsafelyUnwrapped
            SHA256.digest(prefix: 0, record, into: base + depth * 32)
            depth += 1
            while merges > 0 {
                // The digest reads both children before it writes the node over the left one.
                SHA256.digest(
                    prefix: 1,
                    UnsafeRawBufferPointer(start: base + (depth - 2) * 32, count: 32),
                    UnsafeRawBufferPointer(start: base + (depth - 1) * 32, count: 32),
                    into: base + (depth - 2) * 32
                )
                depth -= 1
                merges -= 1
            }
        }
        self.depth = depth
    }

    /// The tree head over the leaves added so far; `SHA-256()` when there are none.
    func root() -> [UInt8] {
        guard depth > 0 else { return SHA256.hash([UInt8]()).bytes }
        var head = Array(roots[((depth - 1) * 32)..<(depth * 32)])
        for level in stride(from: depth - 2, through: 0, by: -1) {
            head = Merkle.node(Array(roots[(level * 32)..<(level * 32 + 32)]), head)
        }
        return head
    }
}
