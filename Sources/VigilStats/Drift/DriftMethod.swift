/// A drift test or distance, named as Evidently names it so users can carry their configuration over.
public enum DriftMethod: String, Sendable, CaseIterable, Codable {
    /// Two-sample Kolmogorov–Smirnov test (numeric); p-value.
    case kolmogorovSmirnov = "ks"
    /// Chi-square test of homogeneity on the 2×k contingency table (categorical); p-value.
    case chiSquare = "chisquare"
    /// Two-proportion Z-test (binary categorical); p-value.
    case zTest = "z"
    /// Population Stability Index; distance.
    case populationStabilityIndex = "psi"
    /// Jensen–Shannon distance (natural logarithm, as scipy); distance.
    case jensenShannon = "jensenshannon"
    /// Wasserstein-1 distance divided by the reference standard deviation (numeric); distance.
    case wasserstein = "wasserstein"
    /// Hellinger distance; distance.
    case hellinger = "hellinger"
    /// Kullback–Leibler divergence of the reference from the current distribution; distance.
    case kullbackLeibler = "kl_div"
    /// Two-sample Cramér–von Mises test (numeric); p-value.
    case cramerVonMises = "cramer_von_mises"

    /// Whether the method yields a p-value (drift when below the threshold) or a distance (drift when at or
    /// above it).
    public var yieldsPValue: Bool {
        switch self {
        case .kolmogorovSmirnov, .chiSquare, .zTest, .cramerVonMises: true
        case .populationStabilityIndex, .jensenShannon, .wasserstein, .hellinger, .kullbackLeibler: false
        }
    }

    /// Whether the method applies to numeric data, categorical data, or both.
    public var acceptsNumeric: Bool { self != .chiSquare && self != .zTest }
    public var acceptsCategorical: Bool {
        self != .kolmogorovSmirnov && self != .wasserstein && self != .cramerVonMises
    }

    /// Evidently's default threshold: 0.05 for p-values, 0.1 for distances.
    public var defaultThreshold: Double { yieldsPValue ? 0.05 : 0.1 }
}

/// The outcome of one drift test on one column.
public struct DriftResult: Sendable, Equatable {
    public var method: DriftMethod
    /// The p-value for p-value methods, the distance otherwise: the number compared with `threshold`.
    public var score: Double
    /// The test statistic (KS D, chi-square χ², z, CvM T; equal to `score` for distances).
    public var statistic: Double
    public var threshold: Double
    public var drifted: Bool
    /// Bound on |statistic − exact statistic| when computed from sketches; 0 when exact.
    public var statisticErrorBound: Double

    public init(method: DriftMethod, score: Double, statistic: Double, threshold: Double, statisticErrorBound: Double = 0) {
        self.method = method
        self.score = score
        self.statistic = statistic
        self.threshold = threshold
        self.statisticErrorBound = statisticErrorBound
        // Evidently's comparisons: KS drifts at p ≤ threshold, the other p-value tests at p < threshold.
        switch method {
        case .kolmogorovSmirnov: drifted = score <= threshold
        case _ where method.yieldsPValue: drifted = score < threshold
        default: drifted = score >= threshold
        }
    }
}

/// Why a drift test could not run.
public struct DriftTestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
