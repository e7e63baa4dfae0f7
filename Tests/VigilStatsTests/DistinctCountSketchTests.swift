import Testing
@testable import VigilStats

/// HyperLogLog estimates stay within three standard errors from 10 to 10⁶ distinct values.
struct DistinctCountSketchTests {
    @Test(arguments: [10, 100, 1_000, 10_000, 100_000, 1_000_000])
    func estimateWithinThreeStandardErrors(cardinality: Int) {
        var sketch = DistinctCountSketch()
        for value in 0..<cardinality {
            sketch.add(Double(value) * 1.5)
            sketch.add(Double(value) * 1.5)  // duplicates must not count
        }
        let relativeError = abs(sketch.estimate - Double(cardinality)) / Double(cardinality)
        #expect(relativeError <= 3 * sketch.relativeStandardError, "n=\(cardinality): estimate \(sketch.estimate)")
    }

    @Test func mergeEstimatesTheUnion() throws {
        var a = DistinctCountSketch()
        var b = DistinctCountSketch()
        for value in 0..<60_000 { a.add("user-\(value)") }
        for value in 40_000..<100_000 { b.add("user-\(value)") }
        try a.merge(b)
        #expect(abs(a.estimate - 100_000) / 100_000 <= 3 * a.relativeStandardError)
        #expect(throws: MergeError.self) { try a.merge(DistinctCountSketch(precision: 10)) }
    }

    @Test func negativeAndPositiveZeroAreOneValue() {
        var sketch = DistinctCountSketch()
        sketch.add(0.0)
        sketch.add(-0.0)
        #expect(sketch.estimate.rounded() == 1)
    }
}
