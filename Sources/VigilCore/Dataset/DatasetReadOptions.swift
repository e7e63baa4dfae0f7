/// How to read a dataset file: its dialect and the column roles that override inference.
public struct DatasetReadOptions: Sendable, Equatable {
    public var format: CSVFormat
    /// Columns forced to categorical (e.g. numeric codes).
    public var categorical: Set<String>
    /// Columns forced to numeric.
    public var numeric: Set<String>
    /// Columns not profiled at all (ids, timestamps, free text the user does not want tested).
    public var ignored: Set<String>

    public init(format: CSVFormat = .standard, categorical: Set<String> = [], numeric: Set<String> = [], ignored: Set<String> = []) {
        self.format = format
        self.categorical = categorical
        self.numeric = numeric
        self.ignored = ignored
    }
}
