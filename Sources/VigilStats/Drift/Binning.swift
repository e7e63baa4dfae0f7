import Foundation

/// How a numeric column is cut into bins for the binned distances (PSI, Jensen–Shannon, Hellinger, KL).
public enum Binning: Sendable, Equatable {
    /// Evidently's rule: when the reference has more than 20 distinct values, equal-width bins over the
    /// pooled range with Sturges' count (`numpy.histogram_bin_edges(pooled, bins="sturges")`); otherwise one
    /// bin per distinct value (which needs exact value counts).
    case evidently
    /// `count` bins whose inner edges are the reference quantiles at i/count; the outer bins are open, so
    /// current values beyond the reference range still count. The classic PSI binning of credit scoring.
    case referenceQuantiles(count: Int)
    /// `count` equal-width bins over the pooled range (`numpy.histogram_bin_edges(pooled, bins=count)`).
    case equalWidth(count: Int)

    /// Reference distinct values above which Evidently bins numerically rather than per value.
    public static let evidentlyPerValueLimit = 20

    /// The binning each distance uses unless told otherwise: reference deciles for PSI, Evidently's rule
    /// for the others, so their scores match Evidently's.
    public static func `default`(for method: DriftMethod) -> Binning {
        method == .populationStabilityIndex ? .referenceQuantiles(count: 10) : .evidently
    }

    /// Proportions of each sample per bin.
    public func proportions(_ reference: WeightedSample, _ current: WeightedSample) -> (reference: [Double], current: [Double]) {
        let edges = innerEdges(reference, current)
        return (Self.binProportions(reference, innerEdges: edges), Self.binProportions(current, innerEdges: edges))
    }

    /// The edges between bins, strictly increasing; a value equal to an edge falls in the bin above it.
    private func innerEdges(_ reference: WeightedSample, _ current: WeightedSample) -> [Double] {
        switch self {
        case .referenceQuantiles(let count):
            var edges = [Double]()
            for index in 1..<max(count, 1) {
                // A value equal to the quantile belongs to the lower bin, hence the next double up.
                let edge = reference.inverseCDF(Double(index) / Double(count)).nextUp
                if edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
            }
            return edges
        case .equalWidth(let count):
            return Self.equalWidthInnerEdges(reference, current, count: { _ in count })
        case .evidently:
            return Self.equalWidthInnerEdges(reference, current) { range in
                // numpy's Sturges estimator: width = range / (log₂ n + 1), bins = ⌈range / width⌉.
                let width = range / (log2(reference.totalWeight + current.totalWeight) + 1)
                return width > 0 ? Int((range / width).rounded(.up)) : 1
            }
        }
    }

    private static func equalWidthInnerEdges(
        _ reference: WeightedSample,
        _ current: WeightedSample,
        count: (Double) -> Int
    ) -> [Double] {
        let low = Swift.min(reference.minimum, current.minimum)
        let high = Swift.max(reference.maximum, current.maximum)
        let histogram = FixedBinHistogram(equalWidthBins: count(high - low), lower: low, upper: high)
        return Array(histogram.edges.dropFirst().dropLast())
    }

    private static func binProportions(_ sample: WeightedSample, innerEdges: [Double]) -> [Double] {
        var weights = [Double](repeating: 0, count: innerEdges.count + 1)
        var bin = 0
        for (value, weight) in zip(sample.values, sample.weights) {
            while bin < innerEdges.count && value >= innerEdges[bin] { bin += 1 }
            weights[bin] += weight
        }
        return weights.map { $0 / sample.totalWeight }
    }
}
