import Testing
@testable import VigilStats

/// Quality aggregates take a prediction away exactly (a corrected label), so that a correction leaves them
/// as if the first label had never come.
struct SubtractableQualityTests {
    let quality = ReferenceFixtures.shared.quality

    @Test func aRegressionPairTakenAwayLeavesTheAggregateWithoutIt() {
        let regression = quality.regression
        var all = RegressionMetrics()
        var kept = RegressionMetrics()
        for (index, pair) in zip(regression.actual, regression.predicted).enumerated() {
            all.add(actual: pair.0, predicted: pair.1)
            if index % 5 != 0 { kept.add(actual: pair.0, predicted: pair.1) }
        }
        for (index, pair) in zip(regression.actual, regression.predicted).enumerated() where index % 5 == 0 {
            all.add(actual: pair.0, predicted: pair.1, weight: -1)
        }
        // Sums and counts agree exactly; the maximum is exact unless the pair holding it was taken away.
        #expect(all.meanAbsoluteError == kept.meanAbsoluteError)
        #expect(all.rSquared == kept.rSquared)
        #expect(all.count == kept.count)
        if all.maximumIsExact { #expect(all == kept) } else { #expect(all.maximum >= kept.maximum) }
    }

    @Test func takingTheLargestErrorAwayLeavesABoundUntilRecounted() {
        var metrics = RegressionMetrics()
        metrics.add(actual: 0, predicted: 1)
        metrics.add(actual: 0, predicted: 5)
        metrics.add(actual: 0, predicted: 3)
        #expect(metrics.maximumAbsoluteError == 5)
        metrics.add(actual: 0, predicted: 5, weight: -1)
        #expect(!metrics.maximumIsExact && metrics.maximumAbsoluteError.isNaN && metrics.maximum == 5)
        // A part whose maximum is exact and above the bound decides a merge.
        var other = RegressionMetrics()
        other.add(actual: 0, predicted: 7)
        var merged = metrics
        merged.merge(other)
        #expect(merged.maximumAbsoluteError == 7)
        // A new error that reaches the bound is the maximum again.
        metrics.add(actual: 0, predicted: -5)
        #expect(metrics.maximumAbsoluteError == 5)
    }

    @Test func classificationAggregatesTakeAPredictionAway() throws {
        let binary = quality.binary
        var probabilistic = ProbabilisticMetrics()
        var histogram = ScoreHistogram()
        var matrix = ConfusionMatrix()
        for (score, label) in zip(binary.scores, binary.labels) {
            probabilistic.add(probability: score, isPositive: label)
            histogram.add(score: score, isPositive: label)
            matrix.add(actual: label ? "y" : "n", predicted: score >= 0.5 ? "y" : "n")
        }
        let before = (probabilistic, histogram, matrix)
        probabilistic.add(probability: 0.123, isPositive: true)
        histogram.add(score: 0.123, isPositive: true)
        matrix.add(actual: "x", predicted: "z")
        probabilistic.add(probability: 0.123, isPositive: true, weight: -1)
        histogram.add(score: 0.123, isPositive: true, weight: -1)
        matrix.add(actual: "x", predicted: "z", weight: -1)
        #expect(probabilistic == before.0 && histogram == before.1 && matrix == before.2)
        #expect(!matrix.classes.contains("x"), "a class taken away leaves no empty row behind")
    }

    @Test func aggregatesSurviveSerialization() throws {
        let binary = quality.binary
        var probabilistic = ProbabilisticMetrics()
        var histograms = ClassScoreHistograms()
        var matrix = ConfusionMatrix()
        var regression = RegressionMetrics()
        for (score, label) in zip(binary.scores, binary.labels) {
            probabilistic.add(probability: score, isPositive: label)
            histograms.add(scores: ["y": score, "n": 1 - score], actual: label ? "y" : "n")
            matrix.add(actual: label ? "y" : "n", predicted: score >= 0.5 ? "y" : "n")
            regression.add(actual: label ? 1 : 0, predicted: score)
        }
        var encoder = BinaryEncoder()
        probabilistic.encode(into: &encoder)
        histograms.encode(into: &encoder)
        matrix.encode(into: &encoder)
        regression.encode(into: &encoder)
        var decoder = BinaryDecoder(encoder.bytes)
        #expect(try ProbabilisticMetrics(decoding: &decoder) == probabilistic)
        #expect(try ClassScoreHistograms(decoding: &decoder) == histograms)
        #expect(try ConfusionMatrix(decoding: &decoder) == matrix)
        #expect(try RegressionMetrics(decoding: &decoder) == regression)
        #expect(decoder.isAtEnd)
    }

    @Test func regressionMeanErrorAndMaximumMatchTheirDefinitions() {
        let regression = quality.regression
        var metrics = RegressionMetrics()
        for (actual, predicted) in zip(regression.actual, regression.predicted) { metrics.add(actual: actual, predicted: predicted) }
        let errors = zip(regression.actual, regression.predicted).map { $1 - $0 }
        #expect(isClose(metrics.meanError, errors.reduce(0, +) / Double(errors.count), relative: 1e-12))
        #expect(metrics.maximumAbsoluteError == errors.map(abs).max())
    }
}
