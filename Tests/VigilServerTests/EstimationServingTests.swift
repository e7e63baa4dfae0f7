import Foundation
import Testing
import VigilServer
import VigilStats

/// Performance estimated before labels come, over HTTP: an estimator fitted on a labelled stretch of
/// production traffic, then `/performance` and `/metrics` for traffic with no label yet, each equal to
/// ``CBPE`` on the same rows (which `CBPETests` checks against NannyML).
struct EstimationServingTests {
    /// Scores with two decimals (one value to a bin, so the served estimate is exact), skewed low, and labels
    /// drawn with probability p^1.5: the scores are overconfident, so calibration pays.
    struct Traffic {
        var scores: [Double] = []
        var fraud: [Bool] = []
        init(count: Int, seed: UInt64) {
            var generator = SplitMix64(seed: seed)
            func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
            for _ in 0..<count {
                var p = (uniform() * uniform() * 100).rounded() / 100
                if p == 0.5 { p = 0.51 }
                scores.append(p)
                fraud.append(uniform() < pow(p, 1.5))
            }
        }
        func predictions(prefix: String, at seconds: Double) -> String {
            scores.enumerated().map { index, p in
                #"{"id": "\#(prefix)\#(index)", "timestamp": \#(seconds), "version": "v1", "prediction": {"fraud": \#(p), "legit": \#((1 - p) * 100 / 100)}}"#
            }.joined(separator: "\n")
        }
    }

    @Test func anEstimatorFittedOnLabelledTrafficEstimatesTheUnlabelledWindow() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        func iso(_ seconds: Double) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)) }
        let reference = Traffic(count: 3000, seed: 1)
        let current = Traffic(count: 1500, seed: 2)
        for (body, path) in [
            (reference.predictions(prefix: "r", at: now - 3 * 3600), "predictions"),
            (reference.fraud.enumerated().map { #"{"prediction_id": "r\#($0)", "label": "\#($1 ? "fraud" : "legit")"}"# }.joined(separator: "\n"), "labels"),
            (current.predictions(prefix: "c", at: now - 600), "predictions"),
        ] {
            let answer = try await server.request("POST", "/v1/models/cards/\(path)", body: body, contentType: "application/x-ndjson")
            #expect(answer.status == 200, "\(path): \(answer.text)")
        }

        // Too short a range: no labelled prediction in it, and the answer says so.
        let empty = try await server.request("PUT", "/v1/models/cards/estimator?from=\(iso(now - 7200))&to=\(iso(now - 3600))")
        #expect(empty.status == 422 && empty.text.contains("0 labelled predictions"), "\(empty.text)")
        let fitted = try await server.request("PUT", "/v1/models/cards/estimator?from=\(iso(now - 4 * 3600))&to=\(iso(now - 3600))&positive_class=fraud")
        #expect(fitted.status == 200, "\(fitted.text)")
        let entry = try #require((value(try fitted.json(), "estimators") as? [[String: Any]])?.first)
        #expect(entry["referenceRows"] as? Int == 3000 && entry["positiveClass"] as? String == "fraud")
        #expect(entry["calibrated"] as? [String] == ["fraud"])
        let listed = try await server.request("GET", "/v1/models/cards/estimator").json()
        #expect((value(listed, "estimators") as? [[String: Any]])?.first?["version"] as? String == "v1")

        let cbpe = try CBPE(
            negativeClass: "legit", positiveClass: "fraud", scores: reference.scores, predicted: reference.scores.map { $0 > 0.5 }, actual: reference.fraud
        )
        let expected = cbpe.estimate(binaryScores: current.scores, predicted: current.scores.map { $0 > 0.5 })
        let performance = try await server.request("GET", "/v1/models/cards/performance?window=1h&version=v1").json()
        let estimated = try #require(value(performance, "overall", "estimated") as? [String: Any])
        #expect(estimated["predictions"] as? Int == 1500)
        #expect(number(estimated, "calibrationSpread").map { $0 >= 0 } == true)
        let figures = try #require(estimated["metrics"] as? [[String: Any]])
        #expect(figures.count == CBPE.Metric.allCases.count)
        for metric in CBPE.Metric.allCases {
            let served = figures.first { $0["name"] as? String == metric.rawValue }
            let want = try #require(expected.values[metric])
            #expect(abs((number(served, "value") ?? .nan) - want.value) < 1e-9, "\(metric.rawValue): \(String(describing: served)) vs \(want.value)")
            #expect(abs((number(served, "samplingError") ?? .nan) - want.samplingError) < 1e-12)
        }
        // Realized quality has no label in this window; the estimate stands alone.
        #expect(value(performance, "overall", "labelled") as? Int == 0)

        let accuracy = try #require(expected.values[.accuracy]?.value)
        var text = ""
        for _ in 0..<100 {
            text = try await server.request("GET", "/metrics").text
            if text.contains(#"ml_model_quality_estimated{model_name="cards",model_version="v1",window="1h",metric="accuracy"}"#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let line = text.split(separator: "\n").first { $0.hasPrefix(#"ml_model_quality_estimated{model_name="cards",model_version="v1",window="1h",metric="accuracy"}"#) }
        let gauge = try #require(line.flatMap { Double($0.split(separator: " ").last ?? "") }, "no estimated accuracy gauge")
        #expect(abs(gauge - accuracy) < 1e-9)
        try await server.stop()
    }

    @Test func anEstimatorNeedsLabelledPredictionsWithScores() async throws {
        let server = try await TestServer.start()
        let rows = (0..<150).map { #"{"id": "l\#($0)", "prediction": "yes"}"# }.joined(separator: "\n")
        _ = try await server.request("POST", "/v1/models/plain/predictions", body: rows, contentType: "application/x-ndjson")
        let labels = (0..<150).map { #"{"prediction_id": "l\#($0)", "label": "yes"}"# }.joined(separator: "\n")
        _ = try await server.request("POST", "/v1/models/plain/labels", body: labels, contentType: "application/x-ndjson")
        let answer = try await server.request("PUT", "/v1/models/plain/estimator?from=2020-01-01T00:00:00Z")
        #expect(answer.status == 422 && answer.text.contains("0 labelled predictions with scores"), "\(answer.text)")
        #expect(try await server.request("PUT", "/v1/models/plain/estimator").text.contains("from"))
        #expect(try await server.request("PUT", "/v1/models/nobody/estimator?from=2020-01-01T00:00:00Z").status == 404)
        try await server.stop()
    }
}
