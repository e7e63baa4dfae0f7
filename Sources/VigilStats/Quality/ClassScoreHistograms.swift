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

    /// Adds one prediction: the score of every class, and the true class.
    public mutating func add(scores: [String: Double], actual: String) {
        for (label, score) in scores {
            histograms[label, default: ScoreHistogram(binCount: binCount)].add(score: score, isPositive: label == actual)
        }
    }

    public mutating func merge(_ other: ClassScoreHistograms) throws(MergeError) {
        guard other.binCount == binCount else { throw MergeError("class score histograms with \(binCount) and \(other.binCount) bins") }
        for (label, histogram) in other.histograms {
            if histograms[label] == nil {
                histograms[label] = histogram
            } else {
                try histograms[label]!.merge(histogram)
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
