/// Why one row of an ingestion request was refused: the row's index in the batch, the field, and what is wrong.
public struct EventRowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The row's 0-based index in the batch (the array index, or the NDJSON line number minus one); nil when
    /// the problem concerns the whole body.
    public var row: Int?
    /// The field's path, such as `features.age` or `latency_ms`; nil when the row as a whole is malformed.
    public var field: String?
    public var message: String

    public init(row: Int?, field: String?, message: String) {
        self.row = row
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let row { parts.append("row \(row)") }
        if let field { parts.append("field \(field)") }
        return parts.isEmpty ? message : "\(parts.joined(separator: ", ")): \(message)"
    }
}

extension EventRowError {
    /// Writes `{"detail": …, "row": …, "field": …}` (row and field only when known): the form every answer
    /// and problem document uses for a refused row.
    public func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("detail", first: true)
        writer.string(message)
        if let row {
            writer.key("row")
            writer.number(Int64(row))
        }
        if let field {
            writer.key("field")
            writer.string(field)
        }
        writer.raw("}")
    }
}
