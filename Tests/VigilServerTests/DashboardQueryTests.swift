import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
import VigilAlerting
import VigilExport
import VigilServer

/// Every query of the exported Grafana dashboards, run against a real Prometheus that scrapes a Vigil fed with
/// the demo's traffic (and a regression model with a business metric) and evaluates the exported rules: none
/// fails, none comes back empty. Grafana itself is not installable here; the dashboards' JSON is checked
/// structurally in `GrafanaDashboardTests`.
struct DashboardQueryTests {
    @Test(.enabled(if: PrometheusTests.tool("prometheus") != nil || PrometheusTests.inCI, "prometheus is not installed (apt-get install prometheus); .ci/run installs it"))
    func everyPanelQueryReturnsSeriesFromARealPrometheus() async throws {
        let binary = try #require(PrometheusTests.tool("prometheus"), "prometheus is required in CI")
        // A burn-rate tier short enough to fire within the test once the demo's v2 starts failing.
        let slo = ServiceLevelObjective(
            name: "fraud-availability", model: DemoDriver.model, indicator: .availability, objective: 0.999,
            tiers: [.init(name: "page_fast", long: 60_000, short: 15_000, factor: 1, holdFor: 0, severity: .critical)]
        )
        let server = try await TestServer.start { configuration in
            configuration.monitorIntervalSeconds = 1
            configuration.qualityWindowIntervalSeconds = 1
            configuration.alerting.slos = [slo]
            configuration.alerting.evaluationInterval = 1000
        }
        var settings = ExportSettings()
        settings.target = "127.0.0.1:\(server.port)"
        var alerting = AlertingConfiguration()
        alerting.slos = [slo]
        let export = try MonitoringExport(alerting, settings: settings)
        let directory = TestServer.temporaryDirectory()
        for file in export.files where file.path.hasPrefix("prometheus/") {
            let path = directory + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        // The exported rules, with the test's own scrape and evaluation pace.
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [vigil-rules.yaml, vigil-slo-rules.yaml]
            scrape_configs:
              - job_name: vigil
                static_configs: [{targets: ['127.0.0.1:\(server.port)']}]
            """.write(toFile: directory + "/prometheus/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try RealPrometheus.start(binary: binary, config: directory + "/prometheus/prometheus.yml", directory: directory)
        defer { prometheus.stop() }

        // A refused row, so that the rejected-rows counter exists from the start.
        _ = try await server.request("POST", "/v1/models/price/predictions", body: #"{"prediction": "not a number", "latency_ms": "slow"}"#)
        var logger = Logger(label: "dashboard-test")
        logger.logLevel = .warning
        let driver = DemoDriver(
            baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, eventsPerSecond: 600, driftAfterSeconds: 3, labelDelaySeconds: 0.05..<0.4, logger: logger
        )
        // Traffic goes on while the queries run (a rate over a window without traffic is a NaN, drawn as nothing),
        // and ends by itself: cancelling a task inside FoundationNetworking's URLSession.data can deadlock the
        // process (the canceller waits on the session's queue while the completion waits on the task's lock).
        let demo = Task { try await driver.run(duration: 50, minimumTicksAfterDrift: 20) }
        let regression = Task { try await Self.feedRegression(server, seconds: 50) }
        try await Task.sleep(for: .seconds(15))

        let variables = ["$version": ".*", "$baseline": "v1", "$candidate": "v2", "$slo": slo.name, "$__rate_interval": "30s"]
        var failures: [String] = []
        let queries = GrafanaDashboards.queries(settings: settings)
        #expect(queries.count > 40)
        // A model-specific panel (regression errors, business metrics) has series for one of the two models.
        for attempt in 0..<20 {
            failures = []
            for (dashboard, panel, expr) in queries {
                var answered = false
                for model in [DemoDriver.model, "price"] {
                    var promql = expr.replacingOccurrences(of: "$model", with: model)
                    for (name, value) in variables { promql = promql.replacingOccurrences(of: name, with: value) }
                    switch try await prometheus.query(promql) {
                    case .failure(let error): failures.append("\(dashboard) / \(panel): \(error) in \(promql)")
                    // NaN samples (a quantile of an empty histogram) draw nothing: they do not count as series.
                    case .success(let series): answered = answered || series.contains { $0.value != "NaN" }
                    }
                    if answered { break }
                }
                if !answered { failures.append("\(dashboard) / \(panel): no series for \(expr)") }
            }
            if failures.isEmpty { break }
            if attempt < 19 { try await Task.sleep(for: .seconds(2)) }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(queries.count) queries: \(failures.joined(separator: "\n"))")
        _ = try await (demo.value, regression.value)
        try await server.stop()
    }

    /// A regression model (versions v1 and v2) with business metrics, twice a second: predictions, then their labels.
    static func feedRegression(_ server: TestServer, seconds: Int) async throws {
        for round in 0..<(seconds * 2) {
            let rows = (0..<20).map { index in
                #"{"id": "p\#(round)-\#(index)", "version": "v\#(1 + index % 2)", "prediction": \#(100 + index), "latency_ms": \#(5 + index), "metrics": {"revenue": \#(index)}, "features": {"rooms": \#(index % 5)}}"#
            }
            _ = try await server.request("POST", "/v1/models/price/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
            // A business metric with the labels too: the 7-day window reads only those (predictions' metrics are per hour).
            let labels = (0..<20).map { index in #"{"prediction_id": "p\#(round)-\#(index)", "label": \#(102 + index), "metrics": {"refund": \#(index % 3)}}"# }
            _ = try await server.request("POST", "/v1/models/price/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson")
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
