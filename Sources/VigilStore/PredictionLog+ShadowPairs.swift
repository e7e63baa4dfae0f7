public import VigilCore

extension PredictionLog {
    /// Shadow traffic: the requests both versions scored in `range` (the baseline's prediction in it), paired by
    /// request id into ``ShadowPairs``. Latencies pair over the whole window; outcomes only for baseline
    /// predictions made before `maturedBefore` (nil: none), as unpaired quality counts only the matured part. The
    /// pairs are read `pageSize` at a time, so a week of shadow traffic is summed without being held.
    public func shadowPairs(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        maturedBefore: Int64?,
        pageSize: Int = 10_000
    ) async throws(StoreError) -> ShadowPairs {
        let counts = try await requestCounts(model: model, versions: [baseline, candidate], range: range)
        var pairs = ShadowPairs(baselineRequests: counts[baseline] ?? 0, candidateRequests: counts[candidate] ?? 0)
        try await forEachRequestPair(model: model, baseline: baseline, candidate: candidate, range: range, pageSize: pageSize) { pair in
            let matured = maturedBefore.map { pair.baseline.event.timestampMilliseconds < $0 } ?? false
            pairs.add(baseline: pair.baseline.event, candidate: pair.candidate.event, label: matured ? pair.label?.value : nil)
        }
        return pairs
    }

    /// Calls `body` with every pair of `range` in order
    /// (``requestPairs(model:baseline:candidate:range:after:limit:)``), read `pageSize` at a time.
    public func forEachRequestPair(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        pageSize: Int = 10_000,
        _ body: (RequestPair) -> Void
    ) async throws(StoreError) {
        var last: RequestPair?
        while true {
            let page = try await requestPairs(model: model, baseline: baseline, candidate: candidate, range: range, after: last, limit: pageSize)
            page.forEach(body)
            guard page.count == pageSize else { return }
            last = page.last
        }
    }
}
