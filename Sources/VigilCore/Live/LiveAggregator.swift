import Synchronization

/// The live profiles of recent time buckets, updated as committed predictions arrive.
///
/// The aggregator only folds events in and hands out copies; the server's aggregation service decides
/// what to load from and flush to the store. It tracks the log position of the last event applied, so a
/// flush can store buckets and watermark together and a restart can resume exactly after it.
public final class LiveAggregator: Sendable {
    /// The width of a bucket, in milliseconds.
    public let bucketMilliseconds: Int64
    private let state: Mutex<State>

    private struct State {
        var buckets: [BucketKey: LiveProfile] = [:]
        /// Buckets changed since they were last handed to ``takeChanges()``.
        var changed: Set<BucketKey> = []
        /// The log position of the last applied event.
        var appliedPosition: Int64 = 0
    }

    public init(bucketMilliseconds: Int64, appliedPosition: Int64 = 0) {
        precondition(bucketMilliseconds > 0, "a bucket must have a width")
        self.bucketMilliseconds = bucketMilliseconds
        state = Mutex(State(appliedPosition: appliedPosition))
    }

    /// The start of the bucket holding `milliseconds`.
    public func bucketStart(_ milliseconds: Int64) -> Int64 {
        BucketKey.start(of: milliseconds, width: bucketMilliseconds)
    }

    /// The keys of the buckets that the events of `batches` fall into.
    public func keys(of batches: [CommittedPredictions]) -> Set<BucketKey> {
        var keys = Set<BucketKey>()
        for batch in batches {
            for run in batch.runs(bucketMilliseconds: bucketMilliseconds) { keys.insert(run.key) }
        }
        return keys
    }

    /// The log position of the last applied event.
    public var appliedPosition: Int64 { state.withLock { $0.appliedPosition } }

    /// Marks events up to `position` as already applied (they are in the stored buckets).
    public func skip(through position: Int64) {
        state.withLock { $0.appliedPosition = max($0.appliedPosition, position) }
    }

    /// Of `keys`, those not held in memory: the caller loads them from the store (they may hold earlier
    /// events) and passes them to ``install(_:)`` before applying events to them.
    public func absentKeys(_ keys: Set<BucketKey>) -> Set<BucketKey> {
        state.withLock { state in keys.filter { state.buckets[$0] == nil } }
    }

    /// Adds stored buckets; keys already held in memory keep their (newer) state.
    public func install(_ buckets: [BucketKey: LiveProfile]) {
        state.withLock { state in
            for (key, profile) in buckets where state.buckets[key] == nil { state.buckets[key] = profile }
        }
    }

    /// Folds in committed predictions in log order; events at or before the applied position are skipped,
    /// so a replay after a restart counts nothing twice. With `only`, events of other buckets are left out.
    public func apply(_ batches: [CommittedPredictions], only: Set<BucketKey>? = nil) {
        state.withLock { state in
            for batch in batches {
                for (key, range) in batch.runs(bucketMilliseconds: bucketMilliseconds) where only?.contains(key) ?? true {
                    var position = state.appliedPosition
                    guard range.contains(where: { (batch.positions[$0] ?? 0) > position }) else { continue }
                    // One lookup per run; the profile is updated in place through the dictionary's accessor.
                    Self.fold(batch, range, into: &state.buckets[key, default: LiveProfile()], after: &position)
                    state.appliedPosition = position
                    state.changed.insert(key)
                }
            }
        }
    }

    private static func fold(_ batch: CommittedPredictions, _ range: Range<Int>, into profile: inout LiveProfile, after position: inout Int64) {
        for index in range {
            guard let eventPosition = batch.positions[index], eventPosition > position else { continue }
            profile.add(batch.events[index])
            position = eventPosition
        }
    }

    /// The buckets changed since the last call, and the position they are complete up to.
    public func takeChanges() -> (buckets: [BucketKey: LiveProfile], position: Int64) {
        state.withLock { state in
            var result: [BucketKey: LiveProfile] = [:]
            for key in state.changed { result[key] = state.buckets[key] }
            state.changed = []
            return (result, state.appliedPosition)
        }
    }

    /// Marks buckets as changed again, after a flush that failed.
    public func markChanged(_ keys: some Sequence<BucketKey>) {
        state.withLock { $0.changed.formUnion(keys) }
    }

    /// Drops unchanged buckets that start before `milliseconds` (they are in the store).
    public func evict(before milliseconds: Int64) {
        state.withLock { state in
            state.buckets = state.buckets.filter { $0.key.start >= milliseconds || state.changed.contains($0.key) }
        }
    }

    /// Copies of the held buckets of a model (all versions when `version` is nil) that start in `range`.
    public func buckets(model: String, version: String?, starting range: Range<Int64>) -> [BucketKey: LiveProfile] {
        state.withLock { state in
            state.buckets.filter { key, _ in
                key.model == model && (version == nil || key.version == version) && range.contains(key.start)
            }
        }
    }

    /// Bucket keys held in memory.
    public var heldKeys: Set<BucketKey> { state.withLock { Set($0.buckets.keys) } }
}
