public import VigilCore

/// Durable storage of a model's events: the source of truth that profiles are derived from.
///
/// Every method commits before it returns: a caller that answers 2xx after `append` has the data on disk.
/// Implementations: ``SQLiteEventStore`` (embedded, the default); PostgreSQL comes later and must pass the
/// same conformance tests.
public protocol EventStore: Sendable {
    /// Appends predictions in one transaction. Ids already stored for the model are skipped and reported,
    /// so a client may resend a batch safely.
    func append(predictions: [PredictionEvent], model: String) async throws(StoreError) -> AppendResult

    /// Stores labels by prediction id, whether or not the prediction has arrived. A newer label for the same
    /// id replaces the older one (a correction).
    func append(labels: [LabelEvent], model: String) async throws(StoreError) -> AppendResult

    /// Predictions of a model after a log position, oldest first, with their labels when known.
    func predictions(model: String, after position: Int64, limit: Int) async throws(StoreError) -> [StoredPrediction]

    /// The models that have predictions, sorted.
    func models() async throws(StoreError) -> [String]

    /// The log position up to which a consumer (say, the aggregator) has processed events; 0 when never set.
    func watermark(_ name: String) async throws(StoreError) -> Int64
    func setWatermark(_ name: String, to position: Int64) async throws(StoreError)
}

/// What an append stored.
public struct AppendResult: Sendable, Equatable {
    public var stored: Int
    /// Ids that were already stored (predictions) or whose label was replaced (labels).
    public var alreadyPresent: [String]

    public init(stored: Int, alreadyPresent: [String]) {
        self.stored = stored
        self.alreadyPresent = alreadyPresent
    }
}

/// A prediction as stored: its position in the log and its label, if one has arrived.
public struct StoredPrediction: Sendable, Equatable {
    /// Strictly increasing across the whole log.
    public var position: Int64
    public var model: String
    public var event: PredictionEvent
    public var label: LabelEvent?
}

/// A storage operation failed; the message says what and where.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
