import VigilStats

/// The type of a column's cells, as inferred from the data or set by a flag.
public enum DataType: String, Sendable, Codable, CaseIterable {
    case integer
    case float
    case boolean
    case string
    case datetime
    case text
    /// Arrays of numbers of one length (embeddings) in NDJSON, or list cells in a delimited file
    /// (``VectorCell``): compared as embeddings, not as a column.
    case vector

    /// How the column is profiled and tested, following Evidently's rules: floats and integers with more
    /// than 5 distinct values are numeric; booleans, strings and integers with few values are categorical;
    /// datetime and free text are not tested for drift (nil).
    func kind(distinctValues: Int) -> ColumnKind? {
        switch self {
        case .float: .numeric
        case .integer: distinctValues <= DriftTestSelection.categoricalDistinctLimit ? .categorical : .numeric
        case .boolean, .string: .categorical
        case .datetime, .text, .vector: nil
        }
    }
}
