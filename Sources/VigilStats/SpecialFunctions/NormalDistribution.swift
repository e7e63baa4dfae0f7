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
