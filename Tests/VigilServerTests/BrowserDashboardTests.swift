import ChildProcess
import Foundation
import Logging
import Testing
import VigilAlerting
import VigilCore
import VigilServer

/// The dashboard in a real browser: Debian's `chromium` and `chromium-driver`, driven by Selenium from PyPI
/// (`scripts/dashboard_browser.py`), against a server fed with the demo's traffic. Screenshots of every page are
/// kept in `.build/artifacts/dashboard` (or `VIGIL_ARTIFACTS`).
@Suite(.serialized) struct BrowserDashboardTests {
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// A Python with Selenium: `VIGIL_PYTHON` (set by .ci/run), else the CI venv's.
    static let python = pythonWith(module: "selenium")
    static let available =
        python != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    static let reason =
        "Selenium, chromium or chromium-driver is missing (apt-get install chromium chromium-driver; pip install selenium); .ci/run installs them"

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func artifacts() throws -> String {
        let directory = ProcessInfo.processInfo.environment["VIGIL_ARTIFACTS"] ?? repository.appendingPathComponent(".build/artifacts/dashboard").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Names a hostile user could send: markup in a feature name, a category, and a segment value.
    static let hostileFeature = #"<img src=x onerror="window.__xss=1">"#
    static let hostileSegment = #"</td><script>window.__xss=2</script>"#

    @Test(.enabled(if: available || inCI, .init(rawValue: reason)))
    func everyPageRendersChartsAndFollowsAnAlertInARealBrowser() async throws {
        let python = try #require(Self.python, "Selenium is required in CI")
        let slo = ServiceLevelObjective(
            name: "fraud-availability",
            model: DemoDriver.model,
            indicator: .availability,
            objective: 0.999,
            tiers: [.init(name: "page_fast", long: 60_000, short: 15_000, factor: 1, holdFor: 0, severity: .critical)]
        )
        let server = try await TestServer.start { configuration in
            configuration.monitorIntervalSeconds = 1
            configuration.alerting.slos = [slo]
            configuration.alerting.evaluationInterval = 1000
            // A hook that waits for approval, given from the alerts page.
            configuration.alerting.hooks = [
                RemediationHook(
                    name: "rollback-v2",
                    action: .command(["/bin/sh", "-c", "echo rolled back $VIGIL_LABEL_MODEL_NAME"]),
                    matchers: [LabelMatcher("alertname", .equal, "SLOErrorBudgetBurn")],
                    requiresApproval: true
                )
            ]
        }
        var logger = Logger(label: "browser-test")
        logger.logLevel = .warning
        let driver = DemoDriver(
            baseURL: URL(string: "http://127.0.0.1:\(server.port)")!,
            eventsPerSecond: 400,
            driftAfterSeconds: 3,
            labelDelaySeconds: 0.05..<0.4,
            logger: logger
        )
        // The traffic ends by itself (see DashboardQueryTests: never cancel a task inside URLSession).
        let demo = Task { try await driver.run(duration: 120, minimumTicksAfterDrift: 30) }
        let hostile = (0..<30).map { index in
            #"{"version":"v1","features":{"\#(Self.jsonEscaped(Self.hostileFeature))":\#(index),"city":"x"},"prediction":0.5,"latency_ms":5,"segment":{"channel":"\#(Self.jsonEscaped(Self.hostileSegment))"}}"#
        }
        let answer = try await server.request(
            "POST",
            "/v1/models/hostile/predictions",
            body: hostile.joined(separator: "\n"),
            contentType: "application/x-ndjson"
        )
        #expect(answer.status == 200, "\(answer.text)")
        try await Task.sleep(for: .seconds(15))

        let outcome = try await ChildProcess.run(
            python,
            [
                Self.repository.appendingPathComponent("scripts/dashboard_browser.py").path, "pages", "http://127.0.0.1:\(server.port)",
                try Self.artifacts(),
                DemoDriver.model, "hostile", "feat:" + Self.hostileFeature, "seg:" + Self.hostileSegment,
            ]
        )
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.standardOutput.contains(#""failures": 0"#), "\(outcome.output)")
        _ = try await demo.value
        try await server.stop()
    }

    @Test(.enabled(if: available || inCI, .init(rawValue: reason)))
    func signingInKeepsTheTokenInAStrictCookieThatCannotChangeAnything() async throws {
        let python = try #require(Self.python, "Selenium is required in CI")
        let server = try await TestServer.start { configuration in
            configuration.tokens = [
                APIToken(name: "viewer", secret: "read-secret-0123456789", scopes: [.read]),
                APIToken(name: "ops", secret: "admin-secret-0123456789", scopes: [.admin]),
            ]
        }
        let outcome = try await ChildProcess.run(
            python,
            [
                Self.repository.appendingPathComponent("scripts/dashboard_browser.py").path, "signin", "http://127.0.0.1:\(server.port)",
                try Self.artifacts(), "read-secret-0123456789",
            ]
        )
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.standardOutput.contains(#""failures": 0"#), "\(outcome.output)")
        try await server.stop()
    }

    static func jsonEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
