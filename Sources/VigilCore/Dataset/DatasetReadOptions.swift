/// How to read a dataset file: its dialect and the column roles that override inference.
public struct DatasetReadOptions: Sendable {
    /// Every column named by an option that must exist in a file with these columns: all of them, except
    /// that a file read with ``labelsMayBeAbsent`` may lack both the target and the prediction column (it is
    /// then unlabelled), though not one of the two.
    func requiredColumns(in header: [String]) -> Set<String> {
        var names = categorical.union(numeric).union(ignored).union(roles.keys)
        if labelsMayBeAbsent {
            let labelColumns = roles.filter { $0.value == .target || $0.value == .prediction }.map(\.key)
            if labelColumns.allSatisfy({ !header.contains($0) }) { names.subtract(labelColumns) }
        }
        return names
    }

    /// The description and kind of a column of inferred `type`, after the options: nil kind means not profiled.
    func resolve(name: String, type: DataType, distinctValues: Int) -> (description: ColumnDescription, kind: ColumnKind?) {
        let role = roles[name] ?? .feature
        if let exclusion = role.exclusion { return (ColumnDescription(name: name, type: type, exclusion: exclusion, role: role), nil) }
        if ignored.contains(name) { return (ColumnDescription(name: name, type: type, exclusion: "ignored by request", role: role), nil) }
        // Profiled as an embedding, not as a scalar column.
        if type == .vector { return (ColumnDescription(name: name, type: type, role: role), nil) }
        if categorical.contains(name) { return (ColumnDescription(name: name, type: type, role: role), .categorical) }
        if numeric.contains(name) { return (ColumnDescription(name: name, type: type, role: role), .numeric) }
        guard let kind = type.kind(distinctValues: distinctValues) else {
            return (ColumnDescription(name: name, type: type, exclusion: "\(type.rawValue) columns are not tested for drift", role: role), nil)
        }
        return (ColumnDescription(name: name, type: type, role: role), kind)
    }

    public var format: CSVFormat
    /// Columns forced to categorical (e.g. numeric codes).
    public var categorical: Set<String>
    /// Columns forced to numeric.
    public var numeric: Set<String>
    /// Columns not profiled at all (free text the user does not want tested, say).
    public var ignored: Set<String>
    /// Columns with a role other than feature (target, prediction, id, timestamp).
    public var roles: [String: ColumnRole] = [:]
    /// The positive class when the prediction column is a probability (default: a class named `1`, `true`,
    /// `yes` or `positive`, else the rarer target class).
    public var positiveClass: String?

    /// The target and prediction columns' indices in `header` and what their rows pair into, when both are named.
    func labelledRows(header: [String], kinds: [ColumnKind?]) -> (target: Int, prediction: Int, rows: LabelledRows)? {
        guard let target = header.firstIndex(where: { roles[$0] == .target }), let prediction = header.firstIndex(where: { roles[$0] == .prediction }) else {
            return nil
        }
        return (target, prediction, LabelledRows(task: LabelledRows.task(target: kinds[target], prediction: kinds[prediction]), positiveClass: positiveClass))
    }

    /// True for a reference: it may come without the target and prediction columns, and model quality is then
    /// tested against a dummy model instead of against it.
    public var labelsMayBeAbsent = false

    /// Plain delimited files from this size on are read as two halves at once (see ``DelimitedRowsPlan``).
    public var halvingThreshold = 64 << 20

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
