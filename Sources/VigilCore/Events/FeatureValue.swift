/// One feature of a prediction, as a model service sends it: a number, a string, a boolean, null, or a
/// vector (an embedding). Decoded from plain JSON values, strictly: `true` is never a number.
public enum FeatureValue: Sendable, Equatable, Codable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case vector([Double])
    case null

    public init(from decoder: any Decoder) throws {
        // One JSON decoding path (``JSONValue``), narrowed to what a feature may be.
        switch try JSONValue(from: decoder) {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let elements):
            let numbers = elements.compactMap { element -> Double? in
                if case .number(let value) = element { return value }
                return nil
            }
            guard numbers.count == elements.count else { throw Self.mismatch(decoder) }
            self = .vector(numbers)
        case .object:
            throw Self.mismatch(decoder)
        }
    }

    private static func mismatch(_ decoder: any Decoder) -> DecodingError {
        .typeMismatch(
            FeatureValue.self,
            .init(codingPath: decoder.codingPath, debugDescription: "a feature must be a number, string, boolean, null, or an array of numbers")
        )
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
