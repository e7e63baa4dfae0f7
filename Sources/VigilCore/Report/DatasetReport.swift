import VigilStats

/// Everything `vigil report` and `vigil check` say about a current dataset against its reference:
/// drift per column and for the dataset, data quality per column, and schema issues, with one verdict.
public struct DatasetReport: Sendable, Equatable {
    public var referenceName: String
    public var currentName: String
    public var referenceRows: Int
    public var currentRows: Int
    /// Rows repeating an earlier row of the same file (identical text); nil when not counted.
    public var referenceDuplicateRows: Int?
    public var currentDuplicateRows: Int?
    public var referenceSchema: [ColumnDescription]
    public var currentSchema: [ColumnDescription]
    public var drift: DatasetDrift
    /// Drift of the reference's vector (embedding) columns; they do not count in the dataset drift share.
    public var embeddingDrift: [EmbeddingColumnDrift]
    public var quality: [ColumnQuality]
    /// Reference and current distributions of every compared column, for charts.
    public var distributions: [ColumnDistribution]
    public var thresholds: DataQualityThresholds
    /// Model quality from the target and prediction columns, when the current dataset was read with both.
    public var modelQuality: ModelQualityComparison?

    public static func build(
        referenceName: String,
        reference: DatasetProfile,
        currentName: String,
        current: DatasetProfile,
        driftOptions: DriftOptions = DriftOptions(),
        thresholds: DataQualityThresholds = DataQualityThresholds(),
        qualityTolerances: ModelQualityComparison.Tolerances = ModelQualityComparison.Tolerances(),
        positiveClass: String? = nil
    ) -> DatasetReport {
        let drift = DatasetDrift.analyze(reference: reference, current: current, options: driftOptions)
        let quality = reference.columnNames.compactMap { name -> ColumnQuality? in
            guard !driftOptions.ignoredColumns.contains(name), let r = reference[column: name], let c = current[column: name], r.kind == c.kind else {
                return nil
            }
            return ColumnQuality.assess(name: name, reference: r, current: c, thresholds: thresholds)
        }
        let distributions = quality.compactMap { column in
            ColumnDistribution.make(column: column.column, reference: reference[column: column.column]!, current: current[column: column.column]!)
        }
        return DatasetReport(
            referenceName: referenceName,
            currentName: currentName,
            referenceRows: reference.rowCount,
            currentRows: current.rowCount,
            referenceDuplicateRows: reference.duplicateRows,
            currentDuplicateRows: current.duplicateRows,
            referenceSchema: reference.schema,
            currentSchema: current.schema,
            drift: drift,
            embeddingDrift: EmbeddingColumnDrift.analyze(reference: reference, current: current, options: driftOptions),
            quality: quality,
            distributions: distributions,
            thresholds: thresholds,
            modelQuality: current.quality.map {
                ModelQualityComparison.compare(
                    // A reference read without its target has no quality to compare with.
                    reference: reference.quality.flatMap { $0.labelled > 0 ? $0 : nil },
                    current: $0,
                    referenceRows: reference.rowCount,
                    currentRows: current.rowCount,
                    tolerances: qualityTolerances,
                    positiveClass: positiveClass,
                    // The baselines sort the targets: only when there is no labelled reference to test against.
                    dummyRegressor: (reference.quality?.labelled ?? 0) == 0 ? DummyRegressor(targets: current.regressionTargets) : nil,
                    referenceScores: reference.scoredRows,
                    currentScores: current.scoredRows
                )
            }
        )
    }

    /// Schema issues that fail a check: a reference column missing or changed; added columns only warn, and so
    /// does a target missing from a current whose quality is estimated from its scores instead (labels come later).
    public var failingSchemaIssues: [SchemaIssue] {
        drift.schemaIssues.filter {
            switch $0 {
            case .missingInCurrent(let column):
                !(modelQuality?.estimated != nil && referenceSchema.first { $0.name == column }?.role == .target)
            case .kindChanged: true
            case .addedInCurrent, .noValues, .untestable: false
            }
        }
    }

    /// Why the check fails; empty when everything is within thresholds.
    public var failureReasons: [String] {
        var reasons = [String]()
        if drift.datasetDrifted {
            reasons.append(
                "dataset drift: \(drift.driftedColumnCount) of \(drift.columns.count) columns drifted (\(percent(drift.driftShare)) ≥ \(percent(drift.datasetDriftShareThreshold)))"
            )
        }
        for issue in failingSchemaIssues { reasons.append("schema: \(issue)") }
        for embedding in embeddingDrift {
            if let problem = embedding.problem { reasons.append("embedding \"\(embedding.column)\": \(problem)") }
            guard let result = embedding.result, result.drifted else { continue }
            reasons.append(
                "embedding drift \"\(embedding.column)\": \(result.method.rawValue) \(fourDecimals(result.score)) > \(fourDecimals(result.threshold))"
            )
        }
        if let limit = thresholds.duplicateRowRatio, let ratio = currentDuplicateRatio, ratio > limit {
            reasons.append("duplicate rows: \(currentDuplicateRows!) of \(currentRows) (\(percent(ratio)) > \(percent(limit)))")
        }
        for column in quality where !column.passed {
            reasons.append("data quality \"\(column.column)\": \(column.failures.joined(separator: "; "))")
        }
        reasons += modelQuality?.failureReasons ?? []
        return reasons
    }

    public var passed: Bool { failureReasons.isEmpty }

    /// The share of current rows that repeat an earlier row, when counted.
    public var currentDuplicateRatio: Double? {
        guard let duplicates = currentDuplicateRows, currentRows > 0 else { return nil }
        return Double(duplicates) / Double(currentRows)
    }

    /// The column's name, followed by its role when it is the target, the prediction or a score.
    public func displayName(_ column: String) -> String {
        guard let role = referenceSchema.first(where: { $0.name == column })?.role, role == .target || role == .prediction || role == .score else {
            return column
        }
        return "\(column) (\(role.rawValue))"
    }
}
