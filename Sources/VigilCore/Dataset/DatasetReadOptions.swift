/// How to read a dataset file: its dialect and the column roles that override inference.
public struct DatasetReadOptions: Sendable {
    /// Every column named by an option that must exist in a file with these columns: all of them, except
    /// that a file read with ``labelsMayBeAbsent`` may lack the target (it is then unlabelled), and then its
    /// outputs too, though not some of them.
    ///
    /// A file read with ``targetMayBeAbsent`` may lack the target column when it has a prediction or score
    /// column: its quality is then estimated, not measured.
    func requiredColumns(in header: [String]) -> Set<String> {
        var names = categorical.union(numeric).union(ignored).union(roles.keys).union(scoreColumns.map(\.column))
        let target = roles.filter { $0.value == .target }.map(\.key)
        let outputs = roles.filter { $0.value == .prediction || $0.value == .score }.map(\.key) + scoreColumns.map(\.column)
        let unlabelled = target.allSatisfy { !header.contains($0) }
        if labelsMayBeAbsent, unlabelled { names.subtract(target) }
        if labelsMayBeAbsent, unlabelled, outputs.allSatisfy({ !header.contains($0) }) { names.subtract(outputs) }
        if targetMayBeAbsent, unlabelled, outputs.contains(where: header.contains) { names.subtract(target) }
        return names
    }

    /// A column of class scores (`--scores`): the probability of one class.
    public struct ScoreColumn: Sendable, Equatable {
        /// The class it is the score of; nil for a binary model's single column (the positive class's).
        public var className: String?
        /// The column holding the scores.
        public var column: String

        /// A score column of `className` (nil: the positive class's probability).
        public init(className: String?, column: String) {
            self.className = className
            self.column = column
        }
    }

    /// A classifier's score columns: one, the positive class's probability (then the prediction column, if any,
    /// names the predicted class), or one per class. Their role is ``ColumnRole/score``.
    public var scoreColumns: [ScoreColumn] = []

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

    /// The labelled columns' indices in `header` (-1 where absent) and what their rows pair into: when a target
    /// and a prediction are named, or a target and score columns; the target may be absent from a file read
    /// with ``targetMayBeAbsent``.
    func labelledRows(header: [String], kinds: [ColumnKind?]) -> LabelledColumns? {
        let targetName = roles.first { $0.value == .target }?.key
        let target = header.firstIndex { $0 == targetName } ?? -1
        let prediction = header.firstIndex { roles[$0] == .prediction } ?? -1
        let scores = scoreColumns.compactMap { column in header.firstIndex(of: column.column) }
        guard targetName != nil, prediction >= 0 || !scores.isEmpty, scores.count == scoreColumns.count else { return nil }
        guard target >= 0 || targetMayBeAbsent || labelsMayBeAbsent else { return nil }
        let task = LabelledRows.task(
            target: target >= 0 ? kinds[target] : .categorical,
            prediction: prediction >= 0 ? kinds[prediction] : nil,
            scoreColumns: scores.count
        )
        let rows = LabelledRows(
            task: task,
            positiveClass: positiveClass ?? (scoreColumns.count == 1 ? scoreColumns[0].className : nil),
            scoreClasses: scoreColumns.map { $0.className ?? $0.column },
            predictionNamesClass: !scores.isEmpty && prediction >= 0,
            keepsScoredRows: !scores.isEmpty
        )
        return LabelledColumns(target: target, prediction: prediction, scores: scores, rows: rows)
    }

    /// Where a file's labelled columns are, and the rows they pair into.
    struct LabelledColumns: Sendable {
        /// Column indices; -1 for a column the file does not have.
        var target: Int
        var prediction: Int
        var scores: [Int]
        var rows: LabelledRows

        /// Every labelled column, in the order ``LabelledRows/add(target:prediction:scores:)`` takes their cells.
        var all: [Int] { [target, prediction] + scores }

        /// The column an error is about.
        func column(of error: LabelledRows.RowError) -> Int {
            switch error.column {
            case .target: target
            case .prediction: prediction
            case .score(let index): scores[index]
            }
        }
    }

    /// True for a reference: it may come without the target (and then without the prediction and score columns
    /// too), and model quality is then tested against a dummy model instead of against it.
    public var labelsMayBeAbsent = false
    /// True for a current file: it may come without the target column when it has the model's outputs, and its
    /// quality is then estimated from the reference (CBPE), not measured.
    public var targetMayBeAbsent = false

    /// Plain delimited files from this size on are read as two halves at once (see ``DelimitedRowsPlan``).
    public var halvingThreshold = 64 << 20

    /// Told how many bytes of a file have been read, every few megabytes (for a progress bar).
    public var progress: (@Sendable (_ path: String, _ bytesRead: Int) -> Void)?

    public init(
        format: CSVFormat = .standard,
        categorical: Set<String> = [],
        numeric: Set<String> = [],
        ignored: Set<String> = [],
        progress: (@Sendable (_ path: String, _ bytesRead: Int) -> Void)? = nil
    ) {
        self.format = format
        self.progress = progress
        self.categorical = categorical
        self.numeric = numeric
        self.ignored = ignored
    }
}
