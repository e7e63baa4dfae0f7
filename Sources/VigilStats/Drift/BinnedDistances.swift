import Foundation

/// Distances between two discrete distributions given as aligned proportions (bins or categories):
/// PSI, Jensen–Shannon, Hellinger and Kullback–Leibler.
public enum BinnedDistances {
    /// Proportion substituted for an empty bin in PSI and KL, whose logarithms are undefined at zero.
    public static let emptyBinProportion = 0.0001

    /// Replaces empty bins the way Evidently does, so scores match: by ``emptyBinProportion``, or by a
    /// millionth of the smallest non-empty proportion when that is itself at most ``emptyBinProportion``.
    public static func fillingEmptyBins(_ proportions: [Double]) -> [Double] {
        guard let smallest = proportions.filter({ $0 > 0 }).min() else { return proportions }
        let fill = smallest <= emptyBinProportion ? smallest / 1e6 : emptyBinProportion
        return proportions.map { $0 == 0 ? fill : $0 }
    }

    /// Population Stability Index Σ (r − c)·ln(r/c), after ``fillingEmptyBins(_:)`` on each side.
    public static func populationStabilityIndex(_ reference: [Double], _ current: [Double]) -> Double {
        var total = 0.0
        for (r, c) in zip(fillingEmptyBins(reference), fillingEmptyBins(current)) { total += (r - c) * log(r / c) }
        return total
    }

    /// Kullback–Leibler divergence KL(reference ‖ current) = Σ r·ln(r/c) (`scipy.stats.entropy`), after
    /// ``fillingEmptyBins(_:)`` on each side and renormalizing.
    public static func kullbackLeibler(_ reference: [Double], _ current: [Double]) -> Double {
        let r = renormalized(fillingEmptyBins(reference))
        let c = renormalized(fillingEmptyBins(current))
        var total = 0.0
        for (p, q) in zip(r, c) where p > 0 { total += p * log(p / q) }
        return total
    }

    /// Jensen–Shannon distance √(½KL(r‖m) + ½KL(c‖m)), m = (r + c)/2, natural logarithm
    /// (`scipy.spatial.distance.jensenshannon`). Bounded by √ln 2 ≈ 0.833; safe with empty bins.
    public static func jensenShannon(_ reference: [Double], _ current: [Double]) -> Double {
        let r = renormalized(reference)
        let c = renormalized(current)
        var total = 0.0
        for (p, q) in zip(r, c) {
            let mid = (p + q) / 2
            if p > 0 { total += p * log(p / mid) }
            if q > 0 { total += q * log(q / mid) }
        }
        return (Swift.max(0, total / 2)).squareRoot()
    }

    /// Hellinger distance √(Σ(√r − √c)²)/√2, in [0, 1].
    public static func hellinger(_ reference: [Double], _ current: [Double]) -> Double {
        var total = 0.0
        for (p, q) in zip(reference, current) {
            let difference = p.squareRoot() - q.squareRoot()
            total += difference * difference
        }
        return total.squareRoot() / 2.0.squareRoot()
    }

    private static func renormalized(_ values: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        return total > 0 ? values.map { $0 / total } : values
    }

    /// The distance `method` over aligned proportions.
    public static func distance(_ method: DriftMethod, _ reference: [Double], _ current: [Double]) throws(DriftTestError) -> Double {
        switch method {
        case .populationStabilityIndex: populationStabilityIndex(reference, current)
        case .jensenShannon: jensenShannon(reference, current)
        case .hellinger: hellinger(reference, current)
        case .kullbackLeibler: kullbackLeibler(reference, current)
        default: throw DriftTestError("\(method.rawValue) is not a binned distance")
        }
    }

    /// Runs a binned distance on numeric data.
    public static func test(
        _ method: DriftMethod,
        _ reference: some UnivariateDistribution,
        _ current: some UnivariateDistribution,
        binning: Binning? = nil,
        threshold: Double? = nil
    ) throws(DriftTestError) -> DriftResult {
        guard reference.count > 0, current.count > 0 else {
            throw DriftTestError("\(method.rawValue) needs at least one value on each side")
        }
        let (r, c) = (binning ?? .default(for: method)).proportions(reference.weightedSample, current.weightedSample)
        let score = try distance(method, r, c)
        return DriftResult(method: method, score: score, statistic: score, threshold: threshold ?? method.defaultThreshold)
    }

    /// Runs a binned distance on categorical data, one bin per category of either side.
    public static func test(
        _ method: DriftMethod,
        _ reference: CategoryCounts,
        _ current: CategoryCounts,
        threshold: Double? = nil
    ) throws(DriftTestError) -> DriftResult {
        guard reference.total > 0, current.total > 0 else {
            throw DriftTestError("\(method.rawValue) needs at least one value on each side")
        }
        let aligned = CategoryCounts.alignedProportions(reference, current)
        let score = try distance(method, aligned.reference, aligned.current)
        return DriftResult(method: method, score: score, statistic: score, threshold: threshold ?? method.defaultThreshold)
    }
}
