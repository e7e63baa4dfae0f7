import Foundation
import Testing
import VigilStats

/// Paired comparisons (shadow traffic) against scipy, on the pairs of `scripts/generate_paired_fixtures.py`.
@Suite struct PairedEffectTests {
    struct Fixtures: Decodable {
        struct Sums: Decodable {
            var count: Int
            var baselineSum, baselineSumOfSquares, candidateSum, candidateSumOfSquares, sumOfProducts: Double
        }
        struct Expected: Decodable {
            var estimate: Double?
            var lower, upper, pValue: Double
        }
        struct Case: Decodable {
            var name: String
            var sums: Sums
            var binary: Bool
            var absolute, relative, sequentialAbsolute, sequentialRelative: Expected
        }
        var alpha: Double
        var tuning: Double
        var cases: [Case]
    }

    static let fixtures: Fixtures = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/compare/paired-expected.json")
        do { return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url)) } catch {
            fatalError("Fixtures/compare/paired-expected.json is missing or damaged (\(error)): run scripts/generate_paired_fixtures.py")
        }
    }()

    static func pairs(_ c: Fixtures.Case) -> PairedSums {
        PairedSums(
            count: c.sums.count,
            baselineSum: c.sums.baselineSum,
            baselineSumOfSquares: c.sums.baselineSumOfSquares,
            candidateSum: c.sums.candidateSum,
            candidateSumOfSquares: c.sums.candidateSumOfSquares,
            sumOfProducts: c.sums.sumOfProducts,
            isBinary: c.binary
        )
    }

    static func check(_ effect: Result<EffectEstimate, EffectEstimate.Unavailable>, _ expected: Fixtures.Expected, _ label: String) {
        guard case .success(let e) = effect else {
            Issue.record("\(label): no estimate (\(effect))")
            return
        }
        if let estimate = expected.estimate { #expect(abs(e.estimate - estimate) < 1e-9, "\(label) estimate") }
        #expect(abs(e.interval.lower - expected.lower) < 1e-6, "\(label) lower \(e.interval.lower) vs \(expected.lower)")
        #expect(abs(e.interval.upper - expected.upper) < 1e-6, "\(label) upper \(e.interval.upper) vs \(expected.upper)")
        #expect(isClose(e.pValue, expected.pValue, relative: 1e-6, absolute: 1e-12), "\(label) p \(e.pValue) vs \(expected.pValue)")
    }

    @Test func theFixedHorizonTestIsScipysPairedTTestOrMcNemarsForOutcomes() {
        #expect(Self.fixtures.cases.count == 8)
        for c in Self.fixtures.cases {
            let pairs = Self.pairs(c)
            Self.check(EffectEstimate.comparePaired(pairs, difference: .absolute, mode: .fixedHorizon), c.absolute, "\(c.name) absolute")
            Self.check(EffectEstimate.comparePaired(pairs, difference: .relative, mode: .fixedHorizon), c.relative, "\(c.name) relative")
        }
    }

    @Test func theSequentialIntervalIsTheConfidenceSequenceOverPairs() {
        let mode = TestMode.sequential(tuning: Self.fixtures.tuning)
        for c in Self.fixtures.cases {
            let pairs = Self.pairs(c)
            Self.check(EffectEstimate.comparePaired(pairs, difference: .absolute, mode: mode), c.sequentialAbsolute, "\(c.name) sequential absolute")
            Self.check(EffectEstimate.comparePaired(pairs, difference: .relative, mode: mode), c.sequentialRelative, "\(c.name) sequential relative")
        }
    }

    @Test func pairsAddedOneByOneAndMergedGiveTheSameSums() {
        var whole = PairedSums()
        var first = PairedSums()
        var second = PairedSums()
        let values: [(Double, Double)] = (0..<200).map { i in (Double(i % 3 == 0 ? 1 : 0), Double(i % 5 == 0 ? 0 : 1)) }
        for (index, (a, b)) in values.enumerated() {
            whole.add(baseline: a, candidate: b)
            if index < 77 { first.add(baseline: a, candidate: b) } else { second.add(baseline: a, candidate: b) }
        }
        first.merge(second)
        #expect(first == whole)
        #expect(whole.isBinary)
        let both = values.filter { $0.0 == 1 && $0.1 == 1 }.count
        let test = try! #require(whole.mcNemar)
        #expect(test.baselineOnly == values.filter { $0.0 == 1 }.count - both)
        #expect(test.candidateOnly == values.filter { $0.1 == 1 }.count - both)
        whole.add(baseline: 0.5, candidate: 1)
        #expect(!whole.isBinary && whole.mcNemar == nil)
    }

    @Test func pairingNarrowsTheIntervalWhenTheVersionsAgree() {
        // Two classifiers right on the same 80 % of requests but for 30 discordant ones: independent arms
        // see two noisy shares, the paired test sees only the 30.
        var pairs = PairedSums()
        for i in 0..<2000 {
            let a: Double = i < 1600 ? 1 : 0
            let b: Double = i < 1600 ? (i < 10 ? 0 : 1) : (i < 1620 ? 1 : 0)
            pairs.add(baseline: a, candidate: b)
        }
        let paired = try! EffectEstimate.comparePaired(pairs, difference: .absolute, mode: .fixedHorizon).get()
        let independent = try! EffectEstimate.compare(
            baseline: pairs.baseline,
            candidate: pairs.candidate,
            difference: .absolute,
            mode: .fixedHorizon
        ).get()
        #expect(abs(paired.estimate - independent.estimate) < 1e-12)
        #expect(paired.standardError < independent.standardError / 3)
    }
}
