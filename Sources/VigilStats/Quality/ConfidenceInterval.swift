import Foundation

/// A two-sided 95 % interval around a figure, and how it was computed.
public struct ConfidenceInterval: Sendable, Equatable {
    /// The lower end.
    public var lower: Double
    /// The upper end.
    public var upper: Double
    /// `wilson`, `normal` or `hanley-mcneil`.
    public var method: String

    /// An interval computed by `method`.
    public init(lower: Double, upper: Double, method: String) {
        self.lower = lower
        self.upper = upper
        self.method = method
    }

    /// The two-sided 95 % normal quantile, Φ⁻¹(0.975).
    public static let z95 = 1.959963984540054

    /// The Wilson score interval of a proportion of `successes` in `trials` (as
    /// `statsmodels.stats.proportion.proportion_confint(method="wilson")`); nil with no trial.
    public static func wilson(successes: Double, trials: Double, z: Double = z95) -> ConfidenceInterval? {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let p = successes / trials
        let z2 = z * z
        let denominator = 1 + z2 / trials
        let center = (p + z2 / (2 * trials)) / denominator
        let half = z / denominator * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        return ConfidenceInterval(lower: Swift.max(0, center - half), upper: Swift.min(1, center + half), method: "wilson")
    }

    /// mean ± z·s/√n for a mean of `count` values with sample standard deviation `standardDeviation`; nil
    /// below two values.
    public static func normal(mean: Double, standardDeviation: Double, count: Int, z: Double = z95) -> ConfidenceInterval? {
        guard count > 1, mean.isFinite, standardDeviation.isFinite else { return nil }
        let half = z * standardDeviation / Double(count).squareRoot()
        return ConfidenceInterval(lower: mean - half, upper: mean + half, method: "normal")
    }

    /// Hanley and McNeil's (1982) interval of a ROC AUC from the numbers of positives and negatives:
    /// SE² = (A(1−A) + (P−1)(Q₁−A²) + (N−1)(Q₂−A²)) / (P·N), Q₁ = A/(2−A), Q₂ = 2A²/(1+A); clipped to [0, 1].
    public static func hanleyMcNeil(auc: Double, positives: Int, negatives: Int, z: Double = z95) -> ConfidenceInterval? {
        guard auc.isFinite, positives > 0, negatives > 0 else { return nil }
        let p = Double(positives)
        let n = Double(negatives)
        let q1 = auc / (2 - auc)
        let q2 = 2 * auc * auc / (1 + auc)
        let variance = (auc * (1 - auc) + (p - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc)) / (p * n)
        let half = z * Swift.max(0, variance).squareRoot()
        return ConfidenceInterval(lower: Swift.max(0, auc - half), upper: Swift.min(1, auc + half), method: "hanley-mcneil")
    }
}
