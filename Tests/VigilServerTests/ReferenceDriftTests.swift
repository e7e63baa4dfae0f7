import Foundation
import Testing
import VigilCore
import VigilStats
import VigilServer

/// A reference uploaded over HTTP, live traffic that drifts, and the drift verdicts in the summary and on
/// /metrics: the same numbers as the offline report computes from the same rows.
struct ReferenceDriftTests {
    static func referenceCSV(rows: Int) -> String {
        "age,city,churned\n" + (0..<rows).map { "\($0 % 100),\(["a", "b", "c"][$0 % 3]),\($0 % 2)" }.joined(separator: "\n") + "\n"
    }

    /// Live rows: ages shifted by 30, and city "c" replaced by a new city "d".
    static func liveRows(count: Int) -> [(age: Int, city: String)] {
        (0..<count).map { ($0 % 100 + 30, ["a", "b", "d"][$0 % 3]) }
    }

    @Test func driftAgainstAnUploadedReferenceMatchesTheOfflineReport() async throws {
        let server = try await TestServer.start()
        let upload = try await server.request("PUT", "/v1/models/churn/reference?source=train.csv", body: Self.referenceCSV(rows: 2000), contentType: "text/csv")
        #expect(upload.status == 200, "\(upload.text)")
        #expect(value(try upload.json(), "reference", "rows") as? Int == 2000)

        let rows = Self.liveRows(count: 900)
        let body = rows.enumerated().map { index, row in predictionJSON(id: "l\(index)", age: Double(row.age), city: row.city) }.joined(separator: "\n")
        #expect(try await server.request("POST", "/v1/models/churn/predictions", body: body, contentType: "application/x-ndjson").status == 200)

        let summary = try await server.summary("churn")
        #expect(value(summary, "reference", "source") as? String == "train.csv")
        let columns = try #require(value(summary, "drift", "columns") as? [[String: Any]])
        // The target column of the reference is not a live feature: it is left out, not reported missing.
        #expect(Set(columns.compactMap { $0["column"] as? String }) == ["age", "city"])
        let age = try #require(columns.first { $0["column"] as? String == "age" })
        #expect(age["drifted"] as? Bool == true)
        #expect(value(summary, "dataQuality") is [Any])
        let cityQuality = try #require((value(summary, "dataQuality") as? [[String: Any]])?.first { $0["column"] as? String == "city" })
        #expect(cityQuality["newCategories"] as? [String] == ["d"])

        // The offline path on the same rows gives the same scores.
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let referencePath = directory + "/reference.csv", currentPath = directory + "/current.csv"
        try Self.referenceCSV(rows: 2000).write(toFile: referencePath, atomically: true, encoding: .utf8)
        try ("age,city\n" + rows.map { "\($0.age),\($0.city)" }.joined(separator: "\n") + "\n").write(toFile: currentPath, atomically: true, encoding: .utf8)
        var options = DriftOptions()
        options.ignoredColumns = ["churned"]
        let offline = DatasetReport.build(
            referenceName: "r", reference: try DatasetLoader.load(path: referencePath), currentName: "c", current: try DatasetLoader.load(path: currentPath),
            driftOptions: options
        )
        for column in offline.drift.columns {
            let live = try #require(columns.first { $0["column"] as? String == column.column })
            #expect(live["method"] as? String == column.result.method.rawValue)
            let score = try #require((live["score"] as? NSNumber)?.doubleValue)
            #expect(abs(score - column.result.score) <= 1e-9 * max(1, abs(column.result.score)), "\(column.column): \(score) vs \(column.result.score)")
        }

        // /metrics carries the verdicts once the monitor has run.
        let ageDrifted = #"ml_feature_drift_detected{model_name="churn",model_version="v1",feature_name="age",method="wasserstein"} 1"#
        var exposition = ""
        // Generous: the monitor runs every 0.2 s, but debug builds under a parallel test run are slow.
        for _ in 0..<200 where !exposition.contains(ageDrifted) {
            try await Task.sleep(for: .milliseconds(100))
            exposition = try await server.request("GET", "/metrics").text
        }
        #expect(exposition.contains(ageDrifted), "\(exposition.split(separator: "\n").filter { $0.hasPrefix("ml_feature_drift") || $0.hasPrefix("ml_dataset") })")
        #expect(exposition.contains(#"ml_feature_value{model_name="churn",feature_name="age",statistic="mean"}"#))
        #expect(exposition.contains(#"ml_data_quality_ratio{model_name="churn",model_version="v1",feature_name="city",check="new_category"}"#))
        try await server.stop()
    }

    @Test func profilesFromVigilProfileAreAcceptedAndBadUploadsNamed() async throws {
        let server = try await TestServer.start()
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let csv = directory + "/r.csv", profilePath = directory + "/r.vprof"
        try Self.referenceCSV(rows: 300).write(toFile: csv, atomically: true, encoding: .utf8)
        try DatasetLoader.write(try DatasetLoader.profileDataset(path: csv), to: profilePath)
        let profile = try await server.request("PUT", "/v1/models/m/reference", data: try Data(contentsOf: URL(fileURLWithPath: profilePath)), contentType: "application/octet-stream")
        #expect(profile.status == 200, "\(profile.text)")
        #expect(value(try profile.json(), "columns") as? [String] == ["age", "city", "churned"])

        let ragged = try await server.request("PUT", "/v1/models/m/reference?source=bad.csv", body: "a,b\n1,2\n3\n", contentType: "text/csv")
        #expect(ragged.status == 422 && ragged.text.contains("bad.csv") && ragged.text.contains("bad.csv:3"), "\(ragged.text)")
        let corrupt = try await server.request("PUT", "/v1/models/m/reference", data: Data([0x56, 0x47, 0x4C, 0x31, 1, 2, 3]), contentType: "application/octet-stream")
        #expect(corrupt.status == 422, "\(corrupt.text)")
        try await server.stop()
    }

    /// A reference pinned to a production time range: the model's own traffic three hours ago, against which
    /// today's drifted traffic is judged with the same scores as the offline report on the same rows.
    @Test func aPinnedProductionRangeIsAReference() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970
        let earlier = (0..<900).map { index in
            predictionJSON(id: "e\(index)", age: Double(index % 100), city: ["a", "b", "c"][index % 3], timestamp: Timestamp.formatRFC3339(milliseconds: Int64((now - 3 * 3600) * 1000) + Int64(index)))
        }
        let rows = Self.liveRows(count: 900)
        let today = rows.enumerated().map { index, row in predictionJSON(id: "t\(index)", age: Double(row.age), city: row.city) }
        for body in [earlier, today] {
            #expect(try await server.request("POST", "/v1/models/churn/predictions", body: body.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        }
        let from = Timestamp.formatRFC3339(milliseconds: Int64((now - 4 * 3600) * 1000)), to = Timestamp.formatRFC3339(milliseconds: Int64((now - 3600) * 1000))

        let pinned = try await server.request("PUT", "/v1/models/churn/reference?from=\(from)&to=\(to)&version=v1", body: nil)
        #expect(pinned.status == 200, "\(pinned.text)")
        #expect(value(try pinned.json(), "reference", "rows") as? Int == 900)
        #expect((value(try pinned.json(), "reference", "source") as? String)?.hasPrefix("production version v1, ") == true)

        let summary = try await server.summary("churn", query: "window=30m")
        let columns = try #require(value(summary, "drift", "columns") as? [[String: Any]])
        let cityQuality = try #require((value(summary, "dataQuality") as? [[String: Any]])?.first { $0["column"] as? String == "city" })
        #expect(cityQuality["newCategories"] as? [String] == ["d"])
        // The offline report on the same rows: the same methods and scores.
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let referencePath = directory + "/reference.csv", currentPath = directory + "/current.csv"
        try ("age,city\n" + (0..<900).map { "\($0 % 100),\(["a", "b", "c"][$0 % 3])" }.joined(separator: "\n") + "\n").write(toFile: referencePath, atomically: true, encoding: .utf8)
        try ("age,city\n" + rows.map { "\($0.age),\($0.city)" }.joined(separator: "\n") + "\n").write(toFile: currentPath, atomically: true, encoding: .utf8)
        let offline = DatasetReport.build(
            referenceName: "r", reference: try DatasetLoader.load(path: referencePath), currentName: "c", current: try DatasetLoader.load(path: currentPath),
            driftOptions: DriftOptions()
        )
        for column in offline.drift.columns {
            let live = try #require(columns.first { $0["column"] as? String == column.column })
            #expect(live["method"] as? String == column.result.method.rawValue)
            #expect(live["drifted"] as? Bool == column.result.drifted && column.result.drifted, "\(column.column)")
            let score = try #require((live["score"] as? NSNumber)?.doubleValue)
            #expect(abs(score - column.result.score) <= 1e-9 * max(1, abs(column.result.score)), "\(column.column): \(score) vs \(column.result.score)")
        }

        // A range without traffic, a body and a range together, and an unknown version are clear errors.
        let empty = try await server.request("PUT", "/v1/models/churn/reference?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z", body: nil)
        #expect(empty.status == 422 && empty.text.contains("no predictions"), "\(empty.text)")
        #expect(try await server.request("PUT", "/v1/models/churn/reference?from=\(from)", body: "age\n1\n", contentType: "text/csv").status == 400)
        #expect(try await server.request("PUT", "/v1/models/churn/reference?from=\(from)&version=v9", body: nil).status == 404)
        #expect(try await server.request("PUT", "/v1/models/churn/reference?to=\(to)", body: nil).status == 400)
        try await server.stop()
    }
}
