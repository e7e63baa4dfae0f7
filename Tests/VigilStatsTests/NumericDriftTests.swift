import Testing
@testable import VigilStats

/// Numeric drift tests on exact data against scipy and Evidently (fixtures from scripts/generate_stats_fixtures.py).
struct NumericDriftTests {
    static let cases = ReferenceFixtures.shared.numeric

    @Test(arguments: cases)
    func kolmogorovSmirnovMatchesScipy(_ fixture: ReferenceFixtures.NumericCase) throws {
        let result = try KolmogorovSmirnov.test(ExactDistribution(fixture.reference), ExactDistribution(fixture.current))
        #expect(isClose(result.statistic, fixture.ksStatistic, relative: 1e-12, absolute: 1e-15))
        let exact = max(fixture.reference.count, fixture.current.count) <= KolmogorovSmirnov.exactSizeLimit
        if exact {
            #expect(isClose(result.score, fixture.ksPValue, relative: 1e-7, absolute: 1e-12), "p \(result.score) vs scipy \(fixture.ksPValue)")
        } else {
            let effective = Double(fixture.reference.count * fixture.current.count) / Double(fixture.reference.count + fixture.current.count)
            #expect(abs(result.score - fixture.ksPValue) <= 0.025 / effective, "p \(result.score) vs scipy \(fixture.ksPValue)")
        }
        #expect(result.drifted == (fixture.ksPValue <= 0.05))
    }

    @Test(arguments: cases)
    func wassersteinMatchesScipy(_ fixture: ReferenceFixtures.NumericCase) throws {
        let reference = ExactDistribution(fixture.reference)
        let current = ExactDistribution(fixture.current)
        #expect(isClose(Wasserstein.distance(reference.weightedSample, current.weightedSample), fixture.wasserstein, relative: 1e-9, absolute: 1e-12))
        let normed = try Wasserstein.test(reference, current)
        #expect(isClose(normed.score, fixture.wassersteinNormed, relative: 1e-9, absolute: 1e-12))
    }

    @Test(arguments: cases.filter { $0.cvmPValue != nil })
    func cramerVonMisesMatchesScipy(_ fixture: ReferenceFixtures.NumericCase) throws {
        let result = try CramerVonMises.test(ExactDistribution(fixture.reference), ExactDistribution(fixture.current))
        #expect(isClose(result.statistic, fixture.cvmStatistic!, relative: 1e-9, absolute: 1e-12))
        #expect(isClose(result.score, fixture.cvmPValue!, relative: 1e-6, absolute: 1e-10), "p \(result.score) vs scipy \(fixture.cvmPValue!)")
    }

    @Test(arguments: cases.filter { $0.evidentlyPSI != nil })
    func binnedDistancesMatchEvidently(_ fixture: ReferenceFixtures.NumericCase) throws {
        let reference = ExactDistribution(fixture.reference)
        let current = ExactDistribution(fixture.current)
        let psi = try BinnedDistances.test(.populationStabilityIndex, reference, current, binning: .evidently)
        #expect(isClose(psi.score, fixture.evidentlyPSI!, relative: 1e-9), "PSI \(psi.score) vs Evidently \(fixture.evidentlyPSI!)")
        let js = try BinnedDistances.test(.jensenShannon, reference, current)
        #expect(isClose(js.score, fixture.evidentlyJensenShannon!, relative: 1e-9))
        let kl = try BinnedDistances.test(.kullbackLeibler, reference, current)
        #expect(isClose(kl.score, fixture.evidentlyKL!, relative: 1e-9))
        let hellinger = try BinnedDistances.test(.hellinger, reference, current)
        #expect(isClose(hellinger.score, fixture.hellingerSturges!, relative: 1e-9, absolute: 1e-12))
    }

    /// PSI's default binning: reference deciles, compared with a numpy implementation.
    @Test(arguments: cases.filter { $0.psiDeciles != nil })
    func psiOnReferenceDecilesMatchesNumpy(_ fixture: ReferenceFixtures.NumericCase) throws {
        let psi = try BinnedDistances.test(.populationStabilityIndex, ExactDistribution(fixture.reference), ExactDistribution(fixture.current))
        #expect(isClose(psi.score, fixture.psiDeciles!, relative: 1e-9), "PSI \(psi.score) vs numpy \(fixture.psiDeciles!)")
    }

    @Test func nonFiniteValuesAreCountedNeverPropagated() throws {
        let reference = ExactDistribution([1, 2, .nan, 3, .infinity, 4, -.infinity])
        #expect(reference.count == 4)
        #expect(reference.invalidCount == 3)
        let current = ExactDistribution([2, 3, 4, 5, .nan])
        for method in DriftMethod.allCases where method.acceptsNumeric {
            let result = try DriftTestSelection.run(method, reference: .numeric(reference, valueCounts: nil), current: .numeric(current, valueCounts: nil))
            #expect(result.score.isFinite, "\(method) gave \(result.score)")
            #expect(result.statistic.isFinite, "\(method) statistic \(result.statistic)")
        }
    }

    @Test func emptySideIsAnErrorNotACrash() {
        let empty = ExactDistribution([Double.nan])
        let some = ExactDistribution([1, 2, 3])
        #expect(throws: DriftTestError.self) { try KolmogorovSmirnov.test(empty, some) }
        #expect(throws: DriftTestError.self) { try Wasserstein.test(some, empty) }
        #expect(throws: DriftTestError.self) { try CramerVonMises.test(empty, empty) }
        #expect(throws: DriftTestError.self) { try BinnedDistances.test(.populationStabilityIndex, empty, some) }
    }
}
