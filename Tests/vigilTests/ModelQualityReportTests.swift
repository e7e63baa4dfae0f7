import ChildProcess
import Foundation
import Testing

/// `vigil report` / `vigil check` with `--target` and `--prediction`: every figure against scikit-learn's on the
/// same rows, and the tests and their verdicts against Evidently's presets (`scripts/generate_model_quality_fixtures.py`).
struct ModelQualityReportTests {
    static var expected: [String: Any] {
        let url = URL(fileURLWithPath: VigilProcess.fixture("model-quality/expected.json"))
        let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return object?["cases"] as? [String: Any] ?? [:]
    }

    static func report(_ name: String, extra: [String] = []) async throws -> (document: [String: Any], outcome: ChildProcess.Outcome) {
        let entry = try #require(expected[name] as? [String: Any])
        let json = VigilProcess.temporaryPath(".json")
        let outcome = try await VigilProcess.run([
            "report", "--reference", VigilProcess.fixture("model-quality/\(name)-reference.csv"),
            "--current", VigilProcess.fixture("model-quality/\(name)-current.csv"),
            "--target", entry["target"] as! String, "--prediction", entry["prediction"] as! String, "--json", json,
        ] + extra)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        return (try #require(document, "no JSON: \(outcome.standardError)"), outcome)
    }

    static func figure(_ figures: [String: Any]?, _ name: String, binary: Bool) -> Double? {
        entry(figures, name, binary: binary)?["value"] as? Double
    }

    static func entry(_ figures: [String: Any]?, _ name: String, binary: Bool) -> [String: Any]? {
        let metrics = figures?["metrics"] as? [[String: Any]] ?? []
        let perClass = ["precision", "recall", "f1"].contains(name)
        return metrics.first { metric in
            guard metric["name"] as? String == name else { return false }
            if perClass { return binary ? metric["class"] as? String == "1" : metric["average"] as? String == "macro" }
            return (metric["average"] == nil || metric["average"] is NSNull) && (metric["class"] == nil || metric["class"] is NSNull)
        }
    }

    @Test(arguments: ["binary", "probability", "multiclass", "regression", "degraded"])
    func figuresMatchScikitLearnAndVerdictsMatchEvidently(name: String) async throws {
        let entry = try #require(Self.expected[name] as? [String: Any])
        let (document, _) = try await Self.report(name)
        let quality = try #require(document["modelQuality"] as? [String: Any], "no model quality section")
        let binary = entry["task"] as? String == "binary"
        for side in ["reference", "current"] {
            let want = try #require(entry[side] as? [String: Any])
            for (metric, value) in want {
                guard let value = value as? Double else { continue }
                let found = Self.entry(quality[side] as? [String: Any], metric, binary: binary)
                let got = found?["value"] as? Double
                if metric == "roc_auc" {
                    // From a histogram of 1000 bins: within its stated bounds, and within 1e-3.
                    let lower = found?["boundLower"] as? Double ?? .nan
                    let upper = found?["boundUpper"] as? Double ?? .nan
                    #expect(lower <= value && value <= upper && abs((got ?? .nan) - value) < 1e-3, "\(name) \(side) roc_auc: \(String(describing: got)) in [\(lower), \(upper)] vs scikit-learn \(value)")
                    continue
                }
                // Exact sums: agreement to rounding.
                #expect(got.map { abs($0 - value) <= 1e-9 * max(1, abs(value)) } == true, "\(name) \(side) \(metric): \(String(describing: got)) vs scikit-learn \(value)")
            }
            if let classes = want["classes"] as? [String], let counts = want["confusion"] as? [[Int]], side == "current" {
                let matrix = try #require(quality["confusionMatrix"] as? [String: Any])
                #expect(matrix["classes"] as? [String] == classes)
                #expect(matrix["counts"] as? [[Int]] == counts)
            }
        }
        let evidently = try #require(entry["evidently"] as? [String: Any])
        let tests = try #require(quality["tests"] as? [[String: Any]])
        #expect(Set(tests.compactMap { $0["metric"] as? String }) == Set(evidently["tested"] as? [String] ?? []), "\(name): tested metrics")
        let failed = Set(tests.filter { $0["passed"] as? Bool == false }.compactMap { $0["metric"] as? String })
        #expect(failed == Set(evidently["failed"] as? [String] ?? []), "\(name): Vigil fails \(failed.sorted()), Evidently \(String(describing: evidently["failed"]))")
    }

    /// Without a labelled reference the tests are Evidently's against its dummy model. Regression baselines are
    /// Evidently's `*_default` figures to rounding; a classifier's are the expected figures of Evidently's
    /// random guesser, within three standard errors of its one draw (numpy seed 0); the verdicts are Evidently's
    /// (where Evidently 0.7.23 compares a figure with itself, or with a log loss of 0, the fixture's `intended`).
    @Test(arguments: ["binary", "probability", "multiclass", "regression", "degraded", "inverted", "ignorant"])
    func withoutALabelledReferenceTheModelMustBeatEvidentlysDummy(name: String) async throws {
        let entry = try #require(Self.expected[name] as? [String: Any])
        let want = try #require(entry["noReference"] as? [String: Any])
        let json = VigilProcess.temporaryPath(".json")
        let run = try await VigilProcess.run([
            "check", "--reference", VigilProcess.fixture("model-quality/\(name)-unlabelled.csv"),
            "--current", VigilProcess.fixture("model-quality/\(name)-current.csv"),
            "--target", entry["target"] as! String, "--prediction", entry["prediction"] as! String, "--json", json,
        ])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any], "\(run.standardError)")
        let quality = try #require(document["modelQuality"] as? [String: Any])
        #expect(quality["baseline"] as? String == "dummy")
        #expect(quality["reference"] is NSNull)
        let tests = try #require(quality["tests"] as? [[String: Any]])
        #expect(Set(tests.compactMap { $0["metric"] as? String }) == Set(want["tested"] as? [String] ?? []), "\(name): tested metrics")
        let failed = Set(tests.filter { $0["passed"] as? Bool == false }.compactMap { $0["metric"] as? String })
        #expect(failed == Set(want["failed"] as? [String] ?? []), "\(name): Vigil fails \(failed.sorted()), expected \(String(describing: want["failed"]))")
        let reasons = document["failureReasons"] as? [String] ?? []
        #expect(reasons.filter { $0.contains("dummy model's") }.count == failed.count, "\(reasons)")
        if !failed.isEmpty { #expect(run.status == 1) }

        let dummies = try #require(want["dummy"] as? [String: Double])
        let counts = want["classCounts"] as? [String: Int]
        let rows = Double(counts?.values.reduce(0, +) ?? 0)
        let smallestClass = Double(counts?.values.min() ?? 0)
        for test in tests {
            let metric = try #require(test["metric"] as? String)
            let ours = try #require(test["dummy"] as? Double)
            if metric == "roc_auc" || metric == "r2" {
                #expect(ours == (metric == "roc_auc" ? 0.5 : 0))
            } else if metric == "log_loss" {
                #expect(abs(ours - Foundation.log(2)) < 1e-12)
            } else if counts == nil {
                let theirs = try #require(dummies[metric])
                #expect(abs(ours - theirs) <= 1e-9 * abs(theirs), "\(name) \(metric): dummy \(ours) vs Evidently's \(theirs)")
            } else {
                let theirs = try #require(dummies[metric])
                // Accuracy is a share of all rows; the others are shares within one class (the smallest, to be safe).
                let denominator = metric == "accuracy" ? rows : smallestClass
                let bound = 3 * (ours * (1 - ours) / denominator).squareRoot()
                #expect(abs(ours - theirs) <= bound, "\(name) \(metric): expected dummy \(ours) vs Evidently's draw \(theirs), beyond 3 SE (\(bound))")
            }
        }
    }

    @Test func checkGatesOnModelQualityAndTheToleranceIsOverridable() async throws {
        // Evidently fails the degraded classifier on FPR and FNR; so does `vigil check`, exit 1, saying which.
        let degraded = try #require(Self.expected["degraded"] as? [String: Any])
        let arguments = [
            "check", "--reference", VigilProcess.fixture("model-quality/degraded-reference.csv"),
            "--current", VigilProcess.fixture("model-quality/degraded-current.csv"),
            "--target", degraded["target"] as! String, "--prediction", degraded["prediction"] as! String, "--ignore", "x,proba",
        ]
        let failing = try await VigilProcess.run(arguments)
        #expect(failing.status == 1)
        #expect(failing.standardOutput.contains("model quality fpr") && failing.standardOutput.contains("model quality fnr"), "\(failing.standardOutput)")
        let lenient = try await VigilProcess.run(arguments + ["--classification-tolerance", "0.5"])
        #expect(lenient.status == 0, "\(lenient.standardOutput)")
        let bad = try await VigilProcess.run(arguments + ["--classification-tolerance", "-1"])
        #expect(bad.status != 0 && bad.standardError.contains("--classification-tolerance"))
    }

    @Test(.enabled(if: HTMLReportTests.chromium != nil || HTMLReportTests.inCI, "headless Chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func theHTMLPageShowsEachTestTheTableAndTheConfusionMatrix() async throws {
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run([
            "report", "--reference", VigilProcess.fixture("model-quality/degraded-reference.csv"),
            "--current", VigilProcess.fixture("model-quality/degraded-current.csv"), "--target", "label", "--prediction", "pred", "--html", page,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let (status, dom, log) = try await HTMLReportTests.runChromium(["--dump-dom", "file://\(page)"])
        #expect(status == 0)
        #expect(dom.contains("id=\"model-quality\"") && dom.contains("Confusion matrix (current)"))
        // One row of the chart per Evidently test (8 for a binary classifier's labels), each with its values in text.
        #expect(dom.components(separatedBy: "<circle").count - 1 == 16, "a reference and a current mark per test")
        #expect(dom.contains("FAIL") && dom.contains("fail: not ["))
        for marker in ["Uncaught", "SyntaxError", "TypeError", "ReferenceError"] { #expect(!log.contains(marker)) }

        // Without a labelled reference: the dummy model's value is the hollow mark, the test says what it is.
        let dummyPage = VigilProcess.temporaryPath(".html")
        let inverted = try await VigilProcess.run([
            "report", "--reference", VigilProcess.fixture("model-quality/inverted-unlabelled.csv"),
            "--current", VigilProcess.fixture("model-quality/inverted-current.csv"), "--target", "label", "--prediction", "pred", "--html", dummyPage,
        ])
        #expect(inverted.status == 0, "\(inverted.standardError)")
        let (_, dummyDOM, dummyLog) = try await HTMLReportTests.runChromium(["--dump-dom", "file://\(dummyPage)"])
        #expect(dummyDOM.contains("better than a dummy model") && dummyDOM.contains("<th>dummy model</th>"))
        #expect(dummyDOM.components(separatedBy: "<circle").count - 1 == 16, "a dummy and a current mark per test")
        #expect(dummyDOM.contains("fail: not &gt; ") || dummyDOM.contains("fail: not > "))
        for marker in ["Uncaught", "SyntaxError", "TypeError", "ReferenceError"] { #expect(!dummyLog.contains(marker)) }
    }
}
