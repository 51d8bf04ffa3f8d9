/// AWS's `*` wildcard: every character other than `*` matches itself, case-sensitively.
///
/// In ARN patterns and IAM actions `*` is zero or more characters of any kind. In the tag values of a backup
/// selection's `StringLike` and `StringNotLike` conditions it is zero or more characters other than whitespace
/// (Docs/ASSUMPTIONS.md A26): `prod*` matches `prod_server` but not `prod server`.
public enum Wildcard {
    /// Whether `text` matches `pattern`, `*` matching any run of characters (ARN patterns, IAM actions).
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        if !p.contains(42) { return p == t }
        return match(p, t, star: 42) { _ in true }
    }

    /// Whether a tag value matches a `StringLike` pattern, `*` matching any run of characters other than
    /// whitespace.
    public static func matchesTagValue(_ pattern: String, _ value: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(value.unicodeScalars)
        if !p.contains("*") { return p == t }
        return match(p, t, star: "*") { !$0.properties.isWhitespace }
    }

    /// Greedy matching with backtracking to the last `*`; `spans` says which characters a `*` may consume.
    private static func match<C: Equatable>(_ p: [C], _ t: [C], star: C, spans: (C) -> Bool) -> Bool {
        var pi = 0
        var ti = 0
        var starAt = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == star {
                starAt = pi
                mark = ti
                pi += 1
            } else if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if starAt >= 0, spans(t[mark]) {
                // The last `*` takes one more character, if it may, and matching resumes after it.
                pi = starAt + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == star { pi += 1 }
        return pi == p.count
    }
}
