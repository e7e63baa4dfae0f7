/// How to read a dataset file: its dialect and the column roles that override inference.
public struct DatasetReadOptions: Sendable {
    public var format: CSVFormat
    /// Columns forced to categorical (e.g. numeric codes).
    public var categorical: Set<String>
    /// Columns forced to numeric.
    public var numeric: Set<String>
    /// Columns not profiled at all (ids, timestamps, free text the user does not want tested).
    public var ignored: Set<String>

    /// Told how many bytes of a file have been read, every few megabytes (for a progress bar).
    public var progress: (@Sendable (_ path: String, _ bytesRead: Int) -> Void)?

    public init(
        format: CSVFormat = .standard, categorical: Set<String> = [], numeric: Set<String> = [], ignored: Set<String> = [],
        progress: (@Sendable (_ path: String, _ bytesRead: Int) -> Void)? = nil
    ) {
        self.format = format
        self.progress = progress
        self.categorical = categorical
        self.numeric = numeric
        self.ignored = ignored
    }
}
