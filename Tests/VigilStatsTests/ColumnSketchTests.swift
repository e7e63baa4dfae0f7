import Testing
@testable import VigilStats

/// Column sketches count missing and invalid values, switch from exact to sketched distinct counts,
/// and merge to the same summary as one pass over the whole.
struct ColumnSketchTests {
    @Test func missingAndInvalidAreCountedApart() {
        var column = NumericColumnSketch()
        for value: Double? in [1, nil, .nan, 2, .infinity, nil, -.infinity, 3] { column.add(value) }
        #expect(column.count == 3)
        #expect(column.missingCount == 2)
        #expect(column.invalidCount == 3)
        #expect(column.rowCount == 8)
        #expect(column.moments.mean == 2)
        [Double.nan, 4].withUnsafeBufferPointer { column.add(contentsOf: $0) }
        #expect(column.invalidCount == 4 && column.count == 4)
    }

    @Test func distinctCountIsExactThenEstimated() {
        var column = NumericColumnSketch()
        for value in TestData.integers(10_000, range: 7, seed: 1) { column.add(value) }
        #expect(column.isDistinctCountExact)
        #expect(column.distinctCount == 7)
        #expect(column.exactValueCounts?.map(\.count).reduce(0, +) == 10_000)
        for value in TestData.uniform(100_000, seed: 2) { column.add(value) }
        #expect(!column.isDistinctCountExact)
        #expect(column.exactValueCounts == nil)
        #expect(abs(column.distinctCount - 100_007) / 100_007 < 0.05)
    }

    @Test func shardedColumnsMergeToTheWhole() throws {
        let values = TestData.integers(40_000, range: 300, seed: 3)
        var whole = NumericColumnSketch()
        var shards = [NumericColumnSketch](repeating: NumericColumnSketch(), count: 4)
        for (index, value) in values.enumerated() {
            whole.add(value)
            shards[index % 4].add(value)
        }
        var merged = shards[0]
        for shard in shards.dropFirst() { try merged.merge(shard) }
        #expect(merged.count == whole.count)
        #expect(merged.exactValueCounts!.elementsEqual(whole.exactValueCounts!) { $0.value == $1.value && $0.count == $1.count })
        #expect(isClose(merged.moments.mean, whole.moments.mean, relative: 1e-12))
        #expect(isClose(merged.moments.populationVariance, whole.moments.populationVariance, relative: 1e-12))
    }

    @Test func mergeAcrossTheExactLimitSwitchesToEstimates() throws {
        var a = NumericColumnSketch(exactValueCapacity: 100)
        var b = NumericColumnSketch(exactValueCapacity: 100)
        for value in 0..<80 { a.add(Double(value)) }
        for value in 50..<150 { b.add(Double(value)) }
        #expect(a.isDistinctCountExact && b.isDistinctCountExact)
        try a.merge(b)
        #expect(!a.isDistinctCountExact)
        #expect(abs(a.distinctCount - 150) <= 3)
        #expect(a.count == 180)
    }

    @Test func categoricalColumnCountsMissingAndDistinct() {
        var column = CategoricalColumnSketch()
        for value: String? in ["a", "b", nil, "a", "c", nil] { column.add(value) }
        #expect(column.count == 4 && column.missingCount == 2)
        #expect(column.distinctCount == 3)
        #expect(column.items.counts["a"] == 2)
    }
}
