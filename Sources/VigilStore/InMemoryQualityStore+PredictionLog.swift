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

    /// The pairs as the SQLite store reads them, from the whole log each time (a twin for tests, not for speed).
    public func requestPairs(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        after last: RequestPair?,
        limit: Int
    ) throws(StoreError) -> [RequestPair] {
        // Each version's first prediction per request id, in log order.
        var first: [String: [String: StoredPrediction]] = [baseline: [:], candidate: [:]]
        for prediction in logged where prediction.model == model {
            guard let request = prediction.event.requestId, let seen = first[prediction.event.version], seen[request] == nil else { continue }
            var stored = prediction
            stored.event.features = [:]
            stored.label = foldedLabel(model: model, id: stored.event.id)
            first[prediction.event.version]![request] = stored
        }
        func key(_ p: StoredPrediction) -> (Int64, Int64) { (p.event.timestampMilliseconds, p.position) }
        let pairs = first[baseline]!.compactMap { id, a -> RequestPair? in
            guard last.map({ key($0.baseline) < key(a) }) ?? true, range.contains(a.event.timestampMilliseconds), let b = first[candidate]![id] else {
                return nil
            }
            return RequestPair(requestId: id, baseline: a, candidate: b)
        }
        return Array(pairs.sorted { key($0.baseline) < key($1.baseline) }.prefix(limit))
    }

    /// Requests per version whose first prediction of the version lies in `range`, as the SQLite store counts them.
    public func requestCounts(model: String, versions: [String], range: Range<Int64>) throws(StoreError) -> [String: Int] {
        var first: [String: [String: Int64]] = [:]
        for version in versions { first[version] = [:] }
        for prediction in logged where prediction.model == model {
            guard let request = prediction.event.requestId, first[prediction.event.version]?[request] == nil else { continue }
            first[prediction.event.version]?[request] = prediction.event.timestampMilliseconds
        }
        return first.mapValues { $0.values.filter(range.contains).count }
    }

    /// The changed requests as the SQLite store finds them: by log position, each with its first baseline time.
    public func requestChanges(model: String, baseline: String, candidate: String, since: RequestChanges.Positions?) throws(StoreError)
        -> RequestChanges
    {
        let labels = labelEntries(after: since?.label ?? .max)
        let through = RequestChanges.Positions(prediction: lastPosition, label: labels.last)
        guard let since else { return RequestChanges(times: [], through: through) }
        var requests = Set<String>()
        for prediction in logged where prediction.position > since.prediction && prediction.model == model {
            if let request = prediction.event.requestId, [baseline, candidate].contains(prediction.event.version) { requests.insert(request) }
        }
        for entry in labels.entries where entry.model == model {
            guard let index = loggedPosition[model]?[entry.predictionId] else { continue }
            let event = logged[index].event
            if let request = event.requestId, [baseline, candidate].contains(event.version) { requests.insert(request) }
        }
        var times = Set<Int64>()
        for request in requests {
            for version in [baseline, candidate] {
                if let first = logged.first(where: { $0.model == model && $0.event.version == version && $0.event.requestId == request }) {
                    times.insert(first.event.timestampMilliseconds)
                }
            }
        }
        return RequestChanges(times: times, through: through)
    }

    public func deletePredictions(before milliseconds: Int64) throws(StoreError) -> Int { forgetPredictions(before: milliseconds) }
}
