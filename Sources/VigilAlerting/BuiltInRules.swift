import VigilCore

/// The rules every model gets unless they are turned off: the alert table practitioners already use (the
/// seeds' `MLModelHighLatency`, `MLModelHighErrorRate`, `MLModelPredictionSkew`, `MLModelLowConfidence`,
/// `MLModelDown`; PSI > 0.15; missing > 10 %; out of range > 5 %; accuracy < 0.85 over 7 days).
///
/// Each has a minimum number of events, so that a model with a handful of requests cannot page; a configured
/// rule with the same name replaces the fields it gives.
public enum BuiltInRules {
    private static let minute: Int64 = 60_000
    private static let hour: Int64 = 3_600_000

    /// Every built-in rule, in the order `vigil config check` lists them.
    public static let all: [AlertRule] = [
        rule(
            "MLModelHighLatency", .latency(quantile: 0.99), window: 5 * minute, .above, 500, for: 5 * minute, .warning, minimumEvents: 20,
            summary: "Model {{ $labels.model_name }} {{ $labels.model_version }} p99 latency > 500 ms"
        ),
        rule(
            "MLModelVeryHighLatency", .latency(quantile: 0.99), window: 5 * minute, .above, 2000, for: 5 * minute, .critical, minimumEvents: 20,
            summary: "Model {{ $labels.model_name }} {{ $labels.model_version }} p99 latency > 2 s"
        ),
        rule(
            "MLModelHighErrorRate", .errorRate, window: 5 * minute, .above, 0.01, for: 5 * minute, .critical, minimumEvents: 100,
            summary: "Model {{ $labels.model_name }} {{ $labels.model_version }} error rate > 1%"
        ),
        rule(
            "MLModelPredictionSkew", .classShare, window: hour, .above, 0.95, for: hour, .warning, minimumEvents: 100,
            summary: "Predictions of {{ $labels.model_name }} {{ $labels.model_version }} skewed to class {{ $labels.class }}"
        ),
        rule(
            "MLModelLowConfidence", .confidence(quantile: 0.25), window: hour, .below, 0.6, for: hour, .warning, minimumEvents: 100,
            summary: "25% of predictions of {{ $labels.model_name }} {{ $labels.model_version }} have confidence < 60%"
        ),
        AlertRule(
            name: "MLModelDown", perVersion: false, metric: .requests, window: 5 * minute, direction: .below, threshold: 1, holdFor: 5 * minute,
            noData: .alerting, severity: .critical, annotations: ["summary": "Model {{ $labels.model_name }} not receiving requests"], isBuiltIn: true
        ),
        rule(
            "MLFeatureDriftPSI", .psi, window: hour, .above, 0.15, for: 15 * minute, .warning, minimumEvents: 100,
            summary: "Feature {{ $labels.feature_name }} of {{ $labels.model_name }} {{ $labels.model_version }} drifted (PSI > 0.15)"
        ),
        rule(
            "MLDatasetDrift", .datasetDrift, window: hour, .above, 0.5, for: 15 * minute, .warning, minimumEvents: 100,
            summary: "Dataset drift in {{ $labels.model_name }} {{ $labels.model_version }}"
        ),
        rule(
            "MLFeatureMissingValues", .dataQuality(.missing), window: hour, .above, 0.1, for: 15 * minute, .warning, minimumEvents: 100,
            summary: "Feature {{ $labels.feature_name }} of {{ $labels.model_name }} {{ $labels.model_version }} missing in > 10% of predictions"
        ),
        rule(
            "MLFeatureOutOfRange", .dataQuality(.outOfRange), window: hour, .above, 0.05, for: 15 * minute, .warning, minimumEvents: 100,
            summary: "Feature {{ $labels.feature_name }} of {{ $labels.model_name }} {{ $labels.model_version }} out of the reference range in > 5%"
        ),
        rule(
            "MLModelLowAccuracy", .quality("accuracy"), window: 7 * 24 * hour, .below, 0.85, for: 0, .warning, minimumEvents: 100,
            summary: "Accuracy of {{ $labels.model_name }} {{ $labels.model_version }} below 0.85 over 7 days"
        ),
    ]

    private static func rule(
        _ name: String, _ metric: WindowMetric, window: Int64, _ direction: AlertRule.Direction, _ threshold: Double, for hold: Int64,
        _ severity: AlertRule.Severity, minimumEvents: Int, summary: String
    ) -> AlertRule {
        AlertRule(
            name: name, metric: metric, window: window, direction: direction, threshold: threshold, holdFor: hold, minimumEvents: minimumEvents,
            severity: severity, annotations: ["summary": summary], isBuiltIn: true
        )
    }
}
