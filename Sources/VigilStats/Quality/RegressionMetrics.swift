/// Mergeable sums for regression quality: Evidently's RegressionQuality set (mean error, MAE, RMSE, MAPE,
/// R², maximum absolute error).
///
/// The sums are ``ExactSum``s: a prediction can be taken away again exactly (a corrected label), and the
/// result does not depend on the order predictions arrive in. The maximum cannot be taken away like a sum;
/// it is kept with the number of predictions that reach it, and when the last of those is taken away the
/// maximum becomes an upper bound (``maximumIsExact`` false) until the owner recounts it from its events.
public struct RegressionMetrics: Sendable, Equatable {
    public private(set) var count = 0
    /// Σ (predicted − actual): Evidently's sign for the mean error (positive when the model overshoots).
    private var errorSum = ExactSum()
    private var absoluteErrorSum = ExactSum()
    private var squaredErrorSum = ExactSum()
    private var absolutePercentageErrorSum = ExactSum()
    /// Σ actual and Σ actual², for R²'s total sum of squares (in double-double, so a large mean does not cancel it).
    private var actualSum = ExactSum()
    private var actualSquaredSum = ExactSum()
    /// The largest absolute error, and how many predictions have it.
    public private(set) var maximum = 0.0
    private var maximumCount = 0
    /// False after the predictions holding the maximum were taken away: ``maximum`` is then an upper bound.
    public private(set) var maximumIsExact = true

    public init() {}

    /// Adds one prediction and its actual value; a weight of -1 takes the same pair away again.
    public mutating func add(actual: Double, predicted: Double, weight: Int = 1) {
        guard actual.isFinite, predicted.isFinite, weight != 0 else { return }
        let negated = weight < 0
        let error = predicted - actual
        errorSum.add(error, negated: negated)
        absoluteErrorSum.add(abs(error), negated: negated)
        squaredErrorSum.add(error * error, negated: negated)
        // scikit-learn divides by max(|y|, machine epsilon) so that y = 0 gives a huge but finite term.
        absolutePercentageErrorSum.add(abs(error) / Swift.max(abs(actual), Double.ulpOfOne), negated: negated)
        actualSum.add(actual, negated: negated)
        actualSquaredSum.add(actual * actual, negated: negated)
        count += weight
        let magnitude = abs(error)
        if weight > 0 {
            if count == weight || magnitude > maximum {
                (maximum, maximumCount, maximumIsExact) = (magnitude, weight, true)
            } else if magnitude == maximum {
                // A bound reached again by a real error is exact again: the errors it stood over were below it.
                (maximumCount, maximumIsExact) = maximumIsExact ? (maximumCount + weight, true) : (weight, true)
            }
        } else if count == 0 {
            (maximum, maximumCount, maximumIsExact) = (0, 0, true)
        } else if magnitude == maximum && maximumIsExact {
            maximumCount += weight
            if maximumCount <= 0 { (maximumCount, maximumIsExact) = (0, false) }
        }
    }

    public mutating func merge(_ other: RegressionMetrics) {
        let wasEmpty = count == 0
        count += other.count
        errorSum.merge(other.errorSum)
        absoluteErrorSum.merge(other.absoluteErrorSum)
        squaredErrorSum.merge(other.squaredErrorSum)
        absolutePercentageErrorSum.merge(other.absolutePercentageErrorSum)
        actualSum.merge(other.actualSum)
        actualSquaredSum.merge(other.actualSquaredSum)
        guard other.count > 0 else { return }
        if wasEmpty {
            (maximum, maximumCount, maximumIsExact) = (other.maximum, other.maximumCount, other.maximumIsExact)
        } else if other.maximum > maximum {
            // An exact part above every bound of the other makes the whole exact.
            maximumIsExact = other.maximumIsExact
            (maximum, maximumCount) = (other.maximum, other.maximumCount)
        } else if other.maximum == maximum {
            // A bound is strictly above the errors it stands over, so an exact part decides.
            switch (maximumIsExact, other.maximumIsExact) {
            case (true, true): maximumCount += other.maximumCount
            case (false, true): (maximumCount, maximumIsExact) = (other.maximumCount, true)
            default: break
            }
        }
    }

    /// Mean of (predicted − actual).
    public var meanError: Double { count > 0 ? errorSum.value / Double(count) : .nan }
    /// Mean of |predicted − actual|.
    public var meanAbsoluteError: Double { count > 0 ? absoluteErrorSum.value / Double(count) : .nan }
    /// Square root of the mean squared error.
    public var rootMeanSquaredError: Double { count > 0 ? (squaredErrorSum.value / Double(count)).squareRoot() : .nan }
    /// Mean absolute percentage error as a fraction (scikit-learn's `mean_absolute_percentage_error`).
    public var meanAbsolutePercentageError: Double { count > 0 ? absolutePercentageErrorSum.value / Double(count) : .nan }
    /// The largest absolute error (`sklearn.metrics.max_error`); NaN while it is only a bound.
    public var maximumAbsoluteError: Double { count > 0 && maximumIsExact ? maximum : .nan }
    /// The sample standard deviation of the absolute errors, for the interval of the MAE.
    public var absoluteErrorStandardDeviation: Double {
        guard count > 1 else { return .nan }
        let n = Double(count)
        let mean = absoluteErrorSum.value / n
        return Swift.max(0, (squaredErrorSum.value - n * mean * mean) / (n - 1)).squareRoot()
    }
    /// The sample standard deviation of the signed errors, for the interval of the mean error.
    public var errorStandardDeviation: Double {
        guard count > 1 else { return .nan }
        let n = Double(count)
        let mean = errorSum.value / n
        return Swift.max(0, (squaredErrorSum.value - n * mean * mean) / (n - 1)).squareRoot()
    }

    /// 1 − SS_res/SS_tot; for constant actuals scikit-learn's convention: 1 if perfect, else 0.
    public var rSquared: Double {
        guard count > 0 else { return .nan }
        // SS_tot = Σy² − (Σy)²/n, in double-double from the exact sums.
        let sum = actualSum.doubleDouble
        let square = DoubleDouble.divide(DoubleDouble.multiply(sum, sum), Double(count))
        let squares = actualSquaredSum.doubleDouble
        let total = DoubleDouble.add(squares, (-square.0, -square.1))
        let totalSumOfSquares = total.0 + total.1
        let residual = squaredErrorSum.value
        if totalSumOfSquares <= 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / totalSumOfSquares
    }
}

extension RegressionMetrics {
    /// Writes the count, the exact sums and the maximum with its count.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(count)
        for sum in [errorSum, absoluteErrorSum, squaredErrorSum, absolutePercentageErrorSum, actualSum, actualSquaredSum] {
            sum.encode(into: &encoder)
        }
        encoder.write(maximum)
        encoder.writeVarint(maximumCount)
        encoder.write(maximumIsExact)
    }

    /// Reads metrics written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        count = try decoder.readCount("regression count", limit: Int.max)
        errorSum = try ExactSum(decoding: &decoder)
        absoluteErrorSum = try ExactSum(decoding: &decoder)
        squaredErrorSum = try ExactSum(decoding: &decoder)
        absolutePercentageErrorSum = try ExactSum(decoding: &decoder)
        actualSum = try ExactSum(decoding: &decoder)
        actualSquaredSum = try ExactSum(decoding: &decoder)
        maximum = try decoder.readDouble("maximum absolute error")
        maximumCount = try decoder.readCount("maximum count", limit: count)
        maximumIsExact = try decoder.readBool("maximum is exact")
        guard maximum.isFinite, maximum >= 0 else { throw DecodingError("maximum absolute error \(maximum)", at: decoder.offset) }
    }
}
