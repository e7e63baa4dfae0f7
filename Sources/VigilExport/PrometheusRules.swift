public import VigilAlerting
import VigilCore

/// Vigil's alert rules and SLOs as Prometheus rules: recording rules for the ratios and quantiles the alerts
/// read, an alerting rule per Vigil rule, and each SLO's multi-window burn-rate alerts.
///
/// Rules on the raw series (traffic, errors, latency, confidence, classes) have the meaning Vigil gives them:
/// the same threshold, `for`, `keep_firing_for`, minimum events and, through Prometheus' `ALERTS` series, the
/// same resolve threshold. Rules on what only Vigil computes (drift tests, data quality, model quality) read
/// the gauges Vigil publishes, and say so in a `vigil_export_note` annotation.
public struct PrometheusRules: Sendable {
    /// The rule file.
    public var file: PrometheusRuleFile
    /// Each exported alert, with where its value comes from (the generated tests need it).
    public var alerts: [ExportedAlert]
    /// Each SLO's burn-rate alerts.
    public var slos: [ExportedSLO]
    /// Rules with no Prometheus equivalent; Vigil still evaluates them.
    public var skipped: [SkippedRule]

    /// The rules for `configuration`, with the windows and links of `settings`.
    public init(_ configuration: AlertingConfiguration, settings: ExportSettings) {
        var builder = Builder(settings: settings)
        var alerts: [ExportedAlert] = []
        var skipped: [SkippedRule] = []
        for rule in configuration.rules {
            switch builder.alert(for: rule) {
            case .success(let alert): alerts.append(alert)
            case .failure(let reason): skipped.append(SkippedRule(name: rule.name, reason: reason.text))
            }
        }
        var groups: [PrometheusRuleFile.Group] = []
        if !alerts.isEmpty {
            groups.append(PrometheusRuleFile.Group(name: "vigil-models", rules: builder.recordings + alerts.map(\.prometheusRule)))
        }
        var slos: [ExportedSLO] = []
        for slo in configuration.slos {
            let exported = ExportedSLO(slo, settings: settings)
            slos.append(exported)
            groups.append(exported.group)
        }
        file = PrometheusRuleFile(groups: groups)
        self.alerts = alerts
        self.slos = slos
        self.skipped = skipped
    }

    struct Reason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    /// Writes the alerting rules, collecting the recording rules they read, each once.
    struct Builder {
        var settings: ExportSettings
        var recordings: [PrometheusRuleFile.Rule] = []
        private var recorded: Set<String> = []

        init(settings: ExportSettings) { self.settings = settings }

        /// The recording rule `name` (added once), for use in an expression.
        mutating func record(_ name: String, _ expr: String) -> String {
            if recorded.insert(name).inserted { recordings.append(.recording(name, expr)) }
            return name
        }

        mutating func alert(for rule: AlertRule) -> Result<ExportedAlert, Reason> {
            if let tag = rule.selector.segmentTag {
                return .failure(
                    Reason("segment \(tag): Vigil's segment breakdown has no Prometheus series (segment values are not labels on /metrics)")
                )
            }
            let grouping = rule.perVersion ? ["model_name", "model_version"] : ["model_name"]
            let level = grouping.joined(separator: "_")
            let window = PromQL.duration(rule.window)
            var scope: [String: String] = [:]
            if let model = rule.model { scope["model_name"] = model }
            if let version = rule.version { scope["model_version"] = version }
            let by = PromQL.by(grouping)
            // Recorded only when an expression reads it: a 7-day increase is costly to evaluate for nothing.
            let requestsName = "\(level):ml_prediction_requests:increase\(window)"
            let requestsExpr = "sum \(by) (increase(ml_prediction_requests_total[\(window)]))"
            var notes: [String] = []
            let source: ExportedAlert.Source
            var identity = grouping
            var value: String
            var threshold = DecimalText.text(rule.threshold)
            var resolve = rule.resolveThreshold.map { DecimalText.text($0) }
            var events = requestsName + PromQL.selector(scope)
            var eventsOn = grouping
            switch rule.metric {
            case .requests:
                source = .requests
                value = record(requestsName, requestsExpr) + PromQL.selector(scope)
            case .requestRate:
                source = .requestRate
                value =
                    record("\(level):ml_prediction_requests:rate\(window)", "sum \(by) (rate(ml_prediction_requests_total[\(window)]))")
                    + PromQL.selector(scope)
            case .errorRate:
                source = .errorRatio
                value =
                    record(
                        "\(level):ml_prediction_errors:ratio_rate\(window)",
                        "sum \(by) (rate(ml_prediction_requests_total{status=\"error\"}[\(window)])) / sum \(by) (rate(ml_prediction_requests_total[\(window)]))"
                    ) + PromQL.selector(scope)
            case .latency(let quantile), .confidence(let quantile):
                let isLatency = if case .latency = rule.metric { true } else { false }
                let family = isLatency ? "ml_prediction_latency_seconds" : "ml_prediction_confidence"
                source = isLatency ? .latency(quantile: quantile) : .confidence(quantile: quantile)
                let buckets = record(
                    "\(level)_le:\(family)_bucket:rate\(window)",
                    "sum by (\((grouping + ["le"]).joined(separator: ", "))) (rate(\(family)_bucket[\(window)]))"
                )
                value = "histogram_quantile(\(DecimalText.text(quantile)), \(buckets)\(PromQL.selector(scope)))"
                if isLatency {
                    // Vigil's latency thresholds are milliseconds; the histogram is in seconds, as Prometheus' conventions want.
                    threshold = DecimalText.seconds(milliseconds: rule.threshold)
                    resolve = rule.resolveThreshold.map { DecimalText.seconds(milliseconds: $0) }
                }
                let bounds = isLatency ? ExportedAlert.latencyBuckets.map { $0 * 1000 } : ExportedAlert.unitBuckets
                for limit in [rule.threshold] + (rule.resolveThreshold.map { [$0] } ?? []) where !bounds.contains(limit) {
                    notes.append(
                        "\(AlertRule.formatted(limit)) is not a bucket bound of \(family): Prometheus interpolates within the bucket, Vigil reads its sketch, so near the threshold they can disagree"
                    )
                }
            case .classShare:
                source = .classShare
                identity = grouping + ["class"]
                let share = record(
                    "\(level)_class:ml_prediction_class:ratio_rate\(window)",
                    "sum by (\(identity.joined(separator: ", "))) (label_replace(rate(ml_prediction_class_total[\(window)]), \"class\", \"$1\", \"predicted_class\", \"(.*)\"))"
                        + " / ignoring (class) group_left () sum \(by) (rate(ml_prediction_class_total[\(window)]))"
                )
                var matchers = scope
                if let name = rule.selector.className { matchers["class"] = name }
                value = share + PromQL.selector(matchers)
                events =
                    record("\(level):ml_prediction_class:increase\(window)", "sum \(by) (increase(ml_prediction_class_total[\(window)]))")
                    + PromQL.selector(scope)
            default:
                switch gauge(for: rule) {
                case .failure(let reason): return .failure(reason)
                case .success(let gauge):
                    source = .gauge(gauge)
                    identity = grouping + gauge.identity
                    value = Self.read(gauge.metric, gauge.matchers, scope: scope, rule: rule, identity: identity, renamed: gauge.renamed)
                    if rule.metric == .datasetDrift {
                        // Vigil's dataset drift is 1 when the drifted share reaches the drift settings' share.
                        value = "(\(value) >= bool \(DecimalText.text(settings.datasetDriftShare)))"
                    }
                    if let counted = gauge.events {
                        events = Self.read(counted.metric, counted.matchers, scope: scope, rule: rule, identity: identity, renamed: gauge.renamed)
                        eventsOn = identity
                    }
                    if rule.window != settings.monitorWindow, !gauge.matchers.keys.contains("window") {
                        notes.append(
                            "Vigil publishes this gauge over its monitoring window (\(PromQL.duration(settings.monitorWindow))), not the rule's \(window)"
                        )
                    }
                    if !rule.perVersion {
                        notes.append("with per_version: false, Prometheus takes the largest version's value; Vigil measures the versions merged")
                    }
                    notes.append("computed by Vigil: the rule reads the \(gauge.metric) gauge Vigil publishes")
                }
            }
            let op = rule.direction == .above ? ">" : "<"
            var condition = "\(value) \(op) \(threshold)"
            if let resolve, resolve != threshold {
                // Hysteresis with Prometheus' own state: an alert already pending or firing (its ALERTS series at
                // the previous evaluation) holds until the value crosses the resolve threshold.
                var alertMatchers = rule.labels
                alertMatchers["alertname"] = rule.alertName ?? rule.name
                alertMatchers["severity"] = rule.severity.rawValue
                condition =
                    "(\(condition) or (\(value) \(op) \(resolve) and on (\(identity.joined(separator: ", "))) ALERTS\(PromQL.selector(alertMatchers))))"
            }
            if rule.minimumEvents > 0 {
                if events.hasPrefix(requestsName) { _ = record(requestsName, requestsExpr) }
                condition = "\(condition) and on (\(eventsOn.joined(separator: ", "))) \(events) >= \(rule.minimumEvents)"
            }
            switch rule.noData {
            case .ok: break
            case .keep:
                notes.append("no_data: keep holds Vigil's alert through a gap; a Prometheus alert resolves when its series is gone")
            case .alerting:
                if case .gauge = source {
                    notes.append("no_data: alerting is Vigil's alone: Prometheus cannot tell a missing gauge of one model from a model it never saw")
                } else if rule.metric != .requests {
                    _ = record(requestsName, requestsExpr)
                    condition = "(\(condition)) or on (\(grouping.joined(separator: ", "))) (\(requestsName)\(PromQL.selector(scope)) == 0)"
                }
            }
            if rule.metric == .requests, rule.noData == .alerting {
                notes.append(
                    "after a restart of Vigil the counter is absent until its first prediction, so Prometheus cannot see a model that never returns"
                )
            }
            var labels = rule.labels
            labels["severity"] = rule.severity.rawValue
            let prometheusRule = PrometheusRuleFile.Rule(
                alert: rule.alertName ?? rule.name,
                expr: condition,
                holdFor: rule.holdFor > 0 ? PromQL.duration(rule.holdFor) : nil,
                keepFiringFor: rule.keepFiringFor > 0 ? PromQL.duration(rule.keepFiringFor) : nil,
                labels: SortedMap(labels),
                annotations: SortedMap(annotations(rule, source: source, notes: notes))
            )
            return .success(
                ExportedAlert(rule: rule, source: source, grouping: grouping, identity: identity, prometheusRule: prometheusRule, notes: notes)
            )
        }

        /// `max by (identity) (metric{scope, matchers})`, with a label renamed to the name Vigil's alerts use.
        static func read(
            _ metric: String,
            _ matchers: [String: String],
            scope: [String: String],
            rule: AlertRule,
            identity: [String],
            renamed: (from: String, to: String)?
        ) -> String {
            var all = scope.merging(matchers) { _, new in new }
            if let feature = rule.selector.feature { all["feature_name"] = feature }
            if let business = rule.selector.businessMetric { all[renamed?.from ?? "metric"] = business }
            var series = metric + PromQL.selector(all)
            if let renamed { series = "label_replace(\(series), \(PromQL.quoted(renamed.to)), \"$1\", \(PromQL.quoted(renamed.from)), \"(.*)\")" }
            return "max \(PromQL.by(identity)) (\(series))"
        }

        /// The gauge a Vigil-computed metric is published as, or why it is not published for this rule.
        func gauge(for rule: AlertRule) -> Result<ExportedAlert.Gauge, Reason> {
            let monitor = PromQL.duration(settings.monitorWindow)
            let published = [settings.monitorWindow, settings.qualityWindow]
            func windowed(_ metric: String, _ matchers: [String: String], windows: [Int64]) -> Result<[String: String], Reason> {
                guard windows.contains(rule.window) else {
                    let list = windows.map { PromQL.duration($0) }.joined(separator: " and ")
                    return .failure(
                        Reason(
                            "Vigil publishes \(metric) over \(list); the rule's \(PromQL.duration(rule.window)) window is evaluated by Vigil alone"
                        )
                    )
                }
                return .success(matchers.merging(["window": PromQL.duration(rule.window)]) { _, new in new })
            }
            switch rule.metric {
            case .datasetDriftShare:
                return .success(.init(metric: "ml_dataset_drift_share", matchers: [:], identity: []))
            case .datasetDrift:
                return .success(.init(metric: "ml_dataset_drift_share", matchers: [:], identity: []))
            case .driftScore:
                return .success(.init(metric: "ml_feature_drift_score", matchers: [:], identity: ["feature_name"]))
            case .psi:
                return .success(.init(metric: "ml_feature_psi", matchers: [:], identity: ["feature_name"]))
            case .dataQuality(let check):
                return .success(.init(metric: "ml_data_quality_ratio", matchers: ["check": check.rawValue], identity: ["feature_name"]))
            case .quality(let name):
                return windowed("ml_model_quality", ["metric": name], windows: published).map {
                    .init(
                        metric: "ml_model_quality",
                        matchers: $0,
                        identity: [],
                        events: ("ml_labelled_predictions", $0.filter { $0.key == "window" })
                    )
                }
            case .labelCoverage:
                guard rule.window == settings.monitorWindow else {
                    return .failure(
                        Reason(
                            "Vigil publishes ml_label_coverage_ratio over \(monitor); the rule's \(PromQL.duration(rule.window)) window is evaluated by Vigil alone"
                        )
                    )
                }
                return .success(.init(metric: "ml_label_coverage_ratio", matchers: ["window": monitor], identity: []))
            case .businessMean:
                return windowed("ml_business_metric", ["statistic": "mean"], windows: published).map { matchers in
                    var counted = matchers
                    counted["statistic"] = "count"
                    return .init(
                        metric: "ml_business_metric",
                        matchers: matchers,
                        identity: ["business_metric", "source"],
                        renamed: ("metric", "business_metric"),
                        events: ("ml_business_metric", counted)
                    )
                }
            case .comparisonVerdict:
                // One series per challenger and baseline, over the comparison window alone (no `window` label).
                guard rule.window == settings.comparisonWindow else {
                    return .failure(
                        Reason(
                            "Vigil publishes ml_version_comparison_verdict over the comparison window (\(PromQL.duration(settings.comparisonWindow))); the rule's \(PromQL.duration(rule.window)) window is evaluated by Vigil alone"
                        )
                    )
                }
                guard rule.minimumEvents == 0 else {
                    return .failure(
                        Reason(
                            "min_events on a comparison verdict has no Prometheus series to count (the comparison has its own guards); evaluated by Vigil alone"
                        )
                    )
                }
                var gauge = ExportedAlert.Gauge(metric: "ml_version_comparison_verdict", matchers: [:], identity: ["baseline"])
                gauge.standsAlone = true
                return .success(gauge)
            default:
                return .failure(Reason("\(rule.metric) has no gauge"))
            }
        }

        /// The mixin annotations: `summary`, `description`, `runbook_url`, `dashboard_url`, and the export's notes.
        func annotations(_ rule: AlertRule, source: ExportedAlert.Source, notes: [String]) -> [String: String] {
            var result = rule.annotations
            let name = rule.alertName ?? rule.name
            var subject = "{{ $labels.model_name }}"
            if rule.perVersion { subject += " {{ $labels.model_version }}" }
            if rule.metric.isPerFeature { subject = "feature {{ $labels.feature_name }} of " + subject }
            if rule.metric == .classShare { subject = "class {{ $labels.class }} of " + subject }
            if rule.metric == .businessMean { subject = "{{ $labels.business_metric }} of " + subject }
            let comparison =
                "\(rule.direction == .above ? "above" : "below") \(AlertRule.formatted(rule.threshold))\(rule.metric.isLatency ? " ms" : "")"
            if result["summary"] == nil { result["summary"] = "\(rule.metric) of \(subject) is \(comparison)" }
            if result["description"] == nil {
                result["description"] =
                    "\(rule.metric) over \(PromQL.duration(rule.window)) is {{ $value | \(source.valueFormat) }} for \(subject) (threshold: \(comparison))."
            }
            let slug = name.lowercased()
            if result["runbook_url"] == nil { result["runbook_url"] = (settings.runbookURL ?? "\(settings.vigilURL)/runbooks") + "#\(slug)" }
            if result["dashboard_url"] == nil {
                let dashboard = source.dashboard
                var link = "\(settings.grafanaURL ?? "")/d/\(dashboard)?var-model={{ $labels.model_name }}"
                if rule.perVersion { link += "&var-version={{ $labels.model_version }}" }
                result["dashboard_url"] = link
            }
            if !notes.isEmpty { result["vigil_export_note"] = notes.joined(separator: "; ") }
            return result
        }
    }
}

extension ExportedAlert {
    /// `ml_prediction_latency_seconds`'s bucket bounds, in seconds.
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10]
    /// `ml_prediction_confidence`'s bucket bounds.
    static let unitBuckets: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
}

extension ExportedAlert.Source {
    /// The Go template function that prints the value in an annotation.
    var valueFormat: String {
        switch self {
        case .requests, .requestRate: "humanize"
        case .errorRatio, .confidence, .classShare: "humanizePercentage"
        case .latency: "humanizeDuration"
        case .gauge(let gauge):
            ["ml_dataset_drift_share", "ml_data_quality_ratio", "ml_label_coverage_ratio"].contains(gauge.metric) ? "humanizePercentage" : "humanize"
        }
    }

    /// The Grafana dashboard that shows the rule's metric.
    var dashboard: String {
        switch self {
        case .requests, .requestRate, .errorRatio, .latency: "vigil-operational"
        case .gauge(let gauge) where gauge.metric == "ml_business_metric": "vigil-business"
        default: "vigil-model-health"
        }
    }
}

extension WindowMetric {
    /// Whether the metric is a latency (thresholds in milliseconds).
    var isLatency: Bool {
        if case .latency = self { return true }
        return false
    }
}
