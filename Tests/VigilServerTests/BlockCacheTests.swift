import Foundation
import Testing
import VigilAlerting
import VigilCore
import VigilStats

@testable import VigilServer

/// Windows of whole days and chart spans read from memory once computed: the same answers as from the store,
/// late events and retention seen at once, and the byte bound kept.
struct BlockCacheTests {
    static let day: Int64 = 86_400_000

    static func profile(requests: Int) -> LiveProfile {
        var profile = LiveProfile()
        for index in 0..<requests {
            profile.add(PredictionEvent(id: "p\(index)", timestampMilliseconds: 0, version: "v1", features: ["x": .number(Double(index))]))
        }
        return profile
    }

    static func size(_ requests: Int) -> Int {
        var encoder = BinaryEncoder()
        profile(requests: requests).encodePayload(into: &encoder)
        return encoder.bytes.count
    }

    @Test func aBlockIsServedOnlyAtItsDaysCurrentStamp() {
        let cache = BlockCache<LiveProfile>(maximumBytes: 1 << 20)
        let key = BlockCache<LiveProfile>.Key(model: "m", version: nil, start: 3 * Self.day, width: Self.day, parts: .all)
        let stamp = cache.stamp(model: "m", day: key.day)
        cache.store(Self.profile(requests: 3), bytes: Self.size(3), key: key, stamp: stamp)
        #expect(cache.profile(key)?.requestCount == 3)
        // Late events for another model or day leave it; for its day, it goes.
        cache.changed(model: "other", days: [key.day])
        cache.changed(model: "m", days: [key.day + Self.day])
        #expect(cache.profile(key)?.requestCount == 3)
        cache.changed(model: "m", days: [key.day])
        #expect(cache.profile(key) == nil)
        // Computed before the late events came, it is not kept after them.
        cache.store(Self.profile(requests: 3), bytes: Self.size(3), key: key, stamp: stamp)
        #expect(cache.profile(key) == nil)
        let fresh = cache.stamp(model: "m", day: key.day)
        cache.store(Self.profile(requests: 4), bytes: Self.size(4), key: key, stamp: fresh)
        #expect(cache.profile(key)?.requestCount == 4)
        // Retention reaching into its day removes it, and neither that day nor an older one is kept again (one
        // being computed meanwhile included); later days stay.
        let later = BlockCache<LiveProfile>.Key(model: "m", version: nil, start: 5 * Self.day, width: 6 * 3_600_000, parts: .traffic)
        cache.store(Self.profile(requests: 1), bytes: Self.size(1), key: later, stamp: cache.stamp(model: "m", day: later.day))
        let retiring = cache.stamp(model: "m", day: key.day)
        cache.deleted(before: 3 * Self.day + 1000)
        #expect(cache.profile(key) == nil)
        cache.store(Self.profile(requests: 4), bytes: Self.size(4), key: key, stamp: retiring)
        #expect(cache.profile(key) == nil)
        #expect(cache.profile(later)?.requestCount == 1)
    }

    @Test func theByteBoundEvictsTheLeastRecentlyUsed() {
        let size = Self.size(50)
        let cache = BlockCache<LiveProfile>(maximumBytes: 2 * size + size / 2)
        let keys = (0..<3).map { BlockCache<LiveProfile>.Key(model: "m", version: "v1", start: Int64($0) * Self.day, width: Self.day, parts: .all) }
        cache.store(Self.profile(requests: 50), bytes: Self.size(50), key: keys[0], stamp: cache.stamp(model: "m", day: keys[0].day))
        cache.store(Self.profile(requests: 50), bytes: Self.size(50), key: keys[1], stamp: cache.stamp(model: "m", day: keys[1].day))
        #expect(cache.profile(keys[0]) != nil, "used: the newest now")
        cache.store(Self.profile(requests: 50), bytes: Self.size(50), key: keys[2], stamp: cache.stamp(model: "m", day: keys[2].day))
        #expect(cache.profile(keys[1]) == nil, "the least recently used went")
        #expect(cache.profile(keys[0]) != nil && cache.profile(keys[2]) != nil)
        #expect(cache.statistics.bytes <= cache.maximumBytes && cache.statistics.entries == 2)
    }

    /// Over HTTP: a week's summary read twice (the second from whole days in memory), then late events into
    /// one of its days and into a chart span: every answer counts them at once, as a server without the cache.
    @Test func lateEventsIntoACachedDayAreCountedAtOnce() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970 * 1000
        func rows(_ prefix: String, daysAgo: Double, count: Int) -> String {
            (0..<count).map { index in
                predictionJSON(
                    id: "\(prefix)\(index)",
                    age: Double(index),
                    city: "x",
                    timestamp: Timestamp.formatRFC3339(milliseconds: Int64(now - daysAgo * 86_400_000) + Int64(index) * 1000)
                )
            }.joined(separator: "\n")
        }
        func post(_ body: String) async throws {
            #expect(try await server.request("POST", "/v1/models/m/predictions", body: body, contentType: "application/x-ndjson").status == 200)
        }
        func count() async throws -> Int? { number(try await server.summary("m", query: "window=7d"), "requests", "count").map { Int($0) } }
        func eventually(_ expected: Int) async throws -> Int? {
            var seen: Int?
            for _ in 0..<100 where seen != expected {
                seen = try await count()
                if seen != expected { try await Task.sleep(for: .milliseconds(100)) }
            }
            return seen
        }
        try await post(rows("a", daysAgo: 3, count: 20))
        try await post(rows("b", daysAgo: 5, count: 10))
        #expect(try await eventually(30) == 30)
        #expect(try await count() == 30, "read again, from the days in memory")
        let exposition = try await server.request("GET", "/metrics").text
        let hits = exposition.split(separator: "\n").first { $0.hasPrefix(#"vigil_window_cache_reads_total{result="hit"}"#) }
        #expect((hits?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 2, "the days were read from memory: \(hits ?? "no hit")")
        try await post(rows("c", daysAgo: 3, count: 7))
        #expect(try await eventually(37) == 37, "late events into a cached day are counted")
        // The operational tab reads 3-hour spans: the late events show there too.
        let page = try await server.request("GET", "/models/m?range=7d")
        #expect(page.status == 200)
        try await post(rows("d", daysAgo: 5, count: 1))
        #expect(try await eventually(38) == 38)
        try await server.stop()
    }

    /// An hourly series reads the hours the cache lacks in one store read and keeps each; late events into one
    /// of them are counted at once (held in memory) and after their flush (the kept hour gives way).
    @Test func anHourlySeriesKeepsItsHoursAndSeesLateEvents() async throws {
        let directory = TestServer.temporaryDirectory()
        var server = try await TestServer.start(directory: directory)
        let hour: Int64 = 3_600_000
        let start = (Int64(Date().timeIntervalSince1970 * 1000) - 30 * hour) / hour * hour
        func rows(_ prefix: String, hours: Range<Int64>, each: Int) -> String {
            hours.flatMap { h in
                (0..<each).map { index in
                    predictionJSON(
                        id: "\(prefix)\(h)-\(index)",
                        age: 1,
                        city: "x",
                        timestamp: Timestamp.formatRFC3339(milliseconds: start + h * hour + Int64(index) * 60_000)
                    )
                }
            }.joined(separator: "\n")
        }
        func counts() async throws -> [Int] {
            let from = Timestamp.formatRFC3339(milliseconds: start)
            let to = Timestamp.formatRFC3339(milliseconds: start + 24 * hour)
            let series = try await server.request("GET", "/v1/models/m/performance?from=\(from)&to=\(to)&granularity=1h").json()
            return (value(series, "series", "points") as? [[String: Any]] ?? []).compactMap { value($0, "quality", "predictions") as? Int }
        }
        func eventually(_ expected: [Int]) async throws -> [Int] {
            var seen: [Int] = []
            for _ in 0..<100 where seen != expected {
                seen = try await counts()
                if seen != expected { try await Task.sleep(for: .milliseconds(100)) }
            }
            return seen
        }
        #expect(
            try await server.request("POST", "/v1/models/m/predictions", body: rows("a", hours: 0..<24, each: 2), contentType: "application/x-ndjson")
                .status == 200
        )
        var expected = Array(repeating: 2, count: 24)
        #expect(try await eventually(expected) == expected)
        // Once the backfilled hours are rolled up, a restarted server reads the series' hours in one read.
        for _ in 0..<100 where !(try await server.request("GET", "/metrics").text.contains("\nvigil_pending_rollups 0")) {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await server.stop()
        // With the monitor and the alert rules quiet after their first pass, the cache is read by the series alone.
        server = try await TestServer.start(directory: directory) {
            $0.monitorIntervalSeconds = 3600
            $0.alerting.evaluationInterval = 3_600_000
        }
        func cacheReads(_ result: String) async throws -> Double {
            let line = try await server.request("GET", "/metrics").text.split(separator: "\n").first {
                $0.hasPrefix("vigil_window_cache_reads_total{result=\"\(result)\"}")
            }
            return line?.split(separator: " ").last.flatMap { Double($0) } ?? 0
        }
        // Both have made their first pass once their durations are published (a loaded machine takes seconds).
        for _ in 0..<300 {
            let exposition = try await server.request("GET", "/metrics").text
            if exposition.contains("\nvigil_monitor_duration_seconds ") && exposition.contains("\nvigil_alert_evaluation_duration_seconds ") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let missesBefore = try await cacheReads("miss")
        #expect(try await counts() == expected)
        #expect(try await cacheReads("miss") == missesBefore, "every hour was kept by one read before the loop asked for it")
        #expect(try await cacheReads("hit") >= 24)
        #expect(try await counts() == expected, "read again, from the hours in memory")
        #expect(
            try await server.request(
                "POST",
                "/v1/models/m/predictions",
                body: rows("late", hours: 5..<6, each: 3),
                contentType: "application/x-ndjson"
            ).status == 200
        )
        expected[5] = 5
        #expect(try await counts() == expected, "late events are counted while held")
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try await counts() == expected, "and after their flush")
        #expect(try await counts() == expected, "and from the hour kept again")
        try await server.stop()
    }

    /// The data tab's drift grid keeps each whole span's report; late events that make a span drift show at once.
    @Test func aSpansKeptDriftReportGivesWayToLateEvents() async throws {
        let server = try await TestServer.start()
        let now = Date().timeIntervalSince1970 * 1000
        let reference = "age,city\n" + (0..<200).map { "\(20 + $0 % 30),\($0 % 2 == 0 ? "x" : "y")" }.joined(separator: "\n")
        #expect(try await server.request("PUT", "/v1/models/m/reference", body: reference, contentType: "text/csv").status == 200)
        func rows(_ prefix: String, age: (Int) -> Double, count: Int) -> String {
            (0..<count).map { index in
                predictionJSON(
                    id: "\(prefix)\(index)",
                    age: age(index),
                    city: index % 2 == 0 ? "x" : "y",
                    timestamp: Timestamp.formatRFC3339(milliseconds: Int64(now - 3 * 86_400_000) + Int64(index) * 1000)
                )
            }.joined(separator: "\n")
        }
        func post(_ body: String) async throws {
            #expect(try await server.request("POST", "/v1/models/m/predictions", body: body, contentType: "application/x-ndjson").status == 200)
        }
        func driftCells() async throws -> Int {
            let page = try await server.request("GET", "/models/m?range=7d&tab=data")
            return page.text.components(separatedBy: "<td class=\"cell drift\"").count - 1
        }
        // Like the reference: no drifted cell, on the first view and on the second (from the kept reports).
        try await post(rows("a", age: { 20 + Double($0 % 30) }, count: 200))
        var cells = -1
        for _ in 0..<50 where cells != 0 {
            cells = try await driftCells()
            if cells != 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(cells == 0)
        #expect(try await driftCells() == 0)
        // Ages far from the reference's, late into the same span: its cell turns.
        try await post(rows("b", age: { 90 + Double($0 % 5) }, count: 2000))
        for _ in 0..<50 where cells == 0 {
            cells = try await driftCells()
            if cells == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(cells > 0, "the span's drift is seen after the late events")
        try await server.stop()
    }
}
