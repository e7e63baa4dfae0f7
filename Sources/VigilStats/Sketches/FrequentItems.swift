/// Counts of categorical values: exact while there are at most `capacity` distinct values, and a
/// mergeable Misra–Gries summary after that (Agarwal et al. 2012).
///
/// ## Error bound
/// Once the summary has overflowed, each reported count `c` satisfies
/// `c ≤ true count ≤ c + maximumError`, and `maximumError ≤ n / (capacity + 1)` for n observations,
/// including after merges. Every value whose true count exceeds `n / (capacity + 1)` is retained.
/// `isExact` tells whether any count has been reduced.
public struct FrequentItems: Sendable, Equatable {
    public let capacity: Int
    public private(set) var counts: [String: Int]
    /// Observations summarized.
    public private(set) var total: Int = 0
    /// Upper bound on how much any reported count falls short of the truth; 0 while exact.
    public private(set) var maximumError: Int = 0

    public static let defaultCapacity = 4096

    public init(capacity: Int = FrequentItems.defaultCapacity) {
        precondition(capacity >= 1, "capacity must be positive")
        self.capacity = capacity
        counts = [:]
    }

    public var isExact: Bool { maximumError == 0 }

    /// Adds `weight` observations of `value`.
    public mutating func add(_ value: String, weight: Int = 1) {
        counts[value, default: 0] += weight
        total += weight
        // Purge only at twice the capacity so the amortized cost per update stays O(1).
        if counts.count > 2 * capacity { purge() }
    }

    public mutating func merge(_ other: FrequentItems) throws(MergeError) {
        guard other.capacity == capacity else {
            throw MergeError("frequent-item summaries with capacities \(capacity) and \(other.capacity) cannot be merged")
        }
        for (value, count) in other.counts { counts[value, default: 0] += count }
        total += other.total
        maximumError += other.maximumError
        if counts.count > capacity { purge() }
    }

    /// Reduces the summary to at most `capacity` values: subtracts the (capacity+1)-th largest count from
    /// every counter and drops those that reach zero.
    private mutating func purge() {
        guard counts.count > capacity else { return }
        let sortedCounts = counts.values.sorted(by: >)
        let threshold = sortedCounts[capacity]
        var kept = [String: Int](minimumCapacity: capacity * 2)
        for (value, count) in counts where count > threshold { kept[value] = count - threshold }
        counts = kept
        maximumError += threshold
    }

    /// The values by descending count (ties broken by value, so output is deterministic).
    public var sortedByCount: [(value: String, count: Int)] {
        counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }

    /// Observations not attributed to any listed value: zero while exact.
    public var unattributedCount: Int { total - counts.values.reduce(0, +) }
}

extension FrequentItems: BinarySerializable {
    public static var kind: SketchKind { .frequentItems }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        // Sorted by value so equal summaries serialize to identical bytes.
        encoder.writeVarint(capacity)
        encoder.writeVarint(total)
        encoder.writeVarint(maximumError)
        encoder.writeVarint(counts.count)
        for (value, count) in counts.sorted(by: { $0.key < $1.key }) {
            encoder.write(value)
            encoder.writeVarint(count)
        }
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let start = decoder.offset
        let capacity = try decoder.readCount("capacity", limit: 1 << 24)
        guard capacity >= 1 else { throw DecodingError("capacity must be positive", at: start) }
        self.init(capacity: capacity)
        total = try decoder.readCount("total", limit: Int.max)
        maximumError = try decoder.readCount("maximum error", limit: Int.max)
        let entries = try decoder.readCount("entry count", limit: 2 * capacity + 1)
        var attributed = 0
        for _ in 0..<entries {
            let value = try decoder.readString("value")
            let count = try decoder.readCount("count of \(value)", limit: Int.max)
            guard counts.updateValue(count, forKey: value) == nil else {
                throw DecodingError("value \(value) appears twice", at: decoder.offset)
            }
            attributed += count
        }
        guard attributed <= total else {
            throw DecodingError("counts sum to \(attributed), more than the total \(total)", at: decoder.offset)
        }
        guard maximumError > 0 || attributed == total else {
            throw DecodingError("an exact summary's counts must sum to its total", at: decoder.offset)
        }
    }
}
