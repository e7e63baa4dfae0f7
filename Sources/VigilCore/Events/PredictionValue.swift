/// What a model predicted: a number (regression, or a score), a class label, or a score per class.
public enum PredictionValue: Sendable, Equatable {
    case number(Double)
    case label(String)
    case scores([String: Double])
}

extension PredictionValue {
    /// The class this prediction names: the label sent, or the class with the highest score (with its score).
    /// Ties go to the first class in name order, so the choice does not depend on dictionary order.
    /// Nil for a numeric prediction or empty scores.
    public var predictedClass: (name: String, score: Double?)? {
        switch self {
        case .number: return nil
        case .label(let label): return (label, nil)
        case .scores(let scores):
            guard let best = scores.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return nil }
            return (best.key, best.value)
        }
    }
}
