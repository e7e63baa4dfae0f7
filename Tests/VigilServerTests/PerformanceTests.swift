import Foundation
import Testing
import VigilServer

/// Model quality over HTTP: predictions and labels sent as a client sends them (labels before their
/// prediction, wrong labels corrected, labels never sent), read back from `/performance` and checked
/// against scikit-learn and statsmodels (`scripts/generate_quality_fixtures.py`).
struct PerformanceTests {
    /// The fixture shared with VigilCoreTests, read from its folder.
    static var fixture: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VigilCoreTests/Fixtures/quality-expected.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func ndjson(_ objects: [[String: Any]]) -> String {
        objects.map { object in
            var object = object
            object.removeValue(forKey: "order")
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n")
    }

    /// Sends one fixture model: its early labels, its predictions, then the other labels in the order sent.
    static func send(_ name: String, to server: TestServer) async throws {
        let entry = fixture[name] as! [String: Any]
        let labels = entry["labels"] as! [[String: Any]]
        let early = labels.filter { $0["order"] as? String == "early" }
        for (body, path) in [
            (ndjson(early), "labels"), (ndjson(entry["predictions"] as! [[String: Any]]), "predictions"),
            (ndjson(labels.filter { $0["order"] as? String != "early" }), "labels"),
        ] {
            let answer = try await server.request("POST", "/v1/models/\(name)/\(path)", body: body, contentType: "application/x-ndjson")
            #expect(answer.status == 200, "\(path): \(answer.text)")
        }
    }

    static func performance(_ server: TestServer, _ model: String) async throws -> [String: Any] {
        let window = fixture["window"] as! [String: NSNumber]
        func time(_ key: String) -> String {
            ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: window[key]!.doubleValue / 1000))
        }
        let answer = try await server.request("GET", "/v1/models/\(model)/performance?from=\(time("from"))&to=\(time("to"))")
        guard answer.status == 200 else { throw TestFailure("performance answered \(answer.status): \(answer.text)") }
        return try answer.json()
    }

    static func figure(_ document: [String: Any], _ name: String, average: String? = nil) -> [String: Any]? {
        (value(document, "overall", "metrics") as? [[String: Any]])?.first {
            $0["name"] as? String == name && $0["class"] == nil && $0["average"] as? String == average
        }
    }

    static func expected(_ model: String, _ key: String) -> Double {
        ((fixture[model] as! [String: Any])["expected"] as! [String: Any])[key].flatMap { ($0 as? NSNumber)?.doubleValue }!
    }

    static func close(_ actual: Double?, _ expected: Double, relative: Double) -> Bool {
        guard let actual else { return false }
        return actual == expected || abs(actual - expected) <= relative * abs(expected)
    }

    /// The fixture's events are from 2025-12-01: retention must not delete them under the test.
    static func keepEverything(_ configuration: inout ServerConfiguration) {
        configuration.eventRetentionSeconds = nil
        configuration.bucketRetentionSeconds = nil
    }

    @Test func performanceMatchesScikitLearnOverHTTP() async throws {
        let server = try await TestServer.start(configure: Self.keepEverything)
        for name in ["binary", "multiclass", "regression"] { try await Self.send(name, to: server) }

        let binary = try await Self.performance(server, "binary")
        #expect(value(binary, "schema") as? String == "vigil.performance.v1")
        #expect(value(binary, "overall", "task") as? String == "classification")
        #expect(value(binary, "overall", "positiveClass") as? String == "fraud")
        let labelled = (Self.fixture["binary"] as! [String: Any])["labelled"] as! Int
        #expect(value(binary, "overall", "labelled") as? Int == labelled)
        #expect(value(binary, "overall", "predictions") as? Int == 800)
        #expect(Self.close(number(binary, "overall", "coverage"), Double(labelled) / 800, relative: 1e-12))
        #expect(value(binary, "overall", "maturing") as? Bool == false)
        for name in ["accuracy", "tpr", "fpr", "log_loss", "brier", "ece"] {
            #expect(Self.close(number(Self.figure(binary, name), "value"), Self.expected("binary", name), relative: 1e-9), "\(name)")
        }
        #expect(Self.close(number(Self.figure(binary, "f1", average: "macro"), "value"), Self.expected("binary", "f1_macro"), relative: 1e-9))
        #expect(Self.close(number(Self.figure(binary, "roc_auc"), "value"), Self.expected("binary", "roc_auc"), relative: 1e-3))
        let interval = value(Self.figure(binary, "accuracy"), "interval") as? [String: Any]
        #expect(interval?["method"] as? String == "wilson")
        #expect(value(binary, "labels", "received") as? Int == labelled && value(binary, "labels", "unmatched") as? Int == 0)
        #expect((value(binary, "versions") as? [[String: Any]])?.map { $0["version"] as? String } == ["v1"])

        let multiclass = try await Self.performance(server, "multiclass")
        #expect(Self.close(number(Self.figure(multiclass, "accuracy"), "value"), Self.expected("multiclass", "accuracy"), relative: 1e-9))
        #expect(Self.close(number(Self.figure(multiclass, "f1", average: "weighted"), "value"), Self.expected("multiclass", "f1_weighted"), relative: 1e-9))

        let regression = try await Self.performance(server, "regression")
        #expect(value(regression, "overall", "task") as? String == "regression")
        for name in ["mean_error", "mae", "rmse", "mape", "r2", "max_error"] {
            #expect(Self.close(number(Self.figure(regression, name), "value"), Self.expected("regression", name), relative: 1e-9), "\(name)")
        }

        // After a restart the stored quality buckets answer the same.
        try await server.stop()
        let restarted = try await TestServer.start(directory: server.directory, configure: Self.keepEverything)
        let again = try await Self.performance(restarted, "regression")
        #expect(NSDictionary(dictionary: again) == NSDictionary(dictionary: regression))
        try await restarted.stop()
    }

    @Test func labelsLaterThanTheLatenessAreStoredButNotCounted() async throws {
        let server = try await TestServer.start { $0.labelLatenessSeconds = 3600 }
        let now = Date().timeIntervalSince1970
        let predictions = [
            #"{"id": "old", "timestamp": \#(now - 7200), "prediction": "yes"}"#, #"{"id": "new", "timestamp": \#(now - 60), "prediction": "yes"}"#,
        ]
        _ = try await server.request("POST", "/v1/models/m/predictions", body: predictions.joined(separator: "\n"), contentType: "application/x-ndjson")
        let answer = try await server.request("POST", "/v1/models/m/labels", body: #"[{"prediction_id": "old", "label": "yes"}, {"prediction_id": "new", "label": "no"}]"#)
        #expect(answer.status == 200)
        #expect(value(try answer.json(), "late") as? [String] == ["old"])
        let performance = try await server.request("GET", "/v1/models/m/performance?window=3h")
        let document = try performance.json()
        #expect(value(document, "labels", "late") as? Int == 1)
        #expect(value(document, "overall", "labelled") as? Int == 1)
        #expect(number(Self.figure(document, "accuracy"), "value") == 0)
        try await server.stop()
    }

    @Test func qualityOfOneSegmentAndByEverySegmentValue() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        // web: 4 predictions, all right; app: 6 predictions, 3 labelled, 1 right.
        let rows = (0..<10).map { index in
            #"{"id": "s\#(index)", "timestamp": \#(now - 60), "prediction": "yes", "segment": {"channel": "\#(index < 4 ? "web" : "app")"}}"#
        }
        _ = try await server.request("POST", "/v1/models/m/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
        let labels = [(0, "yes"), (1, "yes"), (2, "yes"), (3, "yes"), (4, "yes"), (5, "no"), (6, "no")].map { #"{"prediction_id": "s\#($0.0)", "label": "\#($0.1)"}"# }
        _ = try await server.request("POST", "/v1/models/m/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson")
        let app = try await server.request("GET", "/v1/models/m/performance?window=1h&segment=channel:app").json()
        #expect(value(app, "segment", "value") as? String == "app")
        #expect(value(app, "overall", "labelled") as? Int == 3 && value(app, "overall", "predictions") as? Int == 6)
        #expect(number(Self.figure(app, "accuracy"), "value") == 1.0 / 3)
        let by = try await server.request("GET", "/v1/models/m/performance?window=1h&by=channel").json()
        let segments = try #require(value(by, "segments") as? [[String: Any]])
        #expect(segments.map { $0["value"] as? String } == ["app", "web"])
        #expect(value(segments[1], "quality", "coverage") as? Double == 1)
        let bad = try await server.request("GET", "/v1/models/m/performance?segment=channel")
        #expect(bad.status == 400 && bad.text.contains("tag:value"))
        try await server.stop()
    }

    @Test func schemaVersionsBreakTrafficAndQualityDown() async throws {
        let server = try await TestServer.start()
        let rows = (0..<6).map { #"{"id": "r\#($0)", "prediction": "yes", "schema_version": "\#($0 < 2 ? "2026-10" : "2026-11")"}"# }
        let sent = try await server.request("POST", "/v1/models/m/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(sent.status == 200, "\(sent.text)")
        _ = try await server.request("POST", "/v1/models/m/labels", body: #"[{"prediction_id": "r0", "label": "no"}, {"prediction_id": "r5", "label": "yes"}]"#)
        let summary = try await server.summary("m")
        let values = try #require(value(summary, "segments", "values") as? [[String: Any]])
        #expect(values.first { $0["tag"] as? String == "schema_version" && $0["value"] as? String == "2026-11" }?["requests"] as? Int == 4, "\(values)")
        let by = try await server.request("GET", "/v1/models/m/performance?window=1h&by=schema_version").json()
        let segments = try #require(value(by, "segments") as? [[String: Any]])
        #expect(segments.map { number(Self.figure(["overall": $0["quality"] as Any], "accuracy"), "value") } == [0, 1])
        let bad = try await server.request("POST", "/v1/models/m/predictions", body: #"{"schema_version": 3}"#)
        #expect(bad.status == 422 && bad.text.contains("schema_version"))
        let stored = try await server.request("GET", "/v1/models/m/predictions/r0").json()
        #expect(value(stored, "prediction", "schema_version") as? String == "2026-10")
        try await server.stop()
    }

    /// Time moved by hand: a window is maturing until its p95 label delay has passed, with no sleep.
    @Test func aWindowMaturesAsTheClockPassesItsLabelDelay() async throws {
        let start: Int64 = 1_800_000_000_000
        let time = ManualClock(milliseconds: start)
        let server = try await TestServer.start(clock: time.clock)
        // Predictions stamped by the server at `start`; labels 10 minutes later (p95 delay: the 15-minute bin).
        let rows = (0..<10).map { #"{"id": "t\#($0)", "prediction": "yes"}"# }
        _ = try await server.request("POST", "/v1/models/m/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
        let labels = (0..<10).map { #"{"prediction_id": "t\#($0)", "label": "yes", "timestamp": \#(Double(start + 600_000) / 1000)}"# }
        _ = try await server.request("POST", "/v1/models/m/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson")
        time.advance(by: .seconds(60))
        func formatted(_ milliseconds: Int64) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000)) }
        let path = "/v1/models/m/performance?from=\(formatted(start - 3_600_000))&to=\(formatted(start + 60_000))"
        let early = try await server.request("GET", path).json()
        #expect(value(early, "overall", "maturing") as? Bool == true)
        #expect(number(early, "overall", "labelDelayP95Seconds") == 900)
        time.advance(by: .seconds(14 * 60))
        #expect(value(try await server.request("GET", path).json(), "overall", "maturing") as? Bool == true)
        time.advance(by: .seconds(61))
        #expect(value(try await server.request("GET", path).json(), "overall", "maturing") as? Bool == false)
        try await server.stop()
    }

    /// The 7-day quality gauges are recomputed every `quality_window_interval_seconds`, not every cycle.
    @Test func theLongQualityWindowIsRecomputedOnItsOwnInterval() async throws {
        let time = ManualClock(milliseconds: 1_800_000_000_000)
        let server = try await TestServer.start(clock: time.clock) { $0.qualityWindowIntervalSeconds = 300 }
        func gauge(_ window: String, _ value: String) -> String {
            #"ml_model_quality{model_name="m",model_version="default",window="\#(window)",metric="accuracy"} \#(value)"#
        }
        func waitFor(_ lines: String...) async throws -> String {
            var text = ""
            for _ in 0..<100 {
                text = try await server.request("GET", "/metrics").text
                if lines.allSatisfy(text.contains) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            return text
        }
        _ = try await server.request("POST", "/v1/models/m/predictions", body: #"{"id": "w0", "prediction": "yes"}"#)
        _ = try await server.request("POST", "/v1/models/m/labels", body: #"{"prediction_id": "w0", "label": "yes"}"#)
        time.advance(by: .seconds(301))
        var text = try await waitFor(gauge("1h", "1.0"), gauge("7d", "1.0"))
        #expect(text.contains(gauge("7d", "1.0")))
        // A correction: the monitoring window follows at once, the 7-day one at its next interval.
        _ = try await server.request("POST", "/v1/models/m/labels", body: #"{"prediction_id": "w0", "label": "no"}"#)
        text = try await waitFor(gauge("1h", "0.0"))
        #expect(text.contains(gauge("1h", "0.0")) && text.contains(gauge("7d", "1.0")))
        time.advance(by: .seconds(301))
        text = try await waitFor(gauge("7d", "0.0"))
        #expect(text.contains(gauge("7d", "0.0")))
        try await server.stop()
    }

    @Test func metricsExposeModelQualityAndLabelCoverage() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        let predictions = (0..<10).map {
            #"{"id": "p\#($0)", "timestamp": \#(now - 30), "version": "v2", "prediction": {"spam": 0.\#($0), "ham": \#(1 - Double($0) / 10)}, "metrics": {"clicks": \#($0)}}"#
        }
        _ = try await server.request("POST", "/v1/models/mail/predictions", body: predictions.joined(separator: "\n"), contentType: "application/x-ndjson")
        // Revenue known with the label; p0's is first sent wrong and corrected.
        var labels = (0..<8).map { #"{"prediction_id": "p\#($0)", "label": "\#($0 < 4 ? "ham" : "spam")", "metrics": {"revenue": \#(Double($0) * 2)}}"# }
        labels.insert(#"{"prediction_id": "p0", "label": "ham", "metrics": {"revenue": 1000}}"#, at: 0)
        _ = try await server.request("POST", "/v1/models/mail/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson")
        let performance = try await server.request("GET", "/v1/models/mail/performance?window=1h").json()
        let business = try #require(value(performance, "overall", "businessMetrics") as? [[String: Any]])
        let revenue = try #require(business.first { $0["name"] as? String == "revenue" })
        #expect(revenue["source"] as? String == "label" && revenue["count"] as? Int == 8 && number(revenue, "sum") == 56 && number(revenue, "mean") == 7)
        // Sample standard deviation of 0, 2, …, 14 is √24: the interval is 7 ± 1.96·√24/√8.
        let half = 1.959963984540054 * 24.0.squareRoot() / 8.0.squareRoot()
        #expect(abs((number(revenue, "interval", "upper") ?? 0) - (7 + half)) < 1e-9)
        let clicks = try #require(business.first { $0["name"] as? String == "clicks" })
        #expect(clicks["source"] as? String == "prediction" && clicks["count"] as? Int == 10 && number(clicks, "mean") == 4.5)
        // 8 of 10 labelled; p0…p3 (ham) and p6…p7 (spam) right, p4 scored spam 0.4 wrong, p5 a tie (ham) wrong.
        let expected = [
            #"ml_label_coverage_ratio{model_name="mail",model_version="v2",window="1h"} 0.8"#,
            #"ml_model_quality{model_name="mail",model_version="v2",window="1h",metric="accuracy"} 0.75"#,
            #"ml_model_quality{model_name="mail",model_version="v2",window="7d",metric="accuracy"} 0.75"#,
            // Predictions made 30 s before their labels, by the wall clock: under a loaded test run the labels
            // have come more than a minute later, so the bound is the next bucket's (300 s).
            #"ml_label_delay_seconds_bucket{model_name="mail",le="15.0"} 0"#,
            #"ml_label_delay_seconds_bucket{model_name="mail",le="300.0"} 8"#,
            #"ml_business_metric{model_name="mail",model_version="v2",window="1h",metric="revenue",source="label",statistic="mean"} 7.0"#,
        ]
        // A monitor cycle that began before the labels committed shows none, and one under way may have set
        // some gauges and not yet the others: wait for a scrape that has them all.
        var text = ""
        for _ in 0..<100 {
            text = try await server.request("GET", "/metrics").text
            if expected.allSatisfy(text.contains) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for line in expected { #expect(text.contains(line), "missing \(line)") }
        try await server.stop()
    }
}
