import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilStats
import VigilServer
import VigilStore

/// `vigil-bench shadow`: shadow traffic on a real store. What a `request_id` costs at ingestion (the same
/// predictions appended with and without one), and what pairing a window's requests costs (`shadowPairs`, as
/// `/compare?paired=true` runs it) against a plain read of the same predictions with their labels.
struct ShadowBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow",
        abstract: "The ingest cost of request ids, and the time to pair a window of shadow traffic."
    )

    @Option(help: "Days of shadow traffic.")
    var days = 7

    @Option(help: "Requests per minute, each scored by both versions.")
    var perMinute = 20

    @Option(help: "Alternating runs of each measurement; the median is reported.")
    var runs = 3

    func run() async throws {
        let minute: Int64 = 60_000
        let now = Int64(Date().timeIntervalSince1970 * 1000) / minute * minute
        let start = now - Int64(days) * 86_400_000
        let requests = days * 1440 * perMinute
        var random = SystemRandomNumberGenerator()
        var withIds: [PredictionEvent] = []
        var labels: [LabelEvent] = []
        withIds.reserveCapacity(2 * requests)
        for index in 0..<requests {
            let time = start + Int64(index) * (now - start) / Int64(requests)
            let truth = Bool.random(using: &random) ? "yes" : "no"
            for version in ["v1", "v2"] {
                let right = Double.random(in: 0..<1, using: &random) < (version == "v1" ? 0.80 : 0.82)
                withIds.append(
                    PredictionEvent(
                        id: "\(version)-\(index)",
                        timestampMilliseconds: time,
                        version: version,
                        prediction: .label(right ? truth : (truth == "yes" ? "no" : "yes")),
                        latencyMilliseconds: 10 + Double.random(in: 0..<5, using: &random),
                        requestId: "req-\(index)"
                    )
                )
            }
            labels.append(LabelEvent(predictionId: "v1-\(index)", timestampMilliseconds: time + 60_000, value: .label(truth)))
        }
        let withoutIds = withIds.map { event -> PredictionEvent in
            var event = event
            event.requestId = nil
            return event
        }

        func append(_ events: [PredictionEvent]) async throws -> (seconds: Double, store: SQLiteStore, directory: String) {
            let directory = NSTemporaryDirectory() + "vigil-bench-shadow-\(UUID().uuidString)"
            let store = try SQLiteStore(directory: directory)
            let began = Date()
            for chunk in stride(from: 0, to: events.count, by: 1_000) {
                _ = try await store.append(predictions: Array(events[chunk..<min(events.count, chunk + 1_000)]), model: "bench")
            }
            return (Date().timeIntervalSince(began), store, directory)
        }
        var plain: [Double] = []
        var paired: [Double] = []
        var kept: (store: SQLiteStore, directory: String)?
        for _ in 0..<runs {
            let a = try await append(withoutIds)
            try? FileManager.default.removeItem(atPath: a.directory)
            plain.append(a.seconds)
            let b = try await append(withIds)
            paired.append(b.seconds)
            if let kept { try? FileManager.default.removeItem(atPath: kept.directory) }
            kept = (b.store, b.directory)
        }
        let (store, directory) = kept!
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for chunk in stride(from: 0, to: labels.count, by: 1_000) {
            _ = try await store.append(labels: Array(labels[chunk..<min(labels.count, chunk + 1_000)]), model: "bench")
        }

        let window = start..<now
        var pairs: ShadowPairs?
        var pairSeconds: [Double] = []
        var readSeconds: [Double] = []
        var read = 0
        for _ in 0..<runs {
            var began = Date()
            pairs = try await store.shadowPairs(model: "bench", baseline: "v1", candidate: "v2", range: window, maturedBefore: now)
            pairSeconds.append(Date().timeIntervalSince(began))
            began = Date()
            var position: Int64 = 0
            read = 0
            while true {
                let page = try await store.predictions(model: "bench", after: position, limit: 10_000)
                read += page.count
                guard let last = page.last else { break }
                position = last.position
            }
            readSeconds.append(Date().timeIntervalSince(began))
        }
        var hourSeconds: [Double] = []
        var hourPairs = 0
        for _ in 0..<runs {
            let began = Date()
            hourPairs = try await store.shadowPairs(
                model: "bench",
                baseline: "v1",
                candidate: "v2",
                range: (now - 3_600_000)..<now,
                maturedBefore: now
            ).paired
            hourSeconds.append(Date().timeIntervalSince(began))
        }
        func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let accuracy = pairs?.sums["accuracy"]

        print("vigil-bench shadow --days \(days) --per-minute \(perMinute) --runs \(runs)  (\(requests) requests × 2 versions, median of \(runs))")
        print(
            String(
                format: "append without request_id   %.2f s (%@ predictions/s)",
                middle(plain),
                format(Double(withIds.count) / middle(plain))
            )
        )
        print(
            String(
                format: "append with request_id      %.2f s (%@ predictions/s)   cost ×%.2f",
                middle(paired),
                format(Double(withIds.count) / middle(paired)),
                middle(paired) / middle(plain)
            )
        )
        print(
            String(
                format: "pair %d days (%d pairs, %d labelled)   %.0f ms",
                days,
                pairs?.paired ?? 0,
                accuracy?.count ?? 0,
                middle(pairSeconds) * 1000
            )
        )
        print(
            String(
                format: "read the same %d predictions with labels   %.0f ms   pairing costs ×%.2f a plain read",
                read,
                middle(readSeconds) * 1000,
                middle(pairSeconds) / middle(readSeconds)
            )
        )
        print(String(format: "pair the last hour (%d pairs) of the same store   %.0f ms", hourPairs, middle(hourSeconds) * 1000))
        if let accuracy {
            print(
                String(
                    format: "accuracy v1 %.4f, v2 %.4f; only v1 right on %d, only v2 on %d",
                    accuracy.baseline.mean,
                    accuracy.candidate.mean,
                    accuracy.mcNemar?.baselineOnly ?? 0,
                    accuracy.mcNemar?.candidateOnly ?? 0
                )
            )
        }
        try await serverComparisons(directory: directory, now: now)
    }

    /// A server on the same store: `/compare?paired=true` over the week, as a configured paired comparison runs
    /// at every monitor pass and Versions-tab view. The first read pairs every hour; later ones read only what
    /// changed, as after a minute of new shadow traffic with labels.
    private func serverComparisons(directory: String, now: Int64) async throws {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory
        configuration.monitorIntervalSeconds = 3600
        configuration.alerting.evaluationInterval = 3_600_000
        configuration.qualityWindowIntervalSeconds = 0
        let recovering = Date()
        let bench = try await BenchServer.start(configuration)
        let recovered = Date().timeIntervalSince(recovering)
        let path = "/v1/models/bench/compare?baseline=v1&candidate=v2&window=\(days)d&paired=true"
        var began = Date()
        try await bench.send("GET", path)
        let first = Date().timeIntervalSince(began)
        var again: [Double] = []
        var afterTraffic: [Double] = []
        var unpaired: [Double] = []
        for run in 0..<runs {
            began = Date()
            try await bench.send("GET", path.replacingOccurrences(of: "&paired=true", with: ""))
            unpaired.append(Date().timeIntervalSince(began))
            began = Date()
            try await bench.send("GET", path)
            again.append(Date().timeIntervalSince(began))
            // A minute of shadow traffic, its labels, and a candidate replaying a day-old request.
            let minute = Int64(Date().timeIntervalSince1970 * 1000)
            var predictions: [String] = []
            var labels: [String] = []
            for index in 0..<perMinute {
                let id = "new-\(run)-\(index)"
                let time = Timestamp.formatRFC3339(milliseconds: minute - 60_000 + Int64(index) * 60_000 / Int64(perMinute))
                for version in ["v1", "v2"] {
                    predictions.append(
                        #"{"id": "\#(version)-\#(id)", "request_id": "\#(id)", "version": "\#(version)", "timestamp": "\#(time)", "prediction": "yes", "latency_ms": 12}"#
                    )
                }
                labels.append(#"{"prediction_id": "v1-\#(id)", "label": "yes", "timestamp": "\#(time)"}"#)
            }
            let old = Timestamp.formatRFC3339(milliseconds: now - 86_400_000)
            predictions.append(#"{"id": "replay-\#(run)", "request_id": "req-\#(run)", "version": "v2", "timestamp": "\#(old)", "prediction": "no"}"#)
            try await bench.send("POST", "/v1/models/bench/predictions", predictions.joined(separator: "\n"), contentType: "application/x-ndjson")
            try await bench.send("POST", "/v1/models/bench/labels", labels.joined(separator: "\n"), contentType: "application/x-ndjson")
            began = Date()
            try await bench.send("GET", path)
            afterTraffic.append(Date().timeIntervalSince(began))
        }
        try await bench.stop()
        func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "a server on this store (recovered in %.1f s): GET /compare?paired=true over %d days", recovered, days))
        print(String(format: "  first read (pairs every span)             %.0f ms", first * 1000))
        print(String(format: "  read again                                %.0f ms   ×%.3f the first", middle(again) * 1000, middle(again) / first))
        print(
            String(
                format: "  the same comparison unpaired              %.0f ms   (the paired read again is ×%.2f)", middle(unpaired) * 1000,
                middle(again) / middle(unpaired)
            )
        )
        print(
            String(
                format: "  after a minute of traffic and a replay    %.0f ms   ×%.3f the first", middle(afterTraffic) * 1000, middle(afterTraffic) / first
            )
        )
    }
}
