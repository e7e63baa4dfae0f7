import Foundation
import Testing
import VigilStats

/// The dummy models' baselines on small cases worked by hand; the comparison with Evidently's figures is in
/// `ModelQualityReportTests` (the `vigil check` fixtures).
struct DummyModelTests {
    @Test func aRegressorsBaselinesAreTheBestConstantsAndIgnoreTheRowsOrder() throws {
        let targets = [4.0, 1, 2, 3]
        let dummy = try #require(DummyRegressor(targets: targets))
        // Even count: the median is the mean of the two middle values.
        #expect(dummy.median == 2.5)
        #expect(dummy.meanAbsoluteError == (1.5 + 0.5 + 0.5 + 1.5) / 4)
        // The mean is 2.5 too: √((2.25 + 0.25 + 0.25 + 2.25) / 4).
        #expect(abs(dummy.rootMeanSquaredError - (5.0 / 4).squareRoot()) < 1e-15)
        // Weights 1/y ∝ (1/4, 1, 1/2, 1/3): sorted ascending they reach 0.5 of their sum at y = 2.
        #expect(dummy.percentageConstant == 2)
        #expect(abs(dummy.meanAbsolutePercentageError - (2.0 / 4 + 1.0 / 1 + 0 + 1.0 / 3) / 4) < 1e-15)
        #expect(DummyRegressor(targets: targets.reversed()) == dummy)
        #expect(DummyRegressor(targets: [5, 1, 3])?.median == 3)
    }

    @Test func aRegressorWithoutTargetsOrWithAnInfiniteOneHasNoBaseline() {
        #expect(DummyRegressor(targets: []) == nil)
        #expect(DummyRegressor(targets: [1, .infinity]) == nil)
        // Every target 0: no MAPE constant, the other baselines stand.
        let zeros = DummyRegressor(targets: [0, 0])
        #expect(zeros?.percentageConstant == nil && zeros?.meanAbsolutePercentageError.isNaN == true && zeros?.meanAbsoluteError == 0)
    }

    @Test func aClassifiersBaselineIsTheExpectedConfusionMatrixOfGuessingByTheShares() throws {
        let dummy = try #require(DummyClassifier(targetCounts: ["a": 60, "b": 30, "c": 10], classes: ["a", "b", "c"]))
        #expect(abs(dummy.accuracy - (0.36 + 0.09 + 0.01)) < 1e-15)
        #expect(dummy.share(of: "b") == 0.3)
        #expect(abs(dummy.macroAverage - 1.0 / 3) < 1e-15)
        // A class only the model predicts counts in the macro average with share 0, as in scikit-learn's.
        let widened = try #require(DummyClassifier(targetCounts: ["a": 60, "b": 40], classes: ["a", "b", "z"]))
        #expect(abs(widened.macroAverage - 1.0 / 3) < 1e-15 && widened.share(of: "z") == 0)
        #expect(DummyClassifier(targetCounts: [:], classes: []) == nil)
        #expect(abs(DummyClassifier.logLoss(classes: 3) - Foundation.log(3)) < 1e-15)
    }
}
