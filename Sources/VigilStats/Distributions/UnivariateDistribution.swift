/// A numeric distribution that drift tests can compare: an ``ExactDistribution`` or a ``QuantileSketch``.
public protocol UnivariateDistribution: Sendable {
    /// The number of finite observations it summarizes.
    var count: Int { get }
    /// The observations as sorted weighted points (exact for ``ExactDistribution``, approximate for sketches).
    var weightedSample: WeightedSample { get }
    /// Bound on |F̂(x) − F(x)| over all x for this summary, as a fraction of `count`: 0 when exact.
    var rankErrorBound: Double { get }
    /// Population standard deviation (ddof = 0). Summaries that keep exact moments report them; the
    /// default derives it from the weighted sample.
    var populationStandardDeviation: Double { get }
}

extension UnivariateDistribution {
    public var populationStandardDeviation: Double { weightedSample.meanAndStandardDeviation.standardDeviation }
}
