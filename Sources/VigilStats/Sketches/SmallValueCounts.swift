/// Exact counts of up to `capacity` distinct doubles, in an open-addressing table keyed by bit pattern.
///
/// Numeric columns with few distinct values (flags, ratings, small integers) are tested as categories;
/// this table gives their exact frequencies at a cost of a few nanoseconds per value. It reports
/// overflow once a column has more distinct values than `capacity`, after which the column falls back
/// to HyperLogLog for its distinct count.
///
/// The table starts small and doubles as values arrive (kept at most half full), so that a column with few
/// values costs a few cache lines, not the `capacity`-sized table: decoding thousands of stored buckets
/// spent most of its time zeroing fresh pages for tables that held a hundred values.
struct SmallValueCounts: Sendable {
    let capacity: Int
    private var keys: [UInt64]
    private var counts: [Int]
    private(set) var distinctCount = 0
    private var mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        keys = [UInt64](repeating: 0, count: 16)
        counts = [Int](repeating: 0, count: 16)
        mask = 15
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
        if 2 * (distinctCount + 1) > mask + 1 {
            grow()
            slot = Int(truncatingIfNeeded: SplitMix64.mix(key)) & mask
            while counts[slot] != 0 { slot = (slot + 1) & mask }
        }
        keys[slot] = key
        counts[slot] = weight
        distinctCount += 1
        return true
    }

    private mutating func grow() {
        let size = 2 * (mask + 1)
        var newKeys = [UInt64](repeating: 0, count: size)
        var newCounts = [Int](repeating: 0, count: size)
        for slot in counts.indices where counts[slot] != 0 {
            var target = Int(truncatingIfNeeded: SplitMix64.mix(keys[slot])) & (size - 1)
            while newCounts[target] != 0 { target = (target + 1) & (size - 1) }
            newKeys[target] = keys[slot]
            newCounts[target] = counts[slot]
        }
        keys = newKeys
        counts = newCounts
        mask = size - 1
    }

    /// The values and their counts, in table order (for merging, where order does not matter).
    var entries: some Sequence<(value: Double, count: Int)> {
        zip(keys, counts).lazy.filter { $0.1 != 0 }.map { (Double(bitPattern: $0.0), $0.1) }
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

extension SmallValueCounts: Equatable {
    /// Equal when they count the same values: the table layout depends on the order values arrived in.
    static func == (lhs: SmallValueCounts, rhs: SmallValueCounts) -> Bool {
        lhs.capacity == rhs.capacity && lhs.distinctCount == rhs.distinctCount && lhs.sortedEntries.elementsEqual(rhs.sortedEntries) { $0 == $1 }
    }
}
