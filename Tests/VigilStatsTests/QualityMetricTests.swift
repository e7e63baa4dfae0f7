import Testing
@testable import VigilStats

/// Model-quality metrics from mergeable aggregates against scikit-learn.
struct QualityMetricTests {
    let quality = ReferenceFixtures.shared.quality

    @Test func classificationMetricsMatchScikitLearn() {
        var matrix = ConfusionMatrix()
        for (actual, predicted) in zip(quality.multiclass.actual, quality.multiclass.predicted) {
            matrix.add(actual: actual, predicted: predicted)
        }
        #expect(isClose(matrix.accuracy, quality.multiclass.accuracy, relative: 1e-12))
        for (label, expected) in quality.multiclass.perClass {
            let metrics = matrix.metrics(for: label)
            #expect(isClose(metrics.precision, expected.precision, relative: 1e-12, absolute: 1e-15), "precision \(label)")
            #expect(isClose(metrics.recall, expected.recall, relative: 1e-12, absolute: 1e-15), "recall \(label)")
            #expect(isClose(metrics.f1, expected.f1, relative: 1e-12, absolute: 1e-15), "f1 \(label)")
            #expect(metrics.support == expected.support)
        }
        for (average, expected) in [(matrix.macro, quality.multiclass.macro), (matrix.micro, quality.multiclass.micro), (matrix.weighted, quality.multiclass.weighted)] {
            #expect(isClose(average.precision, expected.precision, relative: 1e-12))
            #expect(isClose(average.recall, expected.recall, relative: 1e-12))
            #expect(isClose(average.f1, expected.f1, relative: 1e-12))
        }
    }

    @Test func confusionMatricesMergeToTheWhole() {
        var whole = ConfusionMatrix()
        var left = ConfusionMatrix()
        var right = ConfusionMatrix()
        for (index, pair) in zip(quality.multiclass.actual, quality.multiclass.predicted).enumerated() {
            whole.add(actual: pair.0, predicted: pair.1)
            if index % 3 == 0 { left.add(actual: pair.0, predicted: pair.1) } else { right.add(actual: pair.0, predicted: pair.1) }
        }
        left.merge(right)
        #expect(left == whole)
    }

    @Test func exactRankingMetricsMatchScikitLearn() {
        let binary = quality.binary
        #expect(isClose(RankingMetrics.rocAUC(scores: binary.scores, positives: binary.labels), binary.rocAUC, relative: 1e-12))
        #expect(isClose(RankingMetrics.averagePrecision(scores: binary.scores, positives: binary.labels), binary.averagePrecision, relative: 1e-12))
    }

    /// Scores rounded to 3 decimals fall into 1000 bins one value per bin, so the histogram is exact here;
    /// with 50 bins it is not, and the exact value must lie inside the stated bounds.
    @Test(arguments: [1000, 50])
    func histogramRankingMetricsBoundTheExactValue(binCount: Int) {
        let binary = quality.binary
        var histogram = ScoreHistogram(binCount: binCount)
        for (score, label) in zip(binary.scores, binary.labels) { histogram.add(score: score, isPositive: label) }
        let auc = histogram.rocAUC
        let precision = histogram.averagePrecision
        #expect(auc.lower <= binary.rocAUC + 1e-12 && binary.rocAUC <= auc.upper + 1e-12, "AUC \(binary.rocAUC) outside [\(auc.lower), \(auc.upper)]")
        #expect(precision.lower <= binary.averagePrecision + 1e-12 && binary.averagePrecision <= precision.upper + 1e-12)
        if binCount == 1000 {
            #expect(isClose(auc.estimate, binary.rocAUC, relative: 1e-3))
            #expect(auc.upper - auc.lower < 0.01)
        }
    }

    /// Scores have 3 decimals, so 1000 bins hold one distinct score each and the histogram AUC is exact.
    @Test func multiclassOneVersusRestAUCMatchesScikitLearn() throws {
        let fixture = quality.multiclassScores
        var whole = ClassScoreHistograms()
        var first = ClassScoreHistograms()
        var second = ClassScoreHistograms()
        for (index, pair) in zip(fixture.scores, fixture.actual).enumerated() {
            whole.add(scores: pair.0, actual: pair.1)
            if index % 2 == 0 { first.add(scores: pair.0, actual: pair.1) } else { second.add(scores: pair.0, actual: pair.1) }
        }
        try first.merge(second)
        #expect(first == whole)
        for (label, expected) in fixture.rocAUCByClass {
            let auc = try #require(whole.rocAUCByClass[label])
            #expect(auc.lower <= expected + 1e-12 && expected <= auc.upper + 1e-12, "\(label): \(expected) outside [\(auc.lower), \(auc.upper)]")
            #expect(isClose(auc.estimate, expected, relative: 1e-3))
        }
        let macro = whole.macroRocAUC
        #expect(macro.lower <= fixture.macroRocAUC + 1e-12 && fixture.macroRocAUC <= macro.upper + 1e-12)
        #expect(isClose(macro.estimate, fixture.macroRocAUC, relative: 1e-3))
    }

    @Test func probabilisticMetricsMatchScikitLearn() throws {
        let binary = quality.binary
        var metrics = ProbabilisticMetrics()
        var half = ProbabilisticMetrics()
        for (index, pair) in zip(binary.scores, binary.labels).enumerated() {
            if index % 2 == 0 { metrics.add(probability: pair.0, isPositive: pair.1) } else { half.add(probability: pair.0, isPositive: pair.1) }
        }
        try metrics.merge(half)
        #expect(isClose(metrics.logLoss, binary.logLoss, relative: 1e-10))
        #expect(isClose(metrics.brierScore, binary.brier, relative: 1e-10))
        #expect(isClose(metrics.expectedCalibrationError, binary.expectedCalibrationError, relative: 1e-10))
    }

    @Test func regressionMetricsMatchScikitLearn() {
        let regression = quality.regression
        var metrics = RegressionMetrics()
        var other = RegressionMetrics()
        for (index, pair) in zip(regression.actual, regression.predicted).enumerated() {
            if index < 150 { metrics.add(actual: pair.0, predicted: pair.1) } else { other.add(actual: pair.0, predicted: pair.1) }
        }
        metrics.merge(other)
        #expect(isClose(metrics.meanAbsoluteError, regression.mae, relative: 1e-12))
        #expect(isClose(metrics.rootMeanSquaredError, regression.rmse, relative: 1e-12))
        #expect(isClose(metrics.meanAbsolutePercentageError, regression.mape, relative: 1e-10))
        #expect(isClose(metrics.rSquared, regression.r2, relative: 1e-10))
    }

    @Test func emptyAggregatesReportNaNNotGarbage() {
        #expect(ConfusionMatrix().accuracy.isNaN)
        #expect(RegressionMetrics().rootMeanSquaredError.isNaN)
        #expect(ProbabilisticMetrics().logLoss.isNaN)
        #expect(ScoreHistogram().rocAUC.estimate.isNaN)
        #expect(RankingMetrics.rocAUC(scores: [0.1, 0.9], positives: [true, true]).isNaN)
    }
}
