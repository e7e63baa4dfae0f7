import Foundation
public import VigilCore

/// Durable storage, as small roles: the prediction log (``PredictionLog``, the source of truth), the live
/// profiles derived from it per time bucket with the watermark that says how far they go (``ProfileStore``),
/// each model's reference (``ReferenceStore``), the label log and quality aggregates (``QualityStore``), and the
/// alerting state (``AlertStore``, ``NotificationStore``, ``HookStore``).
///
/// Every method commits before it returns. Implementations: ``SQLiteStore`` (embedded, the default); each role
/// also has an in-memory twin, and the SQLite store and the twin pass one conformance suite per role, which a
/// PostgreSQL store must pass too.
public protocol Store: PredictionLog, ProfileStore, ReferenceStore, QualityStore, AlertStore, NotificationStore, HookStore {
    /// Bytes on disk.
    func sizeInBytes() -> Int64
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
