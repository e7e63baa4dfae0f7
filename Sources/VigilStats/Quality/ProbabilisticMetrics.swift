import Foundation

/// Mergeable sums for a binary classifier's probabilistic quality: log loss, Brier score, and expected
/// calibration error.
///
/// The sums are ``ExactSum``s, so a prediction can be taken away again exactly (a corrected label) and the
/// result does not depend on the order predictions arrive in.
public struct ProbabilisticMetrics: Sendable, Equatable {
    /// Probabilities are clipped to [ε, 1 − ε] in the log loss, as scikit-learn does for float64.
    public static let clipEpsilon = Double.ulpOfOne
    public static let defaultCalibrationBins = 10

    public private(set) var count = 0
    private var logLossSum = ExactSum()
    private var brierSum = ExactSum()
    /// Per equal-width bin of predicted probability: observations, Σ probability, Σ outcome.
    private var binCounts: [Int]
    private var binProbabilitySums: [ExactSum]
    private var binOutcomeSums: [Int]

    public init(calibrationBins: Int = ProbabilisticMetrics.defaultCalibrationBins) {
        precondition(calibrationBins >= 1, "at least one calibration bin")
        binCounts = [Int](repeating: 0, count: calibrationBins)
        binProbabilitySums = [ExactSum](repeating: ExactSum(), count: calibrationBins)
        binOutcomeSums = binCounts
    }

    /// The number of calibration bins.
    public var calibrationBins: Int { binCounts.count }

    /// Adds one prediction: the probability of the positive class and whether the outcome was positive. A
    /// weight of -1 takes the same prediction away again.
    public mutating func add(probability: Double, isPositive: Bool, weight: Int = 1) {
        add(probability, isPositive, count: weight)
    }

    /// Adds `count` identical predictions at once: what `count` calls of ``add(probability:isPositive:weight:)``
    /// would give, with one logarithm.
    public mutating func add(probability: Double, isPositive: Bool, repeated count: Int) {
        guard count > 0 else { return }
        add(probability, isPositive, count: count)
    }

    /// Adds `count` copies of a prediction (a negative count takes them away).
    private mutating func add(_ probability: Double, _ isPositive: Bool, count: Int) {
        guard probability.isFinite, count != 0 else { return }
        let p = Swift.min(1, Swift.max(0, probability))
        let y = isPositive ? 1.0 : 0.0
        let clipped = Swift.min(1 - Self.clipEpsilon, Swift.max(Self.clipEpsilon, p))
        logLossSum.add(isPositive ? -log(clipped) : -log(1 - clipped), times: count)
        brierSum.add((p - y) * (p - y), times: count)
        let bin = Swift.min(binCounts.count - 1, Int(p * Double(binCounts.count)))
        binCounts[bin] += count
        binProbabilitySums[bin].add(p, times: count)
        binOutcomeSums[bin] += isPositive ? count : 0
        self.count += count
    }

    public mutating func merge(_ other: ProbabilisticMetrics) throws(MergeError) {
        guard other.binCounts.count == binCounts.count else { throw MergeError("calibration bins differ") }
        count += other.count
        logLossSum.merge(other.logLossSum)
        brierSum.merge(other.brierSum)
        for bin in binCounts.indices {
            binCounts[bin] += other.binCounts[bin]
            binProbabilitySums[bin].merge(other.binProbabilitySums[bin])
            binOutcomeSums[bin] += other.binOutcomeSums[bin]
        }
    }

    /// Mean negative log-likelihood (`sklearn.metrics.log_loss`).
    public var logLoss: Double { count > 0 ? logLossSum.value / Double(count) : .nan }
    /// Mean squared error of the probability (`sklearn.metrics.brier_score_loss`).
    public var brierScore: Double { count > 0 ? brierSum.value / Double(count) : .nan }

    /// Σ_b (n_b/n)·|mean outcome_b − mean probability_b| over equal-width probability bins.
    public var expectedCalibrationError: Double {
        guard count > 0 else { return .nan }
        var total = 0.0
        for bin in binCounts.indices where binCounts[bin] > 0 {
            total += abs(Double(binOutcomeSums[bin]) - binProbabilitySums[bin].value)
        }
        return total / Double(count)
    }
}

extension ProbabilisticMetrics {
    /// Writes the counts and exact sums.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(binCounts.count)
        encoder.writeVarint(count)
        logLossSum.encode(into: &encoder)
        brierSum.encode(into: &encoder)
        for bin in binCounts.indices {
            encoder.writeVarint(binCounts[bin])
            encoder.writeVarint(binOutcomeSums[bin])
            binProbabilitySums[bin].encode(into: &encoder)
        }
    }

    /// Reads metrics written by ``encode(into:)``, checking that the bins add up to the count.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let bins = try decoder.readCount("calibration bins", limit: 1000)
        guard bins >= 1 else { throw DecodingError("calibration metrics with no bin", at: decoder.offset) }
        self.init(calibrationBins: bins)
        count = try decoder.readCount("probability count", limit: Int.max)
        logLossSum = try ExactSum(decoding: &decoder)
        brierSum = try ExactSum(decoding: &decoder)
        var total = 0
        for bin in 0..<bins {
            binCounts[bin] = try decoder.readCount("calibration bin count", limit: count)
            binOutcomeSums[bin] = try decoder.readCount("calibration bin outcomes", limit: binCounts[bin])
            binProbabilitySums[bin] = try ExactSum(decoding: &decoder)
            total += binCounts[bin]
        }
        guard total == count else { throw DecodingError("calibration bins hold \(total) predictions, not \(count)", at: decoder.offset) }
    }
}
