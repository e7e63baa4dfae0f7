public import VigilCore
public import VigilStats

/// The part of the store that model quality stands on: the label log, and the quality of each bucket
/// saved with the log position it is complete up to.
///
/// Every method commits before it returns. The buckets and the watermark are saved in one transaction, so
/// after a crash the stored quality holds exactly the label-log entries up to the watermark, and folding
/// the entries after it counts every label once.
public protocol QualityStore: Sendable {
    /// Appends labels to the label log, in order, and keeps the latest label per prediction. A label whose
    /// prediction is stored folds (replacing the label folded before, a correction); one whose prediction is
    /// not stored yet waits for it and folds when it arrives; one that comes more than `lateness`
    /// milliseconds after its prediction is stored and reported in ``AppendResult/late``, never folded.
    func append(labels: [LabelEvent], model: String, lateness: Int64?) async throws(StoreError) -> AppendResult

    /// The label-log entries after `position` that fold, joined with their prediction and the label they
    /// replace, oldest first; at most `limit` entries are read.
    func labelFolds(after position: Int64, limit: Int) async throws(StoreError) -> LabelFoldPage

    /// The predictions of one bucket (its model and version, timestamps from `key.start` for `width`
    /// milliseconds) joined with the label that folds for each as of label-log position `position`: what a
    /// bucket's quality is recounted from when a correction took away what a sum cannot (its maximum).
    func labelledPredictions(in key: BucketKey, width: Int64, through position: Int64) async throws(StoreError) -> [LabelFold]

    /// How many labels a model has, how many met their prediction, and how many came too late to count.
    func labelCounts(model: String) async throws(StoreError) -> LabelCounts

    /// The label-log position up to which the saved buckets hold every entry; 0 when never set.
    func watermark(_ name: String) async throws(StoreError) -> Int64

    /// Replaces the given quality buckets and hourly rollups and sets the watermark, in one transaction. A
    /// bucket or rollup whose profile is empty (every label taken away again) is deleted.
    func saveQualityBuckets(_ buckets: [QualityBucket], rollups: [QualityBucket], watermark name: String, position: Int64) async throws(StoreError)

    /// The stored quality buckets (or rollups) among `keys`.
    func qualityBuckets(_ keys: [BucketKey], span: QualitySpan) async throws(StoreError) -> [QualityBucket]

    /// The quality buckets (or rollups) of a model (one version, or all when nil) whose start lies in `range`.
    func qualityBuckets(model: String, version: String?, starting range: Range<Int64>, span: QualitySpan) async throws(StoreError) -> [QualityBucket]

    /// Saves a model version's performance estimator, replacing the one before.
    func setEstimator(_ estimator: StoredEstimator, model: String, version: String) async throws(StoreError)

    /// A model's performance estimators, by version.
    func estimators(model: String) async throws(StoreError) -> [String: StoredEstimator]
}

extension QualityStore {
    /// Appends labels with no lateness limit.
    public func append(labels: [LabelEvent], model: String) async throws(StoreError) -> AppendResult {
        try await append(labels: labels, model: model, lateness: nil)
    }
}

/// What a label-log entry does to model quality (stored as its raw value).
enum LabelLogEntryKind: Int {
    /// Its prediction is not stored yet: it waits.
    case early = 0
    /// Its prediction is stored: it folds, replacing the entry folded before.
    case applied = 1
    /// It came more than the lateness after its prediction: stored, never folded.
    case late = 2
    /// A waiting label whose prediction has just been stored: it folds now.
    case matched = 3
}

/// Which quality rows a read means: the buckets (as wide as the live profiles'), or the hourly rollups that
/// sum them. Unlike live-profile rollups these are never stale: each label folds into its bucket and its
/// hour's rollup in the same transaction.
public enum QualitySpan: Sendable {
    case bucket, rollup
}

/// The model quality of one model version in one time bucket, as stored.
public struct QualityBucket: Sendable, Equatable {
    /// The model version and bucket (or hour) start.
    public var key: BucketKey
    /// The quality of the predictions of that bucket.
    public var profile: QualityProfile

    /// A bucket's quality, to save or as read.
    public init(key: BucketKey, profile: QualityProfile) {
        self.key = key
        self.profile = profile
    }
}

/// A model version's performance estimator (CBPE) and what it was fitted on.
public struct StoredEstimator: Sendable, Equatable {
    public var estimator: CBPE
    /// What the estimator was fitted on, as a reader would say it ("production version v1, 2026-11-01T00:00:00Z to …").
    public var source: String
    public var createdMilliseconds: Int64

    public init(estimator: CBPE, source: String, createdMilliseconds: Int64) {
        self.estimator = estimator
        self.source = source
        self.createdMilliseconds = createdMilliseconds
    }
}
