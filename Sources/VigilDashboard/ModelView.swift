public import VigilAlerting
public import VigilCore
public import VigilStats

/// What a model's page shows, gathered by the server for the view's range: the window of the chosen scope and,
/// for the open tab, its series. Every number comes from ``ModelWindow`` values, the same the JSON API reads.
public struct ModelView: Sendable {
    /// The model.
    public var name: String
    /// Its versions with predictions.
    public var versions: [String]
    /// The chosen scope (one version, or all merged) over the whole range, with drift and quality.
    public var window: ModelWindow
    /// Each version's window over the range, with drift, quality and the estimate (versions tab).
    public var perVersion: [ModelWindow]
    /// What the reference is, in words; nil without one.
    public var reference: String?
    /// The model's firing and pending alerts.
    public var alerts: [AlertInstance]
    /// Traffic over time per version (operational tab), or the scope's profile per span (quality tab's estimate).
    public var traffic: [VersionSeries]
    /// Drift and data quality per span (data tab).
    public var drift: DriftTimeline?
    /// Model quality per span (quality tab).
    public var quality: [QualityPoint]
    /// Each candidate version against its baseline over the range (the Versions tab).
    public var comparisons: [ModelWindow.Comparison] = []

    /// A view; the series the open tab does not show stay empty.
    public init(
        name: String,
        versions: [String],
        window: ModelWindow,
        perVersion: [ModelWindow] = [],
        reference: String? = nil,
        alerts: [AlertInstance] = [],
        traffic: [VersionSeries] = [],
        drift: DriftTimeline? = nil,
        quality: [QualityPoint] = []
    ) {
        self.name = name
        self.versions = versions
        self.window = window
        self.perVersion = perVersion
        self.reference = reference
        self.alerts = alerts
        self.traffic = traffic
        self.drift = drift
        self.quality = quality
    }
}

/// A version's traffic, span by span.
public struct VersionSeries: Sendable {
    /// The version; empty for the versions merged.
    public var version: String
    /// Each span's window (observations, no features).
    public var points: [ModelWindow]

    /// A series.
    public init(version: String, points: [ModelWindow]) {
        self.version = version
        self.points = points
    }
}

/// Drift of every feature against the reference, span by span: the data tab's grid and lines.
public struct DriftTimeline: Sendable {
    /// One feature in one span.
    public struct Cell: Sendable {
        /// The drift test's score (a p-value or a distance), nil without traffic in the span.
        public var score: Double?
        /// Its threshold.
        public var threshold: Double
        /// Whether the feature drifted; nil without traffic.
        public var drifted: Bool?
        /// Whether a lower score is worse (p-values).
        public var lowerIsWorse: Bool
        /// The share of missing values in the span.
        public var missing: Double?

        /// A cell.
        public init(score: Double?, threshold: Double, drifted: Bool?, lowerIsWorse: Bool, missing: Double?) {
            self.score = score
            self.threshold = threshold
            self.drifted = drifted
            self.lowerIsWorse = lowerIsWorse
            self.missing = missing
        }
    }

    /// The spans, in time order.
    public var spans: [Range<Int64>]
    /// The features, in the reference's order.
    public var features: [String]
    /// `cells[feature][span]`.
    public var cells: [[Cell]]
    /// The share of drifted features per span; nil without traffic.
    public var share: [Double?]
    /// The share at which the dataset drifts.
    public var shareThreshold: Double

    /// A timeline.
    public init(spans: [Range<Int64>], features: [String], cells: [[Cell]], share: [Double?], shareThreshold: Double) {
        self.spans = spans
        self.features = features
        self.cells = cells
        self.share = share
        self.shareThreshold = shareThreshold
    }
}

/// Model quality of one span, realized from labels and estimated without them.
public struct QualityPoint: Sendable {
    /// The span.
    public var span: Range<Int64>
    /// The realized quality, with n, coverage, intervals and maturity.
    public var summary: QualitySummary
    /// The label-free estimate of the span (CBPE); nil without an estimator or scores.
    public var estimate: CBPE.Estimate?

    /// A point.
    public init(span: Range<Int64>, summary: QualitySummary, estimate: CBPE.Estimate? = nil) {
        self.span = span
        self.summary = summary
        self.estimate = estimate
    }
}
