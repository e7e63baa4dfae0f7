import Foundation

/// Mergeable sums for a binary classifier's probabilistic quality: log loss, Brier score, and expected
/// calibration error.
public struct ProbabilisticMetrics: Sendable, Equatable {
    /// Probabilities are clipped to [ε, 1 − ε] in the log loss, as scikit-learn does for float64.
    public static let clipEpsilon = Double.ulpOfOne
    public static let defaultCalibrationBins = 10

    public private(set) var count = 0
    private var logLossSum = 0.0
    private var brierSum = 0.0
    /// Per equal-width bin of predicted probability: observations, Σ probability, Σ outcome.
    private var binCounts: [Int]
    private var binProbabilitySums: [Double]
    private var binOutcomeSums: [Double]

    public init(calibrationBins: Int = ProbabilisticMetrics.defaultCalibrationBins) {
        precondition(calibrationBins >= 1, "at least one calibration bin")
        binCounts = [Int](repeating: 0, count: calibrationBins)
        binProbabilitySums = [Double](repeating: 0, count: calibrationBins)
        binOutcomeSums = binProbabilitySums
    }

    /// Adds one prediction: the probability of the positive class and whether the outcome was positive.
    public mutating func add(probability: Double, isPositive: Bool) {
        guard probability.isFinite else { return }
        let p = Swift.min(1, Swift.max(0, probability))
        let y = isPositive ? 1.0 : 0.0
        let clipped = Swift.min(1 - Self.clipEpsilon, Swift.max(Self.clipEpsilon, p))
        logLossSum -= isPositive ? log(clipped) : log(1 - clipped)
        brierSum += (p - y) * (p - y)
        let bin = Swift.min(binCounts.count - 1, Int(p * Double(binCounts.count)))
        binCounts[bin] += 1
        binProbabilitySums[bin] += p
        binOutcomeSums[bin] += y
        count += 1
    }

    public mutating func merge(_ other: ProbabilisticMetrics) throws(MergeError) {
        guard other.binCounts.count == binCounts.count else { throw MergeError("calibration bins differ") }
        count += other.count
        logLossSum += other.logLossSum
        brierSum += other.brierSum
        for bin in binCounts.indices {
            binCounts[bin] += other.binCounts[bin]
            binProbabilitySums[bin] += other.binProbabilitySums[bin]
            binOutcomeSums[bin] += other.binOutcomeSums[bin]
        }
    }

    /// Mean negative log-likelihood (`sklearn.metrics.log_loss`).
    public var logLoss: Double { count > 0 ? logLossSum / Double(count) : .nan }
    /// Mean squared error of the probability (`sklearn.metrics.brier_score_loss`).
    public var brierScore: Double { count > 0 ? brierSum / Double(count) : .nan }

    /// Σ_b (n_b/n)·|mean outcome_b − mean probability_b| over equal-width probability bins.
    public var expectedCalibrationError: Double {
        guard count > 0 else { return .nan }
        var total = 0.0
        for bin in binCounts.indices where binCounts[bin] > 0 {
            total += abs(binOutcomeSums[bin] - binProbabilitySums[bin])
        }
        return total / Double(count)
    }
}
