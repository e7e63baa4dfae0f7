/// The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(method="auto")`.
public enum KolmogorovSmirnov {
    /// Sample sizes up to which the p-value is computed exactly (scipy's `MAX_AUTO_N`).
    public static let exactSizeLimit = 10_000

    /// D = sup |F_ref(x) − F_cur(x)| over the pooled support.
    public static func statistic(_ reference: WeightedSample, _ current: WeightedSample) -> Double {
        var cumulativeReference = 0.0
        var cumulativeCurrent = 0.0
        var largest = 0.0
        WeightedSample.forEachPooledValue(reference, current) { _, referenceWeight, currentWeight in
            cumulativeReference += referenceWeight
            cumulativeCurrent += currentWeight
            largest = Swift.max(largest, abs(cumulativeReference / reference.totalWeight - cumulativeCurrent / current.totalWeight))
        }
        return largest
    }

    /// P(D ≥ d) for sample sizes `m` and `n`: exact (no-ties null distribution) when both are at most
    /// ``exactSizeLimit``, else the large-sample distribution at m·n/(m+n), as scipy does.
    public static func pValue(statistic d: Double, _ m: Int, _ n: Int) -> Double {
        if Swift.max(m, n) <= exactSizeLimit { return KolmogorovDistribution.exactTwoSampleSurvival(d, m, n) }
        let effective = Int((Double(m) * Double(n) / Double(m + n)).rounded())
        return KolmogorovDistribution.oneSampleSurvival(d, n: Swift.max(1, effective))
    }

    /// Runs the test on two numeric distributions (exact or sketched).
    public static func test(
        _ reference: some UnivariateDistribution,
        _ current: some UnivariateDistribution,
        threshold: Double = DriftMethod.kolmogorovSmirnov.defaultThreshold
    ) throws(DriftTestError) -> DriftResult {
        guard reference.count > 0, current.count > 0 else { throw DriftTestError("KS needs at least one value on each side") }
        let d = statistic(reference.weightedSample, current.weightedSample)
        return DriftResult(
            method: .kolmogorovSmirnov,
            score: pValue(statistic: d, reference.count, current.count),
            statistic: d,
            threshold: threshold,
            statisticErrorBound: reference.rankErrorBound + current.rankErrorBound
        )
    }
}
