import ChildProcess
import Foundation
import Testing

/// `vigil report` / `vigil check` with `--scores`: the current file's quality estimated from its scores by CBPE
/// fitted on the labelled reference, against NannyML 0.13.1's own estimates of the same rows
/// (`scripts/generate_cbpe_fixtures.py`: the data sets its wheel ships, the first analysis chunk of 2,000 rows),
/// with the current file's target removed, and kept.
struct EstimatedQualityReportTests {
    /// The CBPE fixtures, kept with the statistics tests.
    static func cbpeFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VigilStatsTests/Fixtures/cbpe/\(name)").path
    }

    static var expected: [String: Any] {
        let object =
            try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cbpeFixture("cbpe-expected.json")))) as? [String: Any]
        return object?["datasets"] as? [String: Any] ?? [:]
    }

    /// NannyML's figures of the first analysis chunk, by metric.
    static func firstAnalysisChunk(_ dataset: String) throws -> [String: [String: Double]] {
        let entry = try #require(expected[dataset] as? [String: Any])
        let chunks = try #require(entry["chunks"] as? [[String: Any]])
        let chunk = try #require(chunks.first { $0["period"] as? String == "analysis" && $0["start"] as? Int == 0 })
        var figures: [String: [String: Double]] = [:]
        for (key, value) in chunk { if let values = value as? [String: Double] { figures[key] = values } }
        #expect(chunk["end"] as? Int == 2000)
        return figures
    }

    /// The first 2,000 analysis rows, with or without the target column (the last one).
    static func currentFile(_ dataset: String, labelled: Bool) throws -> String {
        let text = try String(contentsOfFile: cbpeFixture("\(dataset)-analysis.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(2001).map { line -> String in
            labelled ? String(line) : line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        }
        let path = VigilProcess.temporaryPath(".csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func scores(_ dataset: String) -> String {
        guard dataset == "credit-card" else { return "y_pred_proba" }
        return ["highstreet_card", "prepaid_card", "upmarket_card"].map { "\($0)=y_pred_proba_\($0)" }.joined(separator: ",")
    }

    static func check(
        _ dataset: String,
        current: String,
        extra: [String] = []
    ) async throws -> (document: [String: Any], outcome: ChildProcess.Outcome) {
        let json = VigilProcess.temporaryPath(".json")
        let outcome = try await VigilProcess.run(
            [
                "check", "--reference", cbpeFixture("\(dataset)-reference.csv"), "--current", current, "--target", "y_true", "--prediction", "y_pred",
                "--scores", scores(dataset), "--json", json,
            ] + extra
        )
        let document = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        return (try #require(document, "no JSON: \(outcome.standardError)"), outcome)
    }

    /// Each estimate within 1e-5 of NannyML's (the issue asks 1e-3) and each sampling error within 1 %, as the
    /// statistics tests hold them; a current without its target passes the check (the target's absence is not a
    /// schema failure when the quality is estimated), and with it the realized figures are NannyML's too.
    @Test(arguments: ["car-loan", "work-from-home", "credit-card"])
    func theEstimateOfAnUnlabelledCurrentIsNannyMLs(dataset: String) async throws {
        let nannyml = try Self.firstAnalysisChunk(dataset)
        for labelled in [false, true] {
            let (document, outcome) = try await Self.check(dataset, current: try Self.currentFile(dataset, labelled: labelled))
            let quality = try #require(document["modelQuality"] as? [String: Any], "\(outcome.standardError)")
            let estimated = try #require(quality["estimated"] as? [String: Any], "no estimate: \(quality)")
            #expect(estimated["rows"] as? Int == 2000 && estimated["fittedOn"] as? Int == 10000)
            let metrics = try #require(estimated["metrics"] as? [[String: Any]])
            #expect(metrics.count == 6, "\(metrics)")
            for metric in metrics {
                let name = try #require(metric["name"] as? String)
                let want = try #require(nannyml[name])
                let value = try #require(metric["value"] as? Double)
                let error = try #require(metric["samplingError"] as? Double)
                #expect(abs(value - want["estimated"]!) < 1e-5, "\(dataset) \(name): \(value) vs NannyML \(want["estimated"]!)")
                #expect(
                    abs(error - want["sampling_error"]!) <= 0.01 * want["sampling_error"]!,
                    "\(dataset) \(name) SE: \(error) vs \(want["sampling_error"]!)"
                )
                if labelled {
                    // ROC AUC from 1000-bin histograms: within 1e-3; the rest exact.
                    let realized = try #require(metric["realized"] as? Double, "\(dataset) \(name): no realized value")
                    #expect(
                        abs(realized - want["realized"]!) < (name == "roc_auc" ? 1e-3 : 1e-9),
                        "\(dataset) \(name) realized: \(realized) vs \(want["realized"]!)"
                    )
                } else {
                    #expect(metric["realized"] is NSNull)
                }
            }
            if !labelled {
                let reasons = document["failureReasons"] as? [String] ?? []
                #expect(!reasons.contains { $0.contains("y_true") }, "\(reasons)")
                #expect(outcome.standardOutput.contains("estimated from scores (CBPE"), "\(outcome.standardOutput)")
            }
        }
    }

    @Test func anEstimateNeedsAReferenceWithScoresAndLabels() async throws {
        // A reference without its target (the current has one): no estimator can be fitted, and the report says why.
        let reference = VigilProcess.temporaryPath(".csv")
        let text = try String(contentsOfFile: Self.cbpeFixture("car-loan-reference.csv"), encoding: .utf8)
        let unlabelled = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: ",")
        }
        try (unlabelled.joined(separator: "\n") + "\n").write(toFile: reference, atomically: true, encoding: .utf8)
        let json = VigilProcess.temporaryPath(".json")
        let run = try await VigilProcess.run([
            "report", "--reference", reference, "--current", try Self.currentFile("car-loan", labelled: true), "--target", "y_true", "--prediction",
            "y_pred",
            "--scores", "y_pred_proba", "--json", json,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let estimated = try #require((document["modelQuality"] as? [String: Any])?["estimated"] as? [String: Any])
        #expect((estimated["unavailable"] as? String)?.contains("0 labelled rows") == true, "\(estimated)")
        // Without a labelled reference the realized quality is tested against the dummy model, as without scores.
        #expect((document["modelQuality"] as? [String: Any])?["baseline"] as? String == "dummy")
        #expect((estimated["metrics"] as? [Any])?.isEmpty == true)
    }

    @Test func badScoresAreRefusedNamingTheLineColumnOrFlag() async throws {
        let current = VigilProcess.temporaryPath(".csv")
        try "y_pred_proba,y_pred,y_true\n0.2,0,0\n1.7,1,1\n".write(toFile: current, atomically: true, encoding: .utf8)
        let outOfRange = try await VigilProcess.run([
            "check", "--reference", Self.cbpeFixture("car-loan-reference.csv"), "--current", current, "--target", "y_true", "--prediction", "y_pred",
            "--scores", "y_pred_proba",
        ])
        #expect(outOfRange.status == 2)
        #expect(
            outOfRange.standardError.contains(":3 (column \"y_pred_proba\")") && outOfRange.standardError.contains("1.7"),
            "\(outOfRange.standardError)"
        )

        let malformed = try await VigilProcess.run([
            "check", "--reference", Self.cbpeFixture("car-loan-reference.csv"), "--current", current, "--target", "y_true", "--scores", "a=,b=c",
        ])
        #expect(malformed.status != 0 && malformed.standardError.contains("--scores"), "\(malformed.standardError)")
        let missing = try await VigilProcess.run([
            "check", "--reference", Self.cbpeFixture("car-loan-reference.csv"), "--current", current, "--target", "y_true", "--scores", "p_missing",
        ])
        #expect(missing.status == 2 && missing.standardError.contains("p_missing"), "\(missing.standardError)")
    }

    @Test(
        .enabled(
            if: HTMLReportTests.chromium != nil || HTMLReportTests.inCI,
            "headless Chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
    )
    func theHTMLPageDrawsTheEstimateBesideTheRealizedValue() async throws {
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run([
            "report", "--reference", Self.cbpeFixture("credit-card-reference.csv"), "--current", try Self.currentFile("credit-card", labelled: true),
            "--target", "y_true", "--prediction", "y_pred", "--scores", Self.scores("credit-card"), "--html", page,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let (status, dom, log) = try await HTMLReportTests.runChromium(["--dump-dom", "file://\(page)"])
        #expect(status == 0)
        #expect(dom.contains("id=\"estimated-quality\"") && dom.contains("id=\"estimated-metrics\""))
        // An estimate mark and a realized mark for each of the six metrics, each with its numbers in text.
        let chart = try #require(
            dom.components(separatedBy: "class=\"quality-estimates\"").dropFirst().first?.components(separatedBy: "</svg>").first
        )
        #expect(chart.components(separatedBy: "<circle").count - 1 == 12, "\(chart)")
        #expect(chart.contains("est. 0.7539") && chart.contains("realized 0.7505"))
        for marker in ["Uncaught", "SyntaxError", "TypeError", "ReferenceError"] { #expect(!log.contains(marker)) }
    }
}
