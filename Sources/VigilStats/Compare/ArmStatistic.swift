import Foundation

/// What one arm of a comparison (one model version) contributes to a test of one metric: its units, the
/// metric's mean per unit and the per-unit variance of that mean's estimator, as GrowthBook's `gbstats`
/// defines them for proportions, means, ratios and quantiles.
public struct ArmStatistic: Sendable, Equatable {
    /// How the mean and variance were derived.
    public enum Kind: String, Sendable {
        case proportion, mean, ratio, quantile
    }

    /// The kind of metric.
    public var kind: Kind
    /// Units (requests, labelled predictions, values).
    public var n: Int
    /// The metric's estimate for the arm: a share, a mean, a ratio of sums or a quantile.
    public var mean: Double
    /// The per-unit variance σ̂², so that Var(mean) = σ̂² / n.
    public var variance: Double
    /// The quantile's level (0.99 for p99); nil for other kinds.
    public var level: Double?

    /// An arm from its parts; prefer the named constructors.
    public init(kind: Kind, n: Int, mean: Double, variance: Double, level: Double? = nil) {
        self.kind = kind
        self.n = n
        self.mean = mean
        self.variance = variance
        self.level = level
    }

    /// A share of `successes` in `trials`: σ̂² = p̂(1 − p̂).
    public static func proportion(successes: Double, trials: Int) -> ArmStatistic {
        let p = trials > 0 ? successes / Double(trials) : 0
        return ArmStatistic(kind: .proportion, n: trials, mean: p, variance: p * (1 - p))
    }

    /// A mean from the count, sum and sum of squares of its values: σ̂² = (Σx² − (Σx)²/n) / (n − 1).
    public static func mean(count: Int, sum: Double, sumOfSquares: Double) -> ArmStatistic {
        let mean = count > 0 ? sum / Double(count) : 0
        let variance = count > 1 ? (sumOfSquares - sum * sum / Double(count)) / Double(count - 1) : 0
        return ArmStatistic(kind: .mean, n: count, mean: mean, variance: variance)
    }

    /// A mean from a count, a mean and a sample variance (as ``Moments`` keeps them).
    public static func mean(count: Int, mean: Double, sampleVariance: Double) -> ArmStatistic {
        ArmStatistic(kind: .mean, n: count, mean: count > 0 ? mean : 0, variance: count > 1 && sampleVariance.isFinite ? sampleVariance : 0)
    }

    /// A ratio of two per-unit sums, M / D (revenue per session, errors per call), with the delta method's
    /// variance σ̂²_M/μ_D² − 2·Cov(M, D)·μ_M/μ_D³ + μ_M²·σ̂²_D/μ_D⁴ over `count` units.
    public static func ratio(
        count: Int,
        numeratorSum: Double,
        numeratorSumOfSquares: Double,
        denominatorSum: Double,
        denominatorSumOfSquares: Double,
        sumOfProducts: Double
    ) -> ArmStatistic {
        let numerator = mean(count: count, sum: numeratorSum, sumOfSquares: numeratorSumOfSquares)
        let denominator = mean(count: count, sum: denominatorSum, sumOfSquares: denominatorSumOfSquares)
        let ratio = denominatorSum != 0 ? numeratorSum / denominatorSum : 0
        guard denominator.mean != 0, count > 1 else { return ArmStatistic(kind: .ratio, n: count, mean: ratio, variance: 0) }
        let n = Double(count)
        let covariance = (sumOfProducts - numeratorSum * denominatorSum / n) / (n - 1)
        let dm = denominator.mean
        let variance =
            numerator.variance / (dm * dm) - 2 * covariance * numerator.mean / (dm * dm * dm)
            + numerator.mean * numerator.mean * denominator.variance / (dm * dm * dm * dm)
        return ArmStatistic(kind: .ratio, n: count, mean: ratio, variance: variance)
    }

    /// The ranks (as probabilities) whose values bound a `level` quantile's 95 % interval over n values, as
    /// Deng, Knoblich and Yu (2018) take them: level ± z·√(level(1 − level)/n).
    public static func quantileBracket(level: Double, count: Int) -> (lower: Double, upper: Double) {
        let half = ConfidenceInterval.z95 * (level * (1 - level) / Double(Swift.max(count, 1))).squareRoot()
        return (Swift.max(0, level - half), Swift.min(1, level + half))
    }

    /// A quantile (p95, p99 latency) from its estimate and the values at ``quantileBracket(level:count:)``:
    /// Deng et al.'s variance (n − 1)·((upper − lower) / (2·z))², floored at 1e-5 from 100 values as
    /// `gbstats` does.
    public static func quantile(level: Double, count: Int, estimate: Double, lower: Double, upper: Double) -> ArmStatistic {
        guard count > 1 else { return ArmStatistic(kind: .quantile, n: count, mean: estimate, variance: 0, level: level) }
        let spread = (upper - lower) / (2 * ConfidenceInterval.z95)
        var variance = Double(count - 1) * spread * spread
        if count >= 100 { variance = Swift.max(variance, 1e-5) }
        return ArmStatistic(kind: .quantile, n: count, mean: estimate, variance: variance, level: level)
    }
}
