/// One prediction a model service reports: the unit of Vigil's event log.
public struct PredictionEvent: Sendable, Equatable {
    /// Unique per model; resending an id never counts twice. Assigned by the server when absent.
    public var id: String
    /// When the prediction was made, in milliseconds since 1970 (UTC).
    public var timestampMilliseconds: Int64
    public var version: String
    public var features: [String: FeatureValue]
    public var prediction: PredictionValue?
    public var latencyMilliseconds: Double?
    /// `ok` or `error`.
    public var status: String
    public var errorType: String?
    /// Segment tags (region, customer tier…): bounded-cardinality labels for slicing.
    public var segment: [String: String]
    /// Free numeric business or proxy metrics (conversion, revenue…).
    public var metrics: [String: Double]
    /// The version of the input schema the features follow (seed 003: a pipeline change shows as a new one).
    public var schemaVersion: String?
    /// The request this prediction answered, when the caller names one. Under shadow traffic two versions score
    /// the same request and report the same request id, which pairs their predictions for a paired comparison.
    public var requestId: String?

    /// The tag under which summaries and quality break down by ``schemaVersion``, beside the segment tags.
    public static let schemaVersionTag = "schema_version"

    /// The segment tags with the schema version among them: what summaries and quality break down by.
    public var segmentTags: [String: String] {
        guard let schemaVersion else { return segment }
        var tags = segment
        tags[Self.schemaVersionTag] = schemaVersion
        return tags
    }

    public init(
        id: String, timestampMilliseconds: Int64, version: String, features: [String: FeatureValue] = [:],
        prediction: PredictionValue? = nil, latencyMilliseconds: Double? = nil, status: String = "ok", errorType: String? = nil,
        segment: [String: String] = [:], metrics: [String: Double] = [:], schemaVersion: String? = nil, requestId: String? = nil
    ) {
        self.id = id
        self.timestampMilliseconds = timestampMilliseconds
        self.version = version
        self.features = features
        self.prediction = prediction
        self.latencyMilliseconds = latencyMilliseconds
        self.status = status
        self.errorType = errorType
        self.segment = segment
        self.metrics = metrics
        self.schemaVersion = schemaVersion
        self.requestId = requestId
    }
}

/// The ground truth for a prediction, sent later (or earlier) under the prediction's id.
public struct LabelEvent: Sendable, Equatable {
    public var predictionId: String
    public var timestampMilliseconds: Int64
    /// A class label or a numeric target.
    public var value: PredictionValue
    /// Business outcomes known only later (revenue after a purchase, a conversion), by name.
    public var metrics: [String: Double]

    /// A label for the prediction `predictionId`, known at `timestampMilliseconds`, with outcomes known then.
    public init(predictionId: String, timestampMilliseconds: Int64, value: PredictionValue, metrics: [String: Double] = [:]) {
        self.predictionId = predictionId
        self.timestampMilliseconds = timestampMilliseconds
        self.value = value
        self.metrics = metrics
    }
}
