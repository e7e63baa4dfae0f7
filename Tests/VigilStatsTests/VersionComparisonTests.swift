import Testing

@testable import VigilStats

/// How the verdict reads the tests: promote only on a win with every guardrail clear, reject on a loss or a
/// broken guardrail, hold otherwise, and never decide while a guard fails.
struct VersionComparisonTests {
    static let accuracyWin = MetricComparison(
        metric: "accuracy",
        role: .primary,
        direction: .higher,
        baseline: .proportion(successes: 8_000, trials: 10_000),
        candidate: .proportion(successes: 8_400, trials: 10_000)
    )
    static func latency(candidateMean: Double) -> MetricComparison {
        MetricComparison(
            metric: "latency_mean",
            role: .guardrail,
            direction: .lower,
            tolerance: 0.1,
            baseline: .mean(count: 10_000, mean: 100, sampleVariance: 400),
            candidate: .mean(count: 10_000, mean: candidateMean, sampleVariance: 400)
        )
    }

    @Test func aClearWinWithClearGuardrailsIsPromoted() {
        let result = VersionComparison.decide(metrics: [Self.accuracyWin, Self.latency(candidateMean: 100.5)])
        #expect(result.verdict == .promote)
        #expect(result.metrics.map(\.outcome) == [.better, .clear])
        #expect(result.reasons.first?.hasPrefix("accuracy is better: +5.00 %") == true, "\(result.reasons)")
    }

    @Test func aWinThatBreaksTheLatencyGuardrailIsRejected() {
        let result = VersionComparison.decide(metrics: [Self.accuracyWin, Self.latency(candidateMean: 130)])
        #expect(result.verdict == .reject)
        #expect(result.metrics[1].outcome == .broken)
        #expect(result.reasons.first?.hasPrefix("guardrail latency_mean broken") == true, "\(result.reasons)")
    }

    @Test func aGuardrailThatCannotYetBeShownWithinItsToleranceHoldsTheWin() {
        let noisy = MetricComparison(
            metric: "latency_mean",
            role: .guardrail,
            direction: .lower,
            tolerance: 0.1,
            baseline: .mean(count: 50, mean: 100, sampleVariance: 2_500),
            candidate: .mean(count: 50, mean: 104, sampleVariance: 2_500)
        )
        let result = VersionComparison.decide(metrics: [Self.accuracyWin, noisy])
        #expect(result.verdict == .hold)
        #expect(result.metrics[1].outcome == .unclear)
    }

    @Test func aSignificantLossOnAPrimaryMetricIsRejected() {
        let loss = MetricComparison(
            metric: "accuracy",
            role: .primary,
            direction: .higher,
            baseline: .proportion(successes: 8_400, trials: 10_000),
            candidate: .proportion(successes: 8_000, trials: 10_000)
        )
        #expect(VersionComparison.decide(metrics: [loss]).verdict == .reject)
    }

    @Test func aSampleRatioMismatchBlocksEvenAClearWin() {
        let split = ComparisonGuard(
            name: "traffic_split",
            test: SampleRatioMismatch(observed: [9_500, 500], weights: [0.5, 0.5]),
            detail: "95 % / 5 % against 50 % / 50 %"
        )
        let result = VersionComparison.decide(metrics: [Self.accuracyWin], guards: [split])
        #expect(result.verdict == .hold)
        #expect(result.reasons.first?.hasPrefix("traffic split mismatch") == true, "\(result.reasons)")
    }

    @Test func holmKeepsAMarginalSecondWinFromCountingAlone() throws {
        // Two primaries each at p ≈ 0.03 (fixed horizon): Holm leaves the larger one at 2 × its p.
        let marginal = MetricComparison(
            metric: "metric:conversion",
            role: .primary,
            direction: .higher,
            baseline: .proportion(successes: 1_000, trials: 10_000),
            candidate: .proportion(successes: 1_090, trials: 10_000)
        )
        let result = VersionComparison.decide(metrics: [marginal, marginal], mode: .fixedHorizon)
        let raw = try #require(result.metrics[0].effect?.pValue)
        #expect(raw < 0.05)
        #expect(result.metrics.allSatisfy { $0.adjustedPValue == min(1, 2 * raw) })
        #expect(result.verdict == .hold)
    }

    @Test func noErrorsInEitherVersionClearsTheErrorRateGuardrailByTheWilsonBounds() {
        let errors = MetricComparison(
            metric: "error_rate",
            role: .guardrail,
            direction: .lower,
            difference: .absolute,
            tolerance: 0.01,
            baseline: .proportion(successes: 0, trials: 2_000),
            candidate: .proportion(successes: 0, trials: 2_000)
        )
        let result = VersionComparison.decide(metrics: [Self.accuracyWin, errors])
        #expect(result.metrics[1].effect == nil)
        #expect(result.metrics[1].outcome == .clear)
        #expect(result.verdict == .promote)
        // Too few requests to bound the rate within a point: the guardrail stays unclear.
        let few = MetricComparison(
            metric: "error_rate",
            role: .guardrail,
            direction: .lower,
            difference: .absolute,
            tolerance: 0.01,
            baseline: .proportion(successes: 0, trials: 100),
            candidate: .proportion(successes: 0, trials: 100)
        )
        #expect(VersionComparison.decide(metrics: [Self.accuracyWin, few]).verdict == .hold)
        // Errors appear in the candidate only (3.5 % against none): no t-test, but the Wilson bounds show the break.
        let failing = MetricComparison(
            metric: "error_rate",
            role: .guardrail,
            direction: .lower,
            difference: .absolute,
            tolerance: 0.01,
            baseline: .proportion(successes: 0, trials: 8_000),
            candidate: .proportion(successes: 128, trials: 3_600)
        )
        let broken = VersionComparison.decide(metrics: [Self.accuracyWin, failing])
        #expect(broken.metrics[1].outcome == .broken)
        #expect(broken.verdict == .reject)
    }
}
