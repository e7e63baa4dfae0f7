public import VigilCore

/// The prediction log: the source of truth every statistic is derived from. Each prediction gets a position,
/// strictly increasing across the log; a prediction is read back with its latest label when one has come.
///
/// Every method commits before it returns: a caller that answers 2xx after `append` has the data on disk.
/// Implementations: ``SQLiteStore`` and the in-memory twin ``InMemoryQualityStore``, held to one conformance
/// suite (`PredictionLogConformanceTests`).
public protocol PredictionLog: Sendable {
    /// Appends the batches in one transaction (group commit), in order. Ids already stored for a model are
    /// skipped and reported, so a client may resend a batch safely.
    func append(_ batches: [PredictionBatch]) async throws(StoreError) -> [AppendResult]

    /// Predictions after a log position, oldest first, with their labels when known; all models when
    /// `model` is nil.
    func predictions(after position: Int64, limit: Int, model: String?) async throws(StoreError) -> [StoredPrediction]

    /// One prediction by id, with its label when known.
    func prediction(model: String, id: String) async throws(StoreError) -> StoredPrediction?

    /// Every (model, version) pair that has predictions, sorted.
    func modelVersions() async throws(StoreError) -> [ModelVersion]

    /// The predictions of one bucket (its model and version, timestamps from `key.start` for `width`
    /// milliseconds) at log positions after `position` and up to `last`, oldest first, at most `limit`:
    /// what an unreadable bucket is rebuilt from.
    func predictions(
        in key: BucketKey,
        width: Int64,
        after position: Int64,
        through last: Int64,
        limit: Int
    ) async throws(StoreError) -> [StoredPrediction]

    /// Shadow traffic: the requests that `baseline` scored in `range` and `candidate` scored too (at any time),
    /// ordered by the baseline prediction's time and then its log position, those after the pair `last` (nil:
    /// from the first), at most `limit`. Each version's first prediction for a request is the one paired; each
    /// comes with the label that folds for it (a late label does not). Predictions without a request id are
    /// never paired.
    func requestPairs(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        after last: RequestPair?,
        limit: Int
    ) async throws(StoreError) -> [RequestPair]

    /// How many requests each of `versions` scored first in `range` (the request's first prediction of that
    /// version, by log position, was made in it): what a paired comparison's guard weighs the pairs against,
    /// which pair each version's first prediction too. A retry later than the window's start is not counted
    /// again, so the counts of adjacent windows add up.
    func requestCounts(model: String, versions: [String], range: Range<Int64>) async throws(StoreError) -> [String: Int]

    /// The requests whose pairs or counts of `baseline` and `candidate` may have changed since `since` (nil: none,
    /// only the current positions): those a prediction of either version logged after `since.prediction`
    /// carries, and those of the predictions a label-log entry after `since.label` is for; each named by the
    /// times of both versions' first predictions for it. Read in one snapshot, so that nothing logged after the
    /// returned positions is missed by the next call.
    func requestChanges(model: String, baseline: String, candidate: String, since: RequestChanges.Positions?) async throws(StoreError)
        -> RequestChanges

    /// Deletes predictions (and their labels) made before `milliseconds`; returns how many.
    func deletePredictions(before milliseconds: Int64) async throws(StoreError) -> Int
}

extension PredictionLog {
    /// Appends one batch of one model's predictions.
    public func append(predictions: [PredictionEvent], model: String) async throws(StoreError) -> AppendResult {
        try await append([PredictionBatch(model: model, events: predictions)])[0]
    }

    /// One model's predictions after a log position, oldest first.
    public func predictions(model: String, after position: Int64, limit: Int) async throws(StoreError) -> [StoredPrediction] {
        try await predictions(after: position, limit: limit, model: model)
    }

    /// The models that have predictions, sorted.
    public func models() async throws(StoreError) -> [String] {
        var seen = Set<String>()
        return try await modelVersions().map(\.model).filter { seen.insert($0).inserted }
    }
}
