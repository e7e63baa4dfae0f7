public import VigilStats

/// The features of a stream of predictions, column by column, as mergeable sketches.
///
/// Unlike a dataset, a stream has no header: a feature's kind is set by its first non-null value (numbers
/// are numeric; strings and booleans categorical), a feature absent from a row counts as missing there, and
/// every column always covers every row, so the result converts to a ``DatasetProfile`` for drift and
/// data-quality checks. Values that contradict a column's kind are kept the way a CSV column keeps them:
/// text in a numeric column is an invalid value, a number in a categorical column is a category; each such
/// value is also counted as a type mismatch.
public struct LiveFeatures: Sendable, Equatable {
    /// Rows (predictions) seen.
    public internal(set) var rowCount = 0
    /// Feature names in the order they first appeared.
    public private(set) var names: [String] = []
    /// The columns, parallel to `names`; `index` finds a name's position with one hash.
    private(set) var columns: [LiveColumn] = []
    private var index: [String: Int] = [:]
    /// The row each column last received a value in, so absent features are found without hashing.
    private var lastRow: [Int] = []
    /// The previous row's feature names in the order its dictionary listed them, and their columns. Rows of
    /// one service share their names, and dictionaries with the same keys list them in the same order, so a
    /// name is usually matched by one comparison here instead of a hash in `index`.
    private var recentNames: [String] = []
    private var recentPositions: [Int] = []

    public init() {}

    /// One feature's sketch: numeric, categorical, vector (embedding), or only nulls so far.
    ///
    /// A struct of optionals rather than an enum with payloads: sketches are then mutated in place, where
    /// an enum payload would be copied (buffers and all) on every update.
    struct LiveColumn: Sendable, Equatable {
        enum Kind: UInt8, Sendable { case pending = 0, numeric, categorical, vector }
        private(set) var kind = Kind.pending
        /// Rows before the first non-null value (while `kind == .pending`).
        var pendingMissing = 0
        var numeric: NumericColumnSketch?
        var categorical: CategoricalColumnSketch?
        var vector: VectorSummary?
        /// Values that contradicted the column's kind.
        var mismatches = 0

        init(missing: Int) { pendingMissing = missing }

        init(numeric sketch: NumericColumnSketch, mismatches: Int) {
            kind = .numeric
            numeric = sketch
            self.mismatches = mismatches
        }

        init(categorical sketch: CategoricalColumnSketch, mismatches: Int) {
            kind = .categorical
            categorical = sketch
            self.mismatches = mismatches
        }

        init(vector summary: VectorSummary) {
            kind = .vector
            vector = summary
        }

        var rowCount: Int {
            switch kind {
            case .pending: pendingMissing
            case .numeric: numeric!.rowCount
            case .categorical: categorical!.rowCount
            case .vector: vector!.rowCount
            }
        }
    }

    /// Adds one row of features.
    public mutating func add(_ features: [String: FeatureValue]) {
        var present = 0
        var newNames: [String] = []
        var slot = 0
        for (name, value) in features {
            defer { slot += 1 }
            let position: Int
            if slot < recentNames.count && recentNames[slot] == name {
                position = recentPositions[slot]
            } else if let found = index[name] {
                position = found
                if slot < recentNames.count {
                    recentNames[slot] = name
                    recentPositions[slot] = found
                } else {
                    recentNames.append(name)
                    recentPositions.append(found)
                }
            } else {
                newNames.append(name)
                continue
            }
            columns[position].add(value)
            lastRow[position] = rowCount
            present += 1
        }
        if present < columns.count {
            for position in columns.indices where lastRow[position] != rowCount { columns[position].add(.null) }
        }
        // New names are added in name order, so the column order does not depend on dictionary order.
        for name in newNames.sorted() {
            var column = LiveColumn(missing: rowCount)
            column.add(features[name]!)
            append(name, column)
            lastRow[columns.count - 1] = rowCount
        }
        rowCount += 1
    }

    /// Equal when they summarize the same rows the same way (the bookkeeping of the last row is not part of it).
    public static func == (lhs: LiveFeatures, rhs: LiveFeatures) -> Bool {
        lhs.rowCount == rhs.rowCount && lhs.names == rhs.names && lhs.columns == rhs.columns
    }

    /// Adds a column at the end.
    mutating func append(_ name: String, _ column: LiveColumn) {
        index[name] = columns.count
        names.append(name)
        columns.append(column)
        lastRow.append(-1)
    }

    /// The column named `name`.
    func column(_ name: String) -> LiveColumn? { index[name].map { columns[$0] } }

    /// Folds in the features of another bucket; columns absent on one side count as missing there.
    public mutating func merge(_ other: LiveFeatures) {
        for name in other.names where index[name] == nil {
            append(name, LiveColumn(missing: rowCount))
        }
        for position in columns.indices {
            columns[position].merge(other.column(names[position]) ?? LiveColumn(missing: other.rowCount))
        }
        rowCount += other.rowCount
    }

    /// Values whose type contradicts their column's kind (text in a numeric column, a vector among scalars…).
    public var typeMismatches: [String: Int] {
        var result: [String: Int] = [:]
        for (name, column) in zip(names, columns) {
            let count = column.mismatches + (column.vector?.mismatches ?? 0)
            if count > 0 { result[name] = count }
        }
        return result
    }

    /// Vector (embedding) features.
    public var vectors: [String: VectorSummary] {
        var result: [String: VectorSummary] = [:]
        for (name, column) in zip(names, columns) { result[name] = column.vector }
        return result
    }

    /// The features as a dataset profile, for the same drift and quality analysis as offline reports: the
    /// scalar features as columns, the vector features' sketches as embeddings.
    /// A feature that has only been null is categorical and entirely missing.
    public func datasetProfile() -> DatasetProfile {
        var result: [(name: String, profile: ColumnProfile)] = []
        for name in names {
            let column = self.column(name)!
            switch column.kind {
            case .pending:
                var sketch = CategoricalColumnSketch()
                sketch.addMissing(count: column.pendingMissing)
                result.append((name, .categorical(sketch)))
            case .numeric: result.append((name, .numeric(column.numeric!)))
            case .categorical: result.append((name, .categorical(column.categorical!)))
            case .vector: break
            }
        }
        var embeddings: [String: EmbeddingSketch] = [:]
        for (name, column) in zip(names, columns) {
            if let sketch = column.vector?.sketch, sketch.count > 0 { embeddings[name] = sketch }
        }
        // Every column covers every row by construction, so this cannot fail.
        return try! DatasetProfile(columns: result, embeddings: embeddings, rowCount: rowCount)
    }
}

extension LiveFeatures.LiveColumn {
    mutating func add(_ value: FeatureValue) {
        if kind == .pending {
            // The rows seen before the first value are carried over as missing values of the new sketch.
            let missing = pendingMissing
            switch value {
            case .null:
                pendingMissing += 1
                return
            case .number: self = Self(numeric: NumericColumnSketch(), mismatches: 0)
            case .string, .bool: self = Self(categorical: CategoricalColumnSketch(), mismatches: 0)
            case .vector: self = Self(vector: VectorSummary(missing: 0))
            }
            addMissing(missing)
        }
        switch kind {
        case .pending:
            preconditionFailure("a pending column became concrete above")
        case .numeric:
            switch value {
            case .number(let number): numeric!.add(number)
            case .null: numeric!.addMissing()
            case .string, .bool, .vector:
                numeric!.addInvalid()
                mismatches += 1
            }
        case .categorical:
            switch value {
            case .string(let text): categorical!.add(text)
            case .bool(let flag): categorical!.add(flag ? "true" : "false")
            case .null: categorical!.addMissing()
            case .number(let number):
                categorical!.add(number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number))
                mismatches += 1
            case .vector:
                categorical!.addMissing()
                mismatches += 1
            }
        case .vector:
            vector!.add(value)
        }
    }

    mutating func merge(_ other: Self) {
        switch (kind, other.kind) {
        case (.pending, .pending):
            pendingMissing += other.pendingMissing
        case (.pending, _):
            let missing = pendingMissing
            self = other
            addMissing(missing)
        case (_, .pending):
            addMissing(other.pendingMissing)
        case (.numeric, .numeric):
            // Sketches with the same parameters always merge.
            try! numeric!.merge(other.numeric!)
            mismatches += other.mismatches
        case (.categorical, .categorical):
            try! categorical!.merge(other.categorical!)
            mismatches += other.mismatches
        case (.vector, .vector):
            vector!.merge(other.vector!)
        default:
            // Buckets disagree on the kind: the other bucket's rows are kept as mismatches (missing here).
            addMissing(other.rowCount)
            mismatches += other.rowCount
        }
    }

    private mutating func addMissing(_ count: Int) {
        switch kind {
        case .pending: pendingMissing += count
        case .numeric: numeric!.addMissing(count: count)
        case .categorical: categorical!.addMissing(count: count)
        case .vector: vector!.addMissing(count)
        }
    }
}

/// What Vigil keeps of a vector (embedding) feature: how many arrived, their dimension, the exact mean and
/// spread of their Euclidean norms, and an ``EmbeddingSketch`` for embedding drift.
public struct VectorSummary: Sendable, Equatable {
    public internal(set) var missing: Int
    public internal(set) var count = 0
    /// The dimension of the first vector (across merges, the one more vectors have); vectors of another length
    /// count as mismatches.
    public internal(set) var dimension = 0
    /// Vectors of another dimension, or with a norm beyond 1e100.
    public internal(set) var mismatches = 0
    public internal(set) var norms = Moments()
    /// The vectors' sketch. It covers fewer than `count` vectors only where buckets stored before embedding
    /// sketches existed (they kept norms alone) are merged in, and is nil when all of them were.
    public internal(set) var sketch: EmbeddingSketch?

    init(missing: Int) { self.missing = missing }

    var rowCount: Int { missing + count + mismatches }

    mutating func add(_ value: FeatureValue) {
        switch value {
        case .null: missing += 1
        case .vector(let vector) where !vector.isEmpty && vector.count <= EmbeddingSketch.maximumDimension && (count == 0 || vector.count == dimension):
            // Like scalar features, magnitudes beyond 1e100 are invalid: sums of such vectors stay finite.
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm <= NumericColumnSketch.maximumMagnitude else {
                mismatches += 1
                return
            }
            if count == 0 {
                dimension = vector.count
                sketch = EmbeddingSketch(dimension: dimension)
            }
            sketch?.add(vector)
            count += 1
            norms.add(norm)
        default: mismatches += 1
        }
    }

    mutating func addMissing(_ more: Int) { missing += more }

    mutating func merge(_ other: VectorSummary) {
        missing += other.missing
        mismatches += other.mismatches
        if count == 0 && other.count > 0 {
            dimension = other.dimension
            count = other.count
            norms = other.norms
            sketch = other.sketch
            return
        }
        guard other.count > 0 else { return }
        guard other.dimension == dimension else {
            // The dimension most vectors have wins, whatever the order of the merge: a bucket whose first vector
            // was of another length (one bad row) made a whole window's vectors mismatches when merged first.
            if (other.count, other.dimension) > (count, dimension) {
                mismatches += count
                dimension = other.dimension
                count = other.count
                norms = other.norms
                sketch = other.sketch
            } else {
                mismatches += other.count
            }
            return
        }
        count += other.count
        norms.merge(other.norms)
        // Merged in place: a copy taken out of the optional would copy every array of the sketch.
        if let theirs = other.sketch {
            // Equal dimensions always merge.
            if sketch == nil { sketch = theirs } else { try! sketch!.merge(theirs) }
        }
    }
}
