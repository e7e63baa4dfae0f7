/// The Wasserstein-1 (earth mover's) distance between two numeric distributions.
public enum Wasserstein {
    /// ∫ |F_ref(x) − F_cur(x)| dx, as `scipy.stats.wasserstein_distance`.
    public static func distance(_ reference: WeightedSample, _ current: WeightedSample) -> Double {
        var cumulativeReference = 0.0
        var cumulativeCurrent = 0.0
        var previous = Swift.min(reference.values.first ?? 0, current.values.first ?? 0)
        var total = 0.0
        WeightedSample.forEachPooledValue(reference, current) { x, referenceWeight, currentWeight in
            // The CDFs are constant between pooled values: add the area of the gap before x.
            total += abs(cumulativeReference / reference.totalWeight - cumulativeCurrent / current.totalWeight) * (x - previous)
            previous = x
            cumulativeReference += referenceWeight
            cumulativeCurrent += currentWeight
        }
        return total
    }

    /// Smallest reference standard deviation used for normalization (Evidently's floor).
    public static let minimumNormalizer = 0.001

    /// Wasserstein-1 divided by max(population standard deviation of the reference, 0.001): Evidently's
    /// `wasserstein` drift score, comparable across features of different scales.
    public static func test(
        _ reference: some UnivariateDistribution,
        _ current: some UnivariateDistribution,
        threshold: Double = DriftMethod.wasserstein.defaultThreshold
    ) throws(DriftTestError) -> DriftResult {
        guard reference.count > 0, current.count > 0 else {
            throw DriftTestError("Wasserstein needs at least one value on each side")
        }
        let referenceSample = reference.weightedSample
        let currentSample = current.weightedSample
        let normalizer = Swift.max(reference.populationStandardDeviation, minimumNormalizer)
        let score = distance(referenceSample, currentSample) / normalizer
        // |∫(F̂−F)| ≤ ε·(support length) on each side.
        let low = Swift.min(referenceSample.minimum, currentSample.minimum)
        let high = Swift.max(referenceSample.maximum, currentSample.maximum)
        let bound = (reference.rankErrorBound + current.rankErrorBound) * (high - low) / normalizer
        return DriftResult(method: .wasserstein, score: score, statistic: score, threshold: threshold, statisticErrorBound: bound)
    }
}
