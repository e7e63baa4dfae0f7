import Testing
@testable import VigilStats

/// The automatic choice of test reproduces Evidently's, and so do its scores and verdicts.
struct DriftSelectionTests {
    static let cases = ReferenceFixtures.shared.selection

    static func input(_ column: ReferenceFixtures.Column) -> DriftInput {
        switch column {
        case .numbers(let values):
            let sketch = values.reduce(into: NumericColumnSketch()) { $0.add($1) }
            return .numeric(ExactDistribution(values), valueCounts: sketch.exactValueCounts)
        case .strings(let values):
            return .categorical(CategoryCounts(values: values))
        }
    }

    @Test(arguments: cases)
    func selectionScoreAndVerdictMatchEvidently(_ fixture: ReferenceFixtures.SelectionCase) throws {
        let reference = Self.input(fixture.reference)
        let current = Self.input(fixture.current)
        let method = DriftTestSelection.defaultMethod(reference: reference, current: current)
        #expect(method.rawValue == fixture.method)
        let result = try DriftTestSelection.run(reference: reference, current: current)
        // Chi-square differs by design (contingency table, not goodness of fit): compare its verdict only.
        if method != .chiSquare {
            #expect(isClose(result.score, fixture.score, relative: 1e-7, absolute: 1e-12), "\(method): \(result.score) vs Evidently \(fixture.score)")
        }
        #expect(result.drifted == fixture.drifted)
    }

    @Test func categoricalMethodOnContinuousColumnIsAClearError() {
        let values = (0..<5000).map { Double($0) * 0.37 }
        let sketch = values.reduce(into: NumericColumnSketch()) { $0.add($1) }
        #expect(sketch.exactValueCounts == nil)
        let input = DriftInput.numeric(sketch.quantiles, valueCounts: nil)
        #expect(throws: DriftTestError.self) { try DriftTestSelection.run(.chiSquare, reference: input, current: input) }
        #expect(throws: DriftTestError.self) {
            try DriftTestSelection.run(.kolmogorovSmirnov, reference: .categorical(CategoryCounts(values: ["a"])), current: .categorical(CategoryCounts(values: ["b"])))
        }
    }

    @Test func numericValueCountsPoolAsTheirCategoryKeysDo() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            // Few values, integers and halves, -0 among them: what exact value counts hold.
            func column() -> NumericColumnSketch {
                var sketch = NumericColumnSketch()
                for _ in 0..<Int.random(in: 1...40, using: &generator) {
                    let value = [0.0, -0.0, 1, 2.5, -3, 7, 1e16, 0.1 + 0.2, 0.3][Int.random(in: 0..<9, using: &generator)]
                    sketch.add(value)
                }
                return sketch
            }
            let (reference, current) = (column().driftInput, column().driftInput)
            let keys = Set(reference.asCategories!.counts.keys).union(current.asCategories!.counts.keys)
            #expect(DriftTestSelection.pooledDistinctCount(reference, current) == keys.count)
        }
    }
}
