/// A deterministic random source: SplitMix64 seeded from the scenario seed and a key naming what is drawn.
///
/// Keys make draws independent of iteration order: the same (seed, key) always yields the same sequence.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64, key: String) {
        self.init(seed: seed, key: Key(key))
    }

    /// The same draws as `init(seed:key:)` with the key's text, the key hashed as it is built.
    init(seed: UInt64, key: Key) {
        state = seed ^ key.hash
        _ = next()
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 { Key(text).hash }

    /// A key's FNV-1a hash, built from its parts without composing its text: `Key("job|").then(arn)` hashes as
    /// `"job|" + arn` does.
    struct Key {
        private(set) var hash: UInt64 = 0xCBF2_9CE4_8422_2325

        init(_ text: String) { add(text) }

        func then(_ text: String) -> Key {
            var key = self
            key.add(text)
            return key
        }

        /// The integer's decimal text, as string interpolation writes it.
        func then(_ value: Int64) -> Key { then(String(value)) }

        private mutating func add(_ text: String) {
            let done: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
                for byte in utf8 { mix(byte) }
            }
            if done == nil { for byte in text.utf8 { mix(byte) } }
        }

        private mutating func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
    }

    public mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % span)
    }

    /// A uniform fraction in `[0, 1)`.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `count` lower-case hexadecimal digits.
    public mutating func hex(_ count: Int) -> String {
        var out = [UInt8](repeating: 0, count: count)
        var bits = next()
        var left = 16
        for i in 0..<count {
            if left == 0 {
                bits = next()
                left = 16
            }
            out[i] = SeededRandom.hexDigits[Int(bits & 0xF)]
            bits >>= 4
            left -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A GUID in AWS's upper-case job-id form, such as `D48D8717-0C9D-72DF-1F56-14E703BF2345`.
    public mutating func guid() -> String {
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var bits = next()
        var left = 16
        for i in 0..<36 where i != 8 && i != 13 && i != 18 && i != 23 {
            if left == 0 {
                bits = next()
                left = 16
            }
            out[i] = SeededRandom.upperHexDigits[Int(bits & 0xF)]
            bits >>= 4
            left -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
