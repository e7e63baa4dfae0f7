/// The baselines a regressor must beat when there is no labelled reference, as Evidently's
/// `RegressionDummyMetric` computes them from the target alone: each the best constant prediction for its error.
///
/// - MAE against predicting the target's median;
/// - RMSE against predicting its mean (the target's standard deviation, n in the denominator);
/// - MAPE against predicting the weighted median of the non-zero targets with weights 1/y (Evidently's
///   "optimal constant for MAPE"), as a fraction like ``RegressionMetrics/meanAbsolutePercentageError``.
///
/// The median needs every target, so the values are passed in (a file read offline keeps them); the result
/// does not depend on their order.
public struct DummyRegressor: Sendable, Equatable {
    /// Targets the baselines were computed from.
    public let count: Int
    /// The target's median (the mean of the two middle values for an even count, as pandas).
    public let median: Double
    /// The target's mean.
    public let mean: Double
    /// The constant that the MAPE baseline predicts; nil when every target is 0.
    public let percentageConstant: Double?
    /// Mean |y − median|.
    public let meanAbsoluteError: Double
    /// √(mean (y − mean)²).
    public let rootMeanSquaredError: Double
    /// Mean |y − c| / max(|y|, ε) for the MAPE constant c (scikit-learn's ε); NaN when there is none.
    public let meanAbsolutePercentageError: Double

    /// The baselines of these targets; nil when there are none or one is not finite.
    public init?(targets: [Double]) {
        guard !targets.isEmpty, targets.allSatisfy(\.isFinite) else { return nil }
        let sorted = targets.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let mean = Self.sum(sorted) / Double(n)
        count = n
        self.median = median
        self.mean = mean
        meanAbsoluteError = Self.sum(sorted.map { abs($0 - median) }) / Double(n)
        rootMeanSquaredError = (Self.sum(sorted.map { ($0 - mean) * ($0 - mean) }) / Double(n)).squareRoot()
        // Evidently's weighted median: weights 1/y over the non-zero targets (in their order), normalised by
        // their sum, sorted ascending; the constant is the target whose cumulated weight first passes 0.5.
        let nonZero = targets.filter { $0 != 0 }
        var inverseTotal = 0.0
        for y in nonZero { inverseTotal += 1 / y }
        let weighted = nonZero.map { (weight: (1 / $0) / inverseTotal, value: $0) }.sorted { $0.weight < $1.weight }
        var cumulated = 0.0
        let constant = weighted.first { row in
            cumulated += row.weight
            return cumulated > 0.5
        }?.value
        percentageConstant = constant
        if let constant {
            let epsilon = Double.ulpOfOne
            meanAbsolutePercentageError = Self.sum(sorted.map { abs($0 - constant) / max(abs($0), epsilon) }) / Double(n)
        } else {
            meanAbsolutePercentageError = .nan
        }
    }

    /// A compensated (Neumaier) sum: the baselines agree with numpy's to rounding on a million rows.
    private static func sum(_ values: [Double]) -> Double {
        var total = 0.0
        var compensation = 0.0
        for value in values {
            let next = total + value
            compensation += abs(total) >= abs(value) ? (total - next) + value : (value - next) + total
            total = next
        }
        return total + compensation
    }
}
