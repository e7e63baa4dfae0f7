import Testing
@testable import VigilStats

/// The KLL sketch's documented rank-error bound, mergeability and determinism, on a million values.
struct QuantileSketchTests {
    static let size = 1_000_000

    /// The largest |F̂(x) − F(x)| over all x: the KS distance between the sketch and the exact data.
    static func maximumRankError(_ sketch: QuantileSketch, _ exact: ExactDistribution) -> Double {
        KolmogorovSmirnov.statistic(sketch.weightedSample, exact.weightedSample)
    }

    @Test(arguments: TestData.distributions.map(\.name))
    func rankErrorStaysWithinDocumentedBound(distribution: String) throws {
        let values = TestData.distributions.first { $0.name == distribution }!.values(Self.size, 11)
        var whole = QuantileSketch()
        for value in values { whole.add(value) }
        let exact = ExactDistribution(values)
        let bound = QuantileSketch.documentedRankErrorBound(k: QuantileSketch.defaultK)
        let error = Self.maximumRankError(whole, exact)
        #expect(error <= bound, "\(distribution): rank error \(error) exceeds the documented \(bound)")
        #expect(whole.count == Self.size)
        #expect(whole.minimum == exact.sortedValues.first && whole.maximum == exact.sortedValues.last)

        // Sharded into 8 parts, each sketched, then merged.
        var shards = [QuantileSketch](repeating: QuantileSketch(), count: 8)
        for (index, value) in values.enumerated() { shards[index * 8 / values.count].add(value) }
        var merged = shards[0]
        for shard in shards.dropFirst() { try merged.merge(shard) }
        let mergedError = Self.maximumRankError(merged, exact)
        #expect(mergedError <= bound, "\(distribution): merged rank error \(mergedError) exceeds \(bound)")
        #expect(merged.count == Self.size)
        print("rank error \(distribution): whole \(error), merged \(mergedError), retained \(whole.retainedCount)")
    }

    @Test func sameInputGivesByteIdenticalSketches() {
        let values = TestData.normal(200_000, seed: 3)
        var first = QuantileSketch()
        var second = QuantileSketch()
        for value in values { first.add(value) }
        for value in values { second.add(value) }
        #expect(first.serialized() == second.serialized())
    }

    @Test func smallInputsAreExact() {
        var sketch = QuantileSketch()
        for value in [5.0, 1, 3] { sketch.add(value) }
        #expect(sketch.rankErrorBound == 0)
        #expect(sketch.quantile(0.5) == 3)
        #expect(sketch.quantile(0) == 1 && sketch.quantile(1) == 5)
        #expect(QuantileSketch().quantile(0.5).isNaN)
    }

    @Test func nonFiniteValuesAreIgnored() {
        var sketch = QuantileSketch()
        for value in [1.0, .nan, .infinity, -.infinity, 2] { sketch.add(value) }
        #expect(sketch.count == 2)
    }

    @Test func mergingDifferentAccuracyIsAnError() {
        var a = QuantileSketch(k: 128)
        #expect(throws: MergeError.self) { try a.merge(QuantileSketch(k: 256)) }
    }
}
