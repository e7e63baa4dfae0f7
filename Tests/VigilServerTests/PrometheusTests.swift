import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilServer

/// `/metrics` checked by the real Prometheus tools: `promtool check metrics` on the exposition, and a real
/// Prometheus server scraping Vigil and answering the seeds' PromQL.
struct PrometheusTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Feeds a model's traffic: 10% errors, latencies 10…100 ms, two classes.
    static func feed(_ server: TestServer, rounds: Int, pause: Duration = .zero) async throws {
        var next = 0
        for _ in 0..<rounds {
            let rows = (0..<20).map { offset -> String in
                let index = next + offset
                return predictionJSON(
                    age: Double(index % 50), city: index % 2 == 0 ? "x" : "y", score: index % 4 == 0 ? 0.3 : 0.9,
                    latency: Double(10 + (index % 10) * 10), status: index % 10 == 0 ? "error" : nil, errorType: index % 10 == 0 ? "timeout" : nil
                )
            }
            next += 20
            let answer = try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(answer.status == 200, "\(answer.text)")
            if pause > .zero { try await Task.sleep(for: pause) }
        }
    }

    /// Ten predictions of class "yes" with ids, and their labels: eight "yes", two "no" (accuracy 0.8), with revenue.
    static func label(_ server: TestServer) async throws {
        let rows = (0..<10).map { predictionJSON(id: "q\($0)", age: 30, city: "x", score: 0.8) }
        #expect(try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        let labels = (0..<10).map { #"{"prediction_id": "q\#($0)", "label": "\#($0 < 8 ? "yes" : "no")", "metrics": {"revenue": \#($0)}}"# }
        #expect(try await server.request("POST", "/v1/models/fraud/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
    }

    @Test(.enabled(if: tool("promtool") != nil || inCI, "promtool is not installed (apt-get install prometheus); .ci/run installs it"))
    func promtoolAcceptsTheExposition() async throws {
        let promtool = try #require(Self.tool("promtool"), "promtool is required in CI")
        let server = try await TestServer.start()
        try await Self.feed(server, rounds: 3)
        try await Self.label(server)
        _ = try await server.request("PUT", "/v1/models/fraud/reference", body: "age,city\n" + (0..<200).map { "\($0 % 50),x" }.joined(separator: "\n"), contentType: "text/csv")
        let names = [
            "ml_prediction_requests_total", "ml_prediction_latency_seconds_bucket", "ml_prediction_errors_total", "ml_prediction_confidence_bucket",
            "ml_prediction_class_total", "ml_feature_value", "ml_feature_drift_score", "ml_dataset_drift_share", "ml_data_quality_ratio",
            "vigil_ingested_events_total", "vigil_ingest_queue_rows", "vigil_flush_lag_seconds", "vigil_store_size_bytes",
            "vigil_build_info", "process_start_time_seconds", "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
            "ml_model_quality", "ml_label_coverage_ratio", "ml_label_delay_seconds_bucket", "ml_business_metric", "vigil_labels_folded_total",
        ]
        func missing(_ text: String) -> [String] { names.filter { !text.contains("\n\($0){") && !text.contains("\n\($0) ") } }
        // The drift and quality gauges appear once the monitor (every 0.2 s) has run with the reference; a
        // parallel test run on two cores can delay it by seconds, so this waits for it rather than a fixed time.
        var exposition = try await server.request("GET", "/metrics")
        for _ in 0..<200 where !missing(exposition.text).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            exposition = try await server.request("GET", "/metrics")
        }
        #expect(exposition.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(missing(exposition.text).isEmpty, "missing \(missing(exposition.text))")
        let file = TestServer.temporaryDirectory() + ".prom"
        try exposition.body.write(to: URL(fileURLWithPath: file))
        let check = try await ChildProcess.run(promtool, ["check", "metrics"], standardInput: file)
        #expect(check.status == 0, "promtool: \(check.output)")
        try await server.stop()
    }

    @Test func labelValuesAreBounded() async throws {
        let server = try await TestServer.start { $0.maxLabelValues = 2 }
        let rows = ["a", "b", "c", "d"].map { #"{"prediction": "\#($0)", "status": "error", "error_type": "e-\#($0)"}"# }
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        let exposition = try await server.request("GET", "/metrics").text
        let classes = exposition.split(separator: "\n").filter { $0.hasPrefix("ml_prediction_class_total{") }
        #expect(classes.count == 3, "two classes and __other__: \(classes)")
        #expect(classes.contains { $0.hasPrefix(#"ml_prediction_class_total{model_name="m",model_version="#) && $0.contains(#"predicted_class="__other__"} 2"#) }, "\(classes)")
        #expect(exposition.contains(#"error_type="__other__"} 2"#))
        try await server.stop()
    }

    @Test(.enabled(if: tool("prometheus") != nil || inCI, "prometheus is not installed (apt-get install prometheus); .ci/run installs it"))
    func prometheusScrapesAndAnswersTheSeedQueries() async throws {
        let binary = try #require(Self.tool("prometheus"), "prometheus is required in CI")
        let server = try await TestServer.start()
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: vigil
                static_configs: [{targets: ['127.0.0.1:\(server.port)']}]
            """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try RealPrometheus.start(binary: binary, config: directory + "/prometheus.yml", directory: directory)
        defer { prometheus.stop() }

        try await Self.feed(server, rounds: 25, pause: .milliseconds(250))
        try await Self.label(server)
        func query(_ promql: String) async throws -> Double? { try await prometheus.value(promql) }
        // Prometheus needs two scrapes with traffic between them before rate() has a value.
        var requestRate: Double?
        for _ in 0..<40 {
            requestRate = try await query("sum(rate(ml_prediction_requests_total[30s])) by (model_name)")
            if let requestRate, requestRate > 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect((requestRate ?? 0) > 0, "Prometheus never saw a request rate")
        let p99 = try #require(try await query("histogram_quantile(0.99, sum(rate(ml_prediction_latency_seconds_bucket[30s])) by (le, model_name))"))
        // Latencies are 10…100 ms, so p99 falls in the (0.05, 0.1] bucket.
        #expect(p99 > 0.05 && p99 <= 0.1, "p99 \(p99)")
        let errorRate = try #require(try await query("sum(rate(ml_prediction_errors_total[30s])) / sum(rate(ml_prediction_requests_total[30s]))"))
        #expect(abs(errorRate - 0.1) < 0.02, "error rate \(errorRate)")
        // Every committed prediction reaches Prometheus once the scrape after the last request has run.
        var total: Double?
        for _ in 0..<20 {
            total = try await query(#"sum(ml_prediction_requests_total{model_name="fraud"})"#)
            if total == 510 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(total == 510)
        // Model quality from the labels reaches Prometheus as the seeds' accuracy rule would read it.
        var accuracy: Double?
        for _ in 0..<40 {
            accuracy = try await query(#"ml_model_quality{model_name="fraud",metric="accuracy",window="7d"}"#)
            if accuracy != nil { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(accuracy == 0.8)
        try await server.stop()
    }
}
