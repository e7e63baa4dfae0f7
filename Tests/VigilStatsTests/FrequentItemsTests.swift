import Testing
@testable import VigilStats

/// Frequent items are exact below capacity and obey the Misra–Gries bound after, including after merges.
struct FrequentItemsTests {
    @Test func exactBelowCapacity() {
        var items = FrequentItems(capacity: 1000)
        let values = TestData.categories(100_000, distinct: 1000, seed: 5)
        for value in values { items.add(value) }
        #expect(items.isExact)
        #expect(items.counts == CategoryCounts(values: values).counts.mapValues { Int($0) })
        #expect(items.unattributedCount == 0)
    }

    /// A skewed stream over 20 000 values summarized in 200 counters, whole and as four merged shards.
    @Test func misraGriesBoundHoldsWholeAndMerged() throws {
        var generator = SplitMix64(seed: 9)
        var stream = [String]()
        for _ in 0..<200_000 {
            // Zipf-like: value i with probability ∝ 1/(i+1), via inverse transform on a harmonic range.
            let u = Double(generator.next() >> 11) * 0x1p-53
            stream.append("v\(Int(pow(20_001, u)) - 1)")
        }
        let truth = CategoryCounts(values: stream).counts
        var whole = FrequentItems(capacity: 200)
        for value in stream { whole.add(value) }
        var shards = [FrequentItems](repeating: FrequentItems(capacity: 200), count: 4)
        for (index, value) in stream.enumerated() { shards[index % 4].add(value) }
        var merged = shards[0]
        for shard in shards.dropFirst() { try merged.merge(shard) }
        for summary in [whole, merged] {
            #expect(!summary.isExact)
            #expect(summary.total == stream.count)
            #expect(Double(summary.maximumError) <= Double(stream.count) / 201)
            for (value, count) in truth {
                let reported = summary.counts[value] ?? 0
                #expect(Double(reported) <= count && count <= Double(reported + summary.maximumError), "\(value)")
                if count > Double(stream.count) / 201 { #expect(summary.counts[value] != nil, "heavy hitter \(value) dropped") }
            }
        }
    }
}

import Foundation
