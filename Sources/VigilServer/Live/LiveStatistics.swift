import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilCore
import VigilStats
import VigilStore
import Prometheus

/// Keeps the live profiles: folds committed predictions into the aggregator, flushes changed buckets to the
/// store with the watermark, rebuilds from the event log after a restart, serves windows, and applies
/// retention.
///
/// The event log is the truth. Buckets and watermark are saved in one transaction, so at start the stored
/// buckets hold exactly the events up to the watermark, and replaying the log past it counts every event
/// once.
final class LiveStatistics: Service, Sendable {
    static let watermarkName = "live-profiles"

    let aggregator: LiveAggregator
    private let store: any Store
    private let configuration: ServerConfiguration
    private let metrics: VigilMetrics
    private let logger: Logger
    private let lastFlush = Clock()
    /// Every bucket starting at or after this time is held in memory; older ones may be only in the store.
    private let heldSince = Mutex(Int64.max)
    /// Complete hours to roll up in the background: those a traffic read (`/performance`) found without a current
    /// rollup (it reads no features, so it cannot build one), and those a flush wrote backdated buckets into.
    private let wantedRollups = Mutex(Set<Int64>())
    /// Per model, how many applied batches held events for a bucket older than the current one (late events,
    /// backfills): what tells a count kept incrementally over complete buckets that one of them changed.
    private let lateBatches = Mutex<[String: Int]>([:])
    /// Merged profiles of whole blocks (hours to days) below the held buckets, for windows of many hours.
    let blocks: BlockCache<LiveProfile>
    /// Told the cutoff whenever retention deletes buckets (live and quality ones go together).
    private let retentionListeners = Mutex<[@Sendable (Int64) -> Void]>([])

    /// Where "now" comes from: windows, the hot horizon, retention.
    let clock: WallClock

    init(store: any Store, configuration: ServerConfiguration, metrics: VigilMetrics, logger: Logger, clock: WallClock = .system) {
        self.clock = clock
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        aggregator = LiveAggregator(bucketMilliseconds: Int64(configuration.bucketSeconds) * 1000)
        blocks = BlockCache(maximumBytes: configuration.windowCacheBytes)
    }

    private var hotMilliseconds: Int64 { Int64(configuration.hotSeconds) * 1000 }

    /// Loads recent buckets and replays the log past the watermark. Called before the server accepts requests.
    func recover() async throws(StoreError) {
        let started = Date()
        let now = clock.milliseconds()
        let recent = try await readable(store.buckets(model: nil, starting: (now - hotMilliseconds)..<Int64.max))
        aggregator.install(Dictionary(uniqueKeysWithValues: recent.map { ($0.key, $0.profile) }))
        heldSince.withLock { $0 = now - hotMilliseconds }
        let watermark = try await store.watermark(Self.watermarkName)
        aggregator.skip(through: watermark)
        var replayed = 0
        while true {
            let page = try await store.predictions(after: aggregator.appliedPosition, limit: 10_000, model: nil)
            guard !page.isEmpty else { break }
            try await apply(Self.committed(page))
            replayed += page.count
        }
        if replayed > 0 { try await flush() }
        logger.info("live profiles recovered", metadata: [
            "buckets": "\(recent.count)", "watermark": "\(watermark)", "replayed_events": "\(replayed)",
            "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(started)))",
        ])
    }

    /// Folds committed predictions in, after loading any stored bucket they fall into that is not in memory
    /// (late events), so a bucket is never overwritten by a partial one. Called by the single writer, in
    /// log order.
    func apply(_ batches: [CommittedPredictions]) async throws(StoreError) {
        let current = aggregator.bucketStart(clock.milliseconds())
        let late = batches.filter { batch in batch.events.contains { $0.timestampMilliseconds < current } }
        if !late.isEmpty { lateBatches.withLock { for batch in late { $0[batch.model, default: 0] += 1 } } }
        // Before the events are folded in: a block computed from now on either sees them or is not kept.
        for batch in late {
            blocks.changed(model: batch.model, days: Set(batch.events.filter { $0.timestampMilliseconds < current }.map { CalendarDay.start(of: $0.timestampMilliseconds) }))
        }
        let absent = aggregator.absentKeys(aggregator.keys(of: batches))
        if !absent.isEmpty {
            let stored = try await readable(store.buckets(Array(absent)))
            aggregator.install(Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0.profile) }))
        }
        aggregator.apply(batches)
    }

    /// ``apply(_:)`` for events already committed: a failure to read a late bucket is retried, then logged;
    /// the late events are then left out of the live profiles (they stay in the log), so the stored bucket is
    /// never overwritten by a partial one.
    func applyCommitted(_ batches: [CommittedPredictions]) async {
        for attempt in 1...3 {
            do {
                try await apply(batches)
                return
            } catch {
                logger.error("reading a stored bucket for late events failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
        let held = aggregator.heldKeys
        let left = aggregator.keys(of: batches).subtracting(held)
        logger.critical("late events left out of the live profiles", metadata: ["buckets": "\(left.sorted().map(\.description))"])
        aggregator.apply(batches, only: held)
    }

    /// A page of the log as runs of one model each, in log order.
    static func committed(_ page: [StoredPrediction]) -> [CommittedPredictions] {
        var batches: [CommittedPredictions] = []
        for stored in page {
            if batches.last?.model != stored.model {
                batches.append(CommittedPredictions(model: stored.model, events: [], positions: []))
            }
            batches[batches.count - 1].events.append(stored.event)
            batches[batches.count - 1].positions.append(stored.position)
        }
        return batches
    }

    /// The buckets of a read, with each unreadable one (damaged on disk, or stored by a release whose format
    /// this one no longer reads) rebuilt from the event log: a bad bucket costs a replay, never the start of
    /// the server or a window's answer.
    ///
    /// A stored bucket holds exactly the events up to the stored watermark (they are saved together), so
    /// the rebuild folds the bucket's events up to that watermark; later ones reach it the usual way. The
    /// rebuilt bucket is marked changed, so the next flush stores it again in the current format.
    private func readable(_ read: BucketRead) async throws(StoreError) -> [LiveBucket] {
        // A bucket held in memory is newer than any stored copy (a rebuilt one waiting for its flush, say).
        let absent = aggregator.absentKeys(Set(read.unreadable.keys))
        guard !absent.isEmpty else { return read.buckets }
        let watermark = try await store.watermark(Self.watermarkName)
        var rebuilt: [BucketKey: LiveProfile] = [:]
        for key in absent.sorted() {
            var profile = LiveProfile()
            var position: Int64 = 0
            var count = 0
            while true {
                let page = try await store.predictions(in: key, width: aggregator.bucketMilliseconds, after: position, through: watermark, limit: 10_000)
                guard let last = page.last else { break }
                for stored in page { profile.add(stored.event) }
                position = last.position
                count += page.count
            }
            rebuilt[key] = profile
            var metadata: Logger.Metadata = ["bucket": "\(key)", "events": "\(count)", "reason": "\(read.unreadable[key] ?? "")"]
            if let seconds = configuration.eventRetentionSeconds, key.start < clock.milliseconds() - Int64(seconds) * 1000 {
                metadata["note"] = "the bucket is older than the event retention: events already deleted are not in it"
            }
            logger.warning("an unreadable stored bucket was rebuilt from the event log", metadata: metadata)
        }
        aggregator.install(rebuilt)
        aggregator.markChanged(rebuilt.keys)
        metrics.recordRebuiltBuckets(rebuilt.count)
        return read.buckets + rebuilt.map { LiveBucket(key: $0.key, profile: $0.value) }
    }

    /// Saves changed buckets and the watermark together; on failure they stay marked for the next flush.
    func flush() async throws(StoreError) {
        let changes = aggregator.takeChanges()
        metrics.gauge(.unflushedBuckets).set(to: 0)
        guard !changes.buckets.isEmpty else {
            lastFlush.touch()
            return
        }
        do {
            try await store.saveBuckets(
                changes.buckets.map { LiveBucket(key: $0.key, profile: $0.value) }, watermark: Self.watermarkName, position: changes.position
            )
            lastFlush.touch()
        } catch {
            aggregator.markChanged(changes.buckets.keys)
            throw error
        }
        markBackdatedHours(changes.buckets.keys)
        let horizon = clock.milliseconds() - hotMilliseconds
        // Moved before the eviction: a window that finds a bucket evicted then also finds it below `heldSince`,
        // and reads its stored copy.
        heldSince.withLock { $0 = max($0, horizon) }
        aggregator.evict(before: horizon)
    }

    /// Complete hours older than the last two (which the run loop rolls up on its own) that just got buckets:
    /// a backfill, or events that came late. They are rolled up in the background, so that the first window over
    /// them finds their rollups: the first 7-day summary after a backfilled week read 1,008 buckets one by one
    /// and took 15–34 s (`vigil-bench dashboard`).
    private func markBackdatedHours(_ keys: some Collection<BucketKey>) {
        guard let width = rollupMilliseconds else { return }
        let recent = BucketKey.start(of: clock.milliseconds(), width: width) - width
        let hours = Set(keys.lazy.map { BucketKey.start(of: $0.start, width: width) }.filter { $0 < recent })
        guard !hours.isEmpty else { return }
        let pending = wantedRollups.withLock { wanted in
            wanted.formUnion(hours)
            return wanted.count
        }
        metrics.gauge(.pendingRollups).set(to: Double(pending))
    }

    /// The span of a rollup: an hour, when buckets divide it (so each bucket lies in one rollup); nil when
    /// buckets are an hour or longer.
    var rollupMilliseconds: Int64? {
        let hour: Int64 = 3_600_000
        return aggregator.bucketMilliseconds < hour && hour % aggregator.bucketMilliseconds == 0 ? hour : nil
    }

    /// The merged profile of a model (one version, or all when `version` is nil) over `range`.
    ///
    /// Whole days below the held buckets, and whole aligned blocks of an hour or more (the spans of the
    /// dashboard's charts), come from ``blocks`` when it has them, and are kept there once read.
    func window(model: String, version: String?, range: Range<Int64>, parts: LiveProfile.Parts = .all) async throws(StoreError) -> LiveProfile {
        let day = CalendarDay.milliseconds
        let heldSince = heldSince.withLock { $0 }
        let lower = aggregator.bucketStart(range.lowerBound)
        if isBlock(range, heldSince: heldSince) { return try await cachedBlock(model: model, version: version, range: lower..<range.upperBound, parts: parts) }
        // Longer: the whole days below the held buckets one block each, the whole hours around them one block each
        // (each a rollup read once), the edges and the held buckets as they come.
        let hour: Int64 = 3_600_000
        let endHour = BucketKey.start(of: min(range.upperBound, heldSince), width: hour)
        let firstHour = max(BucketKey.start(of: lower + hour - 1, width: hour), endHour - BlockCache<LiveProfile>.maximumDays * day)
        guard rollupMilliseconds != nil, firstHour < endHour else {
            return try await uncachedWindow(model: model, version: version, range: range, parts: parts)
        }
        var merged = LiveProfile()
        if lower < firstHour { merged.merge(try await uncachedWindow(model: model, version: version, range: range.lowerBound..<firstHour, parts: parts)) }
        var pieces: [Range<Int64>] = []
        var start = firstHour
        while start < endHour {
            let width = start % day == 0 && start + day <= endHour ? day : hour
            pieces.append(start..<(start + width))
            start += width
        }
        // The runs of single hours (around the whole days) each in one read, when the cache lacks them.
        var runs: [Range<Int64>] = []
        for block in pieces where block.upperBound - block.lowerBound == hour {
            if let last = runs.last, last.upperBound == block.lowerBound { runs[runs.count - 1] = last.lowerBound..<block.upperBound } else { runs.append(block) }
        }
        for run in runs { try await prefetchHours(model: model, version: version, span: run, parts: parts) }
        for block in pieces { merged.merge(try await window(model: model, version: version, range: block, parts: parts)) }
        // The current hour's stored buckets (up to the held ones) are one block too, kept until the next flush
        // moves `heldSince`: a dashboard refreshed within the minute reads them once, not 50 features × 60
        // buckets per page (22 % of the data tab's time, `vigil-bench dashboard`). The block ends at the first
        // held bucket: `heldSince` itself falls inside a bucket (the flush sets it to now − hot), and a block
        // ending there was never read from the cache (15 % of the versions tab re-read it from SQLite).
        let firstHeld = aggregator.bucketStart(heldSince + aggregator.bucketMilliseconds - 1)
        let flushedEnd = min(range.upperBound, heldSince == .max ? heldSince : firstHeld)
        if endHour < flushedEnd && aggregator.bucketStart(flushedEnd) == flushedEnd {
            merged.merge(try await cachedBlock(model: model, version: version, range: endHour..<flushedEnd, parts: parts))
            if flushedEnd < range.upperBound {
                merged.merge(try await uncachedWindow(model: model, version: version, range: flushedEnd..<range.upperBound, parts: parts))
            }
        } else if endHour < range.upperBound {
            merged.merge(try await uncachedWindow(model: model, version: version, range: endHour..<range.upperBound, parts: parts))
        }
        return merged
    }

    /// A block's profile from the cache, else read and kept (unless held buckets still change it). The block lies
    /// below the held buckets, within one UTC day, and starts on a bucket.
    private func cachedBlock(model: String, version: String?, range: Range<Int64>, parts: LiveProfile.Parts) async throws(StoreError) -> LiveProfile {
        let key = BlockCache<LiveProfile>.Key(model: model, version: version, start: range.lowerBound, width: range.upperBound - range.lowerBound, parts: parts)
        if let cached = blocks.profile(key) {
            metrics.recordWindowCacheRead(hit: true, bytes: blocks.statistics.bytes)
            return cached
        }
        let stamp = blocks.stamp(model: model, day: CalendarDay.start(of: range.lowerBound))
        let profile = try await uncachedWindow(model: model, version: version, range: range, parts: parts)
        // A block with late events still in memory holds them; kept, it would outlive their flush unseen.
        if aggregator.buckets(model: model, version: version, starting: range).isEmpty { keep(profile, key: key, stamp: stamp) }
        metrics.recordWindowCacheRead(hit: false, bytes: blocks.statistics.bytes)
        return profile
    }

    /// Reads the hours of `span` that the block cache lacks in one store read and keeps each as its block, so
    /// that an hour-by-hour loop over them finds them cached: a 30-day hourly series read 720 hours one query each,
    /// 0.7–0.9 s on its first view (`vigil-bench dashboard`). Only hours that read cleanly from their current
    /// rollups (or have no traffic) are kept; the others are left to ``cachedBlock(model:version:range:parts:)``,
    /// which handles buckets without a rollup, unreadable rows and late events held in memory.
    private func prefetchHours(model: String, version: String?, span: Range<Int64>, parts: LiveProfile.Parts) async throws(StoreError) {
        guard let width = rollupMilliseconds else { return }
        let heldSince = heldSince.withLock { $0 }
        func key(_ hour: Int64) -> BlockCache<LiveProfile>.Key { .init(model: model, version: version, start: hour, width: width, parts: parts) }
        let missing = stride(from: span.lowerBound, to: span.upperBound, by: Int(width)).filter { hour in
            isBlock(hour..<(hour + width), heldSince: heldSince) && !blocks.contains(key(hour))
        }
        // A few hours are as quick one by one.
        guard missing.count >= 4, let first = missing.first, let last = missing.last else { return }
        var stamps: [Int64: BlockCache<LiveProfile>.Stamp] = [:]
        for day in Set(missing.map(CalendarDay.start(of:))) { stamps[day] = blocks.stamp(model: model, day: day) }
        let read = try await store.rollupRead(model: model, version: version, starting: first..<(last + width), width: width, parts: parts)
        let unclean = Set(
            (read.uncovered.buckets.map(\.key) + Array(read.uncovered.unreadable.keys) + Array(read.rollups.unreadable.keys)).map {
                BucketKey.start(of: $0.start, width: width)
            }
        )
        var profiles: [Int64: LiveProfile] = [:]
        for rollup in read.rollups.buckets where version == nil || rollup.key.version == version {
            profiles[rollup.key.start, default: LiveProfile()].merge(rollup.profile)
        }
        for hour in missing where !unclean.contains(hour) && aggregator.buckets(model: model, version: version, starting: hour..<(hour + width)).isEmpty {
            keep(profiles[hour] ?? LiveProfile(), key: key(hour), stamp: stamps[CalendarDay.start(of: hour)]!)
        }
    }

    /// Keeps a block's profile in ``blocks``, weighed by its encoded size.
    private func keep(_ profile: LiveProfile, key: BlockCache<LiveProfile>.Key, stamp: BlockCache<LiveProfile>.Stamp) {
        var encoder = BinaryEncoder()
        profile.encodePayload(into: &encoder)
        blocks.store(profile, bytes: encoder.bytes.count, key: key, stamp: stamp)
    }

    /// Whether `range` is one aligned block (an hour, or a divisor of a day made of hours) wholly below the held
    /// buckets: what the block cache keeps.
    private func isBlock(_ range: Range<Int64>, heldSince: Int64) -> Bool {
        let width = range.upperBound - range.lowerBound
        let day = CalendarDay.milliseconds
        return rollupMilliseconds != nil && aggregator.bucketStart(range.lowerBound) == range.lowerBound && width >= 3_600_000 && width <= day
            && day % width == 0 && range.lowerBound % width == 0 && range.upperBound <= heldSince
    }

    /// The stamp of `range`'s day when the range is a block whose profile no held bucket changes: what an analysis
    /// of the block is kept with (``ModelWindows``' span reports), to be compared with the day's stamp later. Nil
    /// for any other range.
    func blockStamp(model: String, version: String?, range: Range<Int64>) -> BlockCache<LiveProfile>.Stamp? {
        guard isBlock(range, heldSince: heldSince.withLock { $0 }), aggregator.buckets(model: model, version: version, starting: range).isEmpty else {
            return nil
        }
        return blocks.stamp(model: model, day: CalendarDay.start(of: range.lowerBound))
    }

    /// ``window(model:version:range:parts:)`` read from memory and the store, without the block cache.
    ///
    /// Held buckets come from memory. Older ones come from the store: whole hours as rollups where a current
    /// one exists (one row instead of sixty), the rest bucket by bucket; the hours read bucket by bucket are
    /// then saved as rollups, so the next window over them reads one row per hour.
    private func uncachedWindow(model: String, version: String?, range: Range<Int64>, parts: LiveProfile.Parts) async throws(StoreError) -> LiveProfile {
        let bucketRange = aggregator.bucketStart(range.lowerBound)..<range.upperBound
        let held = aggregator.buckets(model: model, version: version, starting: bucketRange)
        var merged = LiveProfile()
        for profile in held.values { merged.merge(parts == .all ? profile : profile.keeping(parts)) }
        let heldSince = heldSince.withLock { $0 }
        guard bucketRange.lowerBound < heldSince else { return merged }
        // A held bucket is newer than its stored copy, which is then skipped.
        func wanted(_ key: BucketKey) -> Bool { (version == nil || key.version == version) && held[key] == nil }

        var bucketByBucket = [bucketRange]
        if let width = rollupMilliseconds {
            let first = BucketKey.start(of: bucketRange.lowerBound + width - 1, width: width)
            let end = max(first, BucketKey.start(of: min(bucketRange.upperBound, heldSince), width: width))
            if first < end {
                let spans = try await store.rollupRead(model: model, version: version, starting: first..<end, width: width, parts: parts)
                let rollups = spans.rollups
                // Hours whose current rollup cannot stand for them: it is unreadable, or a bucket of the hour
                // is held (late events), so the rollup holds that bucket's older stored copy. Their buckets
                // are read one by one below (hours without a current rollup come with `uncovered`).
                let hourOfHeld = Set(held.keys.filter { $0.start >= first && $0.start < end }.map { Self.rollupKey(of: $0, width: width) })
                let readHourly = Set(rollups.unreadable.keys).union(rollups.buckets.map(\.key).filter(hourOfHeld.contains))
                for rollup in rollups.buckets where (version == nil || rollup.key.version == version) && !readHourly.contains(rollup.key) {
                    merged.merge(rollup.profile)
                }
                let uncovered = try await readable(spans.uncovered)
                for bucket in uncovered where wanted(bucket.key) { merged.merge(bucket.profile) }
                if !parts.hasFeatures {
                    let hours = Set(uncovered.map { Self.rollupKey(of: $0.key, width: width).start })
                    if !hours.isEmpty { wantedRollups.withLock { $0.formUnion(hours) } }
                }
                for hour in readHourly.sorted() {
                    for bucket in try await readable(store.buckets(model: model, version: version, starting: hour.start..<(hour.start + width), parts: parts)) where wanted(bucket.key) {
                        merged.merge(bucket.profile)
                    }
                }
                // Rollups are built from whole buckets only: a read without features must not store one.
                if parts == .all { await saveRollups(of: uncovered, width: width) }
                bucketByBucket = [bucketRange.lowerBound..<first, end..<bucketRange.upperBound].filter { !$0.isEmpty }
            }
        }
        // Every bucket from `heldSince` on is held, so its stored copy is not read: reading them to skip them was
        // a quarter of the data tab's time with two hot hours (`vigil-bench dashboard`).
        for part in bucketByBucket where part.lowerBound < heldSince {
            let stored = part.lowerBound..<min(part.upperBound, heldSince)
            for bucket in try await readable(store.buckets(model: model, version: version, starting: stored, parts: parts)) where wanted(bucket.key) {
                merged.merge(bucket.profile)
            }
        }
        return merged
    }

    /// Calls `listener` with the cutoff before each retention pass deletes buckets.
    func onBucketRetention(_ listener: @escaping @Sendable (Int64) -> Void) {
        retentionListeners.withLock { $0.append(listener) }
    }

    /// How many batches so far brought a model events for a bucket older than the one current when they came.
    func lateBatchCount(model: String) -> Int { lateBatches.withLock { $0[model] ?? 0 } }

    /// The width of a bucket, in milliseconds.
    var bucketMilliseconds: Int64 { aggregator.bucketMilliseconds }

    /// Successful predictions (requests less errors) of the buckets starting in each of `spans`: what a
    /// quality series' coverage is counted from, point by point. Whole hours below the held buckets come from
    /// the block cache, hour by hour (each read once from its rollup, or its buckets); the edges and the
    /// recent hours from the buckets' counts (read from the start of each stored bucket, no profile built)
    /// and the buckets held in memory.
    func successfulPredictions(model: String, version: String?, spans: [Range<Int64>]) async throws(StoreError) -> [Int] {
        let bucket = aggregator.bucketMilliseconds
        let width = rollupMilliseconds
        var plans = spans.map { QualityProfiles.plan($0, bucket: bucket, rollup: width) }
        // Hours at or after the one the held buckets start in are read bucket by bucket, as windows read them.
        let cutoff = width.map { BucketKey.start(of: heldSince.withLock { $0 }, width: $0) } ?? .min
        for index in plans.indices {
            guard let hours = plans[index].rollups, hours.upperBound > cutoff else { continue }
            plans[index].buckets.append(max(hours.lowerBound, cutoff)..<hours.upperBound)
            plans[index].rollups = hours.lowerBound < cutoff ? hours.lowerBound..<cutoff : nil
        }
        var hourTotals: [Int64: Int] = [:]
        if let width {
            // Hour by hour through the block cache: the hours lie below the held buckets, so each is a block, read
            // (from its rollup, or its buckets when that does not read) once and then kept. Reading the week's
            // rollups on every view read every feature's sketches to count requests: 20 % of the quality tab's
            // time (`vigil-bench dashboard`).
            for span in QualityProfiles.union(plans.compactMap(\.rollups)) {
                try await prefetchHours(model: model, version: version, span: span, parts: .traffic)
                for hour in stride(from: span.lowerBound, to: span.upperBound, by: Int(width)) {
                    let profile = try await window(model: model, version: version, range: hour..<(hour + width), parts: .traffic)
                    hourTotals[hour] = profile.requestCount - profile.errorCount
                }
            }
        }
        // Bucket by bucket: the edges and the recent hours.
        let bucketSpans = QualityProfiles.union(plans.flatMap(\.buckets))
        var buckets: [Int64: Int] = [:]
        for span in bucketSpans {
            let held = aggregator.buckets(model: model, version: version, starting: span)
            for (key, profile) in held { buckets[key.start, default: 0] += profile.requestCount - profile.errorCount }
            let stored = try await store.bucketCounts(model: model, version: version, starting: span)
            for entry in stored.counts where held[entry.key] == nil { buckets[entry.key.start, default: 0] += entry.successful }
            for found in try await readable(store.buckets(stored.unreadable)) where held[found.key] == nil {
                buckets[found.key.start, default: 0] += found.profile.requestCount - found.profile.errorCount
            }
        }
        let hourStarts = hourTotals.keys.sorted()
        let bucketStarts = buckets.keys.sorted()
        let hourPrefix = hourStarts.reduce(into: [0]) { $0.append($0.last! + hourTotals[$1]!) }
        let bucketPrefix = bucketStarts.reduce(into: [0]) { $0.append($0.last! + buckets[$1]!) }
        func sum(_ starts: [Int64], _ prefix: [Int], _ span: Range<Int64>) -> Int {
            prefix[starts.partitioningIndex { $0 >= span.upperBound }] - prefix[starts.partitioningIndex { $0 >= span.lowerBound }]
        }
        return plans.map { plan in
            (plan.rollups.map { sum(hourStarts, hourPrefix, $0) } ?? 0) + plan.buckets.reduce(0) { $0 + sum(bucketStarts, bucketPrefix, $1) }
        }
    }

    /// Builds and saves the rollups of the complete hours among the last `hours` that lack a current one,
    /// so that windows find them ready; hour by hour, so that memory holds one hour's buckets at a time.
    /// Late events make a rollup stale; the next call builds it again. A failure is logged: windows read
    /// those hours bucket by bucket meanwhile.
    ///
    /// The run loop covers the last two hours once per bucket width, and, beside it, the last day once at
    /// the start: the hours that ended while the server was down (the one it stopped in, say) are built
    /// then, not by the first window that needs them.
    func rollUpRecentHours(_ hours: Int) async {
        guard let width = rollupMilliseconds else { return }
        let end = BucketKey.start(of: clock.milliseconds(), width: width)
        for hour in stride(from: end - Int64(hours) * width, to: end, by: Int(width)) {
            guard await rollUp(hour: hour, width: width) else { return }
        }
    }

    /// Builds the hours that traffic reads asked for and that backfills reached, one at a time and newest first
    /// (recent windows are read most), until none is left or a read fails.
    func rollUpWantedHours() async {
        guard let width = rollupMilliseconds else { return }
        while !Task.isCancelled {
            let next = wantedRollups.withLock { wanted -> (hour: Int64, left: Int)? in
                guard let hour = wanted.max() else { return nil }
                wanted.remove(hour)
                return (hour, wanted.count)
            }
            guard let next else { return }
            // A failed read is logged and the hour dropped: retried every second it would fill the log, and a
            // window that reads the hour bucket by bucket builds its rollup anyway.
            guard await rollUp(hour: next.hour, width: width) else {
                metrics.gauge(.pendingRollups).set(to: Double(wantedRollups.withLock { $0.count }))
                return
            }
            metrics.gauge(.pendingRollups).set(to: Double(next.left))
        }
    }

    /// Rolls up wanted hours beside the flush loop (so that a backfilled week's 168 hours do not hold flushes up),
    /// once per flush interval, until the server stops.
    private func rollUpWantedHoursUntilStopped() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.flushIntervalSeconds)) }
            await rollUpWantedHours()
        }
    }

    /// Builds and saves the rollups of one hour that lack a current one; false when reading failed (logged).
    private func rollUp(hour: Int64, width: Int64) async -> Bool {
        do {
            await saveRollups(of: try await readable(store.rollupRead(model: nil, starting: hour..<(hour + width), width: width).uncovered), width: width)
            return true
        } catch {
            logger.warning("reading buckets for rollups failed; windows read them one by one meanwhile", metadata: ["error": "\(error)"])
            return false
        }
    }

    private static func rollupKey(of key: BucketKey, width: Int64) -> BucketKey {
        BucketKey(model: key.model, version: key.version, start: BucketKey.start(of: key.start, width: width))
    }

    /// Merges buckets into the rollups of their hours and saves them. The buckets must be all those of each
    /// of their hours (as `rollupRead` returns them uncovered). A rollup is a cache, so a failure to save
    /// one is logged, not thrown: windows read its buckets meanwhile.
    private func saveRollups(of buckets: [LiveBucket], width: Int64) async {
        var rollups: [BucketKey: LiveBucket] = [:]
        for bucket in buckets {
            let key = Self.rollupKey(of: bucket.key, width: width)
            rollups[key, default: LiveBucket(key: key, profile: LiveProfile())].profile.merge(bucket.profile)
            rollups[key]!.savedPosition = max(rollups[key]!.savedPosition, bucket.savedPosition)
        }
        do { try await store.saveRollups(Array(rollups.values)) } catch {
            logger.warning("saving rollups failed; windows read their buckets meanwhile", metadata: ["error": "\(error)"])
        }
    }

    /// Flushes every interval, applies retention every `retentionIntervalSeconds`, and flushes once more on shutdown.
    func run() async throws {
        var lastRetention = Date.distantPast
        var lastRollup = Date.distantPast
        // Once, beside the loop so that flushes do not wait for it: the hours that ended while the server was down.
        async let caughtUp: Void = rollUpRecentHours(24)
        async let backfilled: Void = rollUpWantedHoursUntilStopped()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.flushIntervalSeconds)) }
            do {
                try await flush()
                if Date().timeIntervalSince(lastRetention) >= configuration.retentionIntervalSeconds {
                    try await applyRetention()
                    lastRetention = Date()
                }
                if Date().timeIntervalSince(lastRollup) >= Double(configuration.bucketSeconds) {
                    await rollUpRecentHours(2)
                    lastRollup = Date()
                }
            } catch {
                logger.error("flushing live profiles failed; will retry", metadata: ["error": "\(error)"])
            }
            metrics.gauge(.flushLag).set(to: lastFlush.secondsSince)
            metrics.gauge(.storeSize).set(to: Double(store.sizeInBytes()))
        }
        await caughtUp
        await backfilled
        try await flush()
        logger.info("live profiles flushed for shutdown", metadata: ["watermark": "\(aggregator.appliedPosition)"])
    }

    private func applyRetention() async throws(StoreError) {
        let now = clock.milliseconds()
        if let seconds = configuration.eventRetentionSeconds {
            let deleted = try await store.deletePredictions(before: now - Int64(seconds) * 1000)
            if deleted > 0 { logger.info("retention deleted predictions", metadata: ["count": "\(deleted)"]) }
        }
        if let seconds = configuration.bucketRetentionSeconds {
            blocks.deleted(before: now - Int64(seconds) * 1000)
            for listener in retentionListeners.withLock({ $0 }) { listener(now - Int64(seconds) * 1000) }
            let deleted = try await store.deleteBuckets(before: now - Int64(seconds) * 1000)
            if deleted > 0 { logger.info("retention deleted buckets", metadata: ["count": "\(deleted)"]) }
        }
    }


    /// When something last happened, readable from any thread.
    private final class Clock: Sendable {
        private let last = Mutex(Date())
        func touch() { last.withLock { $0 = Date() } }
        var secondsSince: Double { last.withLock { Date().timeIntervalSince($0) } }
    }
}
