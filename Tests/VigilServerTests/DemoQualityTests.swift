import Foundation
import Logging
import Testing
import VigilServer

/// `vigil demo`'s traffic shows what the quality pages are for: labels fill in coverage, and after the
/// drift v2 (which never learned the new country's fraud) gets worse than v1.
struct DemoQualityTests {
    @Test func afterTheDriftV2IsWorseThanV1() async throws {
        let server = try await TestServer.start()
        var logger = Logger(label: "demo-test")
        logger.logLevel = .warning
        let driver = DemoDriver(
            baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, eventsPerSecond: 1500, driftAfterSeconds: 2.5, labelDelaySeconds: 0.05..<0.4,
            logger: logger
        )
        // 150 predictions a tick: even when the whole suite slows the ticks to a few before the drift, v1 has
        // the 100 labelled predictions its estimator needs.
        // The window starts when the driver began sending drifted traffic, however late a busy machine made it.
        // At least 30 ticks (4,500 predictions) after it, so that a slowed machine still labels enough of v2's.
        let driftBegan = try #require(try await driver.run(duration: 8, minimumTicksAfterDrift: 30), "the demo ended before its drift")
        try await Task.sleep(for: .milliseconds(500))
        let after = ISO8601DateFormatter().string(from: driftBegan.addingTimeInterval(0.2))
        let document = try await server.request("GET", "/v1/models/\(DemoDriver.model)/performance?from=\(after)").json()
        let versions = try #require(value(document, "versions") as? [[String: Any]])
        func accuracy(_ version: String) -> Double? {
            let quality = versions.first { $0["version"] as? String == version }
            return ((quality?["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "accuracy" }?["value"] as? NSNumber)?.doubleValue
        }
        let v1 = try #require(accuracy("v1"))
        let v2 = try #require(accuracy("v2"))
        #expect(v2 < v1 - 0.05, "v1 \(v1), v2 \(v2)")
        let coverage = try #require(number(document, "overall", "coverage"))
        #expect(coverage > 0.4 && coverage <= 0.7, "about 60 % of predictions are labelled: \(coverage)")
        // The estimators fitted before the drift estimate v1's quality beside its labels.
        let estimated = versions.first { $0["version"] as? String == "v1" }?["estimated"] as? [String: Any]
        let estimatedAccuracy = (estimated?["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "accuracy" }?["value"] as? Double
        #expect(estimatedAccuracy.map { $0 > 0.5 && $0 <= 1 } == true, "v1's estimate: \(String(describing: estimated))")
        try await server.stop()
    }
}
