import Foundation
import VigilAlerting
import VigilCore
import VigilExport

/// The configurations the export tests write out, and where the real tools are.
enum ExportFixtures {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A configuration that uses every feature the export knows: each kind of metric, a resolve threshold,
    /// `keep_firing_for`, minimum events, no-data policies, a rule on the model's versions merged, one version,
    /// one class, one feature, one business metric, a segment (left to Vigil), availability, latency (one at a
    /// bucket bound, one not) and quality SLOs, each kind of receiver, a routing tree and inhibition rules.
    static var everyFeature: AlertingConfiguration {
        var configuration = AlertingConfiguration()
        configuration.alertmanagerURL = "http://127.0.0.1:9093"
        configuration.rules += [
            AlertRule(
                name: "FraudErrors", model: "fraud", metric: .errorRate, window: 5 * minute, direction: .above, threshold: 0.01, resolveThreshold: 0.005,
                holdFor: 10 * minute, keepFiringFor: 5 * minute, minimumEvents: 50, severity: .critical, labels: ["team": "risk"],
                annotations: ["summary": "Fraud model {{ $labels.model_version }} fails {{ $value | humanizePercentage }} of requests"]
            ),
            AlertRule(name: "FraudBusy", model: "fraud", metric: .requestRate, window: 5 * minute, direction: .above, threshold: 50, holdFor: 2 * minute),
            AlertRule(
                name: "FraudQuiet", model: "fraud", perVersion: false, metric: .requests, window: 10 * minute, direction: .below, threshold: 20, holdFor: 5 * minute
            ),
            AlertRule(
                name: "FraudSlowCanary", model: "fraud", version: "v2", metric: .latency(quantile: 0.95), window: 5 * minute, direction: .above, threshold: 250,
                resolveThreshold: 100, minimumEvents: 30
            ),
            AlertRule(name: "FraudUnsure", model: "fraud", metric: .confidence(quantile: 0.5), window: 10 * minute, direction: .below, threshold: 0.7, holdFor: 5 * minute),
            AlertRule(
                name: "FraudTooManyYes", model: "fraud", metric: .classShare, selector: .init(className: "yes"), window: 10 * minute, direction: .above,
                threshold: 0.8, minimumEvents: 40
            ),
            AlertRule(
                name: "FraudErrorsNoTraffic", model: "fraud", metric: .errorRate, window: 5 * minute, direction: .above, threshold: 0.2, noData: .alerting
            ),
            AlertRule(
                name: "AmountDrift", model: "fraud", metric: .driftScore, selector: .init(feature: "amount"), window: hour, direction: .below,
                threshold: 0.05, holdFor: 5 * minute
            ),
            AlertRule(name: "DriftShare", metric: .datasetDriftShare, window: hour, direction: .above, threshold: 0.3, resolveThreshold: 0.2),
            AlertRule(name: "NewCategories", metric: .dataQuality(.newCategory), window: hour, direction: .above, threshold: 0.02, minimumEvents: 10),
            AlertRule(name: "LowCoverage", metric: .labelCoverage, window: hour, direction: .below, threshold: 0.2, noData: .keep),
            AlertRule(
                name: "LowF1", model: "fraud", metric: .quality("f1_macro"), window: 7 * 24 * hour, direction: .below, threshold: 0.7, minimumEvents: 50
            ),
            AlertRule(
                name: "RevenueDrop", metric: .businessMean, selector: .init(businessMetric: "revenue"), window: hour, direction: .below, threshold: 10,
                minimumEvents: 20
            ),
            AlertRule(name: "AccuracyThreeDays", metric: .quality("accuracy"), window: 72 * hour, direction: .below, threshold: 0.8),
            AlertRule(name: "ChallengerRejected", model: "fraud", metric: .comparisonVerdict, window: 24 * hour, direction: .below, threshold: -0.5),
            AlertRule(name: "ChallengerRejectedHourly", metric: .comparisonVerdict, window: hour, direction: .below, threshold: -0.5),
            AlertRule(
                name: "PartnerErrors", metric: .errorRate, selector: .init(segmentTag: "channel", segmentValue: "partner-api"), window: 5 * minute,
                direction: .above, threshold: 0.05
            ),
        ]
        configuration.slos = [
            ServiceLevelObjective(name: "fraud-availability", model: "fraud", indicator: .availability, objective: 0.999),
            ServiceLevelObjective(name: "fraud-latency", model: "fraud", version: "v1", indicator: .latency(thresholdMilliseconds: 250), objective: 0.99),
            ServiceLevelObjective(name: "fraud-latency-300", model: "fraud", indicator: .latency(thresholdMilliseconds: 300), objective: 0.95),
            ServiceLevelObjective(name: "fraud-accuracy", model: "fraud", indicator: .quality(.init(metric: "accuracy", target: 0.9)), objective: 0.95),
        ]
        configuration.receivers = [
            Receiver(name: "oncall", kind: .webhook(url: "http://127.0.0.1:5001/hook")),
            Receiver(name: "slack", kind: .slack(urlVariable: "VIGIL_SLACK_URL")),
            Receiver(name: "telegram", kind: .telegram(tokenVariable: "VIGIL_TELEGRAM_TOKEN", chatID: "-1001234", apiURL: "https://api.telegram.org")),
            Receiver(
                name: "mail",
                kind: .email(.init(to: ["ml@example.com"], from: "vigil@example.com", host: "smtp.example.com", port: 587, username: "vigil", passwordVariable: "VIGIL_SMTP_PASSWORD"))
            ),
        ]
        configuration.route = NotificationRoute(
            receiver: "mail",
            routes: [
                NotificationRoute(receiver: "oncall", matchers: [LabelMatcher("severity", .equal, "critical")], continueMatching: true),
                NotificationRoute(receiver: "slack", matchers: [LabelMatcher("tier", .matches, "ticket_.*")]),
                NotificationRoute(receiver: "telegram", matchers: [LabelMatcher("team", .equal, "risk")]),
            ]
        )
        configuration.inhibitRules.append(
            InhibitRule(source: [LabelMatcher("alertname", .equal, "MLModelDown")], target: [LabelMatcher("alertname", .notEqual, "MLModelDown")], equal: ["model_name"])
        )
        return configuration
    }

    /// Writes an export under a new temporary directory and returns it.
    static func write(_ export: MonitoringExport) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-export-\(UUID().uuidString)")
        for file in export.files {
            let url = directory.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
        return directory
    }
}
