/// A deterministic random source: SplitMix64 seeded from the scenario seed and a key naming what is drawn.
///
/// Keys make draws independent of iteration order: the same (seed, key) always yields the same sequence.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64, key: String) {
        state = seed ^ SeededRandom.fnv1a(key)
        _ = next()
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
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

    /// `count` lower-case hexadecimal digits.
    public mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        var bits = next()
        var left = 16
        for _ in 0..<count {
            if left == 0 {
                bits = next()
                left = 16
            }
            out.append(digits[Int(bits & 0xF)])
            bits >>= 4
            left -= 1
        }
        return out
    }

    /// A GUID in AWS's upper-case job-id form, such as `D48D8717-0C9D-72DF-1F56-14E703BF2345`.
    public mutating func guid() -> String {
        let h = hex(32).uppercased()
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}
