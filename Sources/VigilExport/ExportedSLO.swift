import Foundation
public import VigilAlerting
import VigilCore

/// An SLO as Prometheus rules: its error ratio over every window its tiers read (`slo:sli_error:ratio_rate5m`,
/// Sloth's names), its budget over the period, and one `SLOErrorBudgetBurn` alert per tier with exact decimal
/// thresholds (`0.0144` for 14.4 × (1 − 0.999)).
public struct ExportedSLO: Sendable, Equatable {
    /// The SLO.
    public var slo: ServiceLevelObjective
    /// Whether the ratios come from the raw series (availability, or latency at a bucket bound of
    /// `ml_prediction_latency_seconds`) rather than the burn-rate gauges Vigil publishes.
    public var fromRawSeries: Bool
    /// The rule group: recording rules, then the tiers' alerts.
    public var group: PrometheusRuleFile.Group
    /// A tier's threshold on the error ratio, as written.
    public var thresholds: [String: String]

    /// The rules of `slo`.
    public init(_ slo: ServiceLevelObjective, settings: ExportSettings) {
        self.slo = slo
        var scope = ["model_name": slo.model]
        if let version = slo.version { scope["model_version"] = version }
        let grouping = slo.version == nil ? ["model_name"] : ["model_name", "model_version"]
        let by = PromQL.by(grouping)
        let budget = Decimal(1) - DecimalText.decimal(slo.objective)
        var bound: String?
        switch slo.indicator {
        case .availability:
            fromRawSeries = true
        case .latency(let milliseconds):
            let seconds = milliseconds / 1000
            fromRawSeries = ExportedAlert.latencyBuckets.contains(seconds)
            if fromRawSeries { bound = PromQL.bucketLabel(seconds) }
        case .quality:
            fromRawSeries = false
        }
        let sloLabel = ["slo": slo.name]
        var rules: [PrometheusRuleFile.Rule] = []
        var note: String?
        if fromRawSeries {
            for length in slo.windowLengths {
                let window = PromQL.duration(length)
                let ratio: String
                let requests: String
                if let bound {
                    let total = "sum \(by) (rate(ml_prediction_latency_seconds_count\(PromQL.selector(scope))[\(window)]))"
                    let fast = "sum \(by) (rate(ml_prediction_latency_seconds_bucket\(PromQL.selector(scope.merging(["le": bound]) { $1 }))[\(window)]))"
                    ratio = "1 - \(fast) / \(total)"
                    requests = "sum \(by) (increase(ml_prediction_latency_seconds_count\(PromQL.selector(scope))[\(window)]))"
                } else {
                    let errors = "sum \(by) (rate(ml_prediction_requests_total\(PromQL.selector(scope.merging(["status": "error"]) { $1 }))[\(window)]))"
                    ratio = "\(errors) / sum \(by) (rate(ml_prediction_requests_total\(PromQL.selector(scope))[\(window)]))"
                    requests = "sum \(by) (increase(ml_prediction_requests_total\(PromQL.selector(scope))[\(window)]))"
                }
                rules.append(.recording("slo:sli_error:ratio_rate\(window)", ratio, labels: sloLabel))
                if slo.tiers.contains(where: { $0.short == length }) {
                    rules.append(.recording("slo:sli_requests:increase\(window)", requests, labels: sloLabel))
                }
            }
        } else {
            note =
                slo.indicator.isQuality
                ? "good windows of model quality are counted by Vigil, so the burn rates are the ml_slo_burn_rate gauges Vigil computes"
                : "the latency bound is not a bucket bound of ml_prediction_latency_seconds, so the burn rates are the ml_slo_burn_rate gauges Vigil computes"
        }
        let period = PromQL.duration(slo.period)
        let budgetText = DecimalText.text(budget)
        if fromRawSeries {
            rules.append(
                .recording("slo:error_budget_remaining:ratio", "1 - slo:sli_error:ratio_rate\(period){slo=\(PromQL.quoted(slo.name))} / \(budgetText)", labels: sloLabel)
            )
        }
        rules.append(.recording("slo:objective:ratio", "vector(\(DecimalText.text(slo.objective)))", labels: sloLabel.merging(scope) { $1 }))
        var thresholds: [String: String] = [:]
        for tier in slo.tiers {
            let threshold = DecimalText.text(DecimalText.decimal(tier.factor) * budget)
            thresholds[tier.name] = threshold
            let name = PromQL.selector(sloLabel)
            let long = PromQL.duration(tier.long)
            let short = PromQL.duration(tier.short)
            let expr: String
            if fromRawSeries {
                expr = "slo:sli_error:ratio_rate\(short)\(name) > \(threshold) and on (slo) slo:sli_error:ratio_rate\(long)\(name) > \(threshold)"
                    + " and on (slo) slo:sli_requests:increase\(short)\(name) >= \(slo.minimumEvents)"
            } else {
                // Vigil's gauges are burn rates (error ratio / budget): compared with the factor itself.
                let factor = DecimalText.text(tier.factor)
                let gauge = { (window: String) in "max by (slo, model_name) (ml_slo_burn_rate\(PromQL.selector(sloLabel.merging(["window": window]) { $1 })))" }
                expr = "\(gauge(short)) > \(factor) and on (slo) \(gauge(long)) > \(factor)"
            }
            var labels = slo.labels
            labels["slo"] = slo.name
            labels["tier"] = tier.name
            labels["long"] = long
            labels["short"] = short
            labels["severity"] = tier.severity.rawValue
            var annotations = [
                "summary": "SLO \(slo.name) of {{ $labels.model_name }} is burning its error budget \(AlertRule.formatted(tier.factor))× too fast",
                "description":
                    "The error ratio of \(slo.name) over \(short) is {{ $value | humanizePercentage }} (objective \(AlertRule.formatted(slo.objective * 100)) % over \(period)); at more than \(threshold) over both \(short) and \(long) the budget burns \(AlertRule.formatted(tier.factor))× faster than the period allows.",
                "runbook_url": (settings.runbookURL ?? "\(settings.vigilURL)/runbooks") + "#sloerrorbudgetburn",
                "dashboard_url": "\(settings.grafanaURL ?? "")/d/vigil-slos?var-model={{ $labels.model_name }}&var-slo=\(slo.name)",
            ]
            if let note {
                annotations["vigil_export_note"] = note
                annotations["description"] =
                    "The error budget of \(slo.name) burns at {{ $value | humanize }}× the sustainable rate over \(short), and over \(long) too (objective \(AlertRule.formatted(slo.objective * 100)) % over \(period))."
            }
            rules.append(
                PrometheusRuleFile.Rule(
                    alert: "SLOErrorBudgetBurn", expr: expr, holdFor: tier.holdFor > 0 ? PromQL.duration(tier.holdFor) : nil, labels: SortedMap(labels),
                    annotations: SortedMap(annotations)
                )
            )
        }
        self.thresholds = thresholds
        group = PrometheusRuleFile.Group(name: "vigil-slo-\(slo.name)", rules: rules)
    }
}
