import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import VigilAlerting
import VigilServer

/// `vigil demo`: a server on a temporary store, fed with simulated traffic that drifts.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a server on a temporary store and feed it simulated traffic that drifts after a while."
    )

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port: Int = 8080

    @Option(help: "Predictions per second.")
    var rate: Int = 200

    @Option(help: "Seconds before the traffic drifts (amounts grow, a new country and a new kind of merchant appear, v2 slows down and fails).")
    var driftAfter: Double = 30

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var duration: Double?

    @Option(help: "Log level.")
    var logLevel: String = "warning"

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.dataDirectory = NSTemporaryDirectory() + "vigil-demo-\(UUID().uuidString)"
        configuration.monitorIntervalSeconds = 5
        configuration.monitorWindowSeconds = 300
        // A demo lasts minutes: its 7-day quality gauges follow as closely as the others.
        configuration.qualityWindowIntervalSeconds = 15
        // A demo lasts minutes: the built-in alert rules hold for 30 s instead of 5 to 60 minutes, so the drift
        // fires them while people watch (v2's errors and latency, the drifted features), and an SLO shows its budget burn.
        configuration.alerting.evaluationInterval = 5_000
        configuration.alerting.rules = configuration.alerting.rules.map { rule in
            var rule = rule
            rule.holdFor = min(rule.holdFor, 30_000)
            return rule
        }
        var availability = ServiceLevelObjective(name: "\(DemoDriver.model)-availability", model: DemoDriver.model, indicator: .availability, objective: 0.99)
        for index in availability.tiers.indices { availability.tiers[index].holdFor = min(availability.tiers[index].holdFor, 30_000) }
        configuration.alerting.slos = [availability]
        let logger = try ServeCommand.makeLogger(level: logLevel, format: "text")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try await VigilServer.make(configuration: configuration, logger: logger) { continuation.yield($0) }
        let group = server.serviceGroup(gracefulShutdownSignals: [.sigterm, .sigint])
        let model = DemoDriver.model
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else { return }
            let base = "http://127.0.0.1:\(bound)"
            FileHandle.standardOutput.write(Data("""
                vigil demo: a server on a temporary store (\(configuration.dataDirectory))
                  the dashboard: \(base)/   (the model: \(base)/models/\(model)?range=15m&refresh=10)
                  feeding \(rate) predictions/s of "\(model)" (versions v1 and v2); drift begins after \(Int(driftAfter)) s
                  \(base)/metrics
                  \(base)/v1/models/\(model)/summary?window=5m
                  \(base)/v1/models/\(model)/summary?window=1m&version=v2
                  \(base)/v1/models/\(model)/performance?window=5m&granularity=30s
                  \(base)/v1/alerts   (the built-in rules, holding 30 s here) and \(base)/v1/slos
                  \(base)/openapi.yaml
                  labels follow 60 % of predictions 2 to 20 s later: ml_label_coverage_ratio fills in, ml_model_quality appears
                  after the drift, watch ml_feature_drift_score (amount, country, merchant_embedding),
                  ml_embedding_reference_similarity, ml_prediction_errors_total, the v2 latency and v2's
                  ml_model_quality{metric="accuracy"} (v1 knows the new country's fraud; v2 does not), beside
                  ml_model_quality_estimated: CBPE, fitted just before the drift, keeps v2's estimate high while its labels say
                  otherwise, the gap that concept drift leaves
                Ctrl-C stops it.

                """.utf8))
            let driver = DemoDriver(baseURL: URL(string: base)!, eventsPerSecond: rate, driftAfterSeconds: driftAfter, logger: logger)
            let duration = self.duration
            tasks.addTask {
                try await driver.run(duration: duration)
                if duration != nil { await group.triggerGracefulShutdown() }
            }
            try await tasks.waitForAll()
        }
    }
}
