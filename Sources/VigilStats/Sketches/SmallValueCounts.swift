/// Exact counts of up to `capacity` distinct doubles, in an open-addressing table keyed by bit pattern.
///
/// Numeric columns with few distinct values (flags, ratings, small integers) are tested as categories;
/// this table gives their exact frequencies at a cost of a few nanoseconds per value. It reports
/// overflow once a column has more distinct values than `capacity`, after which the column falls back
/// to HyperLogLog for its distinct count.
struct SmallValueCounts: Sendable, Equatable {
    let capacity: Int
    private var keys: [UInt64]
    private var counts: [Int]
    private(set) var distinctCount = 0
    private let mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int](repeating: 0, count: size)
        mask = size - 1
    }

    /// Adds `weight` occurrences; returns false (and changes nothing) when a new value would exceed capacity.
    @inline(__always)
    mutating func add(_ value: Double, weight: Int = 1) -> Bool {
        let key = value == 0 ? 0 : value.bitPattern
        var slot = Int(truncatingIfNeeded: SplitMix64.mix(key)) & mask
        while counts[slot] != 0 {
            if keys[slot] == key {
                counts[slot] += weight
                return true
            }
            slot = (slot + 1) & mask
        }
        guard distinctCount < capacity else { return false }
        keys[slot] = key
        counts[slot] = weight
        distinctCount += 1
        return true
    }

    /// The values and their counts, sorted by value.
    var sortedEntries: [(value: Double, count: Int)] {
        var entries = [(value: Double, count: Int)]()
        entries.reserveCapacity(distinctCount)
        for slot in counts.indices where counts[slot] != 0 {
            entries.append((Double(bitPattern: keys[slot]), counts[slot]))
        }
        return entries.sorted { $0.value < $1.value }
    }
}
