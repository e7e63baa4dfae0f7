public import VigilStats

/// The numbers of one model version over one window, computed once: traffic, latency, errors, predictions,
/// drift and data quality against the reference, model quality from labels, business metrics.
///
/// The alert evaluator reads rules' values from it (``samples(_:)``), so a rule means the same number the
/// summary and `/metrics` show.
public struct ModelWindow: Sendable {
    /// The model.
    public var model: String
    /// The version; empty for the model's versions merged.
    public var version: String
    /// The window, milliseconds since 1970.
    public var range: Range<Int64>
    /// Traffic, latency, errors, predictions, confidence and features of the window.
    public var traffic: LiveProfile
    /// Drift and data quality against the model's reference; nil without a reference or traffic.
    public var report: DatasetReport?
    /// Every feature's PSI against the reference; nil unless asked for.
    public var psi: DatasetDrift?
    /// Model quality from the labels of the window's predictions; nil unless asked for.
    public var quality: QualitySummary?
    /// The label-free estimate of the window's quality (CBPE) from the version's fitted estimator; nil without
    /// an estimator or unless asked for.
    public var estimate: Estimate?

    /// This version (the candidate) against its baseline, when the window was asked for it and the version
    /// has one (``ComparisonSettings``).
    public var comparison: Comparison?

    /// A version compared against its baseline over the window.
    public struct Comparison: Sendable {
        /// The version compared against.
        public var baseline: String
        /// The version judged.
        public var candidate: String
        /// The tests and the verdict.
        public var result: VersionComparison
        /// Label-based metrics count predictions made before this time only; nil when no label has come.
        public var maturedBefore: Int64?

        /// A comparison.
        public init(baseline: String, candidate: String, result: VersionComparison, maturedBefore: Int64?) {
            self.baseline = baseline
            self.candidate = candidate
            self.result = result
            self.maturedBefore = maturedBefore
        }
    }

    /// A label-free estimate and the estimator it came from.
    public struct Estimate: Sendable {
        /// The fitted estimator.
        public var estimator: CBPE
        /// What it was fitted on, as a reader would say it.
        public var source: String
        /// The estimate of the window's scores, or why there is none.
        public var result: Result<CBPE.Estimate, CBPE.EstimationGap>

        /// An estimate.
        public init(estimator: CBPE, source: String, result: Result<CBPE.Estimate, CBPE.EstimationGap>) {
            self.estimator = estimator
            self.source = source
            self.result = result
        }
    }

    /// A window from its parts; the report, PSI and quality only where a rule reads them.
    public init(
        model: String, version: String, range: Range<Int64>, traffic: LiveProfile, report: DatasetReport? = nil, psi: DatasetDrift? = nil,
        quality: QualitySummary? = nil
    ) {
        self.model = model
        self.version = version
        self.range = range
        self.traffic = traffic
        self.report = report
        self.psi = psi
        self.quality = quality
    }

    /// One value of a metric, with the labels that tell it from the metric's other values (a feature, a class).
    public struct Sample: Sendable, Equatable {
        /// `feature_name`, `class` or `business_metric`, with its value; empty for a model-wide number.
        public var labels: [String: String]
        /// The metric's value.
        public var value: Double
        /// The events the value stands on: predictions, or labelled predictions for model quality.
        public var events: Int

        /// A sample.
        public init(labels: [String: String] = [:], value: Double, events: Int) {
            self.labels = labels
            self.value = value
            self.events = events
        }
    }

    /// What a rule selects among a metric's values.
    public struct Selector: Sendable, Hashable {
        /// Only this feature, for per-feature metrics.
        public var feature: String?
        /// Only this class, for `class_share`.
        public var className: String?
        /// The business metric, for `business_metric`.
        public var businessMetric: String?
        /// A segment tag: traffic metrics are measured per value of it (one sample each, labelled
        /// `segment_<tag>`), or for ``segmentValue`` alone.
        public var segmentTag: String?
        /// One value of ``segmentTag``; every value when nil.
        public var segmentValue: String?

        /// A selector; nil everywhere selects every value.
        public init(feature: String? = nil, className: String? = nil, businessMetric: String? = nil, segmentTag: String? = nil, segmentValue: String? = nil) {
            self.feature = feature
            self.className = className
            self.businessMetric = businessMetric
            self.segmentTag = segmentTag
            self.segmentValue = segmentValue
        }
    }

    /// The values of `metric` in this window; empty when there is nothing to measure (no traffic, no reference,
    /// no labels, a feature that is not there), which a rule treats with its no-data policy.
    public func samples(_ metric: WindowMetric, _ selector: Selector = Selector()) -> [Sample] {
        if let tag = selector.segmentTag { return segmentSamples(metric, tag: tag, value: selector.segmentValue) }
        let requests = traffic.requestCount
        let successful = requests - traffic.errorCount
        switch metric {
        case .requests:
            return [Sample(value: Double(requests), events: requests)]
        case .requestRate:
            let seconds = Double(range.upperBound - range.lowerBound) / 1000
            return seconds > 0 ? [Sample(value: Double(requests) / seconds, events: requests)] : []
        case .errorRate:
            return requests > 0 ? [Sample(value: Double(traffic.errorCount) / Double(requests), events: requests)] : []
        case .latency(let quantile):
            return Self.quantile(traffic.latency, quantile, events: requests)
        case .confidence(let quantile):
            return Self.quantile(traffic.confidence, quantile, events: requests)
        case .classShare:
            let classes = traffic.predictedClasses
            guard classes.count > 0 else { return [] }
            let total = Double(classes.count)
            let counts = classes.items.counts.filter { selector.className == nil || $0.key == selector.className }
            return counts.sorted { $0.key < $1.key }.map { Sample(labels: ["class": $0.key], value: Double($0.value) / total, events: classes.count) }
        case .datasetDriftShare:
            guard let report, !report.drift.columns.isEmpty else { return [] }
            return [Sample(value: report.drift.driftShare, events: requests)]
        case .datasetDrift:
            guard let report, !report.drift.columns.isEmpty else { return [] }
            return [Sample(value: report.drift.datasetDrifted ? 1 : 0, events: requests)]
        case .driftScore:
            return Self.perFeature(report?.drift, selector, events: requests)
        case .psi:
            return Self.perFeature(psi, selector, events: requests)
        case .dataQuality(let check):
            return dataQuality(check, selector, events: requests)
        case .quality(let name):
            guard let quality else { return [] }
            let figure = quality.metrics.first { figure in
                figure.className == nil && (figure.average.map { "\(figure.name)_\($0)" } ?? figure.name) == name
            }
            guard let figure, figure.value.isFinite, figure.n > 0 else { return [] }
            return [Sample(value: figure.value, events: figure.n)]
        case .labelCoverage:
            guard successful > 0 else { return [] }
            let labelled = quality?.labelled ?? 0
            return [Sample(value: Double(labelled) / Double(successful), events: successful)]
        case .businessMean:
            let metrics = (quality?.businessMetrics ?? []).filter { selector.businessMetric == nil || $0.name == selector.businessMetric }
            if quality == nil {
                return traffic.metrics.filter { selector.businessMetric == nil || $0.key == selector.businessMetric }.sorted { $0.key < $1.key }
                    .compactMap { name, moments in
                        moments.count > 0 ? Sample(labels: ["business_metric": name], value: moments.mean, events: moments.count) : nil
                    }
            }
            return metrics.compactMap { metric in
                metric.count > 0 && metric.mean.isFinite
                    ? Sample(labels: ["business_metric": metric.name, "source": metric.source], value: metric.mean, events: metric.count) : nil
            }
        case .comparisonVerdict:
            guard let comparison else { return [] }
            return [Sample(labels: ["baseline": comparison.baseline], value: comparison.result.verdict.value, events: requests)]
        }
    }

    /// Traffic metrics of one segment tag's values (the breakdown every bucket keeps: 32 tags × 100 values).
    private func segmentSamples(_ metric: WindowMetric, tag: String, value wanted: String?) -> [Sample] {
        let values = (traffic.segments.tags[tag] ?? [:]).filter { wanted == nil || $0.key == wanted }
        return values.sorted { $0.key < $1.key }.compactMap { value, segment -> Sample? in
            let requests = segment.requestCount
            let labels = ["segment_\(tag)": value]
            let measured: Double?
            switch metric {
            case .requests: measured = Double(requests)
            case .requestRate:
                let seconds = Double(range.upperBound - range.lowerBound) / 1000
                measured = seconds > 0 ? Double(requests) / seconds : nil
            case .errorRate: measured = requests > 0 ? Double(segment.errorCount) / Double(requests) : nil
            case .latency(let quantile): measured = segment.latency.count > 0 ? segment.latency.quantiles([quantile])[0] : nil
            default: measured = nil
            }
            guard let measured, measured.isFinite else { return nil }
            return Sample(labels: labels, value: measured, events: requests)
        }
    }

    /// The metrics a segment can be measured on.
    public static func measuresSegments(_ metric: WindowMetric) -> Bool {
        switch metric {
        case .requests, .requestRate, .errorRate, .latency: true
        default: false
        }
    }

    private static func quantile(_ sketch: NumericColumnSketch, _ quantile: Double, events: Int) -> [Sample] {
        guard sketch.count > 0 else { return [] }
        let value = sketch.quantiles.quantiles([quantile])[0]
        return value.isFinite ? [Sample(value: value, events: events)] : []
    }

    private static func perFeature(_ drift: DatasetDrift?, _ selector: Selector, events: Int) -> [Sample] {
        guard let drift else { return [] }
        return drift.columns.filter { selector.feature == nil || $0.column == selector.feature }.compactMap { column in
            column.result.score.isFinite ? Sample(labels: ["feature_name": column.column], value: column.result.score, events: events) : nil
        }
    }

    /// Missing ratios come from the live features themselves, so they need no reference; the other checks
    /// compare with the reference's ranges and categories.
    private func dataQuality(_ check: WindowMetric.DataQualityCheck, _ selector: Selector, events: Int) -> [Sample] {
        if check == .missing, report == nil {
            let features = traffic.features.datasetProfile()
            return features.columnNames.filter { selector.feature == nil || $0 == selector.feature }.compactMap { name in
                guard let column = features[column: name], column.rowCount > 0 else { return nil }
                return Sample(labels: ["feature_name": name], value: Double(column.missingCount) / Double(column.rowCount), events: events)
            }
        }
        guard let report else { return [] }
        return report.quality.filter { selector.feature == nil || $0.column == selector.feature }.compactMap { column in
            let value: Double? =
                switch check {
                case .missing: column.missingRatio
                case .invalid: column.invalidRatio
                case .outOfRange: column.outOfRangeRatio
                case .newCategory: column.newCategoryRatio
                }
            guard let value, value.isFinite else { return nil }
            return Sample(labels: ["feature_name": column.column], value: value, events: events)
        }
    }
}
