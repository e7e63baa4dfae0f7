public import VigilStats

/// What one model version brings to a comparison: its traffic over the window (requests, errors, latency,
/// business metrics), and the quality of its predictions whose labels have had time to arrive.
public struct ComparisonArm: Sendable {
    /// The version.
    public var version: String
    /// Requests over the window.
    public var requests: Int
    /// Failed requests; nil when the source does not say (a file without a status column).
    public var errors: Int?
    /// Latencies in milliseconds; nil when the source has none.
    public var latency: NumericColumnSketch?
    /// Business metrics per prediction, by name.
    public var metrics: [String: Moments]
    /// Quality from the labels of the matured part of the window.
    public var quality: QualityProfile
    /// Successful predictions in the matured part: the denominator of label coverage.
    public var maturedPredictions: Int

    /// An arm from its parts (`vigil compare` on files).
    public init(
        version: String,
        requests: Int,
        errors: Int?,
        latency: NumericColumnSketch?,
        metrics: [String: Moments],
        quality: QualityProfile,
        maturedPredictions: Int
    ) {
        self.version = version
        self.requests = requests
        self.errors = errors
        self.latency = latency
        self.metrics = metrics
        self.quality = quality
        self.maturedPredictions = maturedPredictions
    }

    /// An arm from a version's live profile over the window (the server).
    public init(version: String, traffic: LiveProfile, quality: QualityProfile, maturedPredictions: Int) {
        self.init(
            version: version,
            requests: traffic.requestCount,
            errors: traffic.errorCount,
            latency: traffic.latency,
            metrics: traffic.metrics,
            quality: quality,
            maturedPredictions: maturedPredictions
        )
    }
}
