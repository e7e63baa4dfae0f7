import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilServer

/// `vigil-bench alerts`: one evaluation cycle of many rules over many models, on a real server fed over HTTP:
/// every window the rules need computed from the live buckets, every alert stepped, state stored, nothing
/// delivered. The issue's target is 1,000 rules over 100 models in < 100 ms.
struct AlertBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Time of one alert evaluation cycle: rules × models.")

    @Option(help: "Models fed.")
    var models = 100

    @Option(help: "Predictions sent to each model (each with 8 features).")
    var predictions = 600

    @Option(help: "Evaluation cycles timed.")
    var cycles = 20

    @Flag(help: "Evaluate the built-in rules (drift, PSI and data quality against a reference, 7-day accuracy) instead of ten traffic rules per model.")
    var builtin = false

    /// Ten rules on the traffic of each model: what an SRE writes first (errors, latency, skew, confidence, volume).
    static func trafficRules(model: String) -> [AlertRule] {
        let minute: Int64 = 60_000
        let specs: [(String, WindowMetric, Int64, AlertRule.Direction, Double)] = [
            ("Errors5m", .errorRate, 5 * minute, .above, 0.01), ("Errors1h", .errorRate, 60 * minute, .above, 0.005),
            ("P99", .latency(quantile: 0.99), 5 * minute, .above, 500), ("P95", .latency(quantile: 0.95), 5 * minute, .above, 300),
            ("P50", .latency(quantile: 0.5), 60 * minute, .above, 100), ("Skew", .classShare, 60 * minute, .above, 0.95),
            ("Confidence", .confidence(quantile: 0.25), 60 * minute, .below, 0.6), ("Volume", .requests, 5 * minute, .below, 1),
            ("Rate", .requestRate, 5 * minute, .above, 10_000), ("Errors15m", .errorRate, 15 * minute, .above, 0.02),
        ]
        return specs.map { name, metric, window, direction, threshold in
            AlertRule(name: "\(model)_\(name)", model: model, metric: metric, window: window, direction: direction, threshold: threshold, holdFor: 5 * minute, minimumEvents: 20)
        }
    }

    func run() async throws {
        let names = (0..<models).map { "model\($0)" }
        var configuration = ServerConfiguration()
        configuration.dataDirectory = NSTemporaryDirectory() + "vigil-bench-alerts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        configuration.maxModels = max(configuration.maxModels, models)
        // Evaluations are run by the benchmark, not by the service's timer.
        configuration.alerting.evaluationInterval = 3_600_000
        configuration.monitorIntervalSeconds = 3600
        configuration.alerting.rules = builtin ? BuiltInRules.all : names.flatMap(Self.trafficRules)
        let bench = try await BenchServer.start(configuration)
        let server = bench.server

        for (index, model) in names.enumerated() {
            let rows = (0..<predictions).map { row -> String in
                let features = (0..<8).map { "\"f\($0)\": \(Double((row * 7 + $0 * 13 + index) % 101))" }.joined(separator: ", ")
                let status = row % 50 == 0 ? #", "status": "error""# : ""
                return #"{"version": "v1", "features": {\#(features)}, "prediction": {"yes": \#(Double(row % 10) / 10), "no": \#(1 - Double(row % 10) / 10)}, "latency_ms": \#(5 + row % 40)\#(status)}"#
            }
            try await bench.send("POST", "/v1/models/\(model)/predictions", rows.joined(separator: "\n"), contentType: "application/x-ndjson")
            if builtin {
                let reference = "f0,f1,f2,f3,f4,f5,f6,f7\n" + (0..<500).map { row in (0..<8).map { "\(Double((row * 3 + $0) % 101))" }.joined(separator: ",") }.joined(separator: "\n")
                try await bench.send("PUT", "/v1/models/\(model)/reference", reference, contentType: "text/csv")
            }
        }
        // The first cycle loads alert state from the store and analyses every window against its reference.
        let firstStarted = ContinuousClock.now
        try await server.evaluateAlerts()
        let first = (ContinuousClock.now - firstStarted).seconds
        var seconds: [Double] = []
        for _ in 0..<cycles {
            let started = ContinuousClock.now
            try await server.evaluateAlerts()
            seconds.append((ContinuousClock.now - started).seconds)
        }
        seconds.sort()
        let rules = builtin ? BuiltInRules.all.count * models : configuration.alerting.rules.count
        let median = seconds[seconds.count / 2] * 1000
        print("alert evaluation: \(rules) rules (\(builtin ? "built-in, per model" : "10 traffic rules per model")) over \(models) models, \(predictions) predictions each")
        print(String(format: "  one cycle: median %.1f ms, fastest %.1f ms, slowest %.1f ms over %d cycles (target < 100 ms)", median, seconds.first! * 1000, seconds.last! * 1000, cycles))
        print(String(format: "  per rule: %.1f µs", median * 1000 / Double(rules)))
        print(String(format: "  first cycle (state loaded, every drift and data-quality analysis made): %.1f ms", first * 1000))
        print("  command: swift run -c release vigil-bench alerts --models \(models) --predictions \(predictions) --cycles \(cycles)\(builtin ? " --builtin" : "")")
        try await bench.stop()
    }
}
