import Foundation

/// The standard normal distribution.
public enum NormalDistribution {
    /// P(Z ≤ x), accurate in both tails because it is computed from `erfc`.
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// P(Z > x), without the cancellation of `1 - cdf(x)`.
    public static func survival(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    /// Two-sided p-value of a z statistic: P(|Z| ≥ |z|).
    public static func twoSidedPValue(_ z: Double) -> Double { min(1, 2 * survival(abs(z))) }
}

extension NormalDistribution {
    /// Φ⁻¹(p): Newton's method on ``cdf(_:)`` from a logistic start, kept inside a halving bracket, so the
    /// result is as accurate as `erfc` (checked against `scipy.stats.norm.ppf` in `SpecialFunctionTests`).
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        // Solve for the tail q = min(p, 1 − p), which is exact in both cases (1 − p is exact for p ≥ 0.5).
        let q = p < 0.5 ? p : 1 - p
        var low = 0.0
        var high = 40.0
        var x = Swift.min(high / 2, (-2 * log(2 * q)).squareRoot())
        for _ in 0..<200 {
            let error = survival(x) - q
            if error > 0 { low = x } else { high = x }
            let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            var next = x + error / density
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - x) <= 1e-15 * Swift.max(1, x) { return p < 0.5 ? -next : next }
            x = next
        }
        return p < 0.5 ? -x : x
    }
}
