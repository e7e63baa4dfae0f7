public import Foundation
public import VigilCore
public import VigilStats

/// The JSON answer of `GET /v1/models/{model}/performance`: the model quality of a window from the labels
/// received so far, with n, label coverage, a 95 % interval and maturity on every figure — for the model's
/// versions together and for each version.
///
/// Versioned by ``schemaIdentifier``; fields are added, never renamed or removed, within a version.
/// Absent optional fields are left out: a figure that cannot be computed (no positive label, say) has no `value`.
public struct PerformanceDocument: Encodable, Sendable {
    /// The schema this document follows.
    public static let schemaIdentifier = "vigil.performance.v1"

    /// The window of prediction time, RFC 3339.
    public struct Window: Encodable, Sendable {
        /// Start, inclusive.
        public var from: String
        /// End, exclusive.
        public var to: String
    }

    /// The model's labels, whatever the window.
    public struct Labels: Encodable, Sendable {
        /// Labels received (one per prediction id).
        public var received: Int
        /// Labels whose prediction is stored.
        public var matched: Int
        /// Labels whose prediction is not stored.
        public var unmatched: Int
        /// Labels that came after the lateness.
        public var late: Int
    }

    /// A 95 % interval.
    public struct Interval: Encodable, Sendable {
        /// Lower end.
        public var lower: Double
        /// Upper end.
        public var upper: Double
        /// `wilson`, `normal` or `hanley-mcneil`.
        public var method: String
    }

    /// The range that must contain an exact value computed from a histogram.
    public struct Bounds: Encodable, Sendable {
        /// Lower end.
        public var lower: Double
        /// Upper end.
        public var upper: Double

        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// One quality figure.
    public struct Figure: Encodable, Sendable {
        /// `accuracy`, `f1`, `roc_auc`, `mae`…
        public var name: String
        /// `macro`, `micro` or `weighted`, for an average over classes.
        public var average: String?
        /// The class of a per-class figure.
        public var `class`: String?
        /// Absent when it cannot be computed.
        public var value: Double?
        /// The predictions it rests on.
        public var n: Int
        /// The 95 % interval, where one has a closed form.
        public var interval: Interval?
        /// For figures computed from score histograms: the range that must hold the exact value.
        public var sketchBounds: Bounds?
    }

    /// The quality of one window (of a version, of all, or of a segment).
    public struct Quality: Encodable, Sendable {
        /// The version, or absent for all versions together.
        public var version: String?
        /// `classification`, `regression` or `none`.
        public var task: String
        /// Successful predictions in the window (in a series' point: in its trailing span).
        public var predictions: Int?
        /// Predictions with a label.
        public var labelled: Int
        /// Labelled predictions that cannot be scored.
        public var unscorable: Int
        /// labelled / predictions.
        public var coverage: Double?
        /// True until the p95 label delay has passed since the window's end.
        public var maturing: Bool
        /// The p95 label delay (its bin's upper edge).
        public var labelDelayP95Seconds: Double?
        /// The positive class of a two-class model.
        public var positiveClass: String?
        /// Every figure.
        public var metrics: [Figure]
        /// Business metrics of predictions and labels.
        public var businessMetrics: [Business]
        /// Quality estimated from the scores of every prediction, labelled or not (CBPE), where the version has
        /// an estimator (`PUT …/estimator`); absent otherwise.
        public var estimated: Estimated?
    }

    /// Confidence-based performance estimation over a window (NannyML's CBPE).
    public struct Estimated: Encodable, Sendable {
        /// `cbpe`.
        public var method = "cbpe"
        /// Predictions with per-class scores the estimate rests on; absent when there is no estimate.
        public var predictions: Int?
        /// The positive class of a binary model.
        public var positiveClass: String?
        /// What the estimator was fitted on.
        public var fittedOn: String
        /// A bound on how far the estimated accuracy could move with scores binned to 1/1000 (0: exact).
        public var calibrationSpread: Double?
        /// Why there is no estimate, when there is none.
        public var unavailable: String?
        public var metrics: [EstimatedFigure]

        public init(predictions: Int?, positiveClass: String?, fittedOn: String, calibrationSpread: Double?, unavailable: String?, metrics: [EstimatedFigure]) {
            self.predictions = predictions
            self.positiveClass = positiveClass
            self.fittedOn = fittedOn
            self.calibrationSpread = calibrationSpread
            self.unavailable = unavailable
            self.metrics = metrics
        }
    }

    /// One estimated metric: `accuracy`, `precision`, `recall`, `f1`, `specificity` or `roc_auc` (of the positive
    /// class for a binary model, macro-averaged for a multiclass one).
    public struct EstimatedFigure: Encodable, Sendable {
        public var name: String
        /// `macro` for a multiclass model.
        public var average: String?
        public var value: Double
        /// NannyML's standard error for this many predictions, scaled from the reference's spread.
        public var samplingError: Double?
        /// value ± 3 sampling errors, clipped to [0, 1]: the band NannyML draws.
        public var band: Bounds?
        /// For ROC AUC from binned scores: the range the value with every score ordered lies in.
        public var sketchBounds: Bounds?

        public init(name: String, average: String?, value: Double, samplingError: Double?, band: Bounds?, sketchBounds: Bounds?) {
            self.name = name
            self.average = average
            self.value = value
            self.samplingError = samplingError
            self.band = band
            self.sketchBounds = sketchBounds
        }
    }

    /// A business or proxy metric over the window.
    public struct Business: Encodable, Sendable {
        /// Its name as sent.
        public var name: String
        /// `prediction` or `label`.
        public var source: String
        /// Values in the window.
        public var count: Int
        /// Their sum.
        public var sum: Double?
        /// Their mean.
        public var mean: Double?
        /// The mean's 95 % interval.
        public var interval: Interval?
    }

    /// Always ``schemaIdentifier``.
    public var schema = PerformanceDocument.schemaIdentifier
    /// The model.
    public var model: String
    /// The window.
    public var window: Window
    /// The model's label counts.
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
        /// The segment tag.
        public var tag: String
        /// Its value.
        public var value: String

        /// The segment `tag` = `value`.
        public init(tag: String, value: String) {
            self.tag = tag
            self.value = value
        }
    }

    /// The quality of one segment value.
    public struct SegmentQuality: Encodable, Sendable {
        /// The segment tag.
        public var tag: String
        /// Its value.
        public var value: String
        /// The quality of its predictions.
        public var quality: Quality

        /// The quality of `tag` = `value`.
        public init(tag: String, value: String, quality: Quality) {
            self.tag = tag
            self.value = value
            self.quality = quality
        }
    }

    /// Quality at points through the window.
    public struct Series: Encodable, Sendable {
        /// Seconds between points.
        public var granularitySeconds: Int64
        /// Seconds each point covers, ending at it.
        public var trailingSeconds: Int64
        /// The points, oldest first.
        public var points: [Point]
    }

    /// One point of a series.
    public struct Point: Encodable, Sendable {
        /// The end of the point's trailing window.
        public var at: String
        /// The quality over the trailing time.
        public var quality: Quality
        /// The label-free estimate over the same time, for a series of one version with a fitted estimator.
        public var estimated: Estimated?
    }

    /// Maps the computed summaries to the document.
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
        /// Labels received.
        public var received: Int
        /// Labels whose prediction is stored.
        public var matched: Int
        /// Labels that came after the lateness.
        public var late: Int

        /// The counts.
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

    /// The JSON form of a window's estimate by `estimator` (fitted on `source`), or of why there is none.
    public static func estimated(_ estimate: Result<CBPE.Estimate, CBPE.EstimationGap>, estimator: CBPE, source: String) -> Estimated {
        let positive = estimator.isBinary ? estimator.classes[1] : nil
        switch estimate {
        case .failure(let gap):
            let reason: String
            switch gap {
            case .noScores: reason = "no prediction in the window has scores for the estimator's classes"
            case .multiclassCalibration:
                reason = "the estimator calibrates a multiclass model's scores, which needs each prediction's scores together, and the window holds predictions counted by an older release that did not keep them"
            }
            return Estimated(predictions: nil, positiveClass: positive, fittedOn: source, calibrationSpread: nil, unavailable: reason, metrics: [])
        case .success(let estimate):
            let metrics = CBPE.Metric.allCases.compactMap { metric -> EstimatedFigure? in
                guard let figure = estimate.values[metric], figure.value.isFinite else { return nil }
                let error = figure.samplingError.isFinite ? figure.samplingError : nil
                return EstimatedFigure(
                    name: metric.rawValue, average: estimator.isBinary ? nil : "macro", value: figure.value, samplingError: error,
                    band: error.map { Bounds(lower: Swift.max(0, figure.value - 3 * $0), upper: Swift.min(1, figure.value + 3 * $0)) },
                    sketchBounds: metric == .rocAUC && figure.lower.isFinite && figure.upper.isFinite ? Bounds(lower: figure.lower, upper: figure.upper) : nil
                )
            }
            return Estimated(
                predictions: estimate.rows, positiveClass: positive, fittedOn: source, calibrationSpread: estimate.calibrationSpread, unavailable: nil, metrics: metrics
            )
        }
    }

    /// The document as JSON: camelCase keys as in `vigil.summary.v1` and the report, sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
