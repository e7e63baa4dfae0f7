import ArgumentParser
import Foundation
import VigilCore
import VigilStats
import VigilStore

/// `vigil-bench window`: what a long window costs when its buckets are only in the store, as after a restart
/// or for a window older than the hot horizon: read every bucket, decode it, merge it.
struct WindowBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "window", abstract: "Time to read and merge a window of stored buckets.")

    @Option(help: "Days in the window (one-minute buckets).")
    var days = 7

    @Option(help: "Events in each bucket.")
    var eventsPerBucket = 100

    @Option(help: "Add a vector feature of this dimension to every event (0: none).")
    var embeddingDimension = 0

    func run() async throws {
        let width: Int64 = 60_000
        let bucketCount = days * 1440
        let start: Int64 = 1_800_000_000_000 / width * width
        var profile = LiveProfile()
        for index in 0..<eventsPerBucket {
            var features = Dictionary(uniqueKeysWithValues: (0..<8).map { ("f\($0)", FeatureValue.number(Double((index * 7 + $0 * 13) % 101))) })
            features["country"] = .string(["DE", "FR", "US"][index % 3])
            features["plan"] = .string(["free", "pro"][index % 2])
            if embeddingDimension > 0 {
                let vector: [Double] = (0..<embeddingDimension).map { Double((index * 31 + $0 * 17) % 200) / 100 - 1 }
                features["embedding"] = .vector(vector)
            }
            profile.add(PredictionEvent(
                id: "e\(index)", timestampMilliseconds: start, version: "v1", features: features,
                prediction: .number(Double(index % 100) / 100), latencyMilliseconds: Double(5 + index % 40)
            ))
        }
        let directory = NSTemporaryDirectory() + "vigil-bench-window-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(directory: directory)
        for chunk in stride(from: 0, to: bucketCount, by: 1440) {
            let buckets = (chunk..<min(bucketCount, chunk + 1440)).map { LiveBucket(key: BucketKey(model: "bench", version: "v1", start: start + Int64($0) * width), profile: profile) }
            try await store.saveBuckets(buckets, watermark: "bench", position: Int64(chunk))
        }

        // Bucket by bucket, as a window reads hours without a current rollup (and builds their rollups).
        let range = start..<(start + Int64(bucketCount) * width)
        var started = Date()
        let read = try await store.buckets(model: "bench", starting: range)
        var merged = LiveProfile()
        for bucket in read.buckets { merged.merge(bucket.profile) }
        let bucketSeconds = Date().timeIntervalSince(started)
        var rollups: [BucketKey: LiveBucket] = [:]
        for bucket in read.buckets {
            let key = BucketKey(model: "bench", version: "v1", start: BucketKey.start(of: bucket.key.start, width: 3_600_000))
            rollups[key, default: LiveBucket(key: key, profile: LiveProfile(), savedPosition: bucket.savedPosition)].profile.merge(bucket.profile)
        }
        try await store.saveRollups(Array(rollups.values))

        // Hour by hour, as a window reads once the rollups exist.
        started = Date()
        let hourly = try await store.rollupRead(model: "bench", starting: range, width: 3_600_000).rollups
        var rolled = LiveProfile()
        for rollup in hourly.buckets { rolled.merge(rollup.profile) }
        let rollupSeconds = Date().timeIntervalSince(started)
        print(String(format: "%d-day window, %d events: %d buckets read and merged in %.3f s; %d hourly rollups in %.3f s (%.0fx faster)",
                     days, rolled.requestCount, read.buckets.count, bucketSeconds, hourly.buckets.count, rollupSeconds, bucketSeconds / rollupSeconds))
        precondition(rolled.requestCount == merged.requestCount, "the rollups must hold every event")

        // Without the features, as /performance reads a window (coverage, business metrics, the CBPE estimate).
        started = Date()
        let traffic = try await store.rollupRead(model: "bench", version: "v1", starting: range, width: 3_600_000, parts: .traffic).rollups
        let trafficReadSeconds = Date().timeIntervalSince(started)
        var trafficOnly = LiveProfile()
        for rollup in traffic.buckets { trafficOnly.merge(rollup.profile) }
        let trafficSeconds = Date().timeIntervalSince(started)
        print(String(format: "  (read %.3f s, merge %.3f s)", trafficReadSeconds, trafficSeconds - trafficReadSeconds))
        precondition(trafficOnly.requestCount == merged.requestCount, "a traffic read must count every event")
        print(String(format: "the same rollups without their features (a /performance read): %.3f s (%.0fx faster than with them)", trafficSeconds, rollupSeconds / trafficSeconds))
        print("bucket size: \(profile.serialized().count) bytes; embedding dimension \(embeddingDimension)")
        print("(`swift run -c release vigil-bench window --days \(days) --events-per-bucket \(eventsPerBucket) --embedding-dimension \(embeddingDimension)`)")
    }
}
