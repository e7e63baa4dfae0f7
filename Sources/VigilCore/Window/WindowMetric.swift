/// A number of a model window that a rule can watch: the vocabulary alert rules, SLOs and exports share.
///
/// Written in configuration files as the names of the `/metrics` families practitioners already use:
/// `error_rate`, `latency_p99`, `confidence_p25`, `class_share`, `psi`, `accuracy`, `f1_macro`…
public enum WindowMetric: Sendable, Hashable, CustomStringConvertible {
    /// Predictions received in the window (successful and failed).
    case requests
    /// Predictions received per second.
    case requestRate
    /// Failed predictions over all predictions.
    case errorRate
    /// A latency quantile in milliseconds (`latency_p99` is 0.99).
    case latency(quantile: Double)
    /// A quantile of the top class score (`confidence_p25` is 0.25).
    case confidence(quantile: Double)
    /// The share of predictions of one class; of every class, one sample each, when `class` is not named.
    case classShare
    /// The share of features whose drift test says drift.
    case datasetDriftShare
    /// 1 when the dataset drifts (the drifted share reaches the drift settings' `dataset_drift_share`), else 0.
    case datasetDrift
    /// A feature's drift score with the test the drift settings choose for it (p-value or distance).
    case driftScore
    /// A feature's Population Stability Index against the reference.
    case psi
    /// A feature's data-quality ratio.
    case dataQuality(DataQualityCheck)
    /// A model-quality figure from labels, named as `ml_model_quality{metric}` names it (`accuracy`, `f1_macro`).
    case quality(String)
    /// Labelled predictions over successful predictions.
    case labelCoverage
    /// The mean of a business metric sent with predictions or labels.
    case businessMean
    /// The verdict of the version against its baseline (``ComparisonSettings``): 1 promote, 0 hold, −1 reject.
    case comparisonVerdict

    /// The data-quality ratios of a feature, as `ml_data_quality{check}` names them.
    public enum DataQualityCheck: String, Sendable, Hashable, CaseIterable {
        case missing, invalid, outOfRange = "out_of_range", newCategory = "new_category"
    }

    /// The model-quality figures a rule can name, as `ml_model_quality{metric}` names them.
    public static let qualityNames: Set<String> = [
        "accuracy", "precision_macro", "precision_micro", "precision_weighted", "recall_macro", "recall_micro", "recall_weighted",
        "f1_macro", "f1_micro", "f1_weighted", "tpr", "tnr", "fpr", "fnr", "roc_auc", "roc_auc_macro", "pr_auc", "log_loss", "brier", "ece",
        "mean_error", "mae", "rmse", "mape", "r2", "max_error",
    ]

    /// The model-quality figures where smaller is better: errors, losses and error rates.
    public static let lowerIsBetterQualityNames: Set<String> = ["fpr", "fnr", "log_loss", "brier", "ece", "mae", "rmse", "mape", "max_error"]

    /// Every name accepted by ``init(name:)``, for error messages.
    public static let simpleNames = [
        "requests", "request_rate", "error_rate", "class_share", "dataset_drift", "dataset_drift_share", "drift_score", "psi", "missing_ratio",
        "invalid_ratio", "out_of_range_ratio", "new_category_ratio", "label_coverage", "business_metric", "comparison_verdict",
    ]

    /// The metric named `name`; nil when Vigil has no such metric.
    public init?(name: String) {
        switch name {
        case "requests": self = .requests
        case "request_rate": self = .requestRate
        case "error_rate": self = .errorRate
        case "class_share": self = .classShare
        case "dataset_drift_share": self = .datasetDriftShare
        case "dataset_drift": self = .datasetDrift
        case "drift_score": self = .driftScore
        case "psi": self = .psi
        case "label_coverage": self = .labelCoverage
        case "business_metric": self = .businessMean
        case "comparison_verdict": self = .comparisonVerdict
        default:
            if name.hasSuffix("_ratio"), let check = DataQualityCheck(rawValue: String(name.dropLast(6))) {
                self = .dataQuality(check)
            } else if let quantile = Self.quantile(name, prefix: "latency_p") {
                self = .latency(quantile: quantile)
            } else if let quantile = Self.quantile(name, prefix: "confidence_p") {
                self = .confidence(quantile: quantile)
            } else if Self.qualityNames.contains(name) {
                self = .quality(name)
            } else {
                return nil
            }
        }
    }

    /// `latency_p99` → 0.99, `latency_p999` → 0.999, `confidence_p25` → 0.25.
    private static func quantile(_ name: String, prefix: String) -> Double? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0 else { return nil }
        // Two digits are a percentile (p50, p99); more add decimals (p999 = 0.999), so a trailing zero there is not a quantile (p100).
        guard digits.count <= 2 || !digits.hasSuffix("0") else { return nil }
        let quantile = Double(value) / pow10(digits.count)
        return quantile < 1 ? quantile : nil
    }

    private static func pow10(_ exponent: Int) -> Double { (0..<exponent).reduce(1) { value, _ in value * 10 } }

    /// The metric's name in configuration files (`latency_p99`).
    public var description: String {
        switch self {
        case .requests: "requests"
        case .requestRate: "request_rate"
        case .errorRate: "error_rate"
        case .latency(let q): "latency_p\(Self.percentile(q))"
        case .confidence(let q): "confidence_p\(Self.percentile(q))"
        case .classShare: "class_share"
        case .datasetDriftShare: "dataset_drift_share"
        case .datasetDrift: "dataset_drift"
        case .driftScore: "drift_score"
        case .psi: "psi"
        case .dataQuality(let check): "\(check.rawValue)_ratio"
        case .quality(let name): name
        case .labelCoverage: "label_coverage"
        case .businessMean: "business_metric"
        case .comparisonVerdict: "comparison_verdict"
        }
    }

    /// 0.99 → `99`, 0.999 → `999`, 0.5 → `50`.
    private static func percentile(_ quantile: Double) -> String {
        var digits = Int((quantile * 100).rounded())
        var text = String(digits)
        var scale = 100.0
        while abs(Double(digits) / scale - quantile) > 1e-9, scale < 1e4 {
            scale *= 10
            digits = Int((quantile * scale).rounded())
            text = String(digits)
        }
        return text
    }

    /// Whether the metric is read per feature (one sample per feature unless one is named).
    public var isPerFeature: Bool {
        switch self {
        case .driftScore, .psi, .dataQuality: true
        default: false
        }
    }

    /// Whether the metric needs the reference (drift and data quality are measured against it).
    public var needsReference: Bool { isPerFeature || self == .datasetDriftShare || self == .datasetDrift }

    /// Whether the metric reads the latency, prediction or confidence sketches (``LiveProfile/Parts/observations``).
    public var needsObservations: Bool {
        switch self {
        case .latency, .confidence, .classShare: true
        default: false
        }
    }

    /// Whether the metric comes from labels, so that its events are labelled predictions.
    public var needsLabels: Bool {
        switch self {
        case .quality, .labelCoverage: true
        default: false
        }
    }
}
