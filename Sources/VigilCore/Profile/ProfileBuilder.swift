public import VigilStats

/// Builds a ``DatasetProfile`` from a stream of column batches.
///
/// Callers declare each column's kind once, then append batches column by column; every batch must add
/// the same number of rows to every column, which ``finish()`` checks.
public struct ProfileBuilder: Sendable {
    private var order: [String] = []
    private var numeric: [String: NumericColumnSketch] = [:]
    private var categorical: [String: CategoricalColumnSketch] = [:]

    /// - Parameters:
    ///   - schema: the profiled columns and their kinds, in order.
    ///   - exactValueBudget: finite numeric values kept exactly across all numeric columns (split evenly),
    ///     so that small datasets are tested exactly; a column beyond its share falls back to its sketch.
    public init(schema: [(name: String, kind: ColumnKind)], exactValueBudget: Int = 0) throws(ProfileError) {
        let numericCount = schema.filter { $0.kind == .numeric }.count
        let exactCapacity = numericCount > 0 ? exactValueBudget / numericCount : 0
        for column in schema {
            guard numeric[column.name] == nil && categorical[column.name] == nil else {
                throw ProfileError("column \"\(column.name)\" appears twice")
            }
            order.append(column.name)
            switch column.kind {
            case .numeric: numeric[column.name] = NumericColumnSketch(exactCapacity: exactCapacity)
            case .categorical: categorical[column.name] = CategoricalColumnSketch()
            }
        }
    }

    /// Appends numeric values; NaN and ±∞ are counted as invalid.
    public mutating func append(_ values: UnsafeBufferPointer<Double>, missing: Int = 0, to column: String) throws(ProfileError) {
        guard numeric[column] != nil else { throw ProfileError("\"\(column)\" is not a numeric column of this profile") }
        numeric[column]!.add(contentsOf: values)
        numeric[column]!.addMissing(count: missing)
    }

    /// Appends categorical values; nil is a missing value.
    public mutating func append(_ values: some Sequence<String?>, to column: String) throws(ProfileError) {
        guard categorical[column] != nil else { throw ProfileError("\"\(column)\" is not a categorical column of this profile") }
        for value in values { categorical[column]!.add(value) }
    }

    /// Appends pre-counted categorical values and missing cells.
    public mutating func append(counted values: [(value: String, count: Int)], missing: Int, to column: String) throws(ProfileError) {
        guard categorical[column] != nil else { throw ProfileError("\"\(column)\" is not a categorical column of this profile") }
        for entry in values { categorical[column]!.add(entry.value, count: entry.count) }
        categorical[column]!.addMissing(count: missing)
    }

    /// The finished profile; `schema` describes every source column (see ``DatasetProfile/schema``), and
    /// `duplicateRows` counts the rows repeating an earlier row, when the reader counted them.
    public func finish(
        schema: [ColumnDescription]? = nil, duplicateRows: Int? = nil, embeddings: [String: EmbeddingSketch] = [:], rowCount: Int? = nil
    ) throws(ProfileError) -> DatasetProfile {
        try DatasetProfile(columns: order.map { name in
            if var sketch = numeric[name] {
                sketch.prepareForQueries()
                return (name, ColumnProfile.numeric(sketch))
            }
            return (name, ColumnProfile.categorical(categorical[name]!))
        }, schema: schema, duplicateRows: duplicateRows, embeddings: embeddings, rowCount: rowCount)
    }
}
