import Foundation
public import Logging
public import ServiceLifecycle
public import VigilCore
public import VigilStore
import VigilStats

/// Keeps model quality: follows the label log, folds each entry once into the quality bucket of its
/// prediction and into that bucket's hourly rollup, and saves the changed rows with the new watermark in
/// one transaction.
///
/// The label log is the truth. Since buckets, rollups and watermark are saved together and each catch-up
/// starts at the stored watermark, a crash at any moment loses no label and folds none twice. Catch-ups run
/// one after another (each waits for the one before), so a read that catches up first sees every label
/// committed before it: a 2xx on `POST …/labels` is in the next `/performance`.
public actor QualityProfiles: Service {
    static let watermarkName = "quality"
    /// Label-log entries read per transaction.
    static let pageSize = 10_000
    /// The most points a series may have.
    static let maximumPoints = 2000

    private let store: any QualityStore
    private let bucketMilliseconds: Int64
    /// An hour, when buckets divide it; nil when buckets are an hour or longer.
    private let rollupMilliseconds: Int64?
    private let interval: Duration
    /// Called with each page's folds once they are saved (the server records label delays with it).
    private let onSaved: @Sendable ([LabelFold]) -> Void
    private let logger: Logger
    /// Buckets recounted from the log since the start.
    public private(set) var recounted = 0
    /// The label-log position the stored buckets are complete up to; nil until read from the store.
    private var position: Int64?
    /// The label-log position folded so far (nil before the first catch-up): it moves whenever labels were folded.
    public var foldedPosition: Int64? { position }
    /// Merged quality of whole days, for windows of days (see ``BlockCache``): labels folded into a day's
    /// buckets advance its stamp once saved.
    nonisolated let blocks: BlockCache<QualityProfile>
    /// Whether a catch-up is folding, and the callers waiting for their turn: one folds at a time.
    private var folding = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - bucketMilliseconds: the width of a quality bucket (the live profiles' bucket width).
    ///   - interval: how often ``run()`` catches up.
    ///   - cacheBytes: bytes of whole days' merged quality kept in memory for windows over days.
    ///   - onSaved: called with each page's folds once they are saved.
    public init(
        store: any QualityStore, bucketMilliseconds: Int64, interval: Duration, logger: Logger, cacheBytes: Int = 32 << 20,
        onSaved: @escaping @Sendable ([LabelFold]) -> Void = { _ in }
    ) {
        blocks = BlockCache(maximumBytes: cacheBytes)
        self.store = store
        self.bucketMilliseconds = bucketMilliseconds
        let hour: Int64 = 3_600_000
        rollupMilliseconds = bucketMilliseconds < hour && hour % bucketMilliseconds == 0 ? hour : nil
        self.interval = interval
        self.onSaved = onSaved
        self.logger = logger
    }

    /// Folds every label-log entry committed so far.
    public func catchUp() async throws(StoreError) {
        while folding { await withCheckedContinuation { waiting.append($0) } }
        folding = true
        defer {
            folding = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        // Begun after this caller's labels committed, so it folds them.
        try await drain()
    }

    private func rollupKey(_ key: BucketKey) -> BucketKey? {
        rollupMilliseconds.map { BucketKey(model: key.model, version: key.version, start: BucketKey.start(of: key.start, width: $0)) }
    }

    private func drain() async throws(StoreError) {
        var position: Int64
        if let known = self.position { position = known } else { position = try await store.watermark(Self.watermarkName) }
        self.position = position
        // The next page is read (on a reader connection, the other core) while this one folds and saves.
        var next = Self.read(store, after: position)
        while true {
            let page = try await next.value.get()
            guard page.through > position else { return }
            next = Self.read(store, after: page.through)
            let keys = Set(page.folds.map { $0.key(width: bucketMilliseconds) })
            var buckets: [BucketKey: QualityProfile] = [:]
            var rollups: [BucketKey: QualityProfile] = [:]
            for bucket in try await store.qualityBuckets(Array(keys), span: .bucket) { buckets[bucket.key] = bucket.profile }
            for bucket in try await store.qualityBuckets(Array(Set(keys.compactMap(rollupKey))), span: .rollup) { rollups[bucket.key] = bucket.profile }
            for fold in page.folds {
                let key = fold.key(width: bucketMilliseconds)
                buckets[key, default: QualityProfile()].fold(fold)
                if let hour = rollupKey(key) { rollups[hour, default: QualityProfile()].fold(fold) }
            }
            // A correction that took a bucket's largest error away leaves only a bound: recount the bucket
            // from the log, and its hour from its buckets.
            var hoursToRebuild = Set<BucketKey>()
            for (key, profile) in buckets where profile.needsRecount {
                buckets[key] = QualityProfile(recounting: try await store.labelledPredictions(in: key, width: bucketMilliseconds, through: page.through))
                recounted += 1
                if let hour = rollupKey(key) { hoursToRebuild.insert(hour) }
            }
            for (hour, profile) in rollups where profile.needsRecount { hoursToRebuild.insert(hour) }
            for hour in hoursToRebuild {
                var rebuilt = QualityProfile()
                let stored = try await store.qualityBuckets(model: hour.model, version: hour.version, starting: hour.start..<(hour.start + rollupMilliseconds!), span: .bucket)
                for bucket in stored where buckets[bucket.key] == nil { rebuilt.merge(bucket.profile) }
                for (key, profile) in buckets where rollupKey(key) == hour { rebuilt.merge(profile) }
                rollups[hour] = rebuilt
            }
            try await store.saveQualityBuckets(
                buckets.sorted { $0.key < $1.key }.map { QualityBucket(key: $0.key, profile: $0.value) },
                rollups: rollups.sorted { $0.key < $1.key }.map { QualityBucket(key: $0.key, profile: $0.value) },
                watermark: Self.watermarkName, position: page.through
            )
            // After the save: a day read from now on holds these folds, and one read before is not kept.
            for (model, keys) in Dictionary(grouping: buckets.keys, by: \.model) {
                blocks.changed(model: model, days: Set(keys.map { CalendarDay.start(of: $0.start) }))
            }
            position = page.through
            self.position = position
            onSaved(page.folds)
        }
    }

    private static func read(_ store: any QualityStore, after position: Int64) -> Task<Result<LabelFoldPage, StoreError>, Never> {
        Task {
            do throws(StoreError) { return .success(try await store.labelFolds(after: position, limit: pageSize)) } catch { return .failure(error) }
        }
    }

    /// What a window reads: whole hours as rollups, the edges bucket by bucket.
    struct Plan: Equatable {
        var rollups: Range<Int64>?
        var buckets: [Range<Int64>]
    }

    /// The reads that cover the buckets starting in `range` (its start rounded down to a bucket): pure, so
    /// it is tested on its own.
    static func plan(_ range: Range<Int64>, bucket: Int64, rollup: Int64?) -> Plan {
        let start = BucketKey.start(of: range.lowerBound, width: bucket)
        let whole = start..<range.upperBound
        guard let rollup else { return Plan(rollups: nil, buckets: [whole]) }
        // Hours whose every bucket start lies in the range: from the first hour at or after its start to the
        // last hour that ends at or before its end.
        let firstHour = BucketKey.start(of: start + rollup - 1, width: rollup)
        let lastWhole = BucketKey.start(of: range.upperBound, width: rollup)
        guard firstHour < lastWhole else { return Plan(rollups: nil, buckets: [whole]) }
        return Plan(rollups: firstHour..<lastWhole, buckets: [start..<firstHour, lastWhole..<range.upperBound].filter { !$0.isEmpty })
    }

    /// Ranges merged where they overlap or touch, in order.
    static func union(_ ranges: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The merged quality of a model (one version, or all when nil) over the buckets starting in `range`,
    /// after folding every label committed so far.
    public func window(model: String, version: String?, range: Range<Int64>) async throws(StoreError) -> QualityProfile {
        try await catchUp()
        // Whole days one block each, from ``blocks`` where it has them; the edges as they come.
        let day = CalendarDay.milliseconds
        let lower = BucketKey.start(of: range.lowerBound, width: bucketMilliseconds)
        let endDay = BucketKey.start(of: range.upperBound, width: day)
        let firstDay = max(BucketKey.start(of: lower + day - 1, width: day), endDay - BlockCache<QualityProfile>.maximumDays * day)
        guard rollupMilliseconds != nil, firstDay < endDay else { return try await uncachedWindow(model: model, version: version, range: range) }
        var merged = QualityProfile()
        if lower < firstDay { merged.merge(try await uncachedWindow(model: model, version: version, range: range.lowerBound..<firstDay)) }
        var start = firstDay
        while start < endDay {
            let key = BlockCache<QualityProfile>.Key(model: model, version: version, start: start, width: day, parts: .all)
            if let cached = blocks.profile(key) {
                merged.merge(cached)
            } else {
                let stamp = blocks.stamp(model: model, day: start)
                let profile = try await uncachedWindow(model: model, version: version, range: start..<(start + day))
                var encoder = BinaryEncoder()
                profile.encodePayload(into: &encoder)
                blocks.store(profile, bytes: encoder.bytes.count, key: key, stamp: stamp)
                merged.merge(profile)
            }
            start += day
        }
        if endDay < range.upperBound { merged.merge(try await uncachedWindow(model: model, version: version, range: endDay..<range.upperBound)) }
        return merged
    }

    /// ``window(model:version:range:)`` read from the store alone, after the catch-up.
    private func uncachedWindow(model: String, version: String?, range: Range<Int64>) async throws(StoreError) -> QualityProfile {
        let plan = Self.plan(range, bucket: bucketMilliseconds, rollup: rollupMilliseconds)
        var merged = QualityProfile()
        if let hours = plan.rollups {
            for rollup in try await store.qualityBuckets(model: model, version: version, starting: hours, span: .rollup) { merged.merge(rollup.profile) }
        }
        for part in plan.buckets {
            for bucket in try await store.qualityBuckets(model: model, version: version, starting: part, span: .bucket) { merged.merge(bucket.profile) }
        }
        return merged
    }

    /// The quality at a point every `granularity` milliseconds through `range` (and at its end), each over
    /// the `trailing` milliseconds before it. Rows are read once for the whole series.
    public func series(model: String, version: String?, range: Range<Int64>, granularity: Int64, trailing: Int64) async throws(StoreError)
        -> [(end: Int64, profile: QualityProfile)]
    {
        try await catchUp()
        var ends = Array(stride(from: BucketKey.start(of: range.lowerBound, width: granularity) + granularity, to: range.upperBound, by: Int(granularity)))
        ends.append(range.upperBound)
        let reads = (range.lowerBound - trailing)..<range.upperBound
        let plans = ends.map { Self.plan(($0 - trailing)..<$0, bucket: bucketMilliseconds, rollup: rollupMilliseconds) }
        var rollups: [(Int64, QualityProfile)] = []
        var buckets: [(Int64, QualityProfile)] = []
        if plans.contains(where: { $0.rollups != nil }) {
            rollups = try await store.qualityBuckets(model: model, version: version, starting: reads, span: .rollup).map { ($0.key.start, $0.profile) }
        }
        // Only the spans some point reads bucket by bucket (the edges), each once.
        for part in Self.union(plans.flatMap(\.buckets)) {
            buckets += try await store.qualityBuckets(model: model, version: version, starting: part, span: .bucket).map { ($0.key.start, $0.profile) }
        }
        rollups.sort { $0.0 < $1.0 }
        buckets.sort { $0.0 < $1.0 }
        func merge(_ rows: [(Int64, QualityProfile)], _ part: Range<Int64>, into profile: inout QualityProfile) {
            var index = rows.partitioningIndex { $0.0 >= part.lowerBound }
            while index < rows.count, rows[index].0 < part.upperBound {
                profile.merge(rows[index].1)
                index += 1
            }
        }
        return zip(ends, plans).map { end, plan in
            var profile = QualityProfile()
            if let hours = plan.rollups { merge(rollups, hours, into: &profile) }
            for part in plan.buckets { merge(buckets, part, into: &profile) }
            return (end, profile)
        }
    }

    /// Catches up every interval, and once more at shutdown.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await catchUp() } catch { logger.error("folding labels into model quality failed; will retry", metadata: ["error": "\(error)"]) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        try await catchUp()
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
