public import Foundation
public import VigilCore
import VigilStats

/// The JSON form of a ``DatasetReport``: schema `vigil.report.v1`, documented in docs/REPORT-JSON.md.
///
/// Fields are only added within a version; a rename or removal bumps it. Non-finite numbers are written as
/// `null`.
public struct ReportDocument: Codable, Sendable, Equatable {
    public static let schemaIdentifier = "vigil.report.v1"

    public struct DatasetSummary: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        /// Rows repeating an earlier row of the same file (identical text); null when not counted.
        public var duplicateRows: Int?
        public var columns: [ColumnSummary]
    }

    public struct ColumnSummary: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
        /// `feature`, `target`, `prediction`, `id` or `timestamp`.
        public var role: String
        public var excluded: String?
    }

    public struct ColumnDriftEntry: Codable, Sendable, Equatable {
        public var column: String
        public var kind: String
        public var method: String
        public var score: Double?
        public var statistic: Double?
        public var threshold: Double
        public var drifted: Bool
        /// Bound on the statistic's error when computed from sketches; 0 when exact.
        public var statisticErrorBound: Double?
    }

    public struct DriftSection: Codable, Sendable, Equatable {
        public var columns: [ColumnDriftEntry]
        public var driftedColumns: Int
        public var testedColumns: Int
        public var driftShare: Double
        public var driftShareThreshold: Double
        public var datasetDrifted: Bool
    }

    /// Embedding drift of one vector feature (``EmbeddingDriftResult``).
    public struct EmbeddingDriftEntry: Codable, Sendable, Equatable {
        public var column: String
        public var method: String?
        public var score: Double?
        public var threshold: Double?
        public var drifted: Bool?
        /// Why there is no verdict (no current vectors, another dimension); null when there is one.
        public var problem: String?
        public var referenceVectors: Int
        public var currentVectors: Int
        public var centroidDistance: Double?
        public var centroidCosineDistance: Double?
        /// Mean cosine similarity of the window's vectors to the reference centroid …
        public var similarityToReference: Double?
        /// … and of the reference's own vectors to it, the baseline to read it against.
        public var referenceSimilarityToReference: Double?
        /// Normed Wasserstein distance between the reference's and the window's norms.
        public var normDrift: Double?
        /// Normed Wasserstein distance of each random projection; `ratio` counts those ≥ componentThreshold.
        public var componentScores: [Double]?
        public var componentThreshold: Double?
        public var componentErrorBound: Double?

        init(_ drift: EmbeddingColumnDrift) {
            column = drift.column
            func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            let result = drift.result
            method = result?.method.rawValue
            score = finite(result?.score)
            threshold = result?.threshold
            drifted = result?.drifted
            problem = drift.problem
            referenceVectors = drift.referenceVectors
            currentVectors = drift.currentVectors
            centroidDistance = finite(result?.centroidDistance)
            centroidCosineDistance = finite(result?.centroidCosineDistance)
            similarityToReference = finite(result?.currentSimilarityToReference)
            referenceSimilarityToReference = finite(result?.referenceSimilarityToReference)
            normDrift = finite(result?.norms.score)
            componentScores = result?.componentScores
            componentThreshold = result?.componentThreshold
            componentErrorBound = finite(result?.componentErrorBound)
        }
    }

    public struct QualityEntry: Codable, Sendable, Equatable {
        public var column: String
        public var missingRatio: Double
        public var referenceMissingRatio: Double
        public var invalidRatio: Double
        public var outOfRangeRatio: Double?
        public var outOfRangeErrorBound: Double
        public var newCategories: [String]
        public var newCategoryRatio: Double?
        public var missingCategories: [String]
        public var distinctCount: Double
        public var topValueShare: Double?
        public var constant: Bool
        public var failures: [String]
        public var warnings: [String]
    }

    public struct Thresholds: Codable, Sendable, Equatable {
        public var missingRatio: Double
        public var outOfRangeRatio: Double
        public var newCategoryRatio: Double
        public var invalidRatio: Double
        public var nearConstantShare: Double
        /// null: duplicate rows are reported, not judged.
        public var duplicateRowRatio: Double?
    }

    public var schema: String
    public var generator: String
    public var reference: DatasetSummary
    public var current: DatasetSummary
    public var drift: DriftSection
    /// Drift of vector (embedding) columns, which do not count in the drift share.
    public var embeddingDrift: [EmbeddingDriftEntry]
    public var dataQuality: [QualityEntry]
    public var schemaIssues: [String]
    public var thresholds: Thresholds
    public var passed: Bool
    public var failureReasons: [String]
    /// Model quality from the target and prediction columns; absent when the datasets were read without both.
    public var modelQuality: ModelQualitySection?

    public init(_ report: DatasetReport, generator: String) {
        func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
        func summary(_ name: String, _ rows: Int, _ duplicates: Int?, _ schema: [ColumnDescription]) -> DatasetSummary {
            DatasetSummary(name: name, rows: rows, duplicateRows: duplicates, columns: schema.map { ColumnSummary(name: $0.name, type: $0.type.rawValue, role: $0.role.rawValue, excluded: $0.exclusion) })
        }
        schema = Self.schemaIdentifier
        self.generator = generator
        reference = summary(report.referenceName, report.referenceRows, report.referenceDuplicateRows, report.referenceSchema)
        current = summary(report.currentName, report.currentRows, report.currentDuplicateRows, report.currentSchema)
        drift = DriftSection(
            columns: report.drift.columns.map {
                ColumnDriftEntry(
                    column: $0.column, kind: $0.kind.rawValue, method: $0.result.method.rawValue,
                    score: finite($0.result.score), statistic: finite($0.result.statistic), threshold: $0.result.threshold,
                    drifted: $0.result.drifted, statisticErrorBound: finite($0.result.statisticErrorBound)
                )
            },
            driftedColumns: report.drift.driftedColumnCount,
            testedColumns: report.drift.columns.count,
            driftShare: report.drift.driftShare,
            driftShareThreshold: report.drift.datasetDriftShareThreshold,
            datasetDrifted: report.drift.datasetDrifted
        )
        embeddingDrift = report.embeddingDrift.map(EmbeddingDriftEntry.init)
        dataQuality = report.quality.map {
            QualityEntry(
                column: $0.column, missingRatio: $0.missingRatio, referenceMissingRatio: $0.referenceMissingRatio,
                invalidRatio: $0.invalidRatio, outOfRangeRatio: $0.outOfRangeRatio.flatMap(finite), outOfRangeErrorBound: $0.outOfRangeErrorBound,
                newCategories: $0.newCategories, newCategoryRatio: $0.newCategoryRatio.flatMap(finite),
                missingCategories: $0.missingCategories, distinctCount: $0.distinctCount, topValueShare: $0.topValueShare.flatMap(finite),
                constant: $0.isConstant, failures: $0.failures, warnings: $0.warnings
            )
        }
        schemaIssues = report.drift.schemaIssues.map(\.description)
        let t = report.thresholds
        thresholds = Thresholds(missingRatio: t.missingRatio, outOfRangeRatio: t.outOfRangeRatio, newCategoryRatio: t.newCategoryRatio, invalidRatio: t.invalidRatio, nearConstantShare: t.nearConstantShare, duplicateRowRatio: t.duplicateRowRatio)
        passed = report.passed
        failureReasons = report.failureReasons
        modelQuality = report.modelQuality.map(Self.modelQuality)
    }

    /// Pretty-printed JSON with sorted keys, so documents diff cleanly.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

// Optional fields are written as `null` rather than left out, so every document has every key.

extension ReportDocument {
    private enum CodingKeys: String, CodingKey {
        case schema, generator, reference, current, drift, embeddingDrift, dataQuality, schemaIssues, thresholds, passed, failureReasons, modelQuality
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(generator, forKey: .generator)
        try container.encode(reference, forKey: .reference)
        try container.encode(current, forKey: .current)
        try container.encode(drift, forKey: .drift)
        try container.encode(embeddingDrift, forKey: .embeddingDrift)
        try container.encode(dataQuality, forKey: .dataQuality)
        try container.encode(schemaIssues, forKey: .schemaIssues)
        try container.encode(thresholds, forKey: .thresholds)
        try container.encode(passed, forKey: .passed)
        try container.encode(failureReasons, forKey: .failureReasons)
        try container.encode(modelQuality, forKey: .modelQuality)
    }
}

extension ReportDocument.DatasetSummary {
    private enum CodingKeys: String, CodingKey { case name, rows, duplicateRows, columns }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(rows, forKey: .rows)
        try container.encode(duplicateRows, forKey: .duplicateRows)
        try container.encode(columns, forKey: .columns)
    }
}

extension ReportDocument.Thresholds {
    private enum CodingKeys: String, CodingKey { case missingRatio, outOfRangeRatio, newCategoryRatio, invalidRatio, nearConstantShare, duplicateRowRatio }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(missingRatio, forKey: .missingRatio)
        try container.encode(outOfRangeRatio, forKey: .outOfRangeRatio)
        try container.encode(newCategoryRatio, forKey: .newCategoryRatio)
        try container.encode(invalidRatio, forKey: .invalidRatio)
        try container.encode(nearConstantShare, forKey: .nearConstantShare)
        try container.encode(duplicateRowRatio, forKey: .duplicateRowRatio)
    }
}

extension ReportDocument.ColumnSummary {
    private enum CodingKeys: String, CodingKey { case name, type, role, excluded }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(role, forKey: .role)
        try container.encode(excluded, forKey: .excluded)
    }
}

extension ReportDocument.ColumnDriftEntry {
    private enum CodingKeys: String, CodingKey { case column, kind, method, score, statistic, threshold, drifted, statisticErrorBound }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(column, forKey: .column)
        try container.encode(kind, forKey: .kind)
        try container.encode(method, forKey: .method)
        try container.encode(score, forKey: .score)
        try container.encode(statistic, forKey: .statistic)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(drifted, forKey: .drifted)
        try container.encode(statisticErrorBound, forKey: .statisticErrorBound)
    }
}

extension ReportDocument.EmbeddingDriftEntry {
    private enum CodingKeys: String, CodingKey {
        case column, method, score, threshold, drifted, problem, referenceVectors, currentVectors, centroidDistance, centroidCosineDistance
        case similarityToReference, referenceSimilarityToReference, normDrift, componentScores, componentThreshold, componentErrorBound
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(column, forKey: .column)
        try container.encode(method, forKey: .method)
        try container.encode(score, forKey: .score)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(drifted, forKey: .drifted)
        try container.encode(problem, forKey: .problem)
        try container.encode(referenceVectors, forKey: .referenceVectors)
        try container.encode(currentVectors, forKey: .currentVectors)
        try container.encode(centroidDistance, forKey: .centroidDistance)
        try container.encode(centroidCosineDistance, forKey: .centroidCosineDistance)
        try container.encode(similarityToReference, forKey: .similarityToReference)
        try container.encode(referenceSimilarityToReference, forKey: .referenceSimilarityToReference)
        try container.encode(normDrift, forKey: .normDrift)
        try container.encode(componentScores, forKey: .componentScores)
        try container.encode(componentThreshold, forKey: .componentThreshold)
        try container.encode(componentErrorBound, forKey: .componentErrorBound)
    }
}

extension ReportDocument.QualityEntry {
    private enum CodingKeys: String, CodingKey {
        case column, missingRatio, referenceMissingRatio, invalidRatio, outOfRangeRatio, outOfRangeErrorBound, newCategories
        case newCategoryRatio, missingCategories, distinctCount, topValueShare, constant, failures, warnings
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(column, forKey: .column)
        try container.encode(missingRatio, forKey: .missingRatio)
        try container.encode(referenceMissingRatio, forKey: .referenceMissingRatio)
        try container.encode(invalidRatio, forKey: .invalidRatio)
        try container.encode(outOfRangeRatio, forKey: .outOfRangeRatio)
        try container.encode(outOfRangeErrorBound, forKey: .outOfRangeErrorBound)
        try container.encode(newCategories, forKey: .newCategories)
        try container.encode(newCategoryRatio, forKey: .newCategoryRatio)
        try container.encode(missingCategories, forKey: .missingCategories)
        try container.encode(distinctCount, forKey: .distinctCount)
        try container.encode(topValueShare, forKey: .topValueShare)
        try container.encode(constant, forKey: .constant)
        try container.encode(failures, forKey: .failures)
        try container.encode(warnings, forKey: .warnings)
    }
}
