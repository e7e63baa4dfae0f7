/// One feature of a prediction, as a model service sends it: a number, a string, a boolean, null, or a
/// vector (an embedding). Read strictly from JSON by ``EventWireFormat``: `true` is never a number.
public enum FeatureValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case vector([Double])
    case null
}
