public import VigilCore

/// The prediction log in memory, twin of the SQLite store's: positions from 1 in arrival order, ids unique per
/// model, each prediction read back with its latest label.
extension InMemoryQualityStore: PredictionLog {
    public func append(_ batches: [PredictionBatch]) throws(StoreError) -> [AppendResult] {
        batches.map { appendPredictions($0.events, model: $0.model) }
    }

    private func labelled(_ prediction: StoredPrediction) -> StoredPrediction {
        var prediction = prediction
        prediction.label = latestLabel(model: prediction.model, id: prediction.event.id)
        return prediction
    }

    public func predictions(after position: Int64, limit: Int, model: String?) throws(StoreError) -> [StoredPrediction] {
        Array(logged.lazy.filter { $0.position > position && (model == nil || $0.model == model) }.prefix(limit)).map(labelled)
    }

    public func prediction(model: String, id: String) throws(StoreError) -> StoredPrediction? {
        loggedPosition[model]?[id].map { labelled(logged[$0]) }
    }

    public func modelVersions() throws(StoreError) -> [ModelVersion] {
        Set(logged.map { ModelVersion(model: $0.model, version: $0.event.version) }).sorted()
    }

    public func predictions(
        in key: BucketKey,
        width: Int64,
        after position: Int64,
        through last: Int64,
        limit: Int
    ) throws(StoreError) -> [StoredPrediction] {
        let span = key.start..<(key.start + width)
        return Array(
            logged.lazy.filter {
                $0.model == key.model && $0.event.version == key.version && span.contains($0.event.timestampMilliseconds) && $0.position > position
                    && $0.position <= last
            }
            .prefix(limit)
        ).map(labelled)
    }

    public func deletePredictions(before milliseconds: Int64) throws(StoreError) -> Int { forgetPredictions(before: milliseconds) }
}
