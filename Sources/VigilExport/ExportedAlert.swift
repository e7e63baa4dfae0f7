public import VigilAlerting
import VigilCore

/// One Vigil rule as a Prometheus alerting rule: where its value comes from, the expression, and what Prometheus
/// will do differently, if anything.
public struct ExportedAlert: Sendable, Equatable {
    /// Where the value of the alert's expression comes from.
    public enum Source: Sendable, Equatable {
        /// Predictions over the window (`increase` of `ml_prediction_requests_total`).
        case requests
        /// Predictions per second (`rate`).
        case requestRate
        /// Failed predictions over all predictions.
        case errorRatio
        /// A quantile of `ml_prediction_latency_seconds`, in seconds.
        case latency(quantile: Double)
        /// A quantile of `ml_prediction_confidence`.
        case confidence(quantile: Double)
        /// Each predicted class's share of the predictions (`ml_prediction_class_total`).
        case classShare
        /// A gauge Vigil computes and publishes (drift, data quality, model quality…): the rule reads it as it is.
        case gauge(Gauge)
    }

    /// A gauge Vigil publishes, with how the alert reads it.
    public struct Gauge: Sendable, Equatable {
        /// The family (`ml_feature_psi`).
        public var metric: String
        /// Matchers beyond the model's (`check="missing"`, `window="7d"`).
        public var matchers: [String: String]
        /// The labels that tell the rule's alerts apart besides the model's (`feature_name`).
        public var identity: [String]
        /// A label renamed to the name Vigil's alerts use (`metric` → `business_metric`).
        public var renamed: (from: String, to: String)?
        /// The family whose value is the number of events behind the gauge, for the minimum-events guard; the
        /// window's predictions when nil.
        public var events: (metric: String, matchers: [String: String])?
        /// True for a gauge the rule reads as it stands, with no guard over the rule's window (a comparison's
        /// verdict, already measured over the comparison window): its test histories need one step per window.
        public var standsAlone = false

        /// Field by field; the tuples keep the synthesized conformance from applying.
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.metric == rhs.metric && lhs.matchers == rhs.matchers && lhs.identity == rhs.identity && lhs.renamed?.from == rhs.renamed?.from
                && lhs.renamed?.to == rhs.renamed?.to && lhs.events?.metric == rhs.events?.metric && lhs.events?.matchers == rhs.events?.matchers
                && lhs.standsAlone == rhs.standsAlone
        }
    }

    /// The Vigil rule.
    public var rule: AlertRule
    /// Where the value comes from.
    public var source: Source
    /// The labels the series are summed by: the model, and its version for a per-version rule.
    public var grouping: [String]
    /// The labels of one alert of the rule: ``grouping`` and the feature, class or business metric.
    public var identity: [String]
    /// The alerting rule written to the file.
    public var prometheusRule: PrometheusRuleFile.Rule
    /// Where Prometheus' evaluation differs from Vigil's, in words (also in the rule's `vigil_export_note` annotation).
    public var notes: [String]

    /// Whether the rule reads a gauge Vigil computes rather than the raw series.
    public var readsVigilGauge: Bool {
        if case .gauge = source { return true }
        return false
    }
}

/// A rule `vigil export` cannot write for Prometheus, and why; Vigil still evaluates it.
public struct SkippedRule: Sendable, Equatable {
    /// The rule's name.
    public var name: String
    /// Why it has no Prometheus equivalent.
    public var reason: String
}
