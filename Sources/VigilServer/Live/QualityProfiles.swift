import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Keeps model quality: follows the label log, folds each entry once into the quality bucket of its
/// prediction, and saves the changed buckets with the new watermark in one transaction.
///
/// The label log is the truth. Since buckets and watermark are saved together and each catch-up starts at
/// the stored watermark, a crash at any moment loses no label and folds none twice. Catch-ups run one after
/// another (each waits for the one before), so a read that catches up first sees every label committed
/// before it: a 2xx on `POST …/labels` is in the next `/performance`.
actor QualityProfiles: Service {
    static let watermarkName = "quality"
    /// Label-log entries read per transaction.
    static let pageSize = 10_000

    private let store: any Store
    private let bucketMilliseconds: Int64
    private let interval: Duration
    private let metrics: VigilMetrics
    private let logger: Logger
    /// Buckets recounted from the log since the start (for tests and the log).
    private(set) var recounted = 0
    /// The label-log position the stored buckets are complete up to; nil until read from the store.
    private var position: Int64?
    /// The last catch-up asked for; each new one waits for it.
    private var tail: Task<Result<Void, StoreError>, Never>?

    init(store: any Store, bucketMilliseconds: Int64, interval: Duration, metrics: VigilMetrics, logger: Logger) {
        self.store = store
        self.bucketMilliseconds = bucketMilliseconds
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    /// Folds every label-log entry committed so far.
    func catchUp() async throws(StoreError) {
        let previous = tail
        let next = Task { () async -> Result<Void, StoreError> in
            _ = await previous?.value
            do throws(StoreError) { try await self.drain() } catch { return .failure(error) }
            return .success(())
        }
        tail = next
        try await next.value.get()
    }

    private func drain() async throws(StoreError) {
        var position: Int64
        if let known = self.position { position = known } else { position = try await store.watermark(Self.watermarkName) }
        self.position = position
        while true {
            let page = try await store.labelFolds(after: position, limit: Self.pageSize)
            guard page.through > position else { return }
            var buckets: [BucketKey: QualityProfile] = [:]
            let keys = Set(page.folds.map { $0.key(width: bucketMilliseconds) })
            for bucket in try await store.qualityBuckets(Array(keys)) { buckets[bucket.key] = bucket.profile }
            for fold in page.folds { buckets[fold.key(width: bucketMilliseconds), default: QualityProfile()].fold(fold) }
            // A correction that took a bucket's largest error away leaves only a bound: recount the bucket.
            for (key, profile) in buckets where profile.needsRecount {
                buckets[key] = QualityProfile(recounting: try await store.labelledPredictions(in: key, width: bucketMilliseconds, through: page.through))
                recounted += 1
            }
            try await store.saveQualityBuckets(
                buckets.sorted { $0.key < $1.key }.map { QualityBucket(key: $0.key, profile: $0.value) }, watermark: Self.watermarkName, position: page.through
            )
            position = page.through
            self.position = position
            for fold in page.folds where fold.replaced == nil {
                metrics.recordLabelDelay(model: fold.model, seconds: Double(fold.label.timestampMilliseconds - fold.prediction.timestampMilliseconds) / 1000)
            }
        }
    }

    /// The merged quality of a model (one version, or all when nil) over the buckets starting in `range`,
    /// after folding every label committed so far.
    func window(model: String, version: String?, range: Range<Int64>) async throws(StoreError) -> QualityProfile {
        try await catchUp()
        let start = BucketKey.start(of: range.lowerBound, width: bucketMilliseconds)
        var merged = QualityProfile()
        for bucket in try await store.qualityBuckets(model: model, version: version, starting: start..<range.upperBound) {
            merged.merge(bucket.profile)
        }
        return merged
    }

    /// Catches up every interval, and once more at shutdown.
    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await catchUp() } catch { logger.error("folding labels into model quality failed; will retry", metadata: ["error": "\(error)"]) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        try await catchUp()
    }
}
