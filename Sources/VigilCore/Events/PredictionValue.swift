/// What a model predicted: a number (regression, or a score), a class label, or a score per class.
public enum PredictionValue: Sendable, Equatable {
    case number(Double)
    case label(String)
    case scores([String: Double])
}
