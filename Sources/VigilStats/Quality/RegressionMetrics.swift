/// Mergeable sums for regression quality: MAE, RMSE, MAPE and R².
public struct RegressionMetrics: Sendable, Equatable {
    public private(set) var count = 0
    private var absoluteErrorSum = 0.0
    private var squaredErrorSum = 0.0
    private var absolutePercentageErrorSum = 0.0
    /// Moments of the actual values, for R²'s total sum of squares without cancellation.
    private var actuals = Moments()

    public init() {}

    public mutating func add(actual: Double, predicted: Double) {
        guard actual.isFinite, predicted.isFinite else { return }
        let error = actual - predicted
        absoluteErrorSum += abs(error)
        squaredErrorSum += error * error
        // scikit-learn divides by max(|y|, machine epsilon) so that y = 0 gives a huge but finite term.
        absolutePercentageErrorSum += abs(error) / Swift.max(abs(actual), Double.ulpOfOne)
        actuals.add(actual)
        count += 1
    }

    public mutating func merge(_ other: RegressionMetrics) {
        count += other.count
        absoluteErrorSum += other.absoluteErrorSum
        squaredErrorSum += other.squaredErrorSum
        absolutePercentageErrorSum += other.absolutePercentageErrorSum
        actuals.merge(other.actuals)
    }

    public var meanAbsoluteError: Double { count > 0 ? absoluteErrorSum / Double(count) : .nan }
    public var rootMeanSquaredError: Double { count > 0 ? (squaredErrorSum / Double(count)).squareRoot() : .nan }
    /// Mean absolute percentage error as a fraction (scikit-learn's `mean_absolute_percentage_error`).
    public var meanAbsolutePercentageError: Double { count > 0 ? absolutePercentageErrorSum / Double(count) : .nan }

    /// 1 − SS_res/SS_tot; for constant actuals scikit-learn's convention: 1 if perfect, else 0.
    public var rSquared: Double {
        guard count > 0 else { return .nan }
        let totalSumOfSquares = actuals.centeredSumOfSquares
        if totalSumOfSquares == 0 { return squaredErrorSum == 0 ? 1 : 0 }
        return 1 - squaredErrorSum / totalSumOfSquares
    }
}
