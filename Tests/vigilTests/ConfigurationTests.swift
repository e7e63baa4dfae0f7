import ChildProcess
import Foundation
import Testing

/// `--config` YAML files and column roles, as a pipeline would use them.
struct ConfigurationTests {
    struct Report: Decodable {
        struct Column: Decodable { var name: String; var role: String; var excluded: String? }
        struct Summary: Decodable { var columns: [Column] }
        struct DriftColumn: Decodable { var column: String; var method: String; var threshold: Double }
        struct Drift: Decodable { var columns: [DriftColumn]; var driftShareThreshold: Double }
        struct Thresholds: Decodable { var missingRatio: Double }
        var reference: Summary
        var drift: Drift
        var thresholds: Thresholds
    }

    static func write(_ text: String, suffix: String) throws -> String {
        let path = VigilProcess.temporaryPath(suffix)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func report(_ extra: [String]) async throws -> (Report?, ChildProcess.Outcome) {
        let json = VigilProcess.temporaryPath(".json")
        let outcome = try await VigilProcess.run(["report", "--reference", VigilProcess.fixture("small_reference.csv"), "--current",
                                            VigilProcess.fixture("small_current.csv"), "--json", json] + extra)
        guard outcome.status == 0 else { return (nil, outcome) }
        return (try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: json))), outcome)
    }

    @Test func configurationFileSetsRolesMethodsAndThresholds() async throws {
        let config = try Self.write("""
        columns:
          id: [score]
          target: subscribed
        drift:
          numeric_method: psi
          dataset_drift_share: 0.3
          columns:
            city: { method: jensenshannon, threshold: 0.05 }
        quality:
          missing: 0.2
        """, suffix: ".yaml")
        let (report, outcome) = try await Self.report(["--config", config])
        let document = try #require(report, "\(outcome.standardError)")
        let columns = Dictionary(uniqueKeysWithValues: document.reference.columns.map { ($0.name, $0) })
        #expect(columns["score"]?.role == "id")
        #expect(columns["score"]?.excluded == "id column")
        #expect(columns["subscribed"]?.role == "target")
        let methods = Dictionary(uniqueKeysWithValues: document.drift.columns.map { ($0.column, $0) })
        #expect(methods["score"] == nil)
        #expect(methods["age"]?.method == "psi")
        #expect(methods["city"]?.method == "jensenshannon" && methods["city"]?.threshold == 0.05)
        #expect(document.drift.driftShareThreshold == 0.3)
        #expect(document.thresholds.missingRatio == 0.2)
        #expect(outcome.standardOutput.contains("subscribed (target)"))

        // Flags override the file.
        let (overridden, _) = try await Self.report(["--config", config, "--numeric-method", "ks", "--drift-share", "0.6"])
        #expect(overridden?.drift.columns.first { $0.column == "age" }?.method == "ks")
        #expect(overridden?.drift.driftShareThreshold == 0.6)
    }

    /// Roles set when the reference profile is made travel with it into later reports.
    @Test func profileTakesTheConfigurationAndKeepsRoles() async throws {
        let config = try Self.write("columns:\n  id: [score]\n  target: subscribed\n", suffix: ".yaml")
        let profile = VigilProcess.temporaryPath(".vprof")
        let made = try await VigilProcess.run(["profile", VigilProcess.fixture("small_reference.csv"), "-o", profile, "--config", config])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(made.standardOutput.contains("not profiled: score"))
        let json = VigilProcess.temporaryPath(".json")
        let run = try await VigilProcess.run(["report", "--reference", profile, "--current", VigilProcess.fixture("small_current.csv"), "--json", json, "--id", "score"])
        #expect(run.status == 0, "\(run.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(report.reference.columns.first { $0.name == "subscribed" }?.role == "target")
        #expect(!report.drift.columns.contains { $0.column == "score" })
    }

    @Test func badConfigurationsAreNamed() async throws {
        let misspelt = try Self.write("quailty:\n  missing: 0.2\n", suffix: ".yaml")
        let (_, unknown) = try await Self.report(["--config", misspelt])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown setting \"quailty\""))

        let wrongType = try Self.write("drift:\n  threshold: high\n", suffix: ".yaml")
        let (_, typeError) = try await Self.report(["--config", wrongType])
        #expect(typeError.status == 2)
        #expect(typeError.standardError.contains("drift.threshold"))

        let badMethod = try Self.write("drift:\n  numeric_method: magic\n", suffix: ".yaml")
        let (_, methodError) = try await Self.report(["--config", badMethod])
        #expect(methodError.status == 2)
        #expect(methodError.standardError.contains("unknown drift method"))

        let (_, missingColumn) = try await Self.report(["--target", "nope"])
        #expect(missingColumn.status == 2)
        #expect(missingColumn.standardError.contains("no such column"))
    }

    /// `vigil serve --config` takes the same `drift:` and `quality:` sections as reports: here the embedding
    /// method and threshold decide the served verdict; a bad method stops the server with its name.
    @Test func servedDriftFollowsTheConfiguration() async throws {
        let config = try Self.write("drift:\n  embedding_method: distance\n  embedding_threshold: 100\n  dataset_drift_share: 0.3\nquality:\n  missing: 0.2\n", suffix: ".yaml")
        let server = try await ServerProcess.start(dataDirectory: VigilProcess.temporaryPath("-data"), config: config)
        func vector(_ index: Int, shift: Double) -> String { "[\((0..<4).map { "\(Double((index * 7 + $0 * 3) % 11) / 10 + ($0 == 0 ? shift : 0))" }.joined(separator: ","))]" }
        let reference = (0..<300).map { #"{"v":\#(vector($0, shift: 0))}"# }.joined(separator: "\n")
        let (referenceStatus, referenceAnswer) = try await ServerProcess.send("PUT", port: server.port, "/v1/models/m/reference", reference)
        #expect(referenceStatus == 200, "\(String(decoding: referenceAnswer, as: UTF8.self))")
        let current = (0..<300).map { #"{"id":"c\#($0)","features":{"v":\#(vector($0, shift: 2))}}"# }.joined(separator: "\n")
        #expect(try await ServerProcess.post(port: server.port, "/v1/models/m/predictions", current).0 == 200)
        let summary = try await server.summary("m")
        let drift = try #require(((summary["vectors"] as? [[String: Any]])?.first)?["drift"] as? [String: Any])
        #expect(drift["method"] as? String == "distance" && (drift["threshold"] as? NSNumber)?.doubleValue == 100)
        #expect(drift["drifted"] as? Bool == false)
        #expect(abs(((drift["score"] as? NSNumber)?.doubleValue ?? 0) - 2) < 1e-9, "the centroids are 2 apart: \(drift)")
        await server.terminate()

        let bad = try Self.write("drift:\n  embedding_method: model\n", suffix: ".yaml")
        let refused = try await VigilProcess.run(["serve", "--port", "0", "--data-dir", VigilProcess.temporaryPath("-data"), "--config", bad])
        #expect(refused.status != 0 && refused.standardError.contains("unknown embedding drift method \"model\""), "\(refused.standardError)")
    }
}
