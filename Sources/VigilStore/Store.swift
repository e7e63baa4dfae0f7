import Foundation
public import VigilCore

/// Durable storage: the event log (predictions and labels, the source of truth), the live profiles derived
/// from it per time bucket with the watermark that says how far they go, and each model's reference.
///
/// Every method commits before it returns: a caller that answers 2xx after `append` has the data on disk.
/// Implementations: ``SQLiteStore`` (embedded, the default); PostgreSQL comes later and must pass the same
/// conformance tests.
public protocol Store: QualityStore, AlertStore, NotificationStore, HookStore {
    // MARK: Event log

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

    // MARK: Live profiles

    /// The log position up to which a consumer (say, the aggregator) has processed events; 0 when never set.
    func watermark(_ name: String) async throws(StoreError) -> Int64
    func setWatermark(_ name: String, to position: Int64) async throws(StoreError)

    /// Replaces the given buckets and sets the watermark, in one transaction, so that after a crash the
    /// buckets and the watermark always agree.
    func saveBuckets(_ buckets: [LiveBucket], watermark name: String, position: Int64) async throws(StoreError)

    /// Buckets whose start lies in `range` (milliseconds since 1970); all models when `model` is nil, all
    /// versions when `version` is nil; `parts` says whether the features are read.
    func buckets(model: String?, version: String?, starting range: Range<Int64>, parts: LiveProfile.Parts) async throws(StoreError) -> BucketRead

    /// The successful predictions (requests less errors) of each bucket of a model (one version, or all) whose
    /// start lies in `range`, read from the start of the stored traffic without building the profiles; the
    /// keys of buckets whose stored form does not read come apart.
    func bucketCounts(model: String, version: String?, starting range: Range<Int64>) async throws(StoreError) -> (counts: [(key: BucketKey, successful: Int)], unreadable: [BucketKey])

    /// The stored buckets among `keys`.
    func buckets(_ keys: [BucketKey]) async throws(StoreError) -> BucketRead

    /// What a window reads over whole spans of `width`, in one read so that each bucket counts once: the
    /// current rollups starting in `range` (each the merge of all the buckets of a model version in the
    /// span from its start) and the buckets in `range` that no current rollup covers. A rollup is current
    /// while no bucket of its span was saved after it was built: late events make it stale until it is
    /// built again.
    func rollupRead(model: String?, version: String?, starting range: Range<Int64>, width: Int64, parts: LiveProfile.Parts) async throws(StoreError) -> RollupRead

    /// Saves rollups, replacing older ones; each one's `savedPosition` is the highest `savedPosition` of the
    /// buckets merged into it.
    func saveRollups(_ rollups: [LiveBucket]) async throws(StoreError)

    /// The predictions of one bucket (its model and version, timestamps from `key.start` for `width`
    /// milliseconds) at log positions after `position` and up to `last`, oldest first, at most `limit`:
    /// what an unreadable bucket is rebuilt from.
    func predictions(in key: BucketKey, width: Int64, after position: Int64, through last: Int64, limit: Int) async throws(StoreError) -> [StoredPrediction]

    // MARK: References

    func setReference(_ reference: StoredReference, model: String) async throws(StoreError)
    func reference(model: String) async throws(StoreError) -> StoredReference?

    // MARK: Housekeeping

    /// Deletes predictions (and their labels) made before `milliseconds`; returns how many.
    func deletePredictions(before milliseconds: Int64) async throws(StoreError) -> Int
    /// Deletes buckets (and rollups) that start before `milliseconds`; returns how many buckets.
    func deleteBuckets(before milliseconds: Int64) async throws(StoreError) -> Int
    /// Bytes on disk.
    func sizeInBytes() -> Int64
}

extension Store {
    /// Every version's buckets, features and all.
    public func buckets(model: String?, starting range: Range<Int64>) async throws(StoreError) -> BucketRead {
        try await buckets(model: model, version: nil, starting: range, parts: .all)
    }

    /// Every version's rollups and uncovered buckets, features and all.
    public func rollupRead(model: String?, starting range: Range<Int64>, width: Int64) async throws(StoreError) -> RollupRead {
        try await rollupRead(model: model, version: nil, starting: range, width: width, parts: .all)
    }

    /// Appends one batch of one model's predictions.
    public func append(predictions: [PredictionEvent], model: String) async throws(StoreError) -> AppendResult {
        try await append([PredictionBatch(model: model, events: predictions)])[0]
    }

    public func predictions(model: String, after position: Int64, limit: Int) async throws(StoreError) -> [StoredPrediction] {
        try await predictions(after: position, limit: limit, model: model)
    }

    /// The models that have predictions, sorted.
    public func models() async throws(StoreError) -> [String] {
        var seen = Set<String>()
        return try await modelVersions().map(\.model).filter { seen.insert($0).inserted }
    }
}

/// Some predictions of one model, appended together.
///
/// The payloads are made with the batch, so that this work runs in the request handlers, in parallel,
/// rather than in the single writer. They lie back to back in one buffer: a request's body is kept as it
/// came, without a copy (and an allocation) per event.
public struct PredictionBatch: Sendable, Equatable {
    public let model: String
    public let events: [PredictionEvent]
    /// The JSON stored for each event, back to back; `payloadRanges[i]` is the part that is `events[i]`'s.
    public let payloadBytes: [UInt8]
    public let payloadRanges: [Range<Int>]

    /// A batch whose events are stored as ``PredictionEvent/wireJSON``.
    public init(model: String, events: [PredictionEvent]) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(events.count)
        for event in events {
            let start = bytes.count
            bytes.append(contentsOf: event.wireJSON)
            ranges.append(start..<bytes.count)
        }
        self.init(model: model, events: events, payloadBytes: bytes, payloadRanges: ranges)
    }

    /// A batch whose events are stored as the client sent them: `payloadBytes[payloadRanges[i]]` is the JSON
    /// that `events[i]` was read from (the request body and the ranges its decoding found). The id, time and
    /// version the server settled on are stored beside it, so the row needs no re-encoding (a tenth of the
    /// ingestion path's time) and the log shows exactly what arrived.
    public init(model: String, events: [PredictionEvent], payloadBytes: [UInt8], payloadRanges: [Range<Int>]) {
        precondition(events.count == payloadRanges.count, "one payload per event")
        precondition(payloadRanges.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= payloadBytes.count }, "payloads inside the bytes")
        self.model = model
        self.events = events
        self.payloadBytes = payloadBytes
        self.payloadRanges = payloadRanges
    }
}

/// What an append stored.
public struct AppendResult: Sendable, Equatable {
    public var stored: Int
    /// Ids that were already stored (predictions) or whose label was replaced (labels).
    public var alreadyPresent: [String]
    /// For each prediction in the batch, its log position, or nil when it was already stored.
    public var positions: [Int64?]
    /// Labels stored but never folded into quality: they came more than the lateness after their prediction.
    public var late: [String]

    /// What an append stored, row by row.
    public init(stored: Int, alreadyPresent: [String], positions: [Int64?] = [], late: [String] = []) {
        self.stored = stored
        self.alreadyPresent = alreadyPresent
        self.positions = positions
        self.late = late
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

public struct ModelVersion: Sendable, Hashable, Comparable {
    public var model: String
    public var version: String

    public init(model: String, version: String) {
        self.model = model
        self.version = version
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.model, lhs.version) < (rhs.model, rhs.version) }
}

/// A model's labels: received, joined with their prediction, and too late to count.
public struct LabelCounts: Sendable, Equatable {
    /// Labels received (one per prediction id: a correction replaces).
    public var labels: Int
    /// Labels whose prediction is in the log.
    public var matched: Int
    /// Labels whose latest version came more than the lateness after its prediction (stored, not folded).
    public var late: Int
    /// Labels whose prediction is not in the log (not yet, or deleted by retention).
    public var unmatched: Int { labels - matched }

    /// Counts as read from the store.
    public init(labels: Int, matched: Int, late: Int = 0) {
        self.labels = labels
        self.matched = matched
        self.late = late
    }
}

/// One stored time bucket (or rollup of buckets) of a model version.
public struct LiveBucket: Sendable, Equatable {
    public var key: BucketKey
    public var profile: LiveProfile
    /// The watermark of the flush that saved the bucket; for a rollup, the highest of its buckets'. 0 when
    /// not yet saved.
    public var savedPosition: Int64

    public init(key: BucketKey, profile: LiveProfile, savedPosition: Int64 = 0) {
        self.key = key
        self.profile = profile
        self.savedPosition = savedPosition
    }
}

/// Spans read as rollups where current ones exist, and bucket by bucket where not.
public struct RollupRead: Sendable, Equatable {
    public var rollups: BucketRead
    public var uncovered: BucketRead

    public init(rollups: BucketRead, uncovered: BucketRead) {
        self.rollups = rollups
        self.uncovered = uncovered
    }
}

/// Buckets as read from the store: those that decode, and the keys of those whose stored form does not
/// (damaged on disk, or written in a format this release no longer reads). Those are not an error for the
/// whole read: the caller rebuilds them from the event log.
public struct BucketRead: Sendable, Equatable {
    public var buckets: [LiveBucket]
    /// The stored buckets that could not be read, with why (the decoding error), for the operator's log.
    public var unreadable: [BucketKey: String]

    public init(buckets: [LiveBucket], unreadable: [BucketKey: String]) {
        self.buckets = buckets
        self.unreadable = unreadable
    }
}

/// A model's reference: the profile that live traffic is compared with, and where it came from.
public struct StoredReference: Sendable, Equatable {
    public var profile: DatasetProfile
    /// What the reference was made from, as the uploader described it (a file name, a time range…).
    public var source: String
    /// When it was set, in milliseconds since 1970.
    public var createdMilliseconds: Int64

    public init(profile: DatasetProfile, source: String, createdMilliseconds: Int64) {
        self.profile = profile
        self.source = source
        self.createdMilliseconds = createdMilliseconds
    }
}

/// A storage operation failed; the message says what and where.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
