import Foundation

/// How a difference between two arms is expressed.
public enum DifferenceType: String, Sendable, Codable, CaseIterable {
    /// candidate − baseline.
    case absolute
    /// (candidate − baseline) / baseline.
    case relative
}

/// When the evidence is read.
public enum TestMode: Sendable, Equatable {
    /// Once, at a sample size fixed in advance: Welch's t-test and its interval.
    case fixedHorizon
    /// As often as anyone likes: Waudby-Smith et al.'s asymptotic confidence sequence, tuned to be tightest
    /// near `tuning` units summed over both arms (GrowthBook's default is 5,000).
    case sequential(tuning: Double)

    /// GrowthBook's default sequential tuning.
    public static let sequentialDefault = TestMode.sequential(tuning: 5_000)

    /// `fixed` or `sequential`.
    public var name: String {
        switch self {
        case .fixedHorizon: "fixed"
        case .sequential: "sequential"
        }
    }
}

/// The difference between a candidate and a baseline arm on one metric: the estimate, its interval and its
/// p-value, computed as GrowthBook's `gbstats` does (checked to 1e-6 in `EffectEstimateTests`).
public struct EffectEstimate: Sendable, Equatable {
    /// Why no estimate could be made.
    public enum Unavailable: String, Error, Sendable {
        /// A relative difference over a baseline of zero.
        case baselineIsZero = "baseline_zero"
        /// An arm without variance (every value the same, or fewer than two values).
        case noVariance = "no_variance"
        /// An arm too small for the method (a quantile with too few values to bracket it).
        case tooFewUnits = "too_few_units"
    }

    /// Absolute or relative.
    public var difference: DifferenceType
    /// Fixed-horizon or sequential.
    public var mode: TestMode
    /// The estimated difference.
    public var estimate: Double
    /// Its standard error.
    public var standardError: Double
    /// Welch–Satterthwaite degrees of freedom (fixed horizon).
    public var degreesOfFreedom: Double
    /// The two-sided interval at 1 − α; for a sequential test, valid at every look.
    public var interval: (lower: Double, upper: Double)
    /// Two-sided p-value; for a sequential test, the always-valid p = min(1, 1/e-value).
    public var pValue: Double
    /// The α the interval is drawn at.
    public var alpha: Double

    /// Compares `candidate` against `baseline`.
    public static func compare(
        baseline: ArmStatistic,
        candidate: ArmStatistic,
        difference: DifferenceType = .relative,
        mode: TestMode = .sequentialDefault,
        alpha: Double = 0.05
    ) -> Result<EffectEstimate, Unavailable> {
        // Deng et al.'s interval needs n·ν and n·(1 − ν) beyond z²: a p99 needs about 400 values.
        for arm in [baseline, candidate] {
            guard let level = arm.level else { continue }
            let z2 = ConfidenceInterval.z95 * ConfidenceInterval.z95
            if Double(arm.n) <= z2 * level / (1 - level) || Double(arm.n) <= z2 * (1 - level) / level { return .failure(.tooFewUnits) }
        }
        if difference == .relative && baseline.mean == 0 { return .failure(.baselineIsZero) }
        if baseline.n < 2 || candidate.n < 2 || !(baseline.variance > 0) || !(candidate.variance > 0) { return .failure(.noVariance) }
        let nA = Double(baseline.n)
        let nB = Double(candidate.n)
        let estimate: Double
        let variance: Double
        switch difference {
        case .absolute:
            estimate = candidate.mean - baseline.mean
            variance = candidate.variance / nB + baseline.variance / nA
        case .relative:
            let m = baseline.mean
            estimate = (candidate.mean - m) / m
            variance = candidate.variance / (m * m * nB) + baseline.variance * candidate.mean * candidate.mean / (m * m * m * m * nA)
        }
        let a = candidate.variance / nB
        let b = baseline.variance / nA
        let dof = (a + b) * (a + b) / (a * a / (nB - 1) + b * b / (nA - 1))
        return .success(EffectEstimate(difference: difference, mode: mode, estimate: estimate, variance: variance, units: nA + nB, degreesOfFreedom: dof, alpha: alpha))
    }

    /// An estimate with its variance: the interval and p-value of the mode. Fixed horizon: Student's t on
    /// `degreesOfFreedom`. Sequential: the asymptotic confidence sequence over `units` (both arms' units, or the
    /// pairs of a paired test) with the per-unit variance `variance × units`, and the always-valid p = 1/e-value.
    init(difference: DifferenceType, mode: TestMode, estimate: Double, variance: Double, units n: Double, degreesOfFreedom dof: Double, alpha: Double) {
        let standardError = variance.squareRoot()
        switch mode {
        case .fixedHorizon:
            let width = StudentTDistribution.quantile(1 - alpha / 2, degreesOfFreedom: dof) * standardError
            interval = (estimate - width, estimate + width)
            pValue = Swift.min(1, 2 * StudentTDistribution.survival(abs(estimate / standardError), degreesOfFreedom: dof))
        case .sequential(let tuning):
            let rho2 = Self.rhoSquared(alpha: alpha, tuning: tuning)
            let nr2 = n * rho2 + 1
            let width = (variance * n).squareRoot() * (2 * nr2 * log(nr2.squareRoot() / alpha) / (n * n * rho2)).squareRoot()
            interval = (estimate - width, estimate + width)
            let st2 = estimate * estimate * n / variance
            let eValue = exp(rho2 * st2 / (2 * nr2)) / nr2.squareRoot()
            pValue = Swift.min(1, 1 / eValue)
        }
        self.difference = difference
        self.mode = mode
        self.estimate = estimate
        self.standardError = standardError
        degreesOfFreedom = dof
        self.alpha = alpha
    }

    /// ρ² of the asymptotic confidence sequence (Waudby-Smith et al. 2023, eq. 161) for a tuning N*.
    static func rhoSquared(alpha: Double, tuning: Double) -> Double {
        (-2 * log(alpha) + log(-2 * log(alpha) + 1)) / tuning
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.difference == rhs.difference && lhs.mode == rhs.mode && lhs.estimate == rhs.estimate && lhs.standardError == rhs.standardError
            && lhs.degreesOfFreedom == rhs.degreesOfFreedom && lhs.interval == rhs.interval && lhs.pValue == rhs.pValue && lhs.alpha == rhs.alpha
    }
}
