import Testing
@testable import VigilStats

/// whylogs flags 20 of 21 unchanged columns as drifted at 1M rows because its sketch error exceeds the
/// test's resolution. Two independent 1M samples from one distribution must never be flagged here,
/// from sketches or exact data, whatever the seed.
struct FalsePositiveTrapTests {
    static let size = 1_000_000

    @Test(arguments: [(1 as UInt64, 2 as UInt64), (3, 4)])
    func unchangedNumericColumnIsNotFlagged(seeds: (UInt64, UInt64)) throws {
        for distribution in TestData.distributions {
            let referenceValues = distribution.values(Self.size, seeds.0)
            let currentValues = distribution.values(Self.size, seeds.1)
            var reference = NumericColumnSketch()
            var current = NumericColumnSketch()
            referenceValues.withUnsafeBufferPointer { reference.add(contentsOf: $0) }
            currentValues.withUnsafeBufferPointer { current.add(contentsOf: $0) }
            let fromSketches = try DriftTestSelection.run(
                reference: reference.driftInput,
                current: current.driftInput
            )
            #expect(!fromSketches.drifted, "\(distribution.name): \(fromSketches.method) \(fromSketches.score) from sketches")
            let exact = try DriftTestSelection.run(
                reference: .numeric(ExactDistribution(referenceValues), valueCounts: nil),
                current: .numeric(ExactDistribution(currentValues), valueCounts: nil)
            )
            #expect(!exact.drifted, "\(distribution.name): \(exact.method) \(exact.score) exact")
        }
    }

    @Test func unchangedCategoricalColumnWithThousandCategoriesIsNotFlagged() throws {
        var reference = CategoricalColumnSketch()
        var current = CategoricalColumnSketch()
        for value in TestData.categories(Self.size, distinct: 1000, seed: 31) { reference.add(value) }
        for value in TestData.categories(Self.size, distinct: 1000, seed: 32) { current.add(value) }
        #expect(reference.items.isExact && current.items.isExact)
        let result = try DriftTestSelection.run(
            reference: reference.driftInput,
            current: current.driftInput
        )
        #expect(result.method == .jensenShannon)
        #expect(!result.drifted, "Jensen–Shannon \(result.score)")
    }

    /// The trap's other side: a real shift in one feature is still caught from sketches.
    @Test func shiftedColumnIsFlagged() throws {
        var reference = NumericColumnSketch()
        var current = NumericColumnSketch()
        TestData.normal(Self.size, seed: 41).withUnsafeBufferPointer { reference.add(contentsOf: $0) }
        TestData.normal(Self.size, mean: 0.25, seed: 42).withUnsafeBufferPointer { current.add(contentsOf: $0) }
        let result = try DriftTestSelection.run(
            reference: reference.driftInput,
            current: current.driftInput
        )
        #expect(result.method == .wasserstein)
        #expect(result.drifted, "Wasserstein \(result.score)")
    }
}
