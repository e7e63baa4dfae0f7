public import VigilCore

/// The live profiles: per time bucket of each model version, the merged profile of its predictions, saved with
/// the watermark (the log position they cover) in one transaction; and rollups, merges of a span's buckets that
/// a long window reads instead of each bucket.
///
/// Implementations: ``SQLiteStore`` and ``InMemoryProfileStore``, held to one conformance suite
/// (`ProfileStoreConformanceTests`).
public protocol ProfileStore: Sendable {
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
    func bucketCounts(
        model: String,
        version: String?,
        starting range: Range<Int64>
    ) async throws(StoreError) -> (counts: [(key: BucketKey, successful: Int)], unreadable: [BucketKey])

    /// The stored buckets among `keys`.
    func buckets(_ keys: [BucketKey]) async throws(StoreError) -> BucketRead

    /// What a window reads over whole spans of `width`, in one read so that each bucket counts once: the
    /// current rollups starting in `range` (each the merge of all the buckets of a model version in the
    /// span from its start) and the buckets in `range` that no current rollup covers. A rollup is current
    /// while no bucket of its span was saved after it was built: late events make it stale until it is
    /// built again.
    func rollupRead(
        model: String?,
        version: String?,
        starting range: Range<Int64>,
        width: Int64,
        parts: LiveProfile.Parts
    ) async throws(StoreError) -> RollupRead

    /// Saves rollups, replacing older ones; each one's `savedPosition` is the highest `savedPosition` of the
    /// buckets merged into it.
    func saveRollups(_ rollups: [LiveBucket]) async throws(StoreError)

    /// Deletes buckets (and rollups) that start before `milliseconds`; returns how many buckets.
    func deleteBuckets(before milliseconds: Int64) async throws(StoreError) -> Int
}

extension ProfileStore {
    /// Every version's buckets, features and all.
    public func buckets(model: String?, starting range: Range<Int64>) async throws(StoreError) -> BucketRead {
        try await buckets(model: model, version: nil, starting: range, parts: .all)
    }

    /// Every version's rollups and uncovered buckets, features and all.
    public func rollupRead(model: String?, starting range: Range<Int64>, width: Int64) async throws(StoreError) -> RollupRead {
        try await rollupRead(model: model, version: nil, starting: range, width: width, parts: .all)
    }
}
