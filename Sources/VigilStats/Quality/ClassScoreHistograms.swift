/// One-vs-rest score histograms for a multi-class classifier: for each class, the histogram of the score
/// the model gave that class, split by whether it was the true class. Mergeable.
///
/// ROC-AUC per class and its macro average match `sklearn.metrics.roc_auc_score(multi_class="ovr",
/// average="macro")`, with the per-class bounds of ``ScoreHistogram``.
public struct ClassScoreHistograms: Sendable, Equatable {
    public let binCount: Int
    public private(set) var histograms: [String: ScoreHistogram] = [:]

    public init(binCount: Int = ScoreHistogram.defaultBinCount) {
        self.binCount = binCount
    }

    /// Adds one prediction: the score of every class, and the true class; a weight of -1 takes it away.
    public mutating func add(scores: [String: Double], actual: String, weight: Int = 1) {
        for (label, score) in scores {
            histograms[label, default: ScoreHistogram(binCount: binCount)].add(score: score, isPositive: label == actual, weight: weight)
            if histograms[label]!.isEmpty { histograms[label] = nil }
        }
    }

    /// Adds a whole histogram of one class's scores (built elsewhere with the same bins).
    public mutating func add(_ histogram: ScoreHistogram, for label: String) throws(MergeError) {
        guard histogram.binCount == binCount else { throw MergeError("a score histogram with \(histogram.binCount) bins, not \(binCount)") }
        guard !histogram.isEmpty else { return }
        if histograms[label] == nil { histograms[label] = histogram } else { try histograms[label]!.merge(histogram) }
        if histograms[label]!.isEmpty { histograms[label] = nil }
    }

    public mutating func merge(_ other: ClassScoreHistograms) throws(MergeError) {
        guard other.binCount == binCount else { throw MergeError("class score histograms with \(binCount) and \(other.binCount) bins") }
        for (label, histogram) in other.histograms {
            if histograms[label] == nil {
                histograms[label] = histogram
            } else {
                try histograms[label]!.merge(histogram)
                if histograms[label]!.isEmpty { histograms[label] = nil }
            }
        }
    }

    /// ROC-AUC of each class against the rest.
    public var rocAUCByClass: [String: BoundedEstimate] { histograms.mapValues(\.rocAUC) }

    /// Unweighted mean of the per-class AUCs (and of their bounds); NaN if any class lacks positives or negatives.
    public var macroRocAUC: BoundedEstimate {
        let perClass = Array(rocAUCByClass.values)
        guard !perClass.isEmpty else { return BoundedEstimate(estimate: .nan, lower: .nan, upper: .nan) }
        let count = Double(perClass.count)
        return BoundedEstimate(
            estimate: perClass.reduce(0) { $0 + $1.estimate } / count,
            lower: perClass.reduce(0) { $0 + $1.lower } / count,
            upper: perClass.reduce(0) { $0 + $1.upper } / count
        )
    }
}

extension ClassScoreHistograms {
    /// Writes the histograms sorted by class.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(binCount)
        encoder.writeVarint(histograms.count)
        for (label, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            encoder.write(label)
            histogram.encode(into: &encoder)
        }
    }

    /// Reads histograms written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        self.init(binCount: try decoder.readCount("class score bins", limit: 1 << 20))
        let count = try decoder.readCount("class score histograms", limit: 1 << 16)
        for _ in 0..<count {
            let label = try decoder.readString("score class")
            let histogram = try ScoreHistogram(decoding: &decoder)
            guard histogram.binCount == binCount else { throw DecodingError("class \(label) has \(histogram.binCount) score bins, not \(binCount)", at: decoder.offset) }
            histograms[label] = histogram
        }
    }
}
