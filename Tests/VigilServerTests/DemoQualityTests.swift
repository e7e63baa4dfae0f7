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
            baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, eventsPerSecond: 500, driftAfterSeconds: 1.5, labelDelaySeconds: 0.05..<0.4,
            logger: logger
        )
        let started = Date()
        try await driver.run(duration: 7)
        try await Task.sleep(for: .milliseconds(500))
        let after = ISO8601DateFormatter().string(from: started.addingTimeInterval(2))
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
        try await server.stop()
    }
}
