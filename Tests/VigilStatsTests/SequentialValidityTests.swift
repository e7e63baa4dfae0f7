import Foundation
import Testing

@testable import VigilStats

/// The sequential mode keeps its promise under peeking, and pays for it with a bounded number of extra
/// samples. Simulations with a fixed seed, so every run gives the same figures.
struct SequentialValidityTests {
    /// One simulated experiment: labelled predictions split 50/50, each correct with the arm's accuracy,
    /// looked at every `lookEvery` events until `maximum`. Returns the events seen at the first look whose
    /// `isSignificant` held, or nil.
    static func firstRejection(
        baselineAccuracy: Double,
        candidateAccuracy: Double,
        maximum: Int,
        lookEvery: Int,
        generator: inout SplitMix64,
        isSignificant: (ArmStatistic, ArmStatistic) -> Bool
    ) -> Int? {
        var counts = [0, 0]
        var correct = [0.0, 0.0]
        for event in 1...maximum {
            let arm = Int(generator.next() & 1)
            let accuracy = arm == 0 ? baselineAccuracy : candidateAccuracy
            counts[arm] += 1
            if Double(generator.next() >> 11) * 0x1p-53 < accuracy { correct[arm] += 1 }
            if event % lookEvery == 0 {
                let a = ArmStatistic.proportion(successes: correct[0], trials: counts[0])
                let b = ArmStatistic.proportion(successes: correct[1], trials: counts[1])
                if isSignificant(a, b) { return event }
            }
        }
        return nil
    }

    static func significant(_ mode: TestMode) -> (ArmStatistic, ArmStatistic) -> Bool {
        { a, b in
            guard case .success(let effect) = EffectEstimate.compare(baseline: a, candidate: b, difference: .absolute, mode: mode) else {
                return false
            }
            return effect.pValue < 0.05
        }
    }

    /// Welch's two-sided p below 0.05, as a dashboard that tests at every refresh would read it.
    static func naiveSignificant(_ a: ArmStatistic, _ b: ArmStatistic) -> Bool {
        let (va, vb) = (a.variance / Double(a.n), b.variance / Double(b.n))
        guard a.n > 1, b.n > 1, va > 0, vb > 0 else { return false }
        let dof = (va + vb) * (va + vb) / (va * va / Double(a.n - 1) + vb * vb / Double(b.n - 1))
        return 2 * StudentTDistribution.survival(abs(b.mean - a.mean) / (va + vb).squareRoot(), degreesOfFreedom: dof) < 0.05
    }

    @Test func anAATestPeekedAtEveryHundredEventsKeepsTheSequentialFalsePositiveRateNearFivePercent() {
        var generator = SplitMix64(seed: 2026)
        let runs = 2_000
        var sequential = 0
        var naive = 0
        for _ in 0..<runs {
            var copy = generator
            if Self.firstRejection(
                baselineAccuracy: 0.8,
                candidateAccuracy: 0.8,
                maximum: 10_000,
                lookEvery: 100,
                generator: &generator,
                isSignificant: Self.significant(.sequential(tuning: 5_000))
            ) != nil {
                sequential += 1
            }
            // The same experiment, read with a fixed-horizon test at every look (its p-value alone: Welch's t).
            if Self.firstRejection(
                baselineAccuracy: 0.8,
                candidateAccuracy: 0.8,
                maximum: 10_000,
                lookEvery: 100,
                generator: &copy,
                isSignificant: Self.naiveSignificant
            ) != nil {
                naive += 1
            }
        }
        let sequentialRate = Double(sequential) / Double(runs)
        let naiveRate = Double(naive) / Double(runs)
        print("A/A, \(runs) runs of 10,000 events, a look every 100: sequential false positives \(sequentialRate), naive \(naiveRate)")
        #expect(sequentialRate <= 0.06, "sequential false-positive rate \(sequentialRate)")
        #expect(naiveRate > 0.20, "the naive repeated test's rate \(naiveRate) should show why peeking needs the sequential mode")
    }

    @Test func aTwoPointAccuracyLiftNeedsAtMostTwiceTheFixedHorizonSample() {
        // Fixed horizon, 80 % power at α = 0.05 two-sided, 0.80 → 0.82: n per arm = (z₀.₉₇₅ + z₀.₈)²·(p₁q₁ + p₂q₂)/δ².
        let z = NormalDistribution.quantile(0.975) + NormalDistribution.quantile(0.8)
        let perArm = z * z * (0.8 * 0.2 + 0.82 * 0.18) / (0.02 * 0.02)
        let fixedTotal = Int((2 * perArm).rounded(.up))
        var generator = SplitMix64(seed: 7)
        let runs = 400
        var stops: [Int] = []
        for _ in 0..<runs {
            let stop = Self.firstRejection(
                baselineAccuracy: 0.8,
                candidateAccuracy: 0.82,
                maximum: 4 * fixedTotal,
                lookEvery: 100,
                generator: &generator,
                isSignificant: Self.significant(.sequential(tuning: Double(fixedTotal)))
            )
            stops.append(stop ?? .max)
        }
        stops.sort()
        let sequentialTotal = stops[Int(0.8 * Double(runs)) - 1]
        let ratio = Double(sequentialTotal) / Double(fixedTotal)
        print("+2 pt accuracy lift, 80 % power: fixed horizon \(fixedTotal) labelled predictions, sequential \(sequentialTotal) (×\(ratio))")
        #expect(sequentialTotal != .max, "fewer than 80 % of runs detected the lift within 4× the fixed-horizon sample")
        #expect(ratio <= 2, "the sequential mode needed ×\(ratio) the fixed-horizon sample")
    }
}
