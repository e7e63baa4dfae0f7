import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer
import VigilStore

/// `vigil-bench quality`: model quality from labels on a real store: labels appended durably in batches,
/// folded into quality buckets and hourly rollups, then a 7-day window per version and a 30-day hourly
/// series read back — against scikit-learn computing the same 7-day figures from the raw rows.
struct QualityBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quality", abstract: "Labels folded per second, and the time of quality windows and series.")

    @Option(help: "Days of predictions, one-minute buckets.")
    var days = 30

    @Option(help: "Predictions per minute.")
    var perMinute = 10

    @Option(help: "Labels per append (a client's batch).")
    var batch = 1000

    @Option(help: "A Python with scikit-learn: times the same 7-day figures computed from the raw rows.")
    var peerPython: String?

    @Option(help: "Keep the store in this directory (for `vigil serve --data-dir` and an end-to-end /performance timing) instead of deleting it.")
    var keep: String?

    func run() async throws {
        let minute: Int64 = 60_000
        let now = Int64(Date().timeIntervalSince1970 * 1000) / minute * minute
        let start = now - Int64(days) * 86_400_000
        let count = days * 1440 * perMinute
        let directory = keep ?? NSTemporaryDirectory() + "vigil-bench-quality-\(UUID().uuidString)"
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let store = try SQLiteStore(directory: directory)

        // A binary classifier with class scores, 70 % of traffic on v1; the truth follows the score.
        var random = SystemRandomNumberGenerator()
        var predictions: [PredictionEvent] = []
        var labels: [LabelEvent] = []
        predictions.reserveCapacity(count)
        for index in 0..<count {
            let time = start + Int64(index) * (now - start) / Int64(count)
            let score = (Double.random(in: 0..<1, using: &random) * 1000).rounded() / 1000
            predictions.append(PredictionEvent(
                id: "p\(index)", timestampMilliseconds: time, version: index % 10 < 7 ? "v1" : "v2",
                prediction: .scores(["fraud": score, "legit": (1000 - score * 1000).rounded() / 1000])
            ))
            let truth = Double.random(in: 0..<1, using: &random) < score * 0.9 ? "fraud" : "legit"
            labels.append(LabelEvent(predictionId: "p\(index)", timestampMilliseconds: time + 600_000, value: .label(truth)))
        }
        for chunk in stride(from: 0, to: count, by: 10_000) {
            _ = try await store.append(predictions: Array(predictions[chunk..<min(count, chunk + 10_000)]), model: "bench")
        }

        var started = Date()
        for chunk in stride(from: 0, to: count, by: batch) {
            _ = try await store.append(labels: Array(labels[chunk..<min(count, chunk + batch)]), model: "bench")
        }
        let appendSeconds = Date().timeIntervalSince(started)

        let quality = QualityProfiles(store: store, bucketMilliseconds: minute, interval: .seconds(1), logger: Logger(label: "bench"))
        started = Date()
        try await quality.catchUp()
        let foldSeconds = Date().timeIntervalSince(started)

        func median(_ runs: Int = 5, _ body: () async throws -> Void) async rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let begin = Date()
                try await body()
                times.append(Date().timeIntervalSince(begin))
            }
            return times.sorted()[runs / 2]
        }
        let week = (now - 7 * 86_400_000 + 90_000)..<(now - 30_000)
        var weekProfile = QualityProfile()
        let weekSeconds = try await median { weekProfile = try await quality.window(model: "bench", version: "v1", range: week) }
        let month = (now - Int64(days) * 86_400_000)..<now
        var points = 0
        let seriesSeconds = try await median {
            points = try await quality.series(model: "bench", version: "v1", range: month, granularity: 3_600_000, trailing: 3_600_000).count
        }
        let trailingSeconds = try await median {
            _ = try await quality.series(model: "bench", version: "v1", range: (now - 7 * 86_400_000)..<now, granularity: 3_600_000, trailing: 7 * 86_400_000)
        }
        let summary = QualitySummary(profile: weekProfile, predictions: nil, windowEnd: week.upperBound, now: now)

        print("vigil-bench quality --days \(days) --per-minute \(perMinute) --batch \(batch)  (\(count) predictions, 2 versions, one-minute buckets)")
        print("labels appended durably, batches of \(batch)   \(format(Double(count) / appendSeconds)) labels/s")
        print("labels folded into buckets + rollups        \(format(Double(count) / foldSeconds)) labels/s")
        print("both, one after the other                   \(format(Double(count) / (appendSeconds + foldSeconds))) labels/s")
        print("7-day window of v1 (\(summary.labelled) labels), median of 5  \(String(format: "%.1f", weekSeconds * 1000)) ms")
        print("\(days)-day hourly series of v1 (\(points) points)      \(String(format: "%.1f", seriesSeconds * 1000)) ms")
        print("7-day hourly series, each point over 7 days  \(String(format: "%.1f", trailingSeconds * 1000)) ms")
        print("store on disk                               \(format(Double(store.sizeInBytes()))) bytes")

        guard let peerPython else { return }
        // The same 7 days of v1 as raw rows, for the peer to compute the same figures from.
        let path = directory + "/week.csv"
        var csv = "score,actual\n"
        // The rows of the buckets the window reads: those starting from the bucket of its start to its end.
        let buckets = BucketKey.start(of: week.lowerBound, width: minute)..<week.upperBound
        for (prediction, label) in zip(predictions, labels) where prediction.version == "v1" && buckets.contains(BucketKey.start(of: prediction.timestampMilliseconds, width: minute)) {
            guard case .scores(let scores)? = prediction.prediction, case .label(let actual) = label.value else { continue }
            csv += "\(scores["fraud"]!),\(actual)\n"
        }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        guard let data = try PeerBenchmark.runScript(python: peerPython, ["scripts/bench_quality_peers.py", path], needs: "scikit-learn and pandas") else { return }
        struct Peer: Decodable { var seconds: Double; var rows: Int; var accuracy: Double; var versions: [String: String] }
        let peer = try JSONDecoder().decode(Peer.self, from: data)
        print("\npeer, same machine (\(peer.versions.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))):")
        print("scikit-learn, the same figures from \(peer.rows) rows in memory  \(String(format: "%.1f", peer.seconds * 1000)) ms   Vigil is \(String(format: "%.1f", peer.seconds / weekSeconds))× faster")
        let ours = summary.figure("accuracy")?.value ?? .nan
        print("accuracy: Vigil \(ours), scikit-learn \(peer.accuracy)\(abs(ours - peer.accuracy) < 1e-12 ? " (equal)" : " (DIFFERENT)")")
    }
}
