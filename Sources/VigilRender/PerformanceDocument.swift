public import Foundation
public import VigilCore
import VigilStats

/// The JSON answer of `GET /v1/models/{model}/performance`: the model quality of a window from the labels
/// received so far, with n, label coverage, a 95 % interval and maturity on every figure — for the model's
/// versions together and for each version.
///
/// Versioned by ``schemaIdentifier``; fields are added, never renamed or removed, within a version.
/// Absent optional fields are left out: a figure that cannot be computed (no positive label, say) has no `value`.
public struct PerformanceDocument: Encodable, Sendable {
    public static let schemaIdentifier = "vigil.performance.v1"

    public struct Window: Encodable, Sendable {
        public var from: String
        public var to: String
    }

    public struct Labels: Encodable, Sendable {
        public var received: Int
        public var matched: Int
        public var unmatched: Int
        public var late: Int
    }

    public struct Interval: Encodable, Sendable {
        public var lower: Double
        public var upper: Double
        public var method: String
    }

    public struct Bounds: Encodable, Sendable {
        public var lower: Double
        public var upper: Double
    }

    public struct Figure: Encodable, Sendable {
        public var name: String
        public var average: String?
        public var `class`: String?
        public var value: Double?
        public var n: Int
        public var interval: Interval?
        /// For figures computed from score histograms: the range that must hold the exact value.
        public var sketchBounds: Bounds?
    }

    public struct Quality: Encodable, Sendable {
        public var version: String?
        public var task: String
        /// Successful predictions; absent in a series' points, where only the labelled ones are counted.
        public var predictions: Int?
        public var labelled: Int
        public var unscorable: Int
        public var coverage: Double?
        public var maturing: Bool
        public var labelDelayP95Seconds: Double?
        public var positiveClass: String?
        public var metrics: [Figure]
        public var businessMetrics: [Business]
    }

    public struct Business: Encodable, Sendable {
        public var name: String
        /// `prediction` or `label`.
        public var source: String
        public var count: Int
        public var sum: Double?
        public var mean: Double?
        public var interval: Interval?
    }

    public var schema = PerformanceDocument.schemaIdentifier
    public var model: String
    public var window: Window
    public var labels: Labels
    /// All versions together, or the one asked for.
    public var overall: Quality
    /// Each version on its own (only when no version was asked for).
    public var versions: [Quality]
    /// With `granularity`: the quality at a point every granularity, each over the `trailing` time before it.
    public var series: Series?
    /// With `segment=tag:value`: the segment every figure is about.
    public var segment: Segment?
    /// With `by=tag`: the quality of each value of the tag, the versions together (or the one asked for).
    public var segments: [SegmentQuality]?

    /// A segment tag and value.
    public struct Segment: Encodable, Sendable {
        public var tag: String
        public var value: String

        /// The segment `tag` = `value`.
        public init(tag: String, value: String) {
            self.tag = tag
            self.value = value
        }
    }

    /// The quality of one segment value.
    public struct SegmentQuality: Encodable, Sendable {
        public var tag: String
        public var value: String
        public var quality: Quality

        /// The quality of `tag` = `value`.
        public init(tag: String, value: String, quality: Quality) {
            self.tag = tag
            self.value = value
            self.quality = quality
        }
    }

    public struct Series: Encodable, Sendable {
        public var granularitySeconds: Int64
        public var trailingSeconds: Int64
        public var points: [Point]
    }

    public struct Point: Encodable, Sendable {
        /// The end of the point's trailing window.
        public var at: String
        public var quality: Quality
    }

    public init(
        model: String, window: Range<Int64>, labels: LabelCountsValue, overall: (String?, QualitySummary), versions: [(String, QualitySummary)],
        series: (granularity: Int64, trailing: Int64, points: [(end: Int64, summary: QualitySummary)])? = nil
    ) {
        self.model = model
        self.window = Window(from: Timestamp.formatRFC3339(milliseconds: window.lowerBound), to: Timestamp.formatRFC3339(milliseconds: window.upperBound))
        self.labels = Labels(received: labels.received, matched: labels.matched, unmatched: labels.received - labels.matched, late: labels.late)
        self.overall = Self.quality(overall.0, overall.1)
        self.versions = versions.map { Self.quality($0.0, $0.1) }
        self.series = series.map { series in
            Series(
                granularitySeconds: series.granularity / 1000, trailingSeconds: series.trailing / 1000,
                points: series.points.map { Point(at: Timestamp.formatRFC3339(milliseconds: $0.end), quality: Self.quality(overall.0, $0.summary)) }
            )
        }
    }

    /// Label counts as the store keeps them (passed as plain numbers: VigilRender does not import the store).
    public struct LabelCountsValue: Sendable {
        public var received: Int
        public var matched: Int
        public var late: Int

        public init(received: Int, matched: Int, late: Int) {
            self.received = received
            self.matched = matched
            self.late = late
        }
    }

    /// The JSON form of one window's quality (also the summary's `quality` section).
    public static func quality(_ version: String?, _ summary: QualitySummary) -> Quality {
        Quality(
            version: version, task: summary.task.rawValue, predictions: summary.predictions, labelled: summary.labelled,
            unscorable: summary.unscorable, coverage: summary.coverage, maturing: summary.maturing,
            labelDelayP95Seconds: summary.labelDelayP95Seconds.flatMap { $0.isFinite ? $0 : nil }, positiveClass: summary.positiveClass,
            metrics: summary.metrics.map { figure in
                Figure(
                    name: figure.name, average: figure.average, class: figure.className, value: figure.value.isFinite ? figure.value : nil, n: figure.n,
                    interval: figure.interval.map { Interval(lower: $0.lower, upper: $0.upper, method: $0.method) },
                    sketchBounds: figure.bounds.flatMap { $0.lower.isFinite && $0.upper.isFinite ? Bounds(lower: $0.lower, upper: $0.upper) : nil }
                )
            },
            businessMetrics: summary.businessMetrics.map { metric in
                Business(
                    name: metric.name, source: metric.source, count: metric.count, sum: metric.sum.isFinite ? metric.sum : nil,
                    mean: metric.mean.isFinite ? metric.mean : nil, interval: metric.interval.map { Interval(lower: $0.lower, upper: $0.upper, method: $0.method) }
                )
            }
        )
    }

    /// The document as JSON: camelCase keys as in `vigil.summary.v1` and the report, sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
