import Testing
@testable import VigilStats

/// Drift statistics computed from sketches agree with the exact ones within the documented bounds.
struct SketchDriftAgreementTests {
    static func sketch(_ values: [Double]) -> QuantileSketch {
        values.reduce(into: QuantileSketch()) { $0.add($1) }
    }

    @Test(arguments: [0.0, 0.05, 0.3])
    func sketchStatisticsWithinBounds(shift: Double) throws {
        let referenceValues = TestData.normal(300_000, seed: 21)
        let currentValues = TestData.normal(200_000, mean: shift, seed: 22)
        let exactReference = ExactDistribution(referenceValues)
        let exactCurrent = ExactDistribution(currentValues)
        let sketchReference = Self.sketch(referenceValues)
        let sketchCurrent = Self.sketch(currentValues)

        let exactKS = try KolmogorovSmirnov.test(exactReference, exactCurrent)
        let sketchKS = try KolmogorovSmirnov.test(sketchReference, sketchCurrent)
        #expect(sketchKS.statisticErrorBound > 0)
        #expect(abs(sketchKS.statistic - exactKS.statistic) <= sketchKS.statisticErrorBound)

        let exactWasserstein = try Wasserstein.test(exactReference, exactCurrent)
        let sketchWasserstein = try Wasserstein.test(sketchReference, sketchCurrent)
        #expect(abs(sketchWasserstein.score - exactWasserstein.score) <= sketchWasserstein.statisticErrorBound)
        #expect(sketchWasserstein.drifted == exactWasserstein.drifted)

        // Binned distances: every bin proportion within 2ε of the exact one (the edges come from the exact
        // minimum and maximum, which the sketch keeps).
        for binning in [Binning.evidently, .equalWidth(count: 20)] {
            let exact = binning.proportions(exactReference.weightedSample, exactCurrent.weightedSample)
            let approximate = binning.proportions(sketchReference.weightedSample, sketchCurrent.weightedSample)
            #expect(exact.reference.count == approximate.reference.count)
            for (e, a) in zip(exact.reference, approximate.reference) { #expect(abs(e - a) <= 2 * sketchReference.rankErrorBound) }
            for (e, a) in zip(exact.current, approximate.current) { #expect(abs(e - a) <= 2 * sketchCurrent.rankErrorBound) }
        }
        let exactJS = try BinnedDistances.test(.jensenShannon, exactReference, exactCurrent)
        let sketchJS = try BinnedDistances.test(.jensenShannon, sketchReference, sketchCurrent)
        #expect(exactJS.drifted == sketchJS.drifted)
    }
}

/// A column sketch normalizes Wasserstein by its exact standard deviation, as Evidently does with np.std.
struct ColumnSketchWassersteinTests {
    @Test func normalizerIsTheExactStandardDeviation() throws {
        let referenceValues = TestData.lognormal(200_000, seed: 51)
        let currentValues = TestData.lognormal(150_000, seed: 52)
        var reference = NumericColumnSketch()
        var current = NumericColumnSketch()
        referenceValues.withUnsafeBufferPointer { reference.add(contentsOf: $0) }
        currentValues.withUnsafeBufferPointer { current.add(contentsOf: $0) }
        let exactReference = ExactDistribution(referenceValues)
        #expect(isClose(reference.populationStandardDeviation, exactReference.populationStandardDeviation, relative: 1e-10))
        let fromSketch = try Wasserstein.test(reference, current)
        let exact = try Wasserstein.test(exactReference, ExactDistribution(currentValues))
        #expect(abs(fromSketch.score - exact.score) <= fromSketch.statisticErrorBound)
    }
}
