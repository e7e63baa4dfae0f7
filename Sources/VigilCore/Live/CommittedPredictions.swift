/// Predictions of one model as the event log took them: each event with its log position, or nil for an
/// event whose id was already stored (a resend, which must not be counted again).
///
/// The events and positions are the arrays the request and the store already hold, so handing a commit to
/// the live profiles copies no event.
public struct CommittedPredictions: Sendable {
    public var model: String
    public var events: [PredictionEvent]
    /// Parallel to `events`.
    public var positions: [Int64?]

    public init(model: String, events: [PredictionEvent], positions: [Int64?]) {
        precondition(events.count == positions.count, "one position per event")
        self.model = model
        self.events = events
        self.positions = positions
    }

    /// Consecutive events that fall into the same bucket (the usual case: a batch is one version, sent
    /// within one bucket's width), so a bucket is looked up once per run rather than once per event.
    func runs(bucketMilliseconds: Int64) -> [(key: BucketKey, range: Range<Int>)] {
        var runs: [(key: BucketKey, range: Range<Int>)] = []
        var start = 0
        while start < events.count {
            let key = BucketKey(model: model, version: events[start].version, start: BucketKey.start(of: events[start].timestampMilliseconds, width: bucketMilliseconds))
            var end = start + 1
            while end < events.count && events[end].version == key.version
                && BucketKey.start(of: events[end].timestampMilliseconds, width: bucketMilliseconds) == key.start {
                end += 1
            }
            runs.append((key, start..<end))
            start = end
        }
        return runs
    }
}
