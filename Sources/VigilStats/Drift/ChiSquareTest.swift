/// Pearson's chi-square test of homogeneity for categorical drift.
///
/// The reference and current counts form a 2×k contingency table over the union of categories, with
/// expected counts from the pooled margins (`scipy.stats.chi2_contingency(correction=False)`). Unlike a
/// goodness-of-fit test against rescaled reference counts, this is valid for unequal sample sizes and
/// for categories seen on one side only, which then contribute finitely instead of giving p = 0.
public enum ChiSquareTest {
    public static func statistic(_ reference: CategoryCounts, _ current: CategoryCounts) -> (chiSquare: Double, degreesOfFreedom: Int) {
        let categories = Set(reference.counts.keys).union(current.counts.keys).sorted()
        let referenceTotal = reference.total
        let currentTotal = current.total
        let total = referenceTotal + currentTotal
        var chiSquare = 0.0
        for category in categories {
            let r = reference.counts[category] ?? 0
            let c = current.counts[category] ?? 0
            let column = r + c
            let expectedReference = referenceTotal * column / total
            let expectedCurrent = currentTotal * column / total
            chiSquare += (r - expectedReference) * (r - expectedReference) / expectedReference
            chiSquare += (c - expectedCurrent) * (c - expectedCurrent) / expectedCurrent
        }
        return (chiSquare, categories.count - 1)
    }

    public static func test(
        _ reference: CategoryCounts,
        _ current: CategoryCounts,
        threshold: Double = DriftMethod.chiSquare.defaultThreshold
    ) throws(DriftTestError) -> DriftResult {
        guard reference.total > 0, current.total > 0 else { throw DriftTestError("chi-square needs at least one value on each side") }
        let (chiSquare, degreesOfFreedom) = statistic(reference, current)
        // A single category on both sides cannot differ: nothing to test.
        let pValue = degreesOfFreedom == 0 ? 1 : ChiSquareDistribution.survival(chiSquare, degreesOfFreedom: Double(degreesOfFreedom))
        return DriftResult(method: .chiSquare, score: pValue, statistic: chiSquare, threshold: threshold)
    }
}
