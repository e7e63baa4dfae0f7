import Foundation
import GRDB
import Testing
import VigilCore
import VigilServer

/// Predictions and labels over real HTTP into a real SQLite store.
struct IngestionTests {
    @Test func objectArrayAndNDJSONBodiesAreStoredOnce() async throws {
        let server = try await TestServer.start()
        let single = try await server.request("POST", "/v1/models/churn/predictions", body: predictionJSON(id: "a", age: 30, city: "paris"))
        #expect(single.status == 200, "\(single.text)")
        #expect(value(try single.json(), "ids") as? [String] == ["a"])

        let array = "[" + (0..<3).map { predictionJSON(id: "b\($0)", age: Double(40 + $0), city: "rome") }.joined(separator: ",") + "]"
        let arrayAnswer = try await server.request("POST", "/v1/models/churn/predictions", body: array)
        #expect(number(try arrayAnswer.json(), "stored") == 3)

        // NDJSON without ids: Vigil assigns them and says which.
        let ndjson = (0..<2).map { _ in predictionJSON(age: 50, city: "oslo") }.joined(separator: "\n") + "\n"
        let ndjsonAnswer = try await server.request("POST", "/v1/models/churn/predictions", body: ndjson, contentType: "application/x-ndjson")
        let assigned = try #require(value(try ndjsonAnswer.json(), "ids") as? [String])
        #expect(assigned.count == 2 && Set(assigned).count == 2 && assigned.allSatisfy { $0.count == 32 })

        // Resending never counts twice.
        let again = try await server.request("POST", "/v1/models/churn/predictions", body: array)
        #expect(number(try again.json(), "stored") == 0)
        #expect(value(try again.json(), "duplicates") as? [String] == ["b0", "b1", "b2"])

        let summary = try await server.summary("churn")
        #expect(number(summary, "requests", "count") == 6)
        #expect(number(summary, "latencyMs", "p50") == 12)
        let ages = try #require(value(summary, "features", "0") as? [String: Any])
        #expect(ages["name"] as? String == "age")
        // Mean of 30, 40, 41, 42, 50, 50.
        #expect(abs((number(ages, "statistics", "mean") ?? 0) - 253.0 / 6) < 1e-9)
        #expect(value(summary, "predictions", "classes", "0", "class") as? String == "yes")
        try await server.stop()
    }

    /// Segment tags show as a breakdown in the summary, live and after a restart (read from stored buckets).
    @Test func segmentTagsBreakTrafficDown() async throws {
        let server = try await TestServer.start()
        let rows = (0..<40).map { index in
            let tier = index % 4 == 0 ? "gold" : "free"
            let status = tier == "free" && index % 3 == 0 ? #""status": "error", "error_type": "timeout""# : #""status": "ok""#
            return #"{"id": "s\#(index)", "latency_ms": \#(tier == "gold" ? 100 : 10), \#(status), "segment": {"tier": "\#(tier)", "region": "eu"}, "prediction": 0.5}"#
        }
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: "[" + rows.joined(separator: ",") + "]").status == 200)

        func check(_ summary: [String: Any]) throws {
            let segments = try #require(value(summary, "segments", "values") as? [[String: Any]])
            // Tags in name order, the values with the most requests first.
            #expect(segments.map { "\($0["tag"]!)=\($0["value"]!)" } == ["region=eu", "tier=free", "tier=gold"])
            #expect(segments.map { $0["requests"] as? Int } == [40, 30, 10])
            #expect(segments.map { $0["errors"] as? Int } == [10, 10, 0])
            #expect(number(segments[2], "latencyMs", "p99") == 100 && number(segments[1], "latencyMs", "p50") == 10)
            #expect(number(segments[1], "share") == 0.75 && number(segments[0], "predictionMean") == 0.5)
            #expect(number(summary, "segments", "untracked") == 0)
        }
        try check(try await server.summary("m"))
        try await server.stop()
        let restarted = try await TestServer.start(directory: server.directory)
        try check(try await restarted.summary("m", query: "window=7d"))
        try await restarted.stop()
    }

    @Test func invalidRowsNameTheRowAndFieldAndStoreNothing() async throws {
        let server = try await TestServer.start()
        let body = "[" + predictionJSON(id: "ok1", age: 1, city: "a") + #",{"id":"bad","features":{"x":{"nested":1}}},"# + predictionJSON(id: "ok2", age: 2, city: "b") + "]"
        let refused = try await server.request("POST", "/v1/models/m/predictions", body: body)
        #expect(refused.status == 422)
        #expect(refused.headers["content-type"] == "application/problem+json")
        let problem = try refused.json()
        #expect(problem["type"] as? String == "urn:vigil:problem:invalid-rows")
        #expect(value(problem, "errors", "0", "row") as? Int == 1)
        #expect(value(problem, "errors", "0", "field") as? String == "features.x")
        #expect(try await server.request("GET", "/v1/models/m/summary").status == 404, "nothing may be stored")

        // With partial acceptance the valid rows are stored and the answer says exactly which.
        let partial = try await server.request("POST", "/v1/models/m/predictions?partial=true", body: body)
        #expect(partial.status == 200)
        let answer = try partial.json()
        #expect(number(answer, "stored") == 2)
        #expect((value(answer, "ids") as? [Any])?.map { $0 as? String } == ["ok1", nil, "ok2"])
        #expect(value(answer, "rejected", "0", "row") as? Int == 1)
        #expect(number(try await server.summary("m"), "requests", "count") == 2)
        try await server.stop()
    }

    @Test(arguments: [
        (#"{"latency_ms": "fast"}"#, "latency_ms"),
        (#"{"timestamp": "yesterday"}"#, "timestamp"),
        (#"{"timestamp": 1700000000000}"#, "timestamp"),
        (#"{"status": "maybe"}"#, "status"),
        (#"{"status": "ok", "error_type": "timeout"}"#, "error_type"),
        (#"{"features": {"v": [1, "a"]}}"#, "features.v"),
        (#"{"prediction": {"yes": "high"}}"#, "prediction.yes"),
        (#"{"segment": {"tier": 3}}"#, "segment.tier"),
        (#"{"metrics": {"revenue": "12"}}"#, "metrics.revenue"),
        (#"{"latencyMs": 3}"#, "latencyMs"),
        // Found by schemathesis: a version that is a huge number once became "4.2e+81" and broke replay.
        (#"{"version": 4.2e81}"#, "version"),
        (#"{"request_id": ""}"#, "request_id"),
        (#"{"request_id": {"a": 1}}"#, "request_id"),
        (#"{"request_id": "r", "request_id": "s"}"#, "request_id"),
    ])
    func eachBadFieldIsNamed(body: String, field: String) async throws {
        let server = try await TestServer.start()
        let answer = try await server.request("POST", "/v1/models/m/predictions", body: body)
        #expect(answer.status == 422, "\(answer.text)")
        #expect(value(try answer.json(), "errors", "0", "field") as? String == field, "\(answer.text)")
        try await server.stop()
    }

    @Test func malformedBodiesAndLimitsAreClearErrors() async throws {
        let server = try await TestServer.start { configuration in
            configuration.limits.maxBodyBytes = 4096
            configuration.limits.maxRowsPerBatch = 5
            configuration.limits.maxFeaturesPerRow = 3
            configuration.maxModels = 2
            configuration.maxVersionsPerModel = 2
        }
        let broken = try await server.request("POST", "/v1/models/m/predictions", body: #"[{"id": 1},"#)
        #expect(broken.status == 400 && broken.text.contains("not valid JSON"), "\(broken.text)")
        let empty = try await server.request("POST", "/v1/models/m/predictions", body: " ")
        #expect(empty.status == 400 && empty.text.contains("empty"))
        let large = try await server.request("POST", "/v1/models/m/predictions", body: "[" + String(repeating: " ", count: 5000) + "]")
        #expect(large.status == 413 && large.text.contains("4096"))
        let many = try await server.request("POST", "/v1/models/m/predictions", body: "[" + Array(repeating: "{}", count: 6).joined(separator: ",") + "]")
        #expect(many.status == 400 && many.text.contains("more than 5 rows"))
        let wide = try await server.request("POST", "/v1/models/m/predictions", body: #"{"features": {"a":1,"b":2,"c":3,"d":4}}"#)
        #expect(wide.status == 422 && wide.text.contains("at most 3"))
        let xml = try await server.request("POST", "/v1/models/m/predictions", body: "<a/>", contentType: "application/xml")
        #expect(xml.status == 415)
        let badName = try await server.request("POST", "/v1/models/bad%20name/predictions", body: "{}")
        #expect(badName.status == 400)

        // Cardinality: two models, two versions each.
        #expect(try await server.request("POST", "/v1/models/m1/predictions", body: #"{"version":"a"}"#).status == 200)
        #expect(try await server.request("POST", "/v1/models/m1/predictions", body: #"{"version":"b"}"#).status == 200)
        let thirdVersion = try await server.request("POST", "/v1/models/m1/predictions", body: #"{"version":"c"}"#)
        #expect(thirdVersion.status == 422 && thirdVersion.text.contains("max_versions_per_model"))
        #expect(try await server.request("POST", "/v1/models/m2/predictions", body: "{}").status == 200)
        let thirdModel = try await server.request("POST", "/v1/models/m3/predictions", body: "{}")
        #expect(thirdModel.status == 422 && thirdModel.text.contains("max_models"))
        try await server.stop()
    }

    /// Found by schemathesis: a feature first seen in a later row, or null before its first value, once
    /// misaligned the columns and crashed the summary.
    @Test func featuresArrivingLateAreCountedFromTheStart() async throws {
        let server = try await TestServer.start()
        let rows = [#"{"features": {}}"#, #"{"features": {"a": null, "v": []}}"#, #"{"features": {"a": 2, "b": "x"}}"#, #"{"features": {"v": [1, 2]}}"#]
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        let summary = try await server.summary("m")
        let features = try #require(value(summary, "features") as? [[String: Any]])
        #expect(features.map { $0["rows"] as? Int } == [4, 4], "\(features)")
        #expect(features.first { $0["name"] as? String == "a" }?["missingRatio"] as? Double == 0.75)
        #expect(value(summary, "vectors", "0", "mismatches") as? Int == 1)
        try await server.stop()
    }

    @Test func labelsJoinTheirPredictionWhicheverArrivesFirst() async throws {
        let server = try await TestServer.start()
        let early = try await server.request("POST", "/v1/models/m/labels", body: #"{"prediction_id": "p1", "label": "yes"}"#)
        #expect(early.status == 200, "\(early.text)")
        _ = try await server.request("POST", "/v1/models/m/predictions", body: "[" + predictionJSON(id: "p1", age: 1, city: "a") + "," + predictionJSON(id: "p2", age: 2, city: "b") + "]")
        let late = try await server.request("POST", "/v1/models/m/labels", body: #"[{"prediction_id": "p2", "label": "no", "timestamp": "2026-11-22T10:00:00Z"}]"#)
        #expect(number(try late.json(), "stored") == 1)
        let joined = try await server.request("GET", "/v1/models/m/predictions/p1")
        #expect(value(try joined.json(), "label", "label") as? String == "yes")
        #expect(value(try joined.json(), "prediction", "features", "city") as? String == "a")
        let summary = try await server.summary("m")
        #expect(number(summary, "labels", "received") == 2 && number(summary, "labels", "matched") == 2)
        let missing = try await server.request("POST", "/v1/models/m/labels", body: #"{"label": "yes"}"#)
        #expect(missing.status == 422 && missing.text.contains("prediction_id"))
        #expect(try await server.request("GET", "/v1/models/m/predictions/nope").status == 404)
        try await server.stop()
    }

    @Test func tokensAndScopesGuardTheAPI() async throws {
        let ingest = String(repeating: "i", count: 24)
        let reader = String(repeating: "r", count: 24)
        let server = try await TestServer.start { configuration in
            configuration.tokens = [
                APIToken(name: "service", secret: ingest, scopes: [.ingest]),
                APIToken(name: "grafana", secret: reader, scopes: [.read]),
            ]
        }
        #expect(try await server.request("GET", "/healthz").status == 200, "health probes need no token")
        let anonymous = try await server.request("POST", "/v1/models/m/predictions", body: "{}")
        #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"] == "Bearer")
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: "{}", token: "wrong-token-wrong-token").status == 401)
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: "{}", token: reader).status == 403)
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: "{}", token: ingest).status == 200)
        #expect(try await server.request("GET", "/v1/models", token: reader).status == 200)
        #expect(try await server.request("GET", "/metrics", token: ingest).status == 403)
        #expect(try await server.request("PUT", "/v1/models/m/reference", body: "a\n1\n", contentType: "text/csv", token: reader).status == 403)
        try await server.stop()

        var open = ServerConfiguration()
        open.host = "0.0.0.0"
        #expect(throws: ConfigurationError.self, "a public address without tokens is refused") { try open.validate() }
    }

    @Test func retentionDeletesOldPredictionsAndBuckets() async throws {
        let server = try await TestServer.start { configuration in
            configuration.eventRetentionSeconds = 86_400
            configuration.bucketRetentionSeconds = 2 * 86_400
            configuration.retentionIntervalSeconds = 0.2
        }
        let now = Date().timeIntervalSince1970
        let rows = [
            predictionJSON(id: "ancient", age: 1, city: "a", timestamp: Timestamp.formatRFC3339(milliseconds: Int64((now - 3 * 86_400) * 1000))),
            predictionJSON(id: "old", age: 2, city: "b", timestamp: Timestamp.formatRFC3339(milliseconds: Int64((now - 1.5 * 86_400) * 1000))),
            predictionJSON(id: "new", age: 3, city: "c"),
        ]
        #expect(try await server.request("POST", "/v1/models/m/predictions", body: "[" + rows.joined(separator: ",") + "]").status == 200)
        var remaining: [Int] = []
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            remaining = [
                try await server.request("GET", "/v1/models/m/predictions/ancient").status,
                try await server.request("GET", "/v1/models/m/predictions/old").status,
                try await server.request("GET", "/v1/models/m/predictions/new").status,
            ]
            if remaining == [404, 404, 200] { break }
        }
        #expect(remaining == [404, 404, 200], "raw events older than a day go; the recent one stays")
        // Buckets live longer than events: the 1.5-day-old one still counts in a 7-day window, the 3-day-old one
        // not, once a retention pass has run after the flush that stored it (they run every 0.2 s).
        var counted: Int?
        for _ in 0..<100 where counted != 2 {
            counted = number(try await server.summary("m", query: "window=7d"), "requests", "count").map { Int($0) }
            if counted != 2 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(counted == 2)
        try await server.stop()
        let restarted = try await TestServer.start(directory: server.directory)
        #expect(number(try await restarted.summary("m", query: "window=7d"), "requests", "count") == 2)
        try await restarted.stop()
    }

    /// Starts a server on `directory`, stores `count` predictions of model `m` (ages 0…, two cities), and
    /// stops it gracefully; returns the NDJSON body sent and the summary just before the stop.
    static func ingestThenStop(in directory: String, count: Int, idPrefix: String) async throws -> (body: String, summary: [String: Any]) {
        let server = try await TestServer.start(directory: directory)
        let body = (0..<count).map { predictionJSON(id: "\(idPrefix)\($0)", age: Double($0), city: $0 % 2 == 0 ? "x" : "y", latency: Double($0)) }.joined(separator: "\n")
        _ = try await server.request("POST", "/v1/models/m/predictions", body: body, contentType: "application/x-ndjson")
        let summary = try await server.summary("m")
        try await server.stop()
        return (body, summary)
    }

    @Test func restartKeepsEverythingAndCountsNothingTwice() async throws {
        let directory = TestServer.temporaryDirectory()
        let (body, before) = try await Self.ingestThenStop(in: directory, count: 50, idPrefix: "r")

        let second = try await TestServer.start(directory: directory)
        let after = try await second.summary("m")
        #expect(number(after, "requests", "count") == 50)
        #expect(number(after, "latencyMs", "mean") == number(before, "latencyMs", "mean"))
        // Mean age of 0...49.
        #expect((value(after, "features", "0", "statistics", "mean") as? NSNumber)?.doubleValue == 24.5)
        #expect(value(after, "features", "0", "statistics", "p90") as? NSNumber == value(before, "features", "0", "statistics", "p90") as? NSNumber)
        #expect((value(after, "features") as? [Any])?.count == 2)
        // A resend after the restart is still recognised.
        let again = try await second.request("POST", "/v1/models/m/predictions", body: body, contentType: "application/x-ndjson")
        #expect(number(try again.json(), "stored") == 0)
        try await second.stop()
    }

    @Test func anUnreadableStoredBucketIsRebuiltFromTheLog() async throws {
        let directory = TestServer.temporaryDirectory()
        let (_, before) = try await Self.ingestThenStop(in: directory, count: 40, idPrefix: "d")

        // Damage every stored bucket's payload, as a bad disk or a store written by an older format would.
        let database = try openDatabase(directory + "/vigil.sqlite")
        let damaged = try await database.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT rowid, payload FROM buckets")
            for row in rows {
                var payload = [UInt8](row["payload"] as Data)
                payload[payload.count / 2] ^= 0x5A
                try db.execute(sql: "UPDATE buckets SET payload = ? WHERE rowid = ?", arguments: [Data(payload), row["rowid"] as Int64])
            }
            return rows.count
        }
        #expect(damaged >= 1)

        let second = try await TestServer.start(directory: directory)
        let after = try await second.summary("m")
        #expect(number(after, "requests", "count") == 40, "the server starts and counts every event once")
        #expect(number(after, "latencyMs", "mean") == number(before, "latencyMs", "mean"))
        #expect(value(after, "features", "0", "statistics", "p90") as? NSNumber == value(before, "features", "0", "statistics", "p90") as? NSNumber)
        let exposition = try await second.request("GET", "/metrics").text
        #expect(exposition.contains("vigil_rebuilt_buckets_total \(damaged)"), "\(exposition.split(separator: "\n").filter { $0.contains("rebuilt") })")
        try await second.stop()

        // The rebuilt bucket was stored again at shutdown: a third start reads it without a rebuild.
        let third = try await TestServer.start(directory: directory)
        #expect(number(try await third.summary("m"), "requests", "count") == 40)
        #expect(!(try await third.request("GET", "/metrics").text.contains("vigil_rebuilt_buckets_total 1")))
        try await third.stop()
    }

    /// Windows reaching past the held buckets read whole hours as rollups: the same answer as bucket by
    /// bucket, and late events into an hour make its rollup stale instead of going unseen.
    /// An hour that ended while the server was down gets its rollup soon after the start, not at the first
    /// window that reads it.
    @Test func hoursThatEndedWhileDownAreRolledUpAfterTheStart() async throws {
        let directory = TestServer.temporaryDirectory()
        let hour = 3_600_000.0
        let start = ((Date().timeIntervalSince1970 * 1000 - 5 * hour) / hour).rounded(.down) * hour
        let events = (0..<12).map { index in
            predictionJSON(id: "d\(index)", age: Double(index), city: "x", timestamp: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: (start + Double(index) * 300_000) / 1000)))
        }
        let first = try await TestServer.start(directory: directory)
        #expect(try await first.request("POST", "/v1/models/m/predictions", body: events.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        try await first.stop()

        let server = try await TestServer.start(directory: directory)
        let database = try openDatabase(directory + "/vigil.sqlite")
        var rollups: [Int64] = []
        for _ in 0..<50 where rollups.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            rollups = try await database.read { try Int64.fetchAll($0, sql: "SELECT start_ms FROM rollups") }
        }
        #expect(rollups == [Int64(start)], "the hour five hours ago is rolled up without any window asking")
        try await server.stop()
    }

    /// `/performance` reads a window's traffic without its features: the same prediction count, and no rollup
    /// built from feature-less buckets (the hours' rollups, built in the background, keep every feature), so
    /// `/summary` still reads whole hours with their features.
    @Test func aTrafficReadCountsEveryPredictionAndStoresNoRollup() async throws {
        let directory = TestServer.temporaryDirectory()
        let hour = 3_600_000.0
        let start = ((Date().timeIntervalSince1970 * 1000 - 13 * hour) / hour).rounded(.down) * hour
        let events = (0..<60).map { (index: Int) -> String in
            let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: (start + Double(index) * 600_000) / 1000))
            return predictionJSON(id: "t\(index)", age: Double(index), city: "x", latency: 5, timestamp: time)
        }
        let first = try await TestServer.start(directory: directory)
        _ = try await first.request("POST", "/v1/models/m/predictions", body: events.joined(separator: "\n"), contentType: "application/x-ndjson")
        try await first.stop()
        let server = try await TestServer.start(directory: directory)
        let performance = try await server.request("GET", "/v1/models/m/performance?window=1d").json()
        #expect(value(performance, "overall", "predictions") as? Int == 60)
        let summary = try await server.summary("m", query: "window=1d")
        #expect(number(summary, "requests", "count") == 60)
        let age = (summary["features"] as? [[String: Any]])?.first { $0["name"] as? String == "age" }
        #expect(number(age, "statistics", "mean") == 29.5 && number(age, "rows") == 60, "the features are all there: \(String(describing: age))")

        // An hourly series over the day, its hours read from the rollups: six predictions an hour, ten hours.
        func iso(_ milliseconds: Double) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: milliseconds / 1000)) }
        let series = try await server.request("GET", "/v1/models/m/performance?from=\(iso(start - 2 * hour))&to=\(iso(start + 12 * hour))&granularity=1h").json()
        let counts = (value(series, "series", "points") as? [[String: Any]] ?? []).compactMap { value($0, "quality", "predictions") as? Int }
        #expect(counts.count == 14 && counts.filter { $0 > 0 } == Array(repeating: 6, count: 10), "\(counts)")
        try await server.stop()
    }

    @Test func longWindowsReadRollupsThatLateEventsRefresh() async throws {
        let directory = TestServer.temporaryDirectory()
        let hour = 3_600_000.0
        // Ten hours that ended at least three hours ago (older than the two hot hours), one event every 5 minutes.
        let start = ((Date().timeIntervalSince1970 * 1000 - 13 * hour) / hour).rounded(.down) * hour
        func stamp(_ milliseconds: Double) -> String {
            ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: milliseconds / 1000))
        }
        let events = (0..<120).map { (index: Int) -> String in
            let time = stamp(start + Double(index) * 300_000)
            return predictionJSON(id: "h\(index)", age: Double(index), city: index % 3 == 0 ? "x" : "y", latency: Double(index % 40), timestamp: time)
        }
        let first = try await TestServer.start(directory: directory)
        _ = try await first.request("POST", "/v1/models/m/predictions", body: events.joined(separator: "\n"), contentType: "application/x-ndjson")
        try await first.stop()

        // After a restart those buckets are only in the store.
        let server = try await TestServer.start(directory: directory)
        let bucketByBucket = try await server.summary("m", query: "window=1d")
        let database = try openDatabase(directory + "/vigil.sqlite")
        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rollups") } == 10, "one rollup per hour read")
        let fromRollups = try await server.summary("m", query: "window=1d")
        #expect(number(bucketByBucket, "requests", "count") == 120)
        #expect(number(fromRollups, "requests", "count") == 120)
        let statistics: [(String, (Any?) -> Any?)] = [
            ("latency mean", { value($0, "latencyMs", "mean") }),
            ("age mean", { value($0, "features", "0", "statistics", "mean") }),
            ("age p50", { value($0, "features", "0", "statistics", "p50") }),
        ]
        for (name, read) in statistics {
            let direct = try #require(read(bucketByBucket) as? NSNumber).doubleValue
            let rolled = try #require(read(fromRollups) as? NSNumber).doubleValue
            #expect(abs(direct - rolled) <= 1e-9 * Swift.max(1, abs(direct)), "\(name): \(direct) bucket by bucket, \(rolled) from rollups")
        }

        // Late events into the fourth hour: seen at once (their bucket is held), and after the flush (the
        // rollup is stale until built again).
        let late = (0..<5).map { predictionJSON(id: "late\($0)", age: 1000, city: "x", timestamp: stamp(start + 3 * hour + 60_000)) }
        _ = try await server.request("POST", "/v1/models/m/predictions", body: late.joined(separator: "\n"), contentType: "application/x-ndjson")
        let atOnce = try await server.summary("m", query: "window=1d")
        #expect(number(atOnce, "requests", "count") == 125)
        try await Task.sleep(for: .milliseconds(600))
        let afterFlush = try await server.summary("m", query: "window=1d")
        #expect(number(afterFlush, "requests", "count") == 125)
        #expect(number(try await server.summary("m", query: "window=1d"), "requests", "count") == 125, "the rebuilt rollup holds the late events")
        try await server.stop()
    }

    /// A backfill's complete hours are rolled up in the background as soon as they are flushed, so the first
    /// window over them reads one rollup per hour instead of every bucket; `vigil_pending_rollups` shows the
    /// work left.
    @Test func backfilledHoursAreRolledUpBeforeAnyWindowReadsThem() async throws {
        let directory = TestServer.temporaryDirectory()
        let hour = 3_600_000.0
        // Five hours three days ago (the start's catch-up covers only the last day), an event every 5 minutes.
        let start = ((Date().timeIntervalSince1970 * 1000 - 72 * hour) / hour).rounded(.down) * hour
        func stamp(_ milliseconds: Double) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: milliseconds / 1000)) }
        let events = (0..<60).map { predictionJSON(id: "b\($0)", age: Double($0), city: "x", latency: 5, timestamp: stamp(start + Double($0) * 300_000)) }
        let server = try await TestServer.start(directory: directory)
        _ = try await server.request("POST", "/v1/models/m/predictions", body: events.joined(separator: "\n"), contentType: "application/x-ndjson")
        let database = try openDatabase(directory + "/vigil.sqlite")
        var rollups = 0
        for _ in 0..<100 where rollups < 5 {
            try await Task.sleep(for: .milliseconds(100))
            rollups = try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rollups") } ?? 0
        }
        #expect(rollups == 5, "one rollup per backfilled hour, with no window read")
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains("\nvigil_pending_rollups 0"), "\(metrics.split(separator: "\n").filter { $0.contains("rollups") })")
        let summary = try await server.summary("m", query: "from=\(stamp(start))&to=\(stamp(start + 5 * hour))")
        #expect(number(summary, "requests", "count") == 60)
        try await server.stop()
    }
}
