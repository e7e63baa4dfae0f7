import Foundation
import Testing
@testable import VigilServer

/// How a quality window is read: whole hours from rollups, edges bucket by bucket; and series over it.
struct QualityWindowTests {
    let minute: Int64 = 60_000
    let hour: Int64 = 3_600_000

    @Test func wholeHoursAreReadAsRollupsAndTheEdgesBucketByBucket() {
        let plan = QualityProfiles.plan((hour + 5 * minute + 30_000)..<(4 * hour + 10 * minute), bucket: minute, rollup: hour)
        #expect(plan.rollups == (2 * hour)..<(4 * hour))
        #expect(plan.buckets == [(hour + 5 * minute)..<(2 * hour), (4 * hour)..<(4 * hour + 10 * minute)])
        let aligned = QualityProfiles.plan(hour..<(3 * hour), bucket: minute, rollup: hour)
        #expect(aligned.rollups == hour..<(3 * hour) && aligned.buckets.isEmpty)
        let short = QualityProfiles.plan((hour + minute)..<(hour + 30 * minute), bucket: minute, rollup: hour)
        #expect(short.rollups == nil && short.buckets == [(hour + minute)..<(hour + 30 * minute)])
        let noRollups = QualityProfiles.plan(0..<(5 * hour), bucket: 2 * hour, rollup: nil)
        #expect(noRollups.rollups == nil && noRollups.buckets == [0..<(5 * hour)])
    }

    /// The fixture's binary model over its hour: six 10-minute points hold every label once, and a point
    /// trailing the whole hour (read from the rollup) equals the window read bucket by bucket.
    @Test func aSeriesSplitsTheWindowAndAgreesWithTheRollups() async throws {
        let server = try await TestServer.start(configure: PerformanceTests.keepEverything)
        try await PerformanceTests.send("binary", to: server)
        let window = PerformanceTests.fixture["window"] as! [String: NSNumber]
        let from = window["from"]!.doubleValue / 1000
        func time(_ seconds: Double) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)) }
        let series = try await server.request("GET", "/v1/models/binary/performance?from=\(time(from))&to=\(time(from + 3600))&granularity=10m").json()
        let points = try #require(value(series, "series", "points") as? [[String: Any]])
        #expect(points.count == 6)
        let labelled = points.compactMap { value($0, "quality", "labelled") as? Int }.reduce(0, +)
        #expect(labelled == value(series, "overall", "labelled") as? Int)
        #expect(labelled == (PerformanceTests.fixture["binary"] as! [String: Any])["labelled"] as? Int)
        // Coverage on every point: each prediction counted in its point, once.
        let predicted = points.compactMap { value($0, "quality", "predictions") as? Int }
        #expect(predicted.count == 6 && predicted.reduce(0, +) == value(series, "overall", "predictions") as? Int)
        for point in points {
            let coverage = try #require(number(point, "quality", "coverage"))
            let labels = Double(try #require(value(point, "quality", "labelled") as? Int))
            #expect(abs(coverage - labels / Double(try #require(value(point, "quality", "predictions") as? Int))) < 1e-12)
        }

        let trailing = try await server.request("GET", "/v1/models/binary/performance?from=\(time(from + 1800))&to=\(time(from + 3600))&granularity=30m&trailing=1h").json()
        let last = try #require((value(trailing, "series", "points") as? [[String: Any]])?.last)
        let accuracy = { (quality: Any?) in ((value(quality, "metrics") as? [[String: Any]])?.first { $0["name"] as? String == "accuracy" }?["value"] as? NSNumber)?.doubleValue }
        // Offset by 30 s, the same hour is read bucket by bucket and from its edges: the same labels.
        let shifted = try await server.request("GET", "/v1/models/binary/performance?from=\(time(from - 30))&to=\(time(from + 3570))").json()
        #expect(accuracy(value(last, "quality")) == accuracy(value(series, "overall")))
        #expect(value(last, "quality", "predictions") as? Int == value(series, "overall", "predictions") as? Int, "a point trailing the hour counts the hour's predictions")
        #expect(value(shifted, "overall", "labelled") as? Int == value(series, "overall", "labelled") as? Int)

        let bad = try await server.request("GET", "/v1/models/binary/performance?window=30d&granularity=1m")
        #expect(bad.status == 400 && bad.text.contains("granularity"))
        try await server.stop()
    }
}
