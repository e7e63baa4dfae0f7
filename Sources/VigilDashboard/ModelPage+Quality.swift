import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

extension ModelPage {
    /// Realized quality over time with its intervals, label coverage, maturing spans shaded, the label-free
    /// estimate beside it; every figure of the range; the confusion matrix; business metrics per version.
    static func quality(_ view: ModelView, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        let range = query.range(now: now)
        guard let summary = view.window.quality, summary.labelled > 0 || !view.quality.isEmpty else {
            return
                "<p class=\"empty-state\">No labels for the predictions of this range yet. Send the ground truth with <code>POST /v1/models/\(e(view.name))/labels</code> (the prediction's id and its label); quality appears as labels arrive.</p>"
                + business(view)
        }
        let headline = DashboardFormat.headline(summary)
        let estimate = view.window.estimate.flatMap { estimate -> (CBPE.Estimate, String)? in
            guard case .success(let value) = estimate.result else { return nil }
            return (value, estimate.source)
        }
        var html = tiles([
            (headline?.name ?? "quality", DashboardFormat.figure(headline), ""),
            ("labelled predictions", DashboardFormat.count(summary.labelled), ""),
            ("label coverage", DashboardFormat.percent(summary.coverage), (summary.coverage ?? 1) < 0.1 ? "warn" : ""),
            (
                "p95 label delay",
                summary.labelDelayP95Seconds.map { DashboardFormat.duration(milliseconds: Int64($0 * 1000)) } ?? DashboardFormat.none, ""
            ),
            ("window", summary.maturing ? "maturing: labels still arriving" : "mature", summary.maturing ? "warn" : "good"),
            (
                "estimated accuracy (CBPE)",
                estimate.flatMap { $0.0.values[.accuracy] }.map {
                    "\(DashboardFormat.number($0.value)) ± \(DashboardFormat.number(3 * $0.samplingError))"
                } ?? DashboardFormat.none, ""
            ),
        ])
        if let name = headline?.name {
            var series = [
                TimeSeriesChart.Series(
                    name: "realized \(name)",
                    points: view.quality.map { point in
                        let figure = point.summary.figure(name)
                        return TimeSeriesChart.Point(
                            time: point.span.upperBound,
                            value: figure.flatMap { $0.n > 0 ? $0.value : nil },
                            interval: figure?.interval.map { ($0.lower, $0.upper) },
                            note: figure.map { "n = \($0.n)\(point.summary.maturing ? ", maturing" : "")" }
                        )
                    }
                )
            ]
            if let metric = CBPE.Metric(rawValue: name), view.quality.contains(where: { $0.estimate != nil }) {
                series.append(
                    TimeSeriesChart.Series(
                        name: "estimated \(name) (CBPE)",
                        points: view.quality.map { point in
                            let figure = point.estimate?.values[metric]
                            return TimeSeriesChart.Point(
                                time: point.span.upperBound,
                                value: figure?.value,
                                interval: figure.map { ($0.value - 3 * $0.samplingError, $0.value + 3 * $0.samplingError) }
                            )
                        }
                    )
                )
            }
            // Spans with predictions whose labels may still come (younger than the p95 label delay).
            let maturing = view.quality.filter { $0.summary.maturing && ($0.summary.predictions ?? 0) > 0 }.map { (span: $0.span, label: "maturing") }
            html += "<div class=\"charts\">"
            html += figure(
                TimeSeriesChart(
                    title: "\(name) over time",
                    series: series,
                    range: range,
                    unit: name == "accuracy" ? .percent : .number,
                    shaded: merge(maturing)
                ),
                caption: "95 % intervals as bands; CBPE with ±3 sampling errors, as NannyML draws them"
            )
            html += figure(
                TimeSeriesChart(
                    title: "Label coverage",
                    series: [
                        TimeSeriesChart.Series(
                            name: "labelled / predictions",
                            points: view.quality.map { TimeSeriesChart.Point(time: $0.span.upperBound, value: $0.summary.coverage) }
                        )
                    ],
                    range: range,
                    unit: .percent
                )
            )
            html += "</div>"
        }
        html += "<h2>Every figure</h2><div class=\"scroll\"><table class=\"sortable\" id=\"quality-figures\"><thead><tr>"
        for (label, kind) in [("metric", "text"), ("value", "number"), ("95 % interval", "text"), ("n", "number")] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(label)</th>"
        }
        html += "</tr></thead><tbody>"
        for figure in summary.metrics {
            let interval =
                figure.interval.map { "[\(DashboardFormat.number($0.lower)), \(DashboardFormat.number($0.upper))] \($0.method)" }
                ?? DashboardFormat.none
            html +=
                "<tr><th scope=\"row\">\(e(DashboardFormat.figureName(figure)))</th><td data-value=\(ModelsPage.value(figure.value))>\(DashboardFormat.number(figure.value))</td><td>\(e(interval))</td><td data-value=\"\(figure.n)\">\(DashboardFormat.count(figure.n))</td></tr>"
        }
        html += "</tbody></table></div>"
        if let confusion = summary.confusion, confusion.classes.count <= 20 {
            let classes = confusion.classes
            html +=
                "<h2>Confusion matrix</h2><div class=\"scroll\"><table class=\"confusion\" id=\"confusion\"><thead><tr><th scope=\"col\">actual ↓ predicted →</th>"
            html += classes.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
            for actual in classes {
                html += "<tr><th scope=\"row\">\(e(actual))</th>"
                for predicted in classes {
                    html +=
                        "<td class=\"\(actual == predicted ? "diagonal" : "")\">\(DashboardFormat.count(confusion.count(actual: actual, predicted: predicted)))</td>"
                }
                html += "</tr>"
            }
            html += "</tbody></table></div>"
        }
        return html + business(view)
    }

    /// Joins touching shaded spans into one.
    static func merge(_ spans: [(span: Range<Int64>, label: String)]) -> [(span: Range<Int64>, label: String)] {
        var merged: [(span: Range<Int64>, label: String)] = []
        for item in spans {
            if let last = merged.last, last.span.upperBound >= item.span.lowerBound, last.label == item.label {
                merged[merged.count - 1].span = last.span.lowerBound..<max(last.span.upperBound, item.span.upperBound)
            } else {
                merged.append(item)
            }
        }
        return merged
    }

    /// Business and proxy metrics per version: count, sum and mean with its interval.
    static func business(_ view: ModelView) -> String {
        let e = HTMLEscaping.escape
        let rows = view.perVersion.flatMap { window in (window.quality?.businessMetrics ?? []).map { (window.version, $0) } }
        guard !rows.isEmpty else { return "" }
        var html = "<h2>Business metrics</h2><div class=\"scroll\"><table class=\"sortable\" id=\"business\"><thead><tr>"
        for (label, kind) in [
            ("version", "text"), ("metric", "text"), ("from", "text"), ("count", "number"), ("sum", "number"), ("mean", "number"),
            ("95 % interval", "text"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(label)</th>"
        }
        html += "</tr></thead><tbody>"
        for (version, metric) in rows {
            let interval =
                metric.interval.map { "[\(DashboardFormat.number($0.lower)), \(DashboardFormat.number($0.upper))]" } ?? DashboardFormat.none
            html +=
                "<tr><td>\(e(version))</td><th scope=\"row\">\(e(metric.name))</th><td>\(e(metric.source))</td><td data-value=\"\(metric.count)\">\(DashboardFormat.count(metric.count))</td>"
            html +=
                "<td data-value=\(ModelsPage.value(metric.sum))>\(DashboardFormat.number(metric.sum))</td><td data-value=\(ModelsPage.value(metric.mean))>\(DashboardFormat.number(metric.mean))</td><td>\(interval)</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// Each version side by side over the range: traffic, latency, errors, drift, quality with its interval and
    /// coverage, and the label-free estimate.
    static func versions(_ view: ModelView, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        guard !view.perVersion.isEmpty else { return "<p class=\"empty-state\">No predictions in this range.</p>" }
        var html = comparisons(view)
        html += "<h2>Side by side</h2><p class=\"lead\">Each version over the same range. Differences here are descriptive: the verdicts above are the tests.</p>"
        html += "<div class=\"scroll\"><table class=\"sortable\" id=\"versions\"><thead><tr>"
        for (label, kind) in [
            ("version", "text"), ("requests", "number"), ("error rate", "number"), ("p99 latency", "number"), ("drifted features", "number"),
            ("quality", "number"), ("label coverage", "number"), ("estimated accuracy (CBPE)", "number"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(label)</th>"
        }
        html += "</tr></thead><tbody>"
        for window in view.perVersion {
            let errors = window.samples(.errorRate).first?.value
            let p99 = window.samples(.latency(quantile: 0.99)).first?.value
            let headline = DashboardFormat.headline(window.quality)
            let estimated: CBPE.Figure? = window.estimate.flatMap { estimate in
                if case .success(let value) = estimate.result { return value.values[.accuracy] }
                return nil
            }
            let link = e(query.link("/models/" + DashboardQuery.percentEncoded(view.name), tab: .operational, version: .some(window.version)))
            html +=
                "<tr><th scope=\"row\"><a href=\"\(link)\">\(e(window.version))</a></th><td data-value=\"\(window.traffic.requestCount)\">\(DashboardFormat.count(window.traffic.requestCount))</td>"
            html +=
                "<td data-value=\(ModelsPage.value(errors))>\(DashboardFormat.percent(errors))</td><td data-value=\(ModelsPage.value(p99))>\(DashboardFormat.milliseconds(p99))</td>"
            if let drift = window.report?.drift, !drift.columns.isEmpty {
                html +=
                    "<td data-value=\"\(drift.driftShare)\" class=\"\(drift.datasetDrifted ? "bad" : "")\">\(drift.driftedColumnCount) of \(drift.columns.count)</td>"
            } else {
                html += "<td data-value=\"-1\">\(DashboardFormat.none)</td>"
            }
            html +=
                "<td data-value=\(ModelsPage.value(headline?.value))>\(headline.map { "\($0.name) " } ?? "")\(DashboardFormat.figure(headline))</td>"
            html += "<td data-value=\(ModelsPage.value(window.quality?.coverage))>\(DashboardFormat.percent(window.quality?.coverage))</td>"
            html +=
                "<td data-value=\(ModelsPage.value(estimated?.value))>\(estimated.map { "\(DashboardFormat.number($0.value)) ± \(DashboardFormat.number(3 * $0.samplingError))" } ?? DashboardFormat.none)</td></tr>"
        }
        return html + "</tbody></table></div>" + business(view)
    }
}
