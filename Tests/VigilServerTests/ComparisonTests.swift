import Foundation
import Testing
import VigilAlerting
import VigilCore
import VigilServer

/// `GET /v1/models/{model}/compare` on a server fed over HTTP: three versions of one classifier, their labels
/// sent right after the predictions, compared every way the verdict can go.
struct ComparisonTests {
    /// 3,000 predictions of `version`, right with probability `accuracy`, latency in [base, base + 2) ms; each
    /// labelled. Deterministic: the k-th prediction is right when (k·0.618…) mod 1 < accuracy.
    static func send(_ server: TestServer, version: String, accuracy: Double, latency: Double, count: Int = 3_000) async throws {
        var predictions: [String] = []
        var labels: [String] = []
        let now = Date().timeIntervalSince1970
        for k in 0..<count {
            let id = "\(version)-\(k)"
            let right = (Double(k) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) < accuracy
            let predicted = k % 2 == 0 ? "yes" : "no"
            let actual = right ? predicted : (predicted == "yes" ? "no" : "yes")
            let jitter = (Double(k) * 0.754_877_666).truncatingRemainder(dividingBy: 1) * 2
            predictions.append(
                #"{"id":"\#(id)","version":"\#(version)","timestamp":\#(now - 600 + Double(k) * 0.1),"prediction":"\#(predicted)","latency_ms":\#(latency + jitter)}"#
            )
            // Labels come five seconds after their prediction, so the whole window has matured.
            labels.append(#"{"prediction_id":"\#(id)","label":"\#(actual)","timestamp":\#(now - 595 + Double(k) * 0.1)}"#)
        }
        for (path, rows) in [("predictions", predictions), ("labels", labels)] {
            let answer = try await server.request(
                "POST",
                "/v1/models/churn/\(path)",
                body: rows.joined(separator: "\n"),
                contentType: "application/x-ndjson"
            )
            #expect(answer.status == 200, "\(path): \(answer.text)")
        }
    }

    static func compare(_ server: TestServer, _ query: String) async throws -> [String: Any] {
        let answer = try await server.request("GET", "/v1/models/churn/compare?\(query)")
        guard answer.status == 200 else { throw TestFailure("compare answered \(answer.status): \(answer.text)") }
        return try answer.json()
    }

    static func metric(_ document: [String: Any], _ name: String) -> [String: Any]? {
        (document["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == name }
    }

    @Test func theVerdictFollowsAccuracyAndTheLatencyGuardrail() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        try await Self.send(server, version: "v1", accuracy: 0.80, latency: 10)
        try await Self.send(server, version: "v2", accuracy: 0.90, latency: 10)
        try await Self.send(server, version: "v3", accuracy: 0.90, latency: 15)

        let better = try await Self.compare(server, "baseline=v1&candidate=v2&window=1h")
        #expect(better["schema"] as? String == "vigil.compare.v1")
        #expect(better["verdict"] as? String == "promote", "\(better["reasons"] ?? "")")
        #expect(better["mode"] as? String == "sequential")
        let accuracy = try #require(Self.metric(better, "accuracy"))
        #expect(number(accuracy, "baseline", "value").map { abs($0 - 0.8) < 0.01 } == true)
        #expect(number(accuracy, "candidate", "n") == 3_000)
        #expect(accuracy["outcome"] as? String == "better")
        #expect(number(accuracy, "estimate").map { abs($0 - 0.1) < 0.01 } == true)
        #expect(Self.metric(better, "latency_p99")?["outcome"] as? String == "clear")
        #expect(Self.metric(better, "error_rate")?["outcome"] as? String == "clear")
        #expect((better["guards"] as? [[String: Any]])?.first?["name"] as? String == "label_coverage")

        let slower = try await Self.compare(server, "baseline=v1&candidate=v3&window=1h")
        #expect(slower["verdict"] as? String == "reject")
        #expect(Self.metric(slower, "latency_p99")?["outcome"] as? String == "broken")
        #expect(Self.metric(slower, "accuracy")?["outcome"] as? String == "better")

        let worse = try await Self.compare(server, "baseline=v2&candidate=v1&window=1h&mode=fixed")
        #expect(worse["verdict"] as? String == "reject")
        #expect(Self.metric(worse, "accuracy")?["outcome"] as? String == "worse")

        // Equal traffic against a declared 90/10 split: the mismatch withholds the verdict.
        let mismatched = try await Self.compare(server, "baseline=v1&candidate=v2&window=1h&split=90,10")
        #expect(mismatched["verdict"] as? String == "hold")
        #expect((mismatched["reasons"] as? [String])?.first?.hasPrefix("traffic split mismatch") == true)
    }

    @Test func badParametersAreNamedWithStableProblemTypes() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        try await Self.send(server, version: "v1", accuracy: 0.8, latency: 10, count: 50)
        try await Self.send(server, version: "v2", accuracy: 0.8, latency: 10, count: 50)
        for (query, type, words) in [
            ("baseline=v1&candidate=v2&metrics=acuracy", "unknown-metric", "acuracy\\\" is not a metric"),
            ("baseline=v1&candidate=v2&guardrails=latency_p99:-1", "bad-tolerance", "tolerance"),
            ("baseline=v1&candidate=v2&mode=bayes", "bad-mode", "bayes"),
            ("baseline=v1&candidate=v2&split=90", "bad-split", "two positive shares"),
            ("baseline=v1", "invalid-parameter", "candidate"),
        ] {
            let answer = try await server.request("GET", "/v1/models/churn/compare?\(query)")
            #expect(answer.status == 400, "\(query)")
            #expect(answer.text.contains("urn:vigil:problem:\(type)") && answer.text.contains(words), "\(query): \(answer.text)")
        }
        let unknown = try await server.request("GET", "/v1/models/churn/compare?baseline=v1&candidate=v9")
        #expect(unknown.status == 404 && unknown.text.contains("v9"))
        // Fifty labelled predictions each: nothing significant yet, and the p99 needs more requests.
        let early = try await Self.compare(server, "baseline=v1&candidate=v2&window=1h")
        #expect(early["verdict"] as? String == "hold")
        #expect(Self.metric(early, "latency_p99")?["unavailable"] as? String == "too_few_units")
    }

    /// The server compares on its own: the busiest version is the champion, a rule on `comparison_verdict`
    /// fires for the version it rejects, and `/metrics` carries the verdicts and differences.
    @Test func aRejectedChallengerFiresARuleAndIsPublished() async throws {
        let server = try await TestServer.start { configuration in
            configuration.qualityWindowIntervalSeconds = 2
            configuration.alerting.evaluationInterval = 1000
            configuration.alerting.rules = [
                AlertRule(
                    name: "ChallengerRejected",
                    metric: .comparisonVerdict,
                    window: 3_600_000,
                    direction: .below,
                    threshold: -0.5,
                    severity: .warning
                )
            ]
        }
        defer { Task { try? await server.stop() } }
        try await Self.send(server, version: "v1", accuracy: 0.80, latency: 10, count: 4_000)
        try await Self.send(server, version: "v2", accuracy: 0.90, latency: 10)
        try await Self.send(server, version: "v3", accuracy: 0.90, latency: 15)
        var alerts: [[String: Any]] = []
        let fired = try await AlertingTests.eventually(90) {
            alerts = (try await server.request("GET", "/v1/alerts").json()["alerts"] as? [[String: Any]]) ?? []
            return alerts.contains { value($0, "labels", "alertname") as? String == "ChallengerRejected" && $0["state"] as? String == "firing" }
        }
        #expect(fired, "\(alerts)")
        let firing = alerts.filter { value($0, "labels", "alertname") as? String == "ChallengerRejected" }
        #expect(firing.map { value($0, "labels", "model_version") as? String } == ["v3"], "only the slower challenger is rejected: \(firing)")
        #expect(firing.first.flatMap { value($0, "labels", "baseline") as? String } == "v1")

        var exposition = ""
        let published = try await AlertingTests.eventually(90) {
            exposition = try await server.request("GET", "/metrics").text
            return exposition.contains(#"ml_version_comparison_verdict{model_name="churn",model_version="v3",baseline="v1"} -1"#)
        }
        #expect(published)
        #expect(
            exposition.contains(#"ml_version_comparison_verdict{model_name="churn",model_version="v2",baseline="v1"} 1"#),
            "\(exposition.split(separator: "\n").filter { $0.contains("comparison") })"
        )
        #expect(exposition.contains(#"ml_version_comparison_verdict{model_name="churn",model_version="v3",baseline="v1"} -1"#))
        #expect(
            exposition.contains(
                #"ml_version_comparison_difference{model_name="churn",model_version="v2",baseline="v1",metric="accuracy",bound="lower"}"#
            )
        )
    }

    /// Shadow traffic: both versions score the same 2,000 requests and send the same `request_id`; v1 alone is
    /// right on 10, v2 alone on 50 (+2 pt). Every v1 prediction is labelled, only every other v2 prediction, so
    /// unpaired the label coverage differs and holds the verdict.
    static func sendShadow(_ server: TestServer) async throws {
        var predictions: [String] = []
        var labels: [String] = []
        let now = Date().timeIntervalSince1970
        for k in 0..<2_000 {
            let actual = k % 2 == 0 ? "yes" : "no"
            let time = now - 900 + Double(k) * 0.1
            let right = ["v1": !(10..<400).contains(k), "v2": !(0..<10).contains(k) && !(60..<400).contains(k)]
            for version in ["v1", "v2"] {
                let predicted = right[version]! ? actual : (actual == "yes" ? "no" : "yes")
                predictions.append(
                    #"{"id":"\#(version)-\#(k)","request_id":"req-\#(k)","version":"\#(version)","timestamp":\#(time),"prediction":"\#(predicted)","latency_ms":\#(10 + Double(k % 3))}"#
                )
                if version == "v1" || k % 2 == 0 {
                    labels.append(#"{"prediction_id":"\#(version)-\#(k)","label":"\#(actual)","timestamp":\#(time + 3)}"#)
                }
            }
        }
        for (path, rows) in [("predictions", predictions), ("labels", labels)] {
            let answer = try await server.request("POST", "/v1/models/churn/\(path)", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(answer.status == 200, "\(path): \(answer.text)")
        }
    }

    /// `paired=true` pairs the versions' predictions by request id: each request's one label judges both, and
    /// McNemar's test on the 10 against 50 discordant requests promotes v2, where the unpaired comparison holds.
    /// A configured pair with `paired` publishes the same verdict.
    @Test func shadowTrafficIsPairedByRequestId() async throws {
        let fixed = try ComparisonPlan(metrics: nil, guardrails: nil, mode: "fixed", tuning: nil, alpha: nil, correction: nil, split: nil)
        let server = try await TestServer.start { configuration in
            configuration.qualityWindowIntervalSeconds = 2
            configuration.comparisons.windowSeconds = 3_600
            configuration.comparisons.pairs = [
                .init(
                    model: "churn",
                    baseline: "v1",
                    candidate: "v2",
                    plan: fixed,
                    paired: true
                )
            ]
        }
        defer { Task { try? await server.stop() } }
        try await Self.sendShadow(server)

        let unpaired = try await Self.compare(server, "baseline=v1&candidate=v2&window=1h&mode=fixed")
        #expect(unpaired["verdict"] as? String == "hold")
        #expect((unpaired["guards"] as? [[String: Any]])?.first { $0["name"] as? String == "label_coverage" }?["failed"] as? Bool == true)

        let paired = try await Self.compare(server, "baseline=v1&candidate=v2&window=1h&mode=fixed&paired=true")
        #expect(paired["verdict"] as? String == "promote", "\(paired["reasons"] ?? "")")
        #expect(paired["pairedBy"] as? String == "request_id")
        let accuracy = try #require(Self.metric(paired, "accuracy"))
        #expect((accuracy["paired"] as? [String: Any])?["pairs"] as? Int == 2_000)
        // scipy.stats.binomtest(10, 60, 0.5).pvalue
        #expect((accuracy["pValue"] as? Double).map { abs($0 / 1.6163814566157175e-07 - 1) < 1e-9 } == true, "\(accuracy)")
        #expect(((accuracy["baseline"] as? [String: Any])?["value"] as? Double).map { abs($0 - 0.805) < 1e-12 } == true, "\(accuracy)")

        let bad = try await server.request("GET", "/v1/models/churn/compare?baseline=v1&candidate=v2&paired=yes")
        #expect(bad.status == 400 && bad.text.contains("paired"), "\(bad.text)")
        let empty = try await server.request("GET", "/v1/models/churn/compare?baseline=v1&candidate=v2&window=1m&paired=true")
        #expect(empty.status == 422 && empty.text.contains("urn:vigil:problem:nothing-paired"), "\(empty.text)")

        var exposition = ""
        let published = try await AlertingTests.eventually(60) {
            exposition = try await server.request("GET", "/metrics").text
            return exposition.contains(#"ml_version_comparison_verdict{model_name="churn",model_version="v2",baseline="v1"} 1"#)
        }
        #expect(published, "\(exposition.split(separator: "\n").filter { $0.contains("comparison") })")
    }
}
