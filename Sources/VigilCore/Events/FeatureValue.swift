/// One feature of a prediction, as a model service sends it: a number, a string, a boolean, null, or a
/// vector (an embedding). Decoded from plain JSON values, strictly: `true` is never a number.
public enum FeatureValue: Sendable, Equatable, Codable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case vector([Double])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Double].self) {
            self = .vector(value)
        } else {
            throw DecodingError.typeMismatch(
                FeatureValue.self,
                .init(codingPath: decoder.codingPath, debugDescription: "a feature must be a number, string, boolean, null, or an array of numbers")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .vector(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
