import Testing
@testable import VigilStats

/// Moments and exact quantiles against numpy, including data with a large offset.
struct MomentsTests {
    static let cases = ReferenceFixtures.shared.moments

    @Test(arguments: cases)
    func momentsMatchNumpyOneByOneAndInBatches(_ fixture: ReferenceFixtures.MomentsCase) {
        var single = Moments()
        for value in fixture.values { single.add(value) }
        var batched = Moments()
        let chunks = stride(from: 0, to: fixture.values.count, by: 97).map { Array(fixture.values[$0..<min($0 + 97, fixture.values.count)]) }
        for chunk in chunks { chunk.withUnsafeBufferPointer { batched.add(contentsOf: $0) } }
        for moments in [single, batched] {
            #expect(isClose(moments.mean, fixture.mean, relative: 1e-14))
            // Variance of values near 1e9 with unit spread: relative 1e-6 is ~10 significant digits of the data.
            #expect(isClose(moments.populationVariance, fixture.variance, relative: 1e-6, absolute: 1e-20), "\(moments.populationVariance) vs \(fixture.variance)")
            #expect(moments.minimum == fixture.min)
            #expect(moments.maximum == fixture.max)
            #expect(moments.count == fixture.values.count)
        }
    }

    @Test(arguments: cases)
    func exactQuantilesMatchNumpyLinear(_ fixture: ReferenceFixtures.MomentsCase) {
        let distribution = ExactDistribution(fixture.values)
        for (key, expected) in fixture.quantiles {
            #expect(isClose(distribution.quantile(Double(key)!), expected, relative: 1e-14), "q\(key)")
        }
    }

    @Test func mergeIsOrderIndependentAndMatchesWhole() {
        let values = (0..<10_000).map { sin(Double($0)) * 1000 + 5e8 }
        var whole = Moments()
        values.withUnsafeBufferPointer { whole.add(contentsOf: $0) }
        var parts = [Moments](repeating: Moments(), count: 7)
        for (index, value) in values.enumerated() { parts[index % 7].add(value) }
        var merged = Moments()
        for part in parts.reversed() { merged.merge(part) }
        #expect(merged.count == whole.count)
        #expect(isClose(merged.mean, whole.mean, relative: 1e-14))
        #expect(isClose(merged.populationVariance, whole.populationVariance, relative: 1e-9))
    }
}

import Foundation
