import ChildProcess
import Foundation
import Testing

/// `vigil compare` as a deployment pipeline runs it: on two files of labelled predictions, and against a
/// running server; the exit status is the gate (0 promote, 1 reject, 3 hold, 2 usage or input error).
struct CompareCommandTests {
    /// `rows` labelled predictions, right with probability `accuracy`, latency in [latency, latency + 3) ms.
    /// Deterministic: the k-th row is right when (k·0.618…) mod 1 < accuracy.
    static func write(rows: Int, accuracy: Double, latency: Double) throws -> String {
        var text = "label,predicted,latency_ms,revenue\n"
        for k in 0..<rows {
            let predicted = k % 3 == 0 ? "yes" : "no"
            let right = (Double(k) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) < accuracy
            let label = right ? predicted : (predicted == "yes" ? "no" : "yes")
            let jitter = (Double(k) * 0.754_877_666).truncatingRemainder(dividingBy: 1) * 3
            text += "\(label),\(predicted),\(latency + jitter),\(Double(k % 17))\n"
        }
        let path = VigilProcess.temporaryPath(".csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func compare(_ baseline: String, _ candidate: String, _ extra: [String] = []) async throws -> ChildProcess.Outcome {
        try await VigilProcess.run(
            [
                "compare", "--baseline-file", baseline, "--candidate-file", candidate, "--target", "label", "--prediction", "predicted", "--latency",
                "latency_ms",
            ]
                + extra
        )
    }

    @Test func theExitStatusGatesOnTheVerdict() async throws {
        let v1 = try Self.write(rows: 4_000, accuracy: 0.80, latency: 10)
        let v2 = try Self.write(rows: 4_000, accuracy: 0.86, latency: 10)
        let slow = try Self.write(rows: 4_000, accuracy: 0.86, latency: 20)
        let small = try Self.write(rows: 60, accuracy: 0.86, latency: 10)

        let promote = try await Self.compare(v1, v2, ["--baseline", "v1", "--candidate", "v2"])
        #expect(promote.status == 0, "\(promote.standardOutput)\(promote.standardError)")
        #expect(promote.standardOutput.hasPrefix("PROMOTE  v2 against v1"))
        #expect(promote.standardOutput.contains("accuracy is better: +6."))

        let reject = try await Self.compare(v1, slow)
        #expect(reject.status == 1, "\(reject.standardOutput)")
        #expect(reject.standardOutput.contains("guardrail latency_p99 broken"))

        let worse = try await Self.compare(v2, v1, ["--mode", "fixed"])
        #expect(worse.status == 1)
        #expect(worse.standardOutput.contains("accuracy is worse"))

        let hold = try await Self.compare(v1, small)
        #expect(hold.status == 3, "\(hold.standardOutput)")
        #expect(hold.standardOutput.hasPrefix("HOLD"))
    }

    @Test func theJSONDocumentIsTheServersSchema() async throws {
        let v1 = try Self.write(rows: 2_000, accuracy: 0.80, latency: 10)
        let v2 = try Self.write(rows: 2_000, accuracy: 0.80, latency: 10)
        let outcome = try await Self.compare(v1, v2, ["--metrics", "accuracy,metric:revenue", "--metric", "revenue", "--json", "-"])
        #expect(outcome.status == 3)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "vigil.compare.v1")
        #expect(document["verdict"] as? String == "hold")
        let metrics = try #require(document["metrics"] as? [[String: Any]])
        #expect(metrics.map { $0["metric"] as? String } == ["accuracy", "metric:revenue", "latency_p99"])
        // Identical files: no difference at all.
        #expect(metrics[0]["estimate"] as? Double == 0)
        #expect(metrics[1]["kind"] as? String == "mean")
    }

    @Test func badInputIsNamedAndExitsTwo() async throws {
        let v1 = try Self.write(rows: 100, accuracy: 0.8, latency: 10)
        for (extra, words) in [
            (["--metrics", "acuracy"], "\"acuracy\" is not a metric"),
            (["--mode", "bayes"], "bayes"),
            (["--metric", "nope"], "--metric \"nope\" is not a numeric column"),
        ] {
            let outcome = try await Self.compare(v1, v1, extra)
            #expect(outcome.status == 2, "\(extra)")
            #expect(outcome.standardError.contains(words), "\(extra): \(outcome.standardError)")
        }
        let missing = try await VigilProcess.run(["compare", "--baseline-file", v1])
        #expect(missing.status == 2 && missing.standardError.contains("--candidate-file"))
    }

    /// Shadow traffic: both versions scored the same 2,000 requests (the candidate's file in another order, and each
    /// file with a request the other lacks). Only v1 is right on requests 0–9, only v2 on 10–59; both are wrong on
    /// every fourth of the rest and right on the others.
    static func writeShadow() throws -> (String, String) {
        var baseline = ["request_id,label,predicted,latency_ms"]
        var candidate: [String] = []
        for k in 0..<2_000 {
            let label = k % 3 == 0 ? "yes" : "no"
            let other = label == "yes" ? "no" : "yes"
            let (a, b) = k < 10 ? (label, other) : k < 60 ? (other, label) : k % 4 == 3 ? (other, other) : (label, label)
            let latency = 10 + Double(k % 7)
            baseline.append("r\(k),\(label),\(a),\(latency)")
            candidate.append("r\(k),\(label),\(b),\(latency + Double(k % 3) * 0.1)")
        }
        baseline.append("only-v1,yes,yes,11")
        candidate.append("only-v2,no,no,12")
        let a = VigilProcess.temporaryPath(".csv")
        let b = VigilProcess.temporaryPath(".csv")
        try (baseline.joined(separator: "\n") + "\n").write(toFile: a, atomically: true, encoding: .utf8)
        try ((["request_id,label,predicted,latency_ms"] + candidate.reversed()).joined(separator: "\n") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
        return (a, b)
    }

    @Test func shadowTrafficIsComparedRequestByRequest() async throws {
        let (v1, v2) = try Self.writeShadow()
        let common = ["--baseline", "v1", "--candidate", "v2", "--mode", "fixed", "--guardrails", "latency_mean:0.1"]
        // As independent arms, two points on 2,000 requests each is not significant…
        let independent = try await Self.compare(v1, v2, common)
        #expect(independent.status == 3, "\(independent.standardOutput)")
        // …request by request, 10 against 50 discordant pairs is.
        let paired = try await Self.compare(v1, v2, common + ["--paired-by", "request_id", "--json", "-"])
        #expect(paired.status == 0, "\(paired.standardOutput)\(paired.standardError)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(paired.standardOutput.utf8)) as? [String: Any])
        #expect(document["pairedBy"] as? String == "request_id")
        let metrics = try #require(document["metrics"] as? [[String: Any]])
        let accuracy = try #require(metrics.first { $0["metric"] as? String == "accuracy" })
        let pairing = try #require(accuracy["paired"] as? [String: Any])
        #expect(pairing["pairs"] as? Int == 2_000)
        #expect(pairing["test"] as? String == "mcnemar")
        #expect(pairing["baselineOnly"] as? Int == 10 && pairing["candidateOnly"] as? Int == 50, "\(pairing)")
        // scipy.stats.binomtest(10, 60, 0.5).pvalue
        let p = try #require(accuracy["pValue"] as? Double)
        #expect(abs(p / 1.6163814566157175e-07 - 1) < 1e-9, "p = \(p)")
        #expect((accuracy["estimate"] as? Double).map { abs($0 - 0.02) < 1e-12 } == true)
        // The latency guardrail, also paired: each request 0, 0.1 or 0.2 ms slower.
        let latency = try #require(metrics.first { $0["metric"] as? String == "latency_mean" })
        #expect((latency["paired"] as? [String: Any])?["pairs"] as? Int == 2_000)
        let guards = try #require(document["guards"] as? [[String: Any]])
        let pairingGuard = try #require(guards.first { $0["name"] as? String == "pairing" })
        #expect(pairingGuard["failed"] as? Bool == false)
        #expect((pairingGuard["detail"] as? String)?.contains("2000 requests in both files") == true)

        // The same requests as NDJSON pair the same way.
        func ndjson(_ csv: String) throws -> String {
            let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
            let rows = lines.map { line -> String in
                let f = line.split(separator: ",").map(String.init)
                return #"{"request_id": "\#(f[0])", "label": "\#(f[1])", "predicted": "\#(f[2])", "latency_ms": \#(f[3])}"#
            }
            let path = VigilProcess.temporaryPath(".ndjson")
            try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let fromJSON = try await Self.compare(try ndjson(v1), try ndjson(v2), common + ["--paired-by", "request_id", "--json", "-"])
        #expect(fromJSON.status == 0, "\(fromJSON.standardError)")
        let jsonDocument = try JSONSerialization.jsonObject(with: Data(fromJSON.standardOutput.utf8)) as? [String: Any]
        let jsonAccuracy = (jsonDocument?["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "accuracy" }
        #expect((jsonAccuracy?["paired"] as? [String: Any])?["candidateOnly"] as? Int == 50)

        let text = try await Self.compare(v1, v2, common + ["--paired-by", "request_id"])
        #expect(text.standardOutput.contains("paired by request_id: 2000 requests scored by both versions"), "\(text.standardOutput)")
    }

    @Test func shadowFilesThatCannotBePairedAreNamed() async throws {
        let (v1, v2) = try Self.writeShadow()
        let lines = try String(contentsOfFile: v1, encoding: .utf8).split(separator: "\n").map(String.init)
        let duplicate = VigilProcess.temporaryPath(".csv")
        try (lines + [lines[5]]).joined(separator: "\n").appending("\n").write(toFile: duplicate, atomically: true, encoding: .utf8)
        let twice = try await Self.compare(duplicate, v2, ["--paired-by", "request_id"])
        #expect(twice.status == 2 && twice.standardError.contains("request id \"r4\" appears twice (lines 6 and 2003)"), "\(twice.standardError)")

        let relabelled = VigilProcess.temporaryPath(".csv")
        var changed = lines
        changed[1] = "r0,no,no,10.0"
        try changed.joined(separator: "\n").appending("\n").write(toFile: relabelled, atomically: true, encoding: .utf8)
        let disagree = try await Self.compare(relabelled, v2, ["--paired-by", "request_id"])
        #expect(disagree.status == 2 && disagree.standardError.contains("request \"r0\" has the target \"yes\" here and \"no\" in"), "\(disagree.standardError)")

        let wrongColumn = try await Self.compare(v1, v2, ["--paired-by", "request"])
        #expect(wrongColumn.status == 2 && wrongColumn.standardError.contains("no column \"request\""), "\(wrongColumn.standardError)")
    }

    /// A `vigil serve` on a fresh data directory that flushes every 0.3 s.
    static func startServer() async throws -> ServerProcess {
        let directory = VigilProcess.temporaryPath("-data")
        let config = VigilProcess.temporaryPath(".yaml")
        try "live: {flush_interval_seconds: 0.3}\n".write(toFile: config, atomically: true, encoding: .utf8)
        return try await ServerProcess.start(dataDirectory: directory, config: config)
    }

    @Test func aServersComparisonIsReadWithTheSameGate() async throws {
        let server = try await Self.startServer()
        defer { Task { await server.terminate() } }
        let now = Date().timeIntervalSince1970
        for (version, accuracy) in [("v1", 0.8), ("v2", 0.9)] {
            var predictions = ""
            var labels = ""
            for k in 0..<3_000 {
                let right = (Double(k) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) < accuracy
                let time = now - 900 + Double(k) * 0.1
                predictions +=
                    #"{"id":"\#(version)-\#(k)","version":"\#(version)","timestamp":\#(time),"prediction":"yes","latency_ms":\#(10 + Double(k % 7) * 0.1)}"#
                    + "\n"
                labels += #"{"prediction_id":"\#(version)-\#(k)","label":"\#(right ? "yes" : "no")","timestamp":\#(time + 3)}"# + "\n"
            }
            #expect(try await ServerProcess.post(port: server.port, "/v1/models/churn/predictions", predictions).0 == 200)
            #expect(try await ServerProcess.post(port: server.port, "/v1/models/churn/labels", labels).0 == 200)
        }
        let url = "http://127.0.0.1:\(server.port)"
        let outcome = try await VigilProcess.run([
            "compare", "--server", url, "--model", "churn", "--baseline", "v1", "--candidate", "v2", "--window", "1h",
        ])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("PROMOTE  churn: v2 against v1"))
        #expect(outcome.standardOutput.contains("labels matured before"))
        let unknown = try await VigilProcess.run(["compare", "--server", url, "--model", "churn", "--baseline", "v1", "--candidate", "v7"])
        #expect(unknown.status == 2 && unknown.standardError.contains("answered 404") && unknown.standardError.contains("v7"))
    }

    /// Shadow traffic sent to a server: both versions score the same 2,000 requests and report the same
    /// `request_id`; v1 alone is right on 10, v2 alone on 50 (+2 pt). Labels come under every v1 prediction's id
    /// and only every other v2 prediction's, so as independent arms the label coverage differs and blocks the
    /// verdict; paired, each request's one label judges both versions, and McNemar's test promotes v2.
    @Test func shadowTrafficOnAServerIsPairedByRequestId() async throws {
        let server = try await Self.startServer()
        defer { Task { await server.terminate() } }
        let now = Date().timeIntervalSince1970
        var predictions = ""
        var labels = ""
        for k in 0..<2_000 {
            let actual = k % 2 == 0 ? "yes" : "no"
            let wrong = actual == "yes" ? "no" : "yes"
            let time = now - 900 + Double(k) * 0.1
            let right = ["v1": !(10..<400).contains(k), "v2": !(0..<10).contains(k) && !(60..<400).contains(k)]
            for version in ["v1", "v2"] {
                predictions +=
                    #"{"id":"\#(version)-\#(k)","request_id":"req-\#(k)","version":"\#(version)","timestamp":\#(time),"prediction":"\#(right[version]! ? actual : wrong)","latency_ms":\#(10 + Double(k % 3) * 0.1)}"#
                    + "\n"
                if version == "v1" || k % 2 == 0 {
                    labels += #"{"prediction_id":"\#(version)-\#(k)","label":"\#(actual)","timestamp":\#(time + 3)}"# + "\n"
                }
            }
        }
        #expect(try await ServerProcess.post(port: server.port, "/v1/models/churn/predictions", predictions).0 == 200)
        #expect(try await ServerProcess.post(port: server.port, "/v1/models/churn/labels", labels).0 == 200)
        let url = "http://127.0.0.1:\(server.port)"
        let common = ["compare", "--server", url, "--model", "churn", "--baseline", "v1", "--candidate", "v2", "--window", "1h", "--mode", "fixed"]

        let independent = try await VigilProcess.run(common + ["--json", "-"])
        #expect(independent.status == 3, "\(independent.standardOutput)\(independent.standardError)")
        let unpaired = try JSONSerialization.jsonObject(with: Data(independent.standardOutput.utf8)) as? [String: Any]
        let coverage = (unpaired?["guards"] as? [[String: Any]])?.first { $0["name"] as? String == "label_coverage" }
        #expect(coverage?["failed"] as? Bool == true, "\(unpaired ?? [:])")

        let outcome = try await VigilProcess.run(common + ["--paired-by", "request_id", "--json", "-"])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(document["pairedBy"] as? String == "request_id")
        let accuracy = try #require((document["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "accuracy" })
        let pairing = try #require(accuracy["paired"] as? [String: Any])
        #expect(pairing["pairs"] as? Int == 2_000 && pairing["test"] as? String == "mcnemar")
        #expect(pairing["baselineOnly"] as? Int == 10 && pairing["candidateOnly"] as? Int == 50, "\(pairing)")
        // scipy.stats.binomtest(10, 60, 0.5).pvalue, as for the same requests in files.
        let p = try #require(accuracy["pValue"] as? Double)
        #expect(abs(p / 1.6163814566157175e-07 - 1) < 1e-9, "p = \(p)")
        #expect((accuracy["estimate"] as? Double).map { abs($0 - 0.02) < 1e-12 } == true)
        let guards = try #require(document["guards"] as? [[String: Any]])
        #expect(!guards.contains { $0["name"] as? String == "label_coverage" }, "paired outcomes share their labels")
        let pairingGuard = try #require(guards.first { $0["name"] as? String == "pairing" })
        #expect(pairingGuard["failed"] as? Bool == false)
        #expect((pairingGuard["detail"] as? String)?.contains("2000 requests scored by both versions") == true, "\(pairingGuard)")

        let column = try await VigilProcess.run(common + ["--paired-by", "request"])
        #expect(column.status == 2 && column.standardError.contains("--paired-by with --server is request_id"), "\(column.standardError)")
        let other = try await VigilProcess.run([
            "compare", "--server", url, "--model", "churn", "--baseline", "v1", "--candidate", "v2", "--window", "1m", "--paired-by", "request_id",
        ])
        #expect(other.status == 2 && other.standardError.contains("answered 422") && other.standardError.contains("request_id"), "\(other.standardError)")
    }
}
