/// Every finite observation of a numeric column, sorted: the distribution drift tests use when data fits.
///
/// Non-finite inputs (NaN, ±∞) are not observations: they are counted in `invalidCount` and never enter
/// a statistic.
public struct ExactDistribution: UnivariateDistribution, Equatable {
    /// The finite observations in ascending order.
    public let sortedValues: [Double]
    /// How many inputs were NaN or infinite.
    public let invalidCount: Int

    public init<Values: Sequence<Double>>(_ values: Values) {
        var finite = [Double]()
        finite.reserveCapacity(values.underestimatedCount)
        var invalid = 0
        for value in values {
            if value.isFinite { finite.append(value) } else { invalid += 1 }
        }
        SortKernels.sortIfNeeded(&finite)
        sortedValues = finite
        invalidCount = invalid
    }

    public var count: Int { sortedValues.count }
    public var rankErrorBound: Double { 0 }

    public var weightedSample: WeightedSample {
        var values = [Double]()
        var weights = [Double]()
        values.reserveCapacity(sortedValues.count)
        weights.reserveCapacity(sortedValues.count)
        sortedValues.withUnsafeBufferPointer { sorted in
            var start = 0
            while start < sorted.count {
                var end = start + 1
                while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
                values.append(sorted[start])
                weights.append(Double(end - start))
                start = end
            }
        }
        return WeightedSample(sortedDistinctValues: values, weights: weights)
    }

    /// The `probability` quantile with linear interpolation between order statistics (numpy's default).
    public func quantile(_ probability: Double) -> Double {
        guard !sortedValues.isEmpty else { return .nan }
        let position = min(max(probability, 0), 1) * Double(sortedValues.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sortedValues.count - 1)
        let fraction = position - Double(lower)
        return sortedValues[lower] + (sortedValues[upper] - sortedValues[lower]) * fraction
    }

    /// The number of distinct finite values.
    public var distinctCount: Int {
        var distinct = 0
        var previous: Double?
        for value in sortedValues where value != previous {
            distinct += 1
            previous = value
        }
        return distinct
    }
}
