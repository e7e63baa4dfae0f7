import Foundation
import Testing

@testable import VigilStats

/// Vigil's comparison statistics against GrowthBook's engine (`gbstats` 0.8.0), scipy and statsmodels on the
/// committed fixtures. Tolerance: 1e-6 relative (the bar) for effects; tighter for special functions.
struct EffectEstimateTests {
    static let fixtures = CompareFixtures.shared

    static func arm(_ kind: String, _ a: CompareFixtures.Arm) -> ArmStatistic {
        switch kind {
        case "proportion": return .proportion(successes: a.successes!, trials: a.n)
        case "mean": return .mean(count: a.n, sum: a.sum!, sumOfSquares: a.sumOfSquares!)
        case "ratio":
            return .ratio(
                count: a.n,
                numeratorSum: a.numeratorSum!,
                numeratorSumOfSquares: a.numeratorSumOfSquares!,
                denominatorSum: a.denominatorSum!,
                denominatorSumOfSquares: a.denominatorSumOfSquares!,
                sumOfProducts: a.sumOfProducts!
            )
        default: return .quantile(level: a.level!, count: a.n, estimate: a.estimate!, lower: a.lower!, upper: a.upper!)
        }
    }

    @Test(arguments: fixtures.effects.map(\.name))
    func effectsMatchGbstatsWithinOneInAMillion(name: String) throws {
        let c = try #require(Self.fixtures.effects.first { $0.name == name })
        let baseline = Self.arm(c.kind, c.baseline)
        let candidate = Self.arm(c.kind, c.candidate)
        #expect(isClose(baseline.mean, c.baselineMean, relative: 1e-9), "baseline mean")
        #expect(isClose(baseline.variance, c.baselineVariance, relative: 1e-6), "baseline variance \(baseline.variance) vs \(c.baselineVariance)")
        #expect(isClose(candidate.variance, c.candidateVariance, relative: 1e-6), "candidate variance")
        let mode: TestMode = c.tuning.map { .sequential(tuning: $0) } ?? .fixedHorizon
        let effect = try EffectEstimate.compare(
            baseline: baseline,
            candidate: candidate,
            difference: DifferenceType(rawValue: c.difference)!,
            mode: mode,
            alpha: c.alpha
        ).get()
        let scale = max(abs(c.upper - c.lower), 1e-12)
        #expect(abs(effect.estimate - c.estimate) <= 1e-6 * max(abs(c.estimate), scale), "estimate \(effect.estimate) vs \(c.estimate)")
        #expect(abs(effect.interval.lower - c.lower) <= 1e-6 * scale, "lower \(effect.interval.lower) vs \(c.lower)")
        #expect(abs(effect.interval.upper - c.upper) <= 1e-6 * scale, "upper \(effect.interval.upper) vs \(c.upper)")
        #expect(isClose(effect.pValue, c.pValue, relative: 1e-6, absolute: 1e-12), "p \(effect.pValue) vs \(c.pValue)")
        if c.tuning == nil { #expect(isClose(effect.degreesOfFreedom, c.degreesOfFreedom, relative: 1e-9)) }
    }

    @Test func aRelativeDifferenceOverAZeroBaselineIsRefusedWithACode() {
        let result = EffectEstimate.compare(
            baseline: .proportion(successes: 0, trials: 500),
            candidate: .proportion(successes: 4, trials: 500),
            difference: .relative
        )
        #expect(throws: EffectEstimate.Unavailable.baselineIsZero) { try result.get() }
    }

    @Test func aP99OfTooFewValuesIsNotTested() {
        // Deng et al.'s bracket needs n·(1 − ν) > z²: about 385 values for a p99.
        let arm = ArmStatistic.quantile(level: 0.99, count: 300, estimate: 120, lower: 100, upper: 150)
        #expect(throws: EffectEstimate.Unavailable.tooFewUnits) { try EffectEstimate.compare(baseline: arm, candidate: arm).get() }
    }

    @Test func sampleRatioChecksMatchGbstats() {
        for c in Self.fixtures.srm {
            let srm = SampleRatioMismatch(observed: c.observed, weights: c.weights)
            #expect(isClose(srm.pValue, c.pValue, relative: 1e-9, absolute: 1e-300), "\(c.observed) \(c.weights): \(srm.pValue) vs \(c.pValue)")
        }
    }

    @Test func labelCoverageChecksMatchScipysContingencyTest() {
        for c in Self.fixtures.coverage {
            let test = SampleRatioMismatch.rates(successes: (c.successes[0], c.successes[1]), trials: (c.trials[0], c.trials[1]))
            #expect(isClose(test.statistic, c.statistic, relative: 1e-9))
            #expect(isClose(test.pValue, c.pValue, relative: 1e-9, absolute: 1e-300))
        }
    }

    @Test func mcNemarMatchesScipysExactBinomialTest() {
        for c in Self.fixtures.mcnemar {
            let test = McNemarTest(baselineOnly: c.baselineOnly, candidateOnly: c.candidateOnly)
            #expect(isClose(test.pValue, c.pValue, relative: 1e-10, absolute: 1e-300), "b=\(c.baselineOnly) c=\(c.candidateOnly)")
        }
    }

    @Test func holmAndBenjaminiHochbergMatchStatsmodels() {
        for c in Self.fixtures.multiple {
            let holm = MultipleTesting.holm.adjust(c.pValues)
            let bh = MultipleTesting.benjaminiHochberg.adjust(c.pValues)
            for i in c.pValues.indices {
                #expect(isClose(holm[i], c.holm[i], relative: 1e-12), "holm \(c.pValues)")
                #expect(isClose(bh[i], c.bh[i], relative: 1e-12), "bh \(c.pValues)")
            }
        }
    }

    @Test func studentTAndIncompleteBetaMatchScipy() {
        let special = Self.fixtures.special
        for p in special.t {
            #expect(
                isClose(StudentTDistribution.cdf(p.x, degreesOfFreedom: p.df), p.cdf, relative: 1e-11, absolute: 1e-300),
                "t.cdf(\(p.x), \(p.df))"
            )
            #expect(
                isClose(StudentTDistribution.survival(p.x, degreesOfFreedom: p.df), p.sf, relative: 1e-11, absolute: 1e-300),
                "t.sf(\(p.x), \(p.df))"
            )
        }
        for p in special.tQuantile {
            #expect(isClose(StudentTDistribution.quantile(p.p, degreesOfFreedom: p.df), p.ppf, relative: 1e-11), "t.ppf(\(p.p), \(p.df))")
        }
        for p in special.normalQuantile {
            #expect(isClose(NormalDistribution.quantile(p.p), p.ppf, relative: 1e-12), "norm.ppf(\(p.p))")
        }
        for p in special.beta {
            #expect(isClose(IncompleteBeta.regularized(p.a, p.b, p.x), p.value, relative: 1e-11, absolute: 1e-300), "betainc(\(p.a), \(p.b), \(p.x))")
        }
    }
}
