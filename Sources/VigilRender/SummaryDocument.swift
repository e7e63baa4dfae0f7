public import Foundation
public import VigilCore
import VigilStats

/// The JSON answer of `GET /v1/models/{model}/summary`: traffic, latency, errors, predictions, features,
/// business metrics and labels over a window, and, when the model has a reference, drift and data quality
/// exactly as `vigil report` computes them (the same ``DatasetReport``).
///
/// Versioned by ``schemaIdentifier``; fields are added, never renamed or removed, within a version.
/// Quantiles come from the KLL sketch; `rankErrorBound` states their rank error (0 when exact).
public struct SummaryDocument: Encodable, Sendable {
    public static let schemaIdentifier = "vigil.summary.v1"

    public struct Window: Encodable, Sendable {
        public var from: String
        public var to: String
        public var seconds: Double
    }

    public struct Requests: Encodable, Sendable {
        public var count: Int
        public var perSecond: Double
        public var errors: Int
        public var errorRate: Double?
        public var errorsByType: [String: Int]
    }

    public struct NumericStatistics: Encodable, Sendable {
        public var count: Int
        public var mean: Double?
        public var std: Double?
        public var min: Double?
        public var p10: Double?
        public var p25: Double?
        public var p50: Double?
        public var p90: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?
        public var rankErrorBound: Double

        init?(_ sketch: NumericColumnSketch) {
            guard sketch.count > 0 else { return nil }
            func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
            let q = sketch.quantiles.quantiles([0.1, 0.25, 0.5, 0.9, 0.95, 0.99])
            count = sketch.count
            mean = finite(sketch.moments.mean)
            std = finite(sketch.moments.populationStandardDeviation)
            min = finite(sketch.moments.minimum)
            p10 = finite(q[0])
            p25 = finite(q[1])
            p50 = finite(q[2])
            p90 = finite(q[3])
            p95 = finite(q[4])
            p99 = finite(q[5])
            max = finite(sketch.moments.maximum)
            rankErrorBound = sketch.rankErrorBound
        }
    }

    public struct ClassCount: Encodable, Sendable {
        public var `class`: String
        public var count: Int
        public var share: Double
    }

    public struct Predictions: Encodable, Sendable {
        /// Numeric predictions (regression outputs or scores).
        public var numeric: NumericStatistics?
        /// Predicted classes, most frequent first.
        public var classes: [ClassCount]
        /// The highest class score of classifications sent with per-class scores.
        public var confidence: NumericStatistics?
    }

    public struct Feature: Encodable, Sendable {
        public var name: String
        public var kind: String
        public var rows: Int
        public var missingRatio: Double
        public var typeMismatches: Int
        public var statistics: NumericStatistics?
        /// Distinct values, a whole number: exact while few, else the sketch's estimate rounded.
        public var distinctCount: Int?
        /// How far an estimated ``distinctCount`` may be off (3 relative standard errors of the sketch, rounded
        /// up); absent when the count is exact.
        public var distinctCountBound: Int?
        public var topValues: [ClassCount]?
    }

    /// A distinct count as a whole number, with its bound when it is an estimate.
    static func distinct(_ estimate: Double, relativeStandardError: Double?) -> (count: Int, bound: Int?) {
        let count = Int(estimate.rounded())
        guard let relativeStandardError else { return (count, nil) }
        return (count, Int((3 * relativeStandardError * estimate).rounded(.up)))
    }

    public struct Vector: Encodable, Sendable {
        public var name: String
        public var count: Int
        public var dimension: Int
        public var meanNorm: Double?
        public var mismatches: Int
        /// Euclidean norms: exact mean and spread, quantiles from the sketch.
        public var norms: VectorNorms?
        /// Vectors in the embedding sketch; fewer than `count` only with buckets stored before sketches existed.
        public var sketchedVectors: Int
        /// Drift against the reference's vectors of the same name; null without them.
        public var drift: ReportDocument.EmbeddingDriftEntry?
    }

    public struct VectorNorms: Encodable, Sendable {
        public var mean: Double?
        public var std: Double?
        public var p10: Double?
        public var p50: Double?
        public var p90: Double?
        public var rankErrorBound: Double
    }

    public struct Metric: Encodable, Sendable {
        public var count: Int
        public var mean: Double?
        public var std: Double?
    }

    /// Latency quantiles of one segment value.
    public struct SegmentLatency: Encodable, Sendable {
        public var p50: Double?
        public var p95: Double?
        public var p99: Double?
        public var rankErrorBound: Double
    }

    /// The traffic of one segment value.
    public struct SegmentValue: Encodable, Sendable {
        public var tag: String
        public var value: String
        public var requests: Int
        /// This value's part of the window's requests.
        public var share: Double
        public var errors: Int
        public var errorRate: Double?
        public var latencyMs: SegmentLatency?
        public var predictionMean: Double?
        public var confidenceMean: Double?
    }

    public struct Segments: Encodable, Sendable {
        /// Tag by tag (in name order), the values with the most requests first.
        public var values: [SegmentValue]
        /// Tag values left out because the profile already kept the most tags it keeps.
        public var untracked: Int
    }

    public struct Labels: Encodable, Sendable {
        public var received: Int
        public var matched: Int
    }

    public struct Reference: Encodable, Sendable {
        public var source: String
        public var rows: Int
        public var setAt: String

        public init(source: String, rows: Int, setAt: String) {
            self.source = source
            self.rows = rows
            self.setAt = setAt
        }
    }

    public var schema = Self.schemaIdentifier
    public var model: String
    public var version: String?
    public var versions: [String]
    public var window: Window
    public var requests: Requests
    public var latencyMs: NumericStatistics?
    public var predictions: Predictions
    public var features: [Feature]
    public var vectors: [Vector]
    public var metrics: [String: Metric]
    public var segments: Segments
    public var labels: Labels
    /// Model quality from the labels received for the window's predictions, as `/performance` reports it.
    public var quality: PerformanceDocument.Quality?
    public var reference: Reference?
    /// Drift of each feature against the reference; null without a reference.
    public var drift: ReportDocument.DriftSection?
    public var dataQuality: [ReportDocument.QualityEntry]?
    public var schemaIssues: [String]?
    /// Whether drift and data quality are within thresholds; null without a reference.
    public var passed: Bool?
    public var failureReasons: [String]?

    public init(
        model: String, version: String?, versions: [String], window: Range<Int64>, profile: LiveProfile,
        labels: (received: Int, matched: Int), reference: (source: String, rows: Int, createdMilliseconds: Int64)?, report: DatasetReport?
    ) {
        func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
        func classes(_ sketch: CategoricalColumnSketch, limit: Int) -> [ClassCount] {
            sketch.items.sortedByCount.prefix(limit).map {
                ClassCount(class: $0.value, count: $0.count, share: sketch.count > 0 ? Double($0.count) / Double(sketch.count) : 0)
            }
        }
        self.model = model
        self.version = version
        self.versions = versions
        let seconds = Double(window.upperBound - window.lowerBound) / 1000
        self.window = Window(
            from: Timestamp.formatRFC3339(milliseconds: window.lowerBound), to: Timestamp.formatRFC3339(milliseconds: window.upperBound),
            seconds: seconds
        )
        requests = Requests(
            count: profile.requestCount, perSecond: seconds > 0 ? Double(profile.requestCount) / seconds : 0, errors: profile.errorCount,
            errorRate: profile.requestCount > 0 ? Double(profile.errorCount) / Double(profile.requestCount) : nil, errorsByType: profile.errorTypes
        )
        latencyMs = NumericStatistics(profile.latency)
        predictions = Predictions(
            numeric: NumericStatistics(profile.predictedValues), classes: classes(profile.predictedClasses, limit: 100),
            confidence: NumericStatistics(profile.confidence)
        )
        let featureProfile = profile.features.datasetProfile()
        let mismatches = profile.features.typeMismatches
        features = featureProfile.columnNames.map { name in
            let column = featureProfile[column: name]!
            let rows = column.rowCount
            switch column {
            case .numeric(let sketch):
                let distinct = Self.distinct(sketch.distinctCount, relativeStandardError: sketch.distinctCountRelativeStandardError)
                return Feature(
                    name: name, kind: "numeric", rows: rows, missingRatio: rows > 0 ? Double(sketch.missingCount) / Double(rows) : 0,
                    typeMismatches: mismatches[name] ?? 0, statistics: NumericStatistics(sketch), distinctCount: distinct.count,
                    distinctCountBound: distinct.bound, topValues: nil
                )
            case .categorical(let sketch):
                let distinct = Self.distinct(sketch.distinctCount, relativeStandardError: sketch.items.isExact ? nil : sketch.distinctSketch.relativeStandardError)
                return Feature(
                    name: name, kind: "categorical", rows: rows, missingRatio: rows > 0 ? Double(sketch.missingCount) / Double(rows) : 0,
                    typeMismatches: mismatches[name] ?? 0, statistics: nil, distinctCount: distinct.count, distinctCountBound: distinct.bound,
                    topValues: classes(sketch, limit: 20)
                )
            }
        }
        vectors = profile.features.vectors.sorted { $0.key < $1.key }.map { name, summary in
            let norms = summary.sketch.map { sketch in
                let q = sketch.norms.quantiles([0.1, 0.5, 0.9])
                return VectorNorms(
                    mean: finite(summary.norms.mean), std: finite(summary.norms.populationStandardDeviation),
                    p10: finite(q[0]), p50: finite(q[1]), p90: finite(q[2]), rankErrorBound: sketch.norms.rankErrorBound
                )
            }
            return Vector(
                name: name, count: summary.count, dimension: summary.dimension, meanNorm: summary.count > 0 ? finite(summary.norms.mean) : nil,
                mismatches: summary.mismatches, norms: summary.count > 0 ? norms : nil, sketchedVectors: summary.sketch?.count ?? 0,
                drift: report?.embeddingDrift.first { $0.column == name }.map(ReportDocument.EmbeddingDriftEntry.init)
            )
        }
        metrics = profile.metrics.mapValues { Metric(count: $0.count, mean: $0.count > 0 ? finite($0.mean) : nil, std: finite($0.populationStandardDeviation)) }
        segments = Segments(values: Self.segmentValues(profile), untracked: profile.segments.untrackedTagValues)
        self.labels = Labels(received: labels.received, matched: labels.matched)
        self.reference = reference.map { Reference(source: $0.source, rows: $0.rows, setAt: Timestamp.formatRFC3339(milliseconds: $0.createdMilliseconds)) }
        if let report {
            let document = ReportDocument(report, generator: "vigil serve")
            drift = document.drift
            dataQuality = document.dataQuality
            schemaIssues = document.schemaIssues
            passed = document.passed
            failureReasons = document.failureReasons
        }
    }

    private static func segmentValues(_ profile: LiveProfile) -> [SegmentValue] {
        func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
        return profile.segments.tags.sorted { $0.key < $1.key }.flatMap { tag, values in
            values.sorted { ($0.value.requestCount, $1.key) > ($1.value.requestCount, $0.key) }.map { value, traffic in
                let latency = traffic.latency.count > 0 ? traffic.latency.quantiles([0.5, 0.95, 0.99]) : nil
                return SegmentValue(
                    tag: tag, value: value, requests: traffic.requestCount,
                    share: profile.requestCount > 0 ? Double(traffic.requestCount) / Double(profile.requestCount) : 0,
                    errors: traffic.errorCount, errorRate: traffic.requestCount > 0 ? Double(traffic.errorCount) / Double(traffic.requestCount) : nil,
                    latencyMs: latency.map { SegmentLatency(p50: finite($0[0]), p95: finite($0[1]), p99: finite($0[2]), rankErrorBound: traffic.latency.rankErrorBound) },
                    predictionMean: traffic.predictedValues.count > 0 ? finite(traffic.predictedValues.mean) : nil,
                    confidenceMean: traffic.confidence.count > 0 ? finite(traffic.confidence.mean) : nil
                )
            }
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
