/// Per-class histograms of a binary classifier's scores in [0, 1]: a mergeable summary from which
/// ROC-AUC and average precision are computed with a stated error bound.
///
/// ## Error bound
/// Scores in the same bin cannot be ordered, so each bin acts as one tie group. For ROC-AUC the estimate
/// counts within-bin pairs as one half and the true value lies within ±Σ_b pos_b·neg_b / (2·P·N) of it.
/// For average precision the true value lies between the orderings that put each bin's negatives first
/// (lower) and its positives first (upper). Both bounds are computed from the data and returned with the
/// estimate; with 1000 bins they are typically below 10⁻³.
public struct ScoreHistogram: Sendable, Equatable {
    public let binCount: Int
    /// The non-empty bins, in ascending order: sparse, because a bucket of a minute holds a few hundred
    /// scores at most while the histogram has a thousand bins; sorted, so that merging two histograms is one
    /// linear pass (a dictionary spent most of a window's time hashing bin numbers).
    public private(set) var bins: [Bin] = []

    public static let defaultBinCount = 1000

    /// The positives and negatives of one bin.
    public struct Bin: Sendable, Equatable {
        /// The bin: ⌊score · binCount⌋, clamped.
        public var index: Int
        /// Scores of true positives in the bin.
        public var positive: Int
        /// Scores of true negatives in the bin.
        public var negative: Int
    }

    public init(binCount: Int = ScoreHistogram.defaultBinCount) {
        precondition(binCount >= 1, "at least one bin")
        self.binCount = binCount
    }

    /// A histogram from dense per-bin counts (index = bin), as a reader that counts rows in arrays builds it.
    public init(binCount: Int, positives: [Int], negatives: [Int]) {
        self.init(binCount: binCount)
        precondition(positives.count == binCount && negatives.count == binCount, "one count per bin")
        for index in 0..<binCount where positives[index] != 0 || negatives[index] != 0 {
            bins.append(Bin(index: index, positive: positives[index], negative: negatives[index]))
        }
    }

    /// The bin a score falls in: ⌊score · binCount⌋, clamped (the rule ``add(score:isPositive:weight:)`` uses).
    @inlinable
    public static func bin(of score: Double, binCount: Int) -> Int {
        Swift.min(binCount - 1, Swift.max(0, Int(score * Double(binCount))))
    }

    /// True when no score is held.
    public var isEmpty: Bool { bins.isEmpty }

    /// Scores held, positive and negative.
    public var positives: Int { bins.reduce(0) { $0 + $1.positive } }
    public var negatives: Int { bins.reduce(0) { $0 + $1.negative } }

    /// Adds a score (clamped to [0, 1]) with its true label; a weight of -1 takes one away again.
    public mutating func add(score: Double, isPositive: Bool, weight: Int = 1) {
        guard score.isFinite else { return }
        let index = Self.bin(of: score, binCount: binCount)
        var low = 0
        var high = bins.count
        while low < high {
            let middle = (low + high) / 2
            if bins[middle].index < index { low = middle + 1 } else { high = middle }
        }
        if low == bins.count || bins[low].index != index { bins.insert(Bin(index: index, positive: 0, negative: 0), at: low) }
        if isPositive { bins[low].positive += weight } else { bins[low].negative += weight }
        if bins[low].positive == 0 && bins[low].negative == 0 { bins.remove(at: low) }
    }

    public mutating func merge(_ other: ScoreHistogram) throws(MergeError) {
        guard other.binCount == binCount else { throw MergeError("score histograms with \(binCount) and \(other.binCount) bins") }
        guard !other.bins.isEmpty else { return }
        guard !bins.isEmpty else {
            bins = other.bins
            return
        }
        var merged: [Bin] = []
        merged.reserveCapacity(bins.count + other.bins.count)
        var i = 0
        var j = 0
        while i < bins.count || j < other.bins.count {
            if j == other.bins.count || (i < bins.count && bins[i].index < other.bins[j].index) {
                merged.append(bins[i])
                i += 1
            } else if i == bins.count || other.bins[j].index < bins[i].index {
                merged.append(other.bins[j])
                j += 1
            } else {
                var bin = bins[i]
                bin.positive += other.bins[j].positive
                bin.negative += other.bins[j].negative
                if bin.positive != 0 || bin.negative != 0 { merged.append(bin) }
                i += 1
                j += 1
            }
        }
        bins = merged
    }

    private var groups: [(positives: Double, negatives: Double)] {
        bins.reversed().map { (Double($0.positive), Double($0.negative)) }
    }

    public var rocAUC: BoundedEstimate { Self.rocAUC(groups: groups) }
    public var averagePrecision: BoundedEstimate { Self.averagePrecision(groups: groups) }

    /// AUC from tie groups ordered by descending score.
    static func rocAUC(groups: [(positives: Double, negatives: Double)]) -> BoundedEstimate {
        let totalPositives = groups.reduce(0) { $0 + $1.positives }
        let totalNegatives = groups.reduce(0) { $0 + $1.negatives }
        guard totalPositives > 0, totalNegatives > 0 else { return BoundedEstimate(estimate: .nan, lower: .nan, upper: .nan) }
        var negativesBelow = totalNegatives
        var concordant = 0.0
        var tied = 0.0
        for group in groups {
            negativesBelow -= group.negatives
            concordant += group.positives * negativesBelow
            tied += group.positives * group.negatives
        }
        let pairs = totalPositives * totalNegatives
        return BoundedEstimate(
            estimate: (concordant + tied / 2) / pairs,
            lower: concordant / pairs,
            upper: (concordant + tied) / pairs
        )
    }

    /// Average precision from tie groups ordered by descending score.
    static func averagePrecision(groups: [(positives: Double, negatives: Double)]) -> BoundedEstimate {
        let totalPositives = groups.reduce(0) { $0 + $1.positives }
        guard totalPositives > 0 else { return BoundedEstimate(estimate: .nan, lower: .nan, upper: .nan) }
        var truePositives = 0.0
        var falsePositives = 0.0
        var estimate = 0.0
        var lower = 0.0
        var upper = 0.0
        for group in groups where group.positives + group.negatives > 0 {
            // Best order inside the group: positives first; worst: negatives first.
            for k in stride(from: 1.0, through: group.positives, by: 1) {
                upper += (truePositives + k) / (truePositives + falsePositives + k)
                lower += (truePositives + k) / (truePositives + falsePositives + group.negatives + k)
            }
            truePositives += group.positives
            falsePositives += group.negatives
            estimate += group.positives * truePositives / (truePositives + falsePositives)
        }
        return BoundedEstimate(
            estimate: estimate / totalPositives,
            lower: lower / totalPositives,
            upper: upper / totalPositives
        )
    }
}

/// A figure computed from a summary, with the interval that must contain the exact value.
public struct BoundedEstimate: Sendable, Equatable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
}

extension ScoreHistogram {
    /// Writes the non-empty bins in ascending order.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(binCount)
        encoder.writeVarint(bins.count)
        for bin in bins {
            encoder.writeVarint(bin.index)
            encoder.writeVarint(bin.positive)
            encoder.writeVarint(bin.negative)
        }
    }

    /// Reads a histogram written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let binCount = try decoder.readCount("score histogram bins", limit: 1 << 20)
        guard binCount >= 1 else { throw DecodingError("a score histogram with no bin", at: decoder.offset) }
        self.init(binCount: binCount)
        let used = try decoder.readCount("used score bins", limit: binCount)
        bins.reserveCapacity(used)
        for _ in 0..<used {
            let bin = Bin(
                index: try decoder.readCount("score bin", limit: binCount - 1),
                positive: try decoder.readCount("positive scores", limit: Int.max), negative: try decoder.readCount("negative scores", limit: Int.max)
            )
            guard bin.index > (bins.last?.index ?? -1), bin.positive + bin.negative > 0 else {
                throw DecodingError("score bin \(bin.index) out of order, repeated or empty", at: decoder.offset)
            }
            bins.append(bin)
        }
    }
}
