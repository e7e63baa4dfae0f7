/// Counts of numeric values in fixed bins, mergeable when the edges agree.
///
/// Bins follow numpy's `histogram`: `[e₀, e₁), [e₁, e₂), …, [eₙ₋₁, eₙ]` (the last bin is closed).
/// Values below e₀ or above eₙ are counted in `underflow` and `overflow` rather than dropped, so no
/// observation is lost.
public struct FixedBinHistogram: Sendable, Equatable {
    /// Strictly increasing bin edges; `edges.count - 1` bins.
    public let edges: [Double]
    public private(set) var counts: [Int]
    public private(set) var underflow: Int = 0
    public private(set) var overflow: Int = 0

    public init(edges: [Double]) {
        precondition(edges.count >= 2, "a histogram needs at least two edges")
        precondition(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "edges must increase strictly")
        precondition(edges.allSatisfy(\.isFinite), "edges must be finite")
        self.edges = edges
        counts = [Int](repeating: 0, count: edges.count - 1)
    }

    /// `count` equal-width bins spanning [lower, upper] (numpy's `histogram_bin_edges(bins=count)`).
    public init(equalWidthBins count: Int, lower: Double, upper: Double) {
        precondition(count >= 1, "at least one bin")
        var low = lower
        var high = upper
        if low == high {
            // numpy widens a degenerate range by 0.5 on each side.
            low -= 0.5
            high += 0.5
        }
        // numpy's linspace: i·step + start, with the last edge pinned to the stop value.
        let step = (high - low) / Double(count)
        var edges = (0...count).map { Double($0) * step + low }
        edges[count] = high
        self.init(edges: edges)
    }

    /// `count` bins whose edges are the quantiles of a reference distribution at i/count (duplicate edges
    /// from ties are dropped), so each bin holds about 1/count of the reference: the bins PSI is defined on.
    public init?(referenceQuantilesOf reference: some UnivariateDistribution, bins count: Int) {
        precondition(count >= 1, "at least one bin")
        let sample = reference.weightedSample
        guard reference.count > 0 else { return nil }
        var edges = [sample.minimum]
        for index in 1..<count {
            let edge = sample.inverseCDF(Double(index) / Double(count))
            if edge > edges[edges.count - 1] { edges.append(edge) }
        }
        if sample.maximum > edges[edges.count - 1] { edges.append(sample.maximum) }
        guard edges.count >= 2 else { return nil }
        self.init(edges: edges)
    }

    /// Index of the bin holding `value`, or nil when it falls outside the edges.
    public func binIndex(_ value: Double) -> Int? {
        guard value >= edges[0], value <= edges[edges.count - 1] else { return nil }
        if value == edges[edges.count - 1] { return counts.count - 1 }
        var low = 0
        var high = edges.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if edges[mid] <= value { low = mid } else { high = mid }
        }
        return low
    }

    /// Adds a finite value with the given weight.
    public mutating func add(_ value: Double, weight: Int = 1) {
        if let index = binIndex(value) {
            counts[index] += weight
        } else if value < edges[0] {
            underflow += weight
        } else {
            overflow += weight
        }
    }

    public var total: Int { counts.reduce(underflow + overflow, +) }

    public mutating func merge(_ other: FixedBinHistogram) throws(MergeError) {
        guard other.edges == edges else { throw MergeError("histograms with different bin edges cannot be merged") }
        for index in counts.indices { counts[index] += other.counts[index] }
        underflow += other.underflow
        overflow += other.overflow
    }
}

extension FixedBinHistogram: BinarySerializable {
    public static var kind: SketchKind { .histogram }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.write(edges)
        for count in counts { encoder.writeVarint(count) }
        encoder.writeVarint(underflow)
        encoder.writeVarint(overflow)
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let start = decoder.offset
        let edges = try decoder.readDoubles("edges")
        guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw DecodingError("histogram edges must be at least two finite, strictly increasing values", at: start)
        }
        self.init(edges: edges)
        for index in counts.indices { counts[index] = try decoder.readCount("bin \(index) count", limit: Int.max) }
        underflow = try decoder.readCount("underflow", limit: Int.max)
        overflow = try decoder.readCount("overflow", limit: Int.max)
    }
}
