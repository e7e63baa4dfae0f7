import VigilStats

/// How long labels take to arrive after their prediction: counts per fixed bin of seconds, so that it
/// merges, subtracts and serializes exactly, and its bins are the buckets of the `ml_label_delay_seconds`
/// Prometheus histogram. A quantile is reported as the upper edge of the bin that holds it: an upper
/// bound, never more than one bin too high.
public struct LabelDelayHistogram: Sendable, Equatable {
    /// Upper bin edges in seconds: 1 s … 30 days; a last bin takes everything longer.
    public static let edges: [Double] = [
        1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400, 172_800, 345_600, 604_800, 1_209_600, 2_592_000,
    ]

    /// Counts per bin; one more than there are edges.
    public private(set) var counts = [Int](repeating: 0, count: LabelDelayHistogram.edges.count + 1)

    /// No delay yet.
    public init() {}

    /// The number of delays held.
    public var total: Int { counts.reduce(0, +) }

    /// Adds a delay (negative ones, labels sent before their prediction, count as 0); a weight of -1 takes it away.
    public mutating func add(seconds: Double, weight: Int = 1) {
        let bin = Self.edges.firstIndex { seconds <= $0 } ?? Self.edges.count
        counts[bin] += weight
    }

    public mutating func merge(_ other: LabelDelayHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    /// The upper edge of the bin holding quantile `q` (infinity past the last edge); nil when empty.
    public func quantileUpperBound(_ q: Double) -> Double? {
        let total = total
        guard total > 0 else { return nil }
        let rank = Int((q * Double(total)).rounded(.up))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= Swift.max(1, rank) { return index < Self.edges.count ? Self.edges[index] : .infinity }
        }
        return .infinity
    }

    func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(counts.count)
        for count in counts { encoder.writeVarint(count) }
    }

    init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let bins = try decoder.readCount("label delay bins", limit: 64)
        guard bins == Self.edges.count + 1 else { throw DecodingError("label delays in \(bins) bins, not \(Self.edges.count + 1)", at: decoder.offset) }
        for index in 0..<bins { counts[index] = try decoder.readCount("label delay count", limit: Int.max) }
    }
}
