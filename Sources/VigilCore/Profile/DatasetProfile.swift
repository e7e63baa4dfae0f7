public import VigilStats

/// A mergeable summary of a whole dataset: one ``ColumnProfile`` per column, in column order.
///
/// Profiles are what a reference is stored as (`vigil profile data.csv -o ref.vprof`), what the server keeps
/// per time bucket, and what windows are merged from: the same type on every path.
public struct DatasetProfile: Sendable, Equatable {
    /// Column names in their original order.
    public private(set) var columnNames: [String]
    public private(set) var columns: [String: ColumnProfile]
    /// Rows summarized.
    public private(set) var rowCount: Int
    /// Every column of the source in order, profiled or not, with its data type and, for columns that are
    /// not profiled (datetime, text, ignored), the reason.
    public private(set) var schema: [ColumnDescription]
    /// Rows whose text repeats an earlier row's exactly; nil when not counted (a profile built from events or
    /// merged from several, or a file too large to track).
    public private(set) var duplicateRows: Int?
    /// Vector (embedding) columns, by name; each sketch covers the rows that had a vector. The schema lists
    /// them with type `vector`.
    public private(set) var embeddings: [String: EmbeddingSketch] = [:]
    /// Model quality from the target and prediction columns, paired row by row; nil when the dataset was read
    /// without both (`--target`, `--prediction`).
    public private(set) var quality: QualityProfile?
    /// A regressor's target on every row of ``quality``, in file order, kept while a file is read (a stored
    /// profile has none): what the dummy model's MAE and MAPE baselines are computed from when there is no
    /// labelled reference (``DummyRegressor``).
    public private(set) var regressionTargets: [Double] = []
    /// A classifier's scores row by row (labelled or not), kept while a file is read: what the CBPE estimate
    /// is fitted on (a labelled reference) and computed for (the current file); nil for a regressor, a
    /// classifier without scores, or a stored profile.
    public private(set) var scoredRows: ScoredRows?

    public init() {
        columnNames = []
        columns = [:]
        rowCount = 0
        schema = []
    }

    /// Creates a profile from finished columns; every column must have seen `rowCount` rows. `schema`
    /// describes all source columns; when nil it is derived from the profiled columns' kinds.
    /// `rowCount` is needed only when there is no column to count the rows (a dataset of vectors alone).
    public init(
        columns: [(name: String, profile: ColumnProfile)],
        schema: [ColumnDescription]? = nil,
        duplicateRows: Int? = nil,
        embeddings: [String: EmbeddingSketch] = [:],
        rowCount: Int? = nil
    ) throws(ProfileError) {
        self.init()
        self.duplicateRows = duplicateRows
        self.embeddings = embeddings
        self.schema =
            schema
            ?? columns.map { ColumnDescription(name: $0.name, type: $0.profile.kind == .numeric ? .float : .string) }
            + embeddings.keys.sorted().map { ColumnDescription(name: $0, type: .vector) }
        let described = Set(self.schema.filter { $0.exclusion == nil }.map(\.name))
        guard described == Set(columns.map(\.name)).union(embeddings.keys) else {
            throw ProfileError("the schema's profiled columns differ from the columns given")
        }
        for column in columns {
            guard self.columns.updateValue(column.profile, forKey: column.name) == nil else {
                throw ProfileError("column \"\(column.name)\" appears twice")
            }
            columnNames.append(column.name)
        }
        let counts = Set(columns.map(\.profile.rowCount) + (rowCount.map { [$0] } ?? []))
        guard counts.count <= 1 else {
            throw ProfileError("columns disagree on the number of rows: \(counts.sorted().map(String.init).joined(separator: ", "))")
        }
        self.rowCount = counts.first ?? 0
        if let name = embeddings.first(where: { $0.value.count > self.rowCount })?.key {
            throw ProfileError("embedding \"\(name)\" has more vectors than the \(self.rowCount) rows")
        }
    }

    public subscript(column name: String) -> ColumnProfile? { columns[name] }

    /// Sets the count of repeated rows of a profile merged from parts of one file, which the reader counts
    /// across the parts.
    mutating func setDuplicateRows(_ count: Int?) { duplicateRows = count }

    /// Sets the model quality of the rows the profile was read from, from their paired targets and predictions.
    mutating func setQuality(_ rows: LabelledRows?) {
        quality = rows?.finished()
        regressionTargets = rows?.regressionTargets ?? []
        scoredRows = rows.flatMap { $0.scored.count > 0 ? $0.scored : nil }
    }

    /// Folds another profile of the same schema into this one (time buckets into a window, shards into one view).
    public mutating func merge(_ other: DatasetProfile) throws(ProfileError) {
        if columnNames.isEmpty && rowCount == 0 {
            self = other
            return
        }
        guard Set(columnNames) == Set(other.columnNames) else {
            let missing = Set(columnNames).symmetricDifference(other.columnNames).sorted()
            throw ProfileError("profiles have different columns: \(missing.joined(separator: ", "))")
        }
        guard Set(embeddings.keys) == Set(other.embeddings.keys) else {
            let differing = Set(embeddings.keys).symmetricDifference(other.embeddings.keys).sorted()
            throw ProfileError("profiles have different embeddings: \(differing.joined(separator: ", "))")
        }
        for (name, sketch) in other.embeddings where embeddings[name]!.dimension != sketch.dimension {
            throw ProfileError("embedding \"\(name)\" has dimension \(embeddings[name]!.dimension) here and \(sketch.dimension) there")
        }
        for name in columnNames {
            var column = columns[name]!
            do { try column.merge(other.columns[name]!) } catch { throw ProfileError("column \"\(name)\": \(error.description)") }
            columns[name] = column
        }
        for (name, sketch) in other.embeddings {
            // Dimensions were checked above, so the sketches merge.
            try! embeddings[name]!.merge(sketch)
        }
        if let theirs = other.quality {
            quality = quality ?? QualityProfile()
            quality!.merge(theirs)
        }
        regressionTargets += other.regressionTargets
        if let theirs = other.scoredRows {
            if scoredRows == nil { scoredRows = theirs } else { scoredRows!.merge(theirs) }
        }
        rowCount += other.rowCount
        // Rows may repeat across the parts, which their separate counts cannot tell.
        duplicateRows = nil
    }
}

extension DatasetProfile: BinarySerializable {
    public static var kind: SketchKind { .datasetProfile }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(rowCount)
        encoder.writeVarint(columnNames.count)
        encoder.writeVarint(schema.count)
        for column in schema {
            encoder.write(column.name)
            encoder.write(column.type.rawValue)
            encoder.write(column.exclusion ?? "")
            encoder.write(column.role.rawValue)
        }
        for name in columnNames {
            encoder.write(name)
            switch columns[name]! {
            case .numeric(let sketch):
                encoder.write(SketchKind.numericColumn.rawValue)
                sketch.encodePayload(into: &encoder)
            case .categorical(let sketch):
                encoder.write(SketchKind.categoricalColumn.rawValue)
                sketch.encodePayload(into: &encoder)
            }
        }
        encoder.writeVarint(duplicateRows.map { $0 + 1 } ?? 0)
        // Last and only when present, so profiles without embeddings (or quality) keep their earlier layout.
        guard !embeddings.isEmpty || quality != nil else { return }
        encoder.writeVarint(embeddings.count)
        for (name, sketch) in embeddings.sorted(by: { $0.key < $1.key }) {
            encoder.write(name)
            sketch.encodePayload(into: &encoder)
        }
        if let quality { quality.encodePayload(into: &encoder) }
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        self.init()
        rowCount = try decoder.readCount("row count", limit: Int.max)
        let count = try decoder.readCount("column count", limit: 1 << 20)
        let schemaCount = try decoder.readCount("schema column count", limit: 1 << 20)
        for _ in 0..<schemaCount {
            let name = try decoder.readString("schema column name")
            let typeOffset = decoder.offset
            guard let type = DataType(rawValue: try decoder.readString("data type")) else {
                throw DecodingError("column \"\(name)\" has an unknown data type", at: typeOffset)
            }
            let exclusion = try decoder.readString("exclusion")
            let roleOffset = decoder.offset
            guard let role = ColumnRole(rawValue: try decoder.readString("role")) else {
                throw DecodingError("column \"\(name)\" has an unknown role", at: roleOffset)
            }
            schema.append(ColumnDescription(name: name, type: type, exclusion: exclusion.isEmpty ? nil : exclusion, role: role))
        }
        for _ in 0..<count {
            let name = try decoder.readString("column name")
            let kindOffset = decoder.offset
            let profile: ColumnProfile
            switch SketchKind(rawValue: try decoder.readUInt8("column kind")) {
            case .numericColumn: profile = .numeric(try NumericColumnSketch(decodingPayload: &decoder))
            case .categoricalColumn: profile = .categorical(try CategoricalColumnSketch(decodingPayload: &decoder))
            case let other: throw DecodingError("column \"\(name)\" has unknown \(other)", at: kindOffset)
            }
            guard profile.rowCount == rowCount else {
                throw DecodingError("column \"\(name)\" has \(profile.rowCount) rows, the profile \(rowCount)", at: kindOffset)
            }
            guard columns.updateValue(profile, forKey: name) == nil else {
                throw DecodingError("column \"\(name)\" appears twice", at: kindOffset)
            }
            columnNames.append(name)
        }
        let duplicates = try decoder.readCount("duplicate row count", limit: rowCount + 1)
        duplicateRows = duplicates == 0 ? nil : duplicates - 1
        let embeddingCount = decoder.isAtEnd ? 0 : try decoder.readCount("embedding count", limit: 1 << 20)
        try readEmbeddings(embeddingCount, from: &decoder)
        if !decoder.isAtEnd { quality = try QualityProfile(decodingPayload: &decoder) }
        guard Set(schema.filter { $0.exclusion == nil }.map(\.name)) == Set(columnNames).union(embeddings.keys) else {
            throw DecodingError("the schema's profiled columns differ from the stored columns", at: decoder.offset)
        }
    }

    private mutating func readEmbeddings(_ embeddingCount: Int, from decoder: inout BinaryDecoder) throws(DecodingError) {
        for _ in 0..<embeddingCount {
            let name = try decoder.readString("embedding name")
            let offset = decoder.offset
            let sketch = try EmbeddingSketch(decodingPayload: &decoder)
            guard sketch.count <= rowCount else {
                throw DecodingError("embedding \"\(name)\" has \(sketch.count) vectors, the profile \(rowCount) rows", at: offset)
            }
            guard embeddings.updateValue(sketch, forKey: name) == nil else {
                throw DecodingError("embedding \"\(name)\" appears twice", at: offset)
            }
        }
    }
}

/// One column of a dataset's source, profiled or not.
public struct ColumnDescription: Sendable, Equatable {
    public var name: String
    public var type: DataType
    /// Why the column is not profiled, or nil when it is.
    public var exclusion: String?
    public var role: ColumnRole

    public init(name: String, type: DataType, exclusion: String? = nil, role: ColumnRole = .feature) {
        self.name = name
        self.type = type
        self.exclusion = exclusion
        self.role = role
    }
}
