import Foundation
import Testing
@testable import VigilStats

/// Exact sums: the state that lets model quality take a corrected label away and stay independent of the
/// order labels arrive in.
struct ExactSumTests {
    /// Terms of every magnitude, signs mixed: a naive double sum of these depends on the order.
    static let terms: [Double] = {
        var generator = SystemRandomNumberGenerator()
        _ = generator
        var values: [Double] = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            let magnitude = pow(10, Double(index % 25) - 12)
            values.append((unit - 0.5) * magnitude)
        }
        return values
    }()

    @Test func theSumDoesNotDependOnTheOrderOfItsTerms() {
        var forward = ExactSum()
        var backward = ExactSum()
        for value in Self.terms { forward.add(value) }
        for value in Self.terms.reversed() { backward.add(value) }
        #expect(forward == backward)
        var naiveForward = 0.0
        var naiveBackward = 0.0
        for value in Self.terms { naiveForward += value }
        for value in Self.terms.reversed() { naiveBackward += value }
        #expect(naiveForward != naiveBackward, "the terms are meant to make a naive sum depend on the order")
    }

    @Test func aTermTakenAwayLeavesExactlyTheSumWithoutIt() {
        var with = ExactSum()
        var without = ExactSum()
        for (index, value) in Self.terms.enumerated() {
            with.add(value)
            if index % 7 != 0 { without.add(value) }
        }
        for (index, value) in Self.terms.enumerated() where index % 7 == 0 { with.add(value, negated: true) }
        #expect(with == without)
        var empty = ExactSum()
        empty.add(0.1)
        empty.add(0.1, negated: true)
        #expect(empty.isZero && empty.value == 0)
    }

    /// The exact value of a sum of doubles, rounded once, is what Python's `math.fsum` returns; for these
    /// integers and powers of two the exact sum is known without it.
    @Test func theValueIsTheCorrectlyRoundedSum() {
        var sum = ExactSum()
        for value in [1e16, 1.0, -1e16] { sum.add(value) }
        #expect(sum.value == 1.0)
        var tiny = ExactSum()
        for _ in 0..<1000 { tiny.add(0x1p-100) }
        #expect(tiny.value == 1000 * 0x1p-100)
        var negative = ExactSum()
        negative.add(-2.5)
        negative.add(0.25)
        #expect(negative.value == -2.25)
        var merged = ExactSum()
        merged.merge(sum)
        merged.merge(negative)
        #expect(merged.value == -1.25)
        merged.subtract(negative)
        #expect(merged == sum)
    }

    @Test func sumsSurviveSerialization() throws {
        var sum = ExactSum()
        for value in Self.terms { sum.add(value) }
        for candidate in [sum, ExactSum()] {
            var encoder = BinaryEncoder()
            candidate.encode(into: &encoder)
            var decoder = BinaryDecoder(encoder.bytes)
            #expect(try ExactSum(decoding: &decoder) == candidate)
        }
    }

    @Test func hugeTermsAreClampedNotWrappedAround() {
        var sum = ExactSum()
        sum.add(1e300)
        #expect(sum.value == ExactSum.maximumTerm)
        sum.add(.infinity)
        sum.add(.nan)
        #expect(sum.value == ExactSum.maximumTerm)
    }

    @Test(arguments: [0.1, -2.718281828459045, 1e-30, 3.5e20, -0x1p-120])
    func aTermAddedNTimesAtOnceEqualsNAdds(value: Double) {
        for count in [1, 2, 7, 1000, 65_537] {
            var once = ExactSum()
            once.add(value, times: count)
            var repeated = ExactSum()
            for _ in 0..<count { repeated.add(value) }
            #expect(once == repeated, "\(value) × \(count)")
        }
        var none = ExactSum()
        none.add(value, times: 0)
        #expect(none.isZero)
        var back = ExactSum()
        back.add(value, times: 12)
        back.add(value, times: -12)
        #expect(back.isZero, "a negative count takes the terms away")
    }
}
