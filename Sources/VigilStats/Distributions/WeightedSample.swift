/// A one-dimensional empirical distribution as sorted, distinct support points with positive weights.
///
/// This is the common currency of the drift tests: an ``ExactDistribution`` yields one point per distinct
/// value weighted by its multiplicity, a ``QuantileSketch`` yields its retained items weighted by what
/// each stands for. Every test written against `WeightedSample` therefore runs on exact data and on
/// sketches alike.
public struct WeightedSample: Sendable, Equatable {
    /// Distinct finite values, strictly increasing.
    public let values: [Double]
    /// The weight of each value; same length as `values`, every weight > 0.
    public let weights: [Double]
    /// Sum of `weights`.
    public let totalWeight: Double
    /// The smallest and largest observation summarized. A sketch may have compacted its extremes away,
    /// so these can lie outside `values`; range-based binning uses them to match the exact data.
    public let minimum: Double
    public let maximum: Double

    /// Creates a sample from points that are already sorted ascending and distinct.
    public init(sortedDistinctValues values: [Double], weights: [Double], minimum: Double? = nil, maximum: Double? = nil) {
        precondition(values.count == weights.count, "values and weights must have the same length")
        self.values = values
        self.weights = weights
        self.totalWeight = weights.reduce(0, +)
        self.minimum = Swift.min(minimum ?? .infinity, values.first ?? .infinity)
        self.maximum = Swift.max(maximum ?? -.infinity, values.last ?? -.infinity)
    }

    /// Creates a sample from arbitrary (value, weight) pairs: sorts them and merges equal values.
    public init(unsorted pairs: [(value: Double, weight: Double)], minimum: Double? = nil, maximum: Double? = nil) {
        let sorted = pairs.sorted { $0.value < $1.value }
        var values = [Double]()
        var weights = [Double]()
        values.reserveCapacity(sorted.count)
        weights.reserveCapacity(sorted.count)
        for pair in sorted where pair.weight > 0 {
            if let last = values.last, last == pair.value {
                weights[weights.count - 1] += pair.weight
            } else {
                values.append(pair.value)
                weights.append(pair.weight)
            }
        }
        self.init(sortedDistinctValues: values, weights: weights, minimum: minimum, maximum: maximum)
    }

    public var isEmpty: Bool { values.isEmpty }

    /// Walks the distinct values of two samples in ascending order, calling `body` once per pooled value
    /// with that value and the weight each sample has there (0 when absent). The two-sample statistics
    /// (KS, Wasserstein, Cramér–von Mises) are all folds over this walk.
    @inline(__always)
    public static func forEachPooledValue(
        _ first: WeightedSample,
        _ second: WeightedSample,
        _ body: (_ value: Double, _ firstWeight: Double, _ secondWeight: Double) -> Void
    ) {
        var i = 0
        var j = 0
        let firstCount = first.values.count
        let secondCount = second.values.count
        while i < firstCount || j < secondCount {
            let x = Swift.min(i < firstCount ? first.values[i] : .infinity, j < secondCount ? second.values[j] : .infinity)
            var a = 0.0
            var b = 0.0
            if i < firstCount && first.values[i] == x {
                a = first.weights[i]
                i += 1
            }
            if j < secondCount && second.values[j] == x {
                b = second.weights[j]
                j += 1
            }
            body(x, a, b)
        }
    }

    /// Cumulative weight fraction at or below `x`: the empirical CDF, right-continuous.
    public func cdf(_ x: Double) -> Double {
        guard totalWeight > 0 else { return .nan }
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] <= x { low = mid + 1 } else { high = mid }
        }
        var cumulative = 0.0
        for index in 0..<low { cumulative += weights[index] }
        return cumulative / totalWeight
    }

    /// Running sums of `weights`, one per value: `cumulativeWeights[i]` is the weight at or below `values[i]`.
    public var cumulativeWeights: [Double] {
        var running = 0.0
        return weights.map { weight in
            running += weight
            return running
        }
    }

    /// The smallest value whose cumulative fraction reaches `probability` (the inverse CDF).
    public func inverseCDF(_ probability: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let target = min(max(probability, 0), 1) * totalWeight
        var running = 0.0
        for (value, weight) in zip(values, weights) {
            running += weight
            if running >= target * (1 - 1e-12) { return value }
        }
        return values[values.count - 1]
    }

    /// Weighted mean and population standard deviation (ddof = 0, as numpy's `std`).
    public var meanAndStandardDeviation: (mean: Double, standardDeviation: Double) {
        guard totalWeight > 0 else { return (.nan, .nan) }
        var mean = 0.0
        for (value, weight) in zip(values, weights) { mean += value * weight }
        mean /= totalWeight
        var sumSquares = 0.0
        for (value, weight) in zip(values, weights) { sumSquares += weight * (value - mean) * (value - mean) }
        return (mean, (sumSquares / totalWeight).squareRoot())
    }
}
