import Testing
@testable import VigilStats

/// The same input gives byte-identical sketches and identical results, run after run.
struct DeterminismTests {
    @Test func columnSketchesAreByteIdenticalAcrossRuns() {
        func build() -> (numeric: [UInt8], categorical: [UInt8], drift: DriftResult) {
            var numeric = NumericColumnSketch()
            var other = NumericColumnSketch()
            TestData.lognormal(300_000, seed: 12).withUnsafeBufferPointer { numeric.add(contentsOf: $0) }
            TestData.lognormal(300_000, seed: 13).withUnsafeBufferPointer { other.add(contentsOf: $0) }
            var categorical = CategoricalColumnSketch(capacity: 500)
            for value in TestData.categories(200_000, distinct: 2000, seed: 14) { categorical.add(value) }
            let drift = try! KolmogorovSmirnov.test(numeric.quantiles, other.quantiles)
            return (numeric.serialized(), categorical.serialized(), drift)
        }
        let first = build()
        let second = build()
        #expect(first.numeric == second.numeric)
        #expect(first.categorical == second.categorical)
        #expect(first.drift == second.drift)
    }

    @Test func referenceQuantileHistogramHoldsEqualShares() throws {
        let values = TestData.normal(100_000, seed: 15)
        let histogram = try #require(FixedBinHistogram(referenceQuantilesOf: ExactDistribution(values), bins: 10))
        var filled = histogram
        for value in values { filled.add(value) }
        #expect(filled.total == values.count)
        for count in filled.counts { #expect(abs(count - 10_000) <= 1, "bin holds \(count)") }
        #expect(FixedBinHistogram(referenceQuantilesOf: ExactDistribution([Double]()), bins: 10) == nil)
        #expect(FixedBinHistogram(referenceQuantilesOf: ExactDistribution([3.0, 3.0]), bins: 10) == nil)
    }
}
