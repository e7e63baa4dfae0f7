import VigilStats

/// A column's reference and current distributions side by side, ready to chart: shares per numeric bin or
/// per category.
public struct ColumnDistribution: Sendable, Equatable {
    public enum Bins: Sendable, Equatable {
        /// Equal-width bins: `edges.count - 1` bins.
        case numeric(edges: [Double])
        /// One bin per category, most frequent (in either side) first; the last may be "other".
        case categories([String])
    }

    public var column: String
    public var bins: Bins
    public var reference: [Double]
    public var current: [Double]

    /// Numeric bins for charts.
    static let numericBinCount = 20
    /// Categories shown before the rest is pooled as "other".
    static let categoryLimit = 12
    public static let otherLabel = "(other)"

    static func make(column: String, reference: ColumnProfile, current: ColumnProfile) -> ColumnDistribution? {
        switch (reference, current) {
        case (.numeric(let r), .numeric(let c)):
            guard r.count > 0, c.count > 0 else { return nil }
            let referenceSample = r.weightedSample
            let currentSample = c.weightedSample
            let low = min(referenceSample.minimum, currentSample.minimum)
            let high = max(referenceSample.maximum, currentSample.maximum)
            let histogram = FixedBinHistogram(equalWidthBins: numericBinCount, lower: low, upper: high)
            let (referenceShares, currentShares) = Binning.equalWidth(count: numericBinCount).proportions(referenceSample, currentSample)
            return ColumnDistribution(column: column, bins: .numeric(edges: histogram.edges), reference: referenceShares, current: currentShares)
        case (.categorical(let r), .categorical(let c)):
            guard r.count > 0, c.count > 0 else { return nil }
            let referenceCounts = CategoryCounts(r.items)
            let currentCounts = CategoryCounts(c.items)
            let referenceTotal = referenceCounts.total
            let currentTotal = currentCounts.total
            let categories = Set(referenceCounts.counts.keys).union(currentCounts.counts.keys)
            let ranked = categories.sorted { a, b in
                let shareA = max((referenceCounts.counts[a] ?? 0) / referenceTotal, (currentCounts.counts[a] ?? 0) / currentTotal)
                let shareB = max((referenceCounts.counts[b] ?? 0) / referenceTotal, (currentCounts.counts[b] ?? 0) / currentTotal)
                return shareA != shareB ? shareA > shareB : a < b
            }
            var shown = Array(ranked.prefix(categoryLimit))
            var referenceShares = shown.map { (referenceCounts.counts[$0] ?? 0) / referenceTotal }
            var currentShares = shown.map { (currentCounts.counts[$0] ?? 0) / currentTotal }
            if ranked.count > categoryLimit {
                referenceShares.append(max(0, 1 - referenceShares.reduce(0, +)))
                currentShares.append(max(0, 1 - currentShares.reduce(0, +)))
                shown.append(otherLabel)
            }
            let labels = shown.map { $0 == CategoryCounts.otherCategory ? otherLabel : $0 }
            return ColumnDistribution(column: column, bins: .categories(labels), reference: referenceShares, current: currentShares)
        default:
            return nil
        }
    }
}
