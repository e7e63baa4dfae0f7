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
        // A series carries the estimate of each point's trailing span: the spans that hold the current traffic (the
        // last point's trails 30 minutes before now, so it may overlap the one before) estimate all of it, the
        // others have none.
        let series = try await server.request("GET", "/v1/models/cards/performance?window=1h&version=v1&granularity=30m").json()
        let points = try #require(value(series, "series", "points") as? [[String: Any]])
        let estimates = points.map { $0["estimated"] as? [String: Any] }
        let holding = estimates.compactMap { $0 }.filter { $0["unavailable"] == nil }
        #expect(!holding.isEmpty && holding.allSatisfy { $0["predictions"] as? Int == 1500 }, "\(points)")
        for point in holding {
            let spanAccuracy = (point["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "accuracy" }
            #expect(abs((number(spanAccuracy, "value") ?? .nan) - (expected.values[.accuracy]?.value ?? 0)) < 1e-9)
        }
        #expect(estimates.count >= 2 && estimates.allSatisfy { $0 != nil }, "every point of one version's series says what it estimated: \(points)")
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

    @Test func anEstimatorFittedOnAnUploadedReferenceEstimatesAsOneFittedOnTraffic() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        let reference = Traffic(count: 3000, seed: 1)
        let current = Traffic(count: 1500, seed: 2)
        let posted = try await server.request(
            "POST", "/v1/models/cards/predictions", body: current.predictions(prefix: "c", at: now - 600), contentType: "application/x-ndjson"
        )
        #expect(posted.status == 200, "\(posted.text)")
        // The model's validation set as a data scientist keeps it: the label and the positive class's probability.
        let csv = "is_fraud,p_fraud\n" + zip(reference.fraud, reference.scores).map { "\($0 ? "fraud" : "legit"),\($1)" }.joined(separator: "\n")

        let missing = try await server.request("PUT", "/v1/models/cards/estimator?version=v1&scores=p_fraud", body: csv, contentType: "text/csv")
        #expect(missing.status == 400 && missing.text.contains("target"), "\(missing.text)")
        let wrong = try await server.request("PUT", "/v1/models/cards/estimator?version=v1&target=label&scores=p_fraud", body: csv, contentType: "text/csv")
        #expect(wrong.status == 422 && wrong.text.contains("label") && !wrong.text.contains("vigil-upload-"), "\(wrong.text)")
        let both = try await server.request("PUT", "/v1/models/cards/estimator?version=v1&from=2020-01-01T00:00:00Z", body: csv, contentType: "text/csv")
        #expect(both.status == 400 && both.text.contains("not both"), "\(both.text)")

        let fitted = try await server.request(
            "PUT", "/v1/models/cards/estimator?version=v1&target=is_fraud&scores=p_fraud&positive_class=fraud&source=validation.csv", body: csv,
            contentType: "text/csv"
        )
        #expect(fitted.status == 200, "\(fitted.text)")
        let entry = try #require((value(try fitted.json(), "estimators") as? [[String: Any]])?.first)
        #expect(entry["referenceRows"] as? Int == 3000 && entry["positiveClass"] as? String == "fraud" && entry["calibrated"] as? [String] == ["fraud"])
        #expect((entry["source"] as? String)?.hasPrefix("uploaded validation.csv") == true, "\(entry)")

        // The same rows as the traffic-fitted test: the served estimate is CBPE fitted on them, exactly.
        let cbpe = try CBPE(
            negativeClass: "legit", positiveClass: "fraud", scores: reference.scores, predicted: reference.scores.map { $0 >= 0.5 }, actual: reference.fraud
        )
        let expected = cbpe.estimate(binaryScores: current.scores, predicted: current.scores.map { $0 > 0.5 })
        let performance = try await server.request("GET", "/v1/models/cards/performance?window=1h&version=v1").json()
        let figures = try #require(value(performance, "overall", "estimated", "metrics") as? [[String: Any]], "\(performance)")
        for metric in CBPE.Metric.allCases {
            let served = figures.first { $0["name"] as? String == metric.rawValue }
            let want = try #require(expected.values[metric])
            #expect(abs((number(served, "value") ?? .nan) - want.value) < 1e-9, "\(metric.rawValue): \(String(describing: served)) vs \(want.value)")
            #expect(abs((number(served, "samplingError") ?? .nan) - want.samplingError) < 1e-12)
        }
        try await server.stop()
    }

    /// Three classes with two-decimal scores, the true class drawn from the cubed scores: miscalibrated, so the
    /// estimator calibrates and the served estimate needs each prediction's scores together.
    struct MulticlassTraffic {
        static let classes = ["bronze", "gold", "silver"]
        var scores: [[Double]] = []
        var actual: [Int] = []
        var predicted: [Int] { scores.map { row in row.indices.max { row[$0] < row[$1] }! } }
        init(count: Int, seed: UInt64) {
            var generator = SplitMix64(seed: seed)
            func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
            while scores.count < count {
                let a = (uniform() * 100).rounded()
                let b = (uniform() * (100 - a)).rounded()
                let row = [a / 100, b / 100, (100 - a - b) / 100]
                guard Set(row).count == 3 else { continue }
                scores.append(row)
                let cubed = row.map { $0 * $0 * $0 }
                var draw = uniform() * cubed.reduce(0, +)
                actual.append(cubed.indices.first { draw -= cubed[$0]; return draw <= 0 } ?? 2)
            }
        }
        func predictions(prefix: String, at seconds: Double) -> String {
            scores.enumerated().map { index, row in
                let pairs = zip(Self.classes, row).map { #""\#($0)": \#($1)"# }.joined(separator: ", ")
                return #"{"id": "\#(prefix)\#(index)", "timestamp": \#(seconds), "version": "v1", "prediction": {\#(pairs)}}"#
            }.joined(separator: "\n")
        }
    }

    @Test func aCalibratedMulticlassModelIsEstimatedFromEachPredictionsScoresTogether() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        func iso(_ seconds: Double) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)) }
        let reference = MulticlassTraffic(count: 3000, seed: 3)
        let current = MulticlassTraffic(count: 1500, seed: 4)
        let labels = reference.actual.enumerated().map { #"{"prediction_id": "r\#($0)", "label": "\#(MulticlassTraffic.classes[$1])"}"# }
        for (body, path) in [
            (reference.predictions(prefix: "r", at: now - 3 * 3600), "predictions"), (labels.joined(separator: "\n"), "labels"),
            (current.predictions(prefix: "c", at: now - 600), "predictions"),
        ] {
            let answer = try await server.request("POST", "/v1/models/tiers/\(path)", body: body, contentType: "application/x-ndjson")
            #expect(answer.status == 200, "\(path): \(answer.text)")
        }
        let fitted = try await server.request("PUT", "/v1/models/tiers/estimator?from=\(iso(now - 4 * 3600))&to=\(iso(now - 3600))")
        #expect(fitted.status == 200, "\(fitted.text)")
        // The server normalizes each prediction's scores to sum to 1, as it stores them: so does the oracle.
        func normalized(_ rows: [[Double]]) -> [[Double]] { rows.map { row in row.map { $0 / row.reduce(0, +) } } }
        let cbpe = try CBPE(classes: MulticlassTraffic.classes, scores: normalized(reference.scores), predicted: reference.predicted, actual: reference.actual)
        #expect(cbpe.calibrators.contains { $0 != nil }, "cubed scores are miscalibrated")
        let entry = (value(try fitted.json(), "estimators") as? [[String: Any]])?.first
        #expect((entry?["calibrated"] as? [String])?.isEmpty == false, "\(fitted.text)")

        let expected = cbpe.estimate(scores: normalized(current.scores), predicted: current.predicted)
        let performance = try await server.request("GET", "/v1/models/tiers/performance?window=1h&version=v1").json()
        let estimated = try #require(value(performance, "overall", "estimated") as? [String: Any], "\(performance)")
        #expect(estimated["unavailable"] == nil && estimated["predictions"] as? Int == 1500, "\(estimated)")
        let figures = try #require(estimated["metrics"] as? [[String: Any]])
        for metric in CBPE.Metric.allCases {
            guard let want = expected.values[metric] else { continue }
            let served = figures.first { $0["name"] as? String == metric.rawValue }
            #expect(served?["average"] as? String == "macro")
            if metric == .rocAUC {
                // Scores one rounding apart (after normalizing) are separate groups row by row and one tie group in
                // a cell: the row-by-row figure lies within the served bounds of tie orders.
                let bounds = served?["sketchBounds"] as? [String: Any]
                let (lower, upper) = (number(bounds, "lower") ?? .nan, number(bounds, "upper") ?? .nan)
                #expect(lower - 1e-12 <= want.value && want.value <= upper + 1e-12, "\(want.value) in \(String(describing: bounds))")
                #expect(abs((number(served, "value") ?? .nan) - want.value) < 1e-6, "\(String(describing: served)) vs \(want.value)")
            } else {
                #expect(abs((number(served, "value") ?? .nan) - want.value) < 1e-9, "\(metric.rawValue): \(String(describing: served)) vs \(want.value)")
            }
        }
        try await server.stop()
    }
}
