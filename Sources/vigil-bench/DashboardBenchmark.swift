import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilServer

/// `vigil-bench dashboard`: the time a real server takes to answer each dashboard page for a 7-day range of a
/// model with 50 features, against `/v1/models/{model}/summary` over the same week (the JSON API's own window,
/// measured in the same run), and the 30-day hourly quality series of `/performance`. The targets: a page in
/// < 150 ms, the series in < 300 ms.
struct DashboardBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Server time of each dashboard page over 7 days of a 50-feature model."
    )

    @Option(help: "Days of traffic, backdated from now.")
    var days = 7

    @Option(help: "Features of each prediction.")
    var features = 50

    @Option(help: "Predictions in each 10 minutes.")
    var perTenMinutes = 20

    @Option(help: "Timed requests of each page (the median is reported).")
    var repeats = 7

    @Option(help: "Time only the pages whose name contains this (\"versions\", \"data\"…), beside the summary: for a profiler.")
    var page: String?

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = NSTemporaryDirectory() + "vigil-bench-dashboard-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        configuration.monitorIntervalSeconds = 3600
        configuration.alerting.evaluationInterval = 3_600_000
        configuration.limits.maxFeaturesPerRow = max(configuration.limits.maxFeaturesPerRow, features + 1)
        let bench = try await BenchServer.start(configuration)

        // A reference of 2,000 rows, then a week of predictions (two versions, drifting halfway) and their labels.
        func row(_ index: Int, shift: Double) -> [String] {
            (0..<features).map { feature in
                feature % 5 == 4
                    ? "\"c\(feature)\": \"k\((index + feature) % 7)\"" : "\"f\(feature)\": \(Double((index * 7 + feature * 13) % 101) + shift)"
            }
        }
        let reference = (0..<2000).map { "{" + row($0, shift: 0).joined(separator: ", ") + "}" }.joined(separator: "\n")
        try await bench.send("PUT", "/v1/models/bench/reference", reference, contentType: "application/x-ndjson")
        let now = Date().timeIntervalSince1970
        let start = now - Double(days) * 86_400
        let steps = days * 144
        var predictions: [String] = []
        var labels: [String] = []
        var sent = 0
        let began = ContinuousClock.now
        for step in 0..<steps {
            let drifted = step > steps / 2
            for index in 0..<perTenMinutes {
                let time = Timestamp.formatRFC3339(
                    milliseconds: Int64((start + Double(step) * 600 + Double(index) * 600 / Double(perTenMinutes)) * 1000)
                )
                let id = "p\(step)-\(index)"
                let version = index % 4 == 0 ? "v2" : "v1"
                let score = Double((step * 31 + index * 17) % 100) / 100
                predictions.append(
                    #"{"id": "\#(id)", "timestamp": "\#(time)", "version": "\#(version)", "features": {\#(row(step * perTenMinutes + index, shift: drifted ? 12 : 0).joined(separator: ", "))}, "prediction": {"fraud": \#(score), "legit": \#(1 - score)}, "latency_ms": \#(5 + (index * 7) % 60)}"#
                )
                let labelled = Timestamp.formatRFC3339(milliseconds: Int64((start + Double(step) * 600 + 60) * 1000))
                if index % 3 != 0 {
                    labels.append(
                        #"{"prediction_id": "\#(id)", "label": "\#((step + index) % 5 == 0 ? "fraud" : "legit")", "timestamp": "\#(labelled)"}"#
                    )
                }
            }
            if predictions.count >= 4000 || step == steps - 1 {
                try await bench.send("POST", "/v1/models/bench/predictions", predictions.joined(separator: "\n"), contentType: "application/x-ndjson")
                try await bench.send("POST", "/v1/models/bench/labels", labels.joined(separator: "\n"), contentType: "application/x-ndjson")
                sent += predictions.count
                predictions = []
                labels = []
            }
        }
        print(
            String(format: "fed %d predictions with %d features over %d days in %.1f s", sent, features, days, (ContinuousClock.now - began).seconds)
        )
        // Let the flush store the buckets, the label folds settle and the background roll up the backfilled hours,
        // so that every page reads what a restarted server would: stored buckets and rollups.
        let fed = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        while true {
            let metrics = String(decoding: try await bench.send("GET", "/metrics"), as: UTF8.self)
            if metrics.contains("\nvigil_pending_rollups 0") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        print(String(format: "the backfilled hours were rolled up %.1f s after the last batch", (ContinuousClock.now - fed).seconds))
        try await Task.sleep(for: .seconds(2))

        let range = "range=\(days == 30 ? "30d" : days == 7 ? "7d" : "24h")"
        let pages: [(String, String)] = [
            ("summary JSON (peer)", "/v1/models/bench/summary?window=\(days)d"),
            ("models page", "/?\(range)"),
            ("operational tab", "/models/bench?\(range)"),
            ("data tab", "/models/bench?\(range)&tab=data"),
            ("quality tab", "/models/bench?\(range)&tab=quality"),
            ("versions tab", "/models/bench?\(range)&tab=versions"),
            ("performance, 30-day hourly series", "/v1/models/bench/performance?window=30d&granularity=1h&version=v1"),
        ]
        // One pass over every page first: what the first view after a start costs, with the block cache empty.
        var firstViews: [String: Double] = [:]
        for (name, path) in pages {
            let started = ContinuousClock.now
            try await bench.send("GET", path)
            firstViews[name] = (ContinuousClock.now - started).seconds * 1000
        }
        var medians: [String: Double] = [:]
        print("median of \(repeats) requests after one warm-up (ms):")
        let timed = pages.filter { page == nil || $0.0 == pages[0].0 || $0.0.contains(page!) }
        for (name, path) in timed {
            try await bench.send("GET", path)
            var times: [Double] = []
            for _ in 0..<repeats {
                let started = ContinuousClock.now
                let bytes = try await bench.send("GET", path).count
                times.append((ContinuousClock.now - started).seconds * 1000)
                precondition(bytes > 1000, "\(path) answered only \(bytes) bytes")
            }
            times.sort()
            medians[name] = times[times.count / 2]
            print(
                "  " + name.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(
                        format: "%7.1f ms  (fastest %.1f, slowest %.1f; first view after the start %.1f)", times[times.count / 2], times.first!, times.last!,
                        firstViews[name]!
                    )
            )
        }
        let peer = medians["summary JSON (peer)"]!
        print(
            "  as a multiple of the summary's time in this run: "
                + timed.dropFirst().map { String(format: "%@ %.2f×", $0.0, medians[$0.0]! / peer) }.joined(separator: ", ")
        )
        print(
            "  command: swift run -c release vigil-bench dashboard --days \(days) --features \(features) --per-ten-minutes \(perTenMinutes) --repeats \(repeats)"
        )
        try await bench.stop()
    }
}
