import VigilAlerting
import VigilCore

extension RuleScenario {
    /// The scenario as promtool's input series: the counters, buckets and gauges Vigil's `/metrics` would show.
    func inputSeries(settings: ExportSettings) -> [PromtoolTestFile.Series] {
        let history = SyntheticSeries(steps: steps)
        let base = ["model_name": model, "model_version": version, "job": settings.job, "instance": settings.target]
        var series: [PromtoolTestFile.Series] = []
        func add(_ name: String, _ labels: [String: String], _ values: [Double?]) {
            series.append(.init(series: name + PromQL.selector(base.merging(labels) { $1 }), values: Self.expanding(values)))
        }
        add("ml_prediction_requests_total", ["status": "ok"], history.cumulative { Double($0.ok) })
        add("ml_prediction_requests_total", ["status": "error"], history.cumulative { Double($0.errors) })
        switch alert.source {
        case .latency:
            for bound in ExportedAlert.latencyBuckets {
                add("ml_prediction_latency_seconds_bucket", ["le": PromQL.bucketLabel(bound)], history.cumulative { SyntheticSeries.latencyAtMost(bound * 1000, $0) })
            }
            add("ml_prediction_latency_seconds_bucket", ["le": "+Inf"], history.cumulative { Double($0.latencies.reduce(0) { $0 + $1.count }) })
            add("ml_prediction_latency_seconds_count", [:], history.cumulative { Double($0.latencies.reduce(0) { $0 + $1.count }) })
        case .classShare, .confidence:
            for name in classNames {
                add("ml_prediction_class_total", ["predicted_class": name], history.cumulative { Double($0.classes.first { $0.name == name }?.count ?? 0) })
                guard case .confidence = alert.source else { continue }
                for bound in ExportedAlert.unitBuckets {
                    add(
                        "ml_prediction_confidence_bucket", ["predicted_class": name, "le": PromQL.bucketLabel(bound)],
                        history.cumulative { SyntheticSeries.confidenceAtMost(bound, className: name, $0) }
                    )
                }
                add(
                    "ml_prediction_confidence_bucket", ["predicted_class": name, "le": "+Inf"],
                    history.cumulative { Double($0.classes.first { $0.name == name }?.count ?? 0) }
                )
            }
        case .gauge(let gauge):
            var labels = gauge.matchers
            for (name, value) in gaugeIdentity { labels[gauge.renamed?.to == name ? gauge.renamed!.from : name] = value }
            if gauge.metric == "ml_feature_drift_score" { labels["method"] = "ks" }
            add(gauge.metric, labels, history.gauge(\.gauge))
            if let events = gauge.events {
                var counted = events.matchers
                for (name, value) in gaugeIdentity { counted[gauge.renamed?.to == name ? gauge.renamed!.from : name] = value }
                add(events.metric, counted, history.gauge(\.gaugeEvents))
            }
        case .requests, .requestRate, .errorRatio:
            break
        }
        return series
    }

    /// Every class predicted in the scenario, in name order.
    var classNames: [String] { Set(steps.flatMap { $0.classes.map(\.name) }).sorted() }

    /// The value of the alert's expression at evaluation `index` for the alert with `labels`, computed as
    /// PromQL computes it (rates over the window's samples, summed in label order), for the `$value` of its annotations.
    func prometheusValue(at index: Int, labels: [String: String], settings: ExportSettings) -> Double {
        let history = SyntheticSeries(steps: steps)
        let from = index - windowSteps
        let seconds = Double(rule.window) / 1000
        func rate(_ value: (TrafficStep) -> Double) -> Double { history.total(from, index) { value($0) } / seconds }
        let requests = history.total(from, index) { Double($0.requests) }
        if rule.noData == .alerting, requests == 0, !alert.readsVigilGauge, rule.metric != .requests { return 0 }
        switch alert.source {
        case .requests:
            return requests
        case .requestRate:
            return requests / seconds
        case .errorRatio:
            let errors = rate { Double($0.errors) }
            return errors / (errors + rate { Double($0.ok) })
        case .latency(let quantile):
            var buckets = ExportedAlert.latencyBuckets.map { bound in (bound: bound, count: rate { SyntheticSeries.latencyAtMost(bound * 1000, $0) }) }
            buckets.append((.infinity, rate { Double($0.latencies.reduce(0) { $0 + $1.count }) }))
            return SyntheticSeries.histogramQuantile(quantile, buckets)
        case .confidence(let quantile):
            var buckets: [(bound: Double, count: Double)] = []
            for bound in ExportedAlert.unitBuckets + [.infinity] {
                var sum: Double?
                for name in classNames {
                    let value =
                        bound.isInfinite
                        ? rate { Double($0.classes.first { $0.name == name }?.count ?? 0) }
                        : rate { SyntheticSeries.confidenceAtMost(bound, className: name, $0) }
                    sum = sum.map { $0 + value } ?? value
                }
                buckets.append((bound, sum ?? 0))
            }
            return SyntheticSeries.histogramQuantile(quantile, buckets)
        case .classShare:
            let name = labels["class"] ?? ""
            var total: Double?
            for other in classNames {
                let value = rate { Double($0.classes.first { $0.name == other }?.count ?? 0) }
                total = total.map { $0 + value } ?? value
            }
            return rate { Double($0.classes.first { $0.name == name }?.count ?? 0) } / (total ?? 0)
        case .gauge:
            let raw = index > 0 ? steps[index - 1].gauge ?? .nan : .nan
            return rule.metric == .datasetDrift ? (raw >= settings.datasetDriftShare ? 1 : 0) : raw
        }
    }

    /// Values in promtool's expanding notation: runs of equal steps as `start+stepxcount`, gaps as `_`.
    static func expanding(_ values: [Double?]) -> String {
        var parts: [String] = []
        var index = 0
        while index < values.count {
            guard let start = values[index] else {
                var end = index
                while end + 1 < values.count, values[end + 1] == nil { end += 1 }
                parts.append(end == index ? "_" : "_x\(end - index + 1)")
                index = end + 1
                continue
            }
            // A run keeps one difference; only whole numbers take a non-zero one, so no rounding creeps in.
            var end = index
            if index + 1 < values.count, let next = values[index + 1] {
                let difference = next - start
                let exact = difference == 0 || (start == start.rounded() && difference == difference.rounded())
                if exact {
                    while end + 1 < values.count, let following = values[end + 1], following - values[end]! == difference { end += 1 }
                }
            }
            let count = end - index
            if count == 0 {
                parts.append(number(start))
            } else {
                let difference = values[index + 1]! - start
                parts.append("\(number(start))\(difference < 0 ? "-" : "+")\(number(abs(difference)))x\(count)")
            }
            index = end + 1
        }
        return parts.joined(separator: " ")
    }

    /// A sample value as promtool reads it.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
