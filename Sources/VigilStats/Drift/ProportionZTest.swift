/// The pooled two-proportion Z-test for binary categorical drift (Evidently's `z` test).
public enum ProportionZTest {
    public static func test(
        _ reference: CategoryCounts,
        _ current: CategoryCounts,
        threshold: Double = DriftMethod.zTest.defaultThreshold
    ) throws(DriftTestError) -> DriftResult {
        let categories = Set(reference.counts.keys).union(current.counts.keys).sorted()
        guard categories.count <= 2 else {
            throw DriftTestError("the Z-test needs a binary column; found \(categories.count) categories")
        }
        let n1 = reference.total
        let n2 = current.total
        guard n1 > 0, n2 > 0 else { throw DriftTestError("the Z-test needs at least one value on each side") }
        guard categories.count == 2 else {
            return DriftResult(method: .zTest, score: 1, statistic: 0, threshold: threshold)
        }
        let success = categories[0]
        let p1 = (reference.counts[success] ?? 0) / n1
        let p2 = (current.counts[success] ?? 0) / n2
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        return DriftResult(method: .zTest, score: NormalDistribution.twoSidedPValue(z), statistic: z, threshold: threshold)
    }
}
