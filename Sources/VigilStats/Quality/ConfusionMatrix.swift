/// Counts of (actual, predicted) class pairs: the mergeable aggregate behind every label-based
/// classification metric.
public struct ConfusionMatrix: Sendable, Equatable {
    /// counts[actual][predicted]
    public private(set) var counts: [String: [String: Int]] = [:]
    public private(set) var total = 0

    public init() {}

    /// Counts one (actual, predicted) pair; a weight of -1 takes one away (a corrected label). Cells that
    /// fall back to zero are removed, so a matrix never depends on what was added and taken away again.
    public mutating func add(actual: String, predicted: String, weight: Int = 1) {
        let count = (counts[actual]?[predicted] ?? 0) + weight
        counts[actual, default: [:]][predicted] = count == 0 ? nil : count
        if counts[actual]?.isEmpty == true { counts[actual] = nil }
        total += weight
    }

    public mutating func merge(_ other: ConfusionMatrix) {
        for (actual, row) in other.counts {
            for (predicted, count) in row { add(actual: actual, predicted: predicted, weight: count) }
        }
    }

    /// Every class seen as actual or predicted, sorted.
    public var classes: [String] {
        var all = Set(counts.keys)
        for row in counts.values { all.formUnion(row.keys) }
        return all.sorted()
    }

    public func count(actual: String, predicted: String) -> Int { counts[actual]?[predicted] ?? 0 }

    /// The fraction of predictions that were right.
    public var accuracy: Double {
        guard total > 0 else { return .nan }
        return Double(classes.reduce(0) { $0 + count(actual: $1, predicted: $1) }) / Double(total)
    }

    /// Precision, recall, F1 and support of one class. A ratio with a zero denominator is 0, as
    /// scikit-learn's `zero_division` default.
    public func metrics(for label: String) -> ClassMetrics {
        let truePositive = Double(count(actual: label, predicted: label))
        let support = Double(counts[label]?.values.reduce(0, +) ?? 0)
        var predicted = 0.0
        for row in counts.values { predicted += Double(row[label] ?? 0) }
        let precision = predicted > 0 ? truePositive / predicted : 0
        let recall = support > 0 ? truePositive / support : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return ClassMetrics(precision: precision, recall: recall, f1: f1, support: Int(support))
    }

    /// Unweighted mean over classes.
    public var macro: ClassMetrics { averaged { _ in 1 } }
    /// Mean over classes weighted by support.
    public var weighted: ClassMetrics { averaged { Double($0.support) } }

    /// Micro average: pooled counts; precision = recall = F1 = accuracy for single-label classification.
    public var micro: ClassMetrics {
        ClassMetrics(precision: accuracy, recall: accuracy, f1: accuracy, support: total)
    }

    private func averaged(weight: (ClassMetrics) -> Double) -> ClassMetrics {
        let perClass = classes.map { metrics(for: $0) }
        let totalWeight = perClass.reduce(0) { $0 + weight($1) }
        guard totalWeight > 0 else { return ClassMetrics(precision: .nan, recall: .nan, f1: .nan, support: 0) }
        func mean(_ value: (ClassMetrics) -> Double) -> Double {
            perClass.reduce(0) { $0 + value($1) * weight($1) } / totalWeight
        }
        return ClassMetrics(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
    }
}

/// Precision, recall, F1 and support of one class or an average over classes.
public struct ClassMetrics: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}

extension ConfusionMatrix {
    /// Writes the cells sorted by (actual, predicted), so equal matrices give equal bytes.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(counts.count)
        for (actual, row) in counts.sorted(by: { $0.key < $1.key }) {
            encoder.write(actual)
            encoder.writeVarint(row.count)
            for (predicted, count) in row.sorted(by: { $0.key < $1.key }) {
                encoder.write(predicted)
                encoder.writeVarint(count)
            }
        }
    }

    /// Reads a matrix written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let rows = try decoder.readCount("confusion matrix rows", limit: 1 << 16)
        for _ in 0..<rows {
            let actual = try decoder.readString("actual class")
            let cells = try decoder.readCount("confusion matrix cells", limit: 1 << 16)
            for _ in 0..<cells {
                let predicted = try decoder.readString("predicted class")
                let count = try decoder.readCount("confusion matrix count", limit: Int.max)
                guard count > 0 else { throw DecodingError("an empty confusion matrix cell", at: decoder.offset) }
                add(actual: actual, predicted: predicted, weight: count)
            }
        }
    }
}
