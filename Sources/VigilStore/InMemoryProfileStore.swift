public import VigilCore
import VigilStats

/// Live buckets and rollups in memory: the twin of ``SQLiteStore``'s ``ProfileStore`` part, held to the same
/// conformance tests. Profiles are kept in their stored forms (whole, and the traffic alone) and decoded on each
/// read with the parts asked for, as the SQLite store does, so a read without features costs what it does there.
public actor InMemoryProfileStore: ProfileStore {
    private struct Row {
        var whole: [UInt8]
        var traffic: [UInt8]
        var savedPosition: Int64
    }

    private var buckets: [BucketKey: Row] = [:]
    private var rollups: [BucketKey: Row] = [:]
    private var watermarks: [String: Int64] = [:]

    public init() {}

    private static func row(_ profile: LiveProfile, savedPosition: Int64) -> Row {
        Row(whole: SketchEnvelope.serialize(profile), traffic: profile.trafficSerialized(), savedPosition: savedPosition)
    }

    private static func read(_ rows: [(BucketKey, Row)], parts: LiveProfile.Parts) -> BucketRead {
        var read = BucketRead(buckets: [], unreadable: [:])
        for (key, row) in rows.sorted(by: { $0.0 < $1.0 }) {
            do {
                let profile = try LiveProfile.decode(parts.hasObservations ? row.whole : row.traffic, parts: parts)
                read.buckets.append(LiveBucket(key: key, profile: profile, savedPosition: row.savedPosition))
            } catch {
                read.unreadable[key] = error.description
            }
        }
        return read
    }

    private static func matches(_ key: BucketKey, model: String?, version: String?, range: Range<Int64>) -> Bool {
        range.contains(key.start) && (model == nil || key.model == model) && (version == nil || key.version == version)
    }

    public func watermark(_ name: String) throws(StoreError) -> Int64 { watermarks[name] ?? 0 }

    public func setWatermark(_ name: String, to position: Int64) throws(StoreError) { watermarks[name] = position }

    public func saveBuckets(_ saved: [LiveBucket], watermark name: String, position: Int64) throws(StoreError) {
        for bucket in saved { buckets[bucket.key] = Self.row(bucket.profile, savedPosition: position) }
        watermarks[name] = position
    }

    public func buckets(model: String?, version: String?, starting range: Range<Int64>, parts: LiveProfile.Parts) throws(StoreError) -> BucketRead {
        Self.read(buckets.filter { Self.matches($0.key, model: model, version: version, range: range) }.map { ($0.key, $0.value) }, parts: parts)
    }

    public func bucketCounts(
        model: String,
        version: String?,
        starting range: Range<Int64>
    ) throws(StoreError) -> (
        counts: [(key: BucketKey, successful: Int)], unreadable: [BucketKey]
    ) {
        var counts: [(key: BucketKey, successful: Int)] = []
        var unreadable: [BucketKey] = []
        for (key, row) in buckets.filter({ Self.matches($0.key, model: model, version: version, range: range) }).sorted(by: {
            $0.key.start < $1.key.start
        }) {
            if let found = try? LiveProfile.decodeCounts(row.traffic) {
                counts.append((key, found.requests - found.errors))
            } else {
                unreadable.append(key)
            }
        }
        return (counts, unreadable)
    }

    public func buckets(_ keys: [BucketKey]) throws(StoreError) -> BucketRead {
        Self.read(keys.compactMap { key in buckets[key].map { (key, $0) } }, parts: .all)
    }

    public func rollupRead(
        model: String?,
        version: String?,
        starting range: Range<Int64>,
        width: Int64,
        parts: LiveProfile.Parts
    ) throws(StoreError) -> RollupRead {
        // A rollup is current while no bucket of its span was saved after it was built.
        let current = rollups.filter { key, row in
            Self.matches(key, model: model, version: version, range: range)
                && !buckets.contains {
                    $0.key.model == key.model && $0.key.version == key.version && $0.key.start >= key.start && $0.key.start < key.start + width
                        && $0.value.savedPosition > row.savedPosition
                }
        }
        let covered = Set(current.keys)
        let uncovered = buckets.filter { key, _ in
            Self.matches(key, model: model, version: version, range: range)
                && !covered.contains(BucketKey(model: key.model, version: key.version, start: key.start - key.start % width))
        }
        return RollupRead(
            rollups: Self.read(current.map { ($0.key, $0.value) }, parts: parts),
            uncovered: Self.read(uncovered.map { ($0.key, $0.value) }, parts: parts)
        )
    }

    public func saveRollups(_ saved: [LiveBucket]) throws(StoreError) {
        for rollup in saved { rollups[rollup.key] = Self.row(rollup.profile, savedPosition: rollup.savedPosition) }
    }

    public func deleteBuckets(before milliseconds: Int64) throws(StoreError) -> Int {
        let doomed = buckets.keys.filter { $0.start < milliseconds }
        for key in doomed { buckets[key] = nil }
        rollups = rollups.filter { $0.key.start >= milliseconds }
        return doomed.count
    }
}
