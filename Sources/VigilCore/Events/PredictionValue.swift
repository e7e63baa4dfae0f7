/// What a model predicted: a number (regression, or a score), a class label, or a score per class.
public enum PredictionValue: Sendable, Equatable, Codable {
    case number(Double)
    case label(String)
    case scores([String: Double])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .label(value)
        } else if let value = try? container.decode([String: Double].self) {
            self = .scores(value)
        } else {
            throw DecodingError.typeMismatch(
                PredictionValue.self,
                .init(codingPath: decoder.codingPath, debugDescription: "a prediction must be a number, a class label, or an object of class scores")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .label(let value): try container.encode(value)
        case .scores(let value): try container.encode(value)
        }
    }
}
