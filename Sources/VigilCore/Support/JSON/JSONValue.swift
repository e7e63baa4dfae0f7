/// One value of a JSON document, as ``JSONParser`` reads it: `true` is never a number and `1` never a boolean.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}
