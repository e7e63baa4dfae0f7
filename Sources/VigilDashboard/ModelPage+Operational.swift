import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

extension ModelPage {
    /// Request rate, latency quantiles and errors over time, per version, and the segments' traffic.
    static func operational(_ view: ModelView, query: DashboardQuery, now: Int64) -> String {
        let window = view.window
        let range = query.range(now: now)
        func first(_ metric: WindowMetric, in window: ModelWindow = view.window) -> Double? { window.samples(metric).first?.value }
        let errors = first(.errorRate)
        var html = tiles([
            ("requests", DashboardFormat.count(window.traffic.requestCount), ""),
            ("rate", DashboardFormat.rate(first(.requestRate)), ""),
            ("error rate", DashboardFormat.percent(errors), (errors ?? 0) > 0.01 ? "bad" : ""),
            ("p50 latency", DashboardFormat.milliseconds(first(.latency(quantile: 0.5))), ""),
            ("p95 latency", DashboardFormat.milliseconds(first(.latency(quantile: 0.95))), ""),
            ("p99 latency", DashboardFormat.milliseconds(first(.latency(quantile: 0.99))), ""),
        ])
        guard !view.traffic.isEmpty else { return html + "<p class=\"empty-state\">No predictions in this range.</p>" }
        func lines(_ metric: WindowMetric) -> [TimeSeriesChart.Series] {
            view.traffic.map { series in
                TimeSeriesChart.Series(
                    name: series.version.isEmpty ? "all" : series.version,
                    points: series.points.map { point in
                        TimeSeriesChart.Point(time: point.range.upperBound, value: point.samples(metric).first?.value)
                    }
                )
            }
        }
        html += "<div class=\"charts\">"
        html += figure(TimeSeriesChart(title: "Requests per second", series: lines(.requestRate), range: range, unit: .perSecond))
        html += figure(TimeSeriesChart(title: "p99 latency", series: lines(.latency(quantile: 0.99)), range: range, unit: .milliseconds))
        // The chosen scope's quantiles together: the versions merged span by span.
        let merged = mergedPoints(view.traffic)
        let quantiles = [0.5, 0.95, 0.99].map { quantile in
            TimeSeriesChart.Series(
                name: "p\(Int(quantile * 100))",
                points: merged.map { TimeSeriesChart.Point(time: $0.range.upperBound, value: $0.samples(.latency(quantile: quantile)).first?.value) }
            )
        }
        html += figure(
            TimeSeriesChart(
                title: "Latency p50, p95, p99 (\(view.window.version.isEmpty ? "all versions" : view.window.version))",
                series: quantiles,
                range: range,
                unit: .milliseconds
            )
        )
        html += figure(TimeSeriesChart(title: "Error rate", series: lines(.errorRate), range: range, unit: .percent, threshold: (0.01, true)))
        let types = Set(merged.flatMap { $0.traffic.errorTypes.keys }).sorted()
        if !types.isEmpty {
            let byType = types.prefix(8).map { type in
                TimeSeriesChart.Series(
                    name: type,
                    points: merged.map { point in
                        TimeSeriesChart.Point(
                            time: point.range.upperBound,
                            value: point.traffic.requestCount > 0
                                ? Double(point.traffic.errorTypes[type] ?? 0) / Double(point.traffic.requestCount) : nil
                        )
                    }
                )
            }
            html += figure(TimeSeriesChart(title: "Errors by type (share of requests)", series: Array(byType), range: range, unit: .percent))
        }
        html += "</div>"
        html += segments(window.traffic.segments)
        return html
    }

    /// The versions' windows merged span by span.
    static func mergedPoints(_ series: [VersionSeries]) -> [ModelWindow] {
        guard var merged = series.first?.points else { return [] }
        for other in series.dropFirst() {
            for index in merged.indices where index < other.points.count { merged[index].traffic.merge(other.points[index].traffic) }
        }
        for index in merged.indices { merged[index].version = "" }
        return merged
    }

    /// Each segment value's traffic, busiest first (the breakdown every bucket keeps: 32 tags × 100 values).
    static func segments(_ breakdown: SegmentBreakdown) -> String {
        let e = HTMLEscaping.escape
        guard !breakdown.tags.isEmpty else { return "" }
        var html = "<h2>Segments</h2><div class=\"scroll\"><table class=\"sortable\" id=\"segments\"><thead><tr>"
        for (name, kind) in [
            ("tag", "text"), ("value", "text"), ("requests", "number"), ("errors", "number"), ("error rate", "number"), ("p99 latency", "number"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(name)</th>"
        }
        html += "</tr></thead><tbody>"
        for (tag, values) in breakdown.tags.sorted(by: { $0.key < $1.key }) {
            for (value, traffic) in values.sorted(by: { ($1.value.requestCount, $0.key) < ($0.value.requestCount, $1.key) }).prefix(20) {
                let rate = traffic.requestCount > 0 ? Double(traffic.errorCount) / Double(traffic.requestCount) : nil
                let p99 = traffic.latency.count > 0 ? traffic.latency.quantile(0.99) : nil
                html +=
                    "<tr><td>\(e(tag))</td><td>\(e(value))</td><td data-value=\"\(traffic.requestCount)\">\(DashboardFormat.count(traffic.requestCount))</td>"
                html +=
                    "<td data-value=\"\(traffic.errorCount)\">\(DashboardFormat.count(traffic.errorCount))</td><td data-value=\(ModelsPage.value(rate))>\(DashboardFormat.percent(rate))</td>"
                html += "<td data-value=\(ModelsPage.value(p99))>\(DashboardFormat.milliseconds(p99))</td></tr>"
            }
        }
        return html + "</tbody></table></div>"
    }
}
