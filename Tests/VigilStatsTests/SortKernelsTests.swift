import Testing
@testable import VigilStats

/// The radix kernel against the standard library's sort, on keys spread over their range and on keys
/// crowded into runs that agree on their high 32 bits (where the kernel falls back to sorting runs).
struct SortKernelsTests {
    enum Shape: String, CaseIterable, Sendable {
        case spread, narrow, repeated, presorted
    }

    @Test(arguments: Shape.allCases, [1, 2, 63, 64, 400, 5000])
    func sortKeysAgreesWithTheStandardSort(shape: Shape, count: Int) {
        var random = SplitMix64(seed: UInt64(count) &* 31 &+ UInt64(shape.rawValue.count))
        var keys: [UInt64] = (0..<count).map { index in
            switch shape {
            case .spread: random.next()
            case .narrow: 0x4000_0000_0000_0000 | (random.next() & 0xFFFF_FFFF)  // one high half: a single run
            case .repeated: random.next() % 5
            case .presorted: UInt64(index) << 20
            }
        }
        let expected = keys.sorted()
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, count))
        defer { scratch.deallocate() }
        keys.withUnsafeMutableBufferPointer { SortKernels.sortKeys($0.baseAddress!, count, scratch: scratch) }
        #expect(keys == expected)
    }

    @Test func doublesSortLikeTheStandardSort() {
        var random = SplitMix64(seed: 9)
        var values = (0..<1000).map { _ in (Double(random.next() % 1_000_000) - 5e5) * 1e-3 } + [0, -0.0, 1e-300, -1e300]
        let expected = values.sorted()
        SortKernels.radixSort(&values)
        #expect(values == expected)
    }
}
