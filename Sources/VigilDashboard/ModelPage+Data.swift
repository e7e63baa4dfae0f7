import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

extension ModelPage {
    /// Drift over time (a feature × time grid of verdicts, the drifted share and the worst features' scores with
    /// their thresholds), the features against the reference, distributions, data quality and embeddings.
    static func data(_ view: ModelView, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        let range = query.range(now: now)
        guard let reference = view.reference else {
            return
                "<p class=\"empty-state\">No reference is set for \(e(view.name)), so nothing is compared. Upload one with <code>PUT /v1/models/\(e(view.name))/reference</code> (a CSV, NDJSON or a profile from <code>vigil profile</code>), or pin a production time range with <code>?from=…&amp;to=…</code>.</p>"
                + featureStatistics(view.window.traffic)
        }
        var html = "<p class=\"lead\">Against the reference: \(e(reference))</p>"
        guard let report = view.window.report else {
            return html + "<p class=\"empty-state\">No predictions in this range.</p>"
        }
        let drift = report.drift
        html += tiles([
            ("dataset drift", drift.datasetDrifted ? "drift" : "no drift", drift.datasetDrifted ? "bad" : "good"),
            (
                "drifted features", "\(drift.driftedColumnCount) of \(drift.columns.count) (\(DashboardFormat.percent(drift.driftShare)))",
                drift.datasetDrifted ? "bad" : ""
            ),
            ("drifts at", DashboardFormat.percent(drift.datasetDriftShareThreshold) + " drifted", ""),
            (
                "data-quality issues", "\(report.quality.filter { !$0.failures.isEmpty }.count) features",
                report.quality.contains { !$0.failures.isEmpty } ? "bad" : ""
            ),
        ])
        if let timeline = view.drift {
            html += grid(timeline, range: range)
            html += "<div class=\"charts\">"
            html += figure(
                TimeSeriesChart(
                    title: "Share of drifted features",
                    series: [
                        TimeSeriesChart.Series(
                            name: "drifted share",
                            points: zip(timeline.spans, timeline.share).map { TimeSeriesChart.Point(time: $0.upperBound, value: $1) }
                        )
                    ],
                    range: range,
                    unit: .percent,
                    threshold: (timeline.shareThreshold, true)
                )
            )
            // The features that drift most now, each with its own test's threshold and the spans that crossed it.
            let worst = drift.columns.enumerated().sorted { a, b in
                (a.element.result.drifted ? 0 : 1, a.offset) < (b.element.result.drifted ? 0 : 1, b.offset)
            }.prefix(6)
            for (_, column) in worst {
                guard let row = timeline.features.firstIndex(of: column.column) else { continue }
                let cells = timeline.cells[row]
                let lowerIsWorse = cells.first?.lowerIsWorse ?? false
                html += figure(
                    TimeSeriesChart(
                        title: "\(column.column): \(column.result.method.rawValue)",
                        series: [
                            TimeSeriesChart.Series(
                                name: column.result.method.yieldsPValue ? "p-value" : "score",
                                points: zip(timeline.spans, cells).map { TimeSeriesChart.Point(time: $0.upperBound, value: $1.score) }
                            )
                        ],
                        range: range,
                        threshold: (column.result.threshold, !lowerIsWorse)
                    ),
                    caption: column.result.drifted ? "drifted now" : "no drift now"
                )
            }
            let missing = timeline.features.indices.filter { row in timeline.cells[row].contains { ($0.missing ?? 0) > 0 } }.prefix(6)
            if !missing.isEmpty {
                html += figure(
                    TimeSeriesChart(
                        title: "Missing values over time",
                        series: missing.map { row in
                            TimeSeriesChart.Series(
                                name: timeline.features[row],
                                points: zip(timeline.spans, timeline.cells[row]).map { TimeSeriesChart.Point(time: $0.upperBound, value: $1.missing) }
                            )
                        },
                        range: range,
                        unit: .percent,
                        threshold: (report.thresholds.missingRatio, true)
                    )
                )
            }
            html += "</div>"
        }
        html += features(report)
        html += "<h2>Reference against current</h2><div class=\"cards\">"
        let distributions = Dictionary(report.distributions.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })
        for column in drift.columns {
            guard let distribution = distributions[column.column] else { continue }
            html +=
                "<article class=\"card\" data-feature=\"\(e(column.column))\"><h3>\(e(column.column)) <span class=\"badge \(column.result.drifted ? "bad" : "good")\">\(column.result.drifted ? "drift" : "no drift")</span></h3>"
            html += DistributionChart.svg(distribution) + "</article>"
        }
        html += "</div>"
        if !report.embeddingDrift.isEmpty {
            html += "<h2>Embeddings</h2><div class=\"cards\">"
            for embedding in report.embeddingDrift {
                html += "<article class=\"card\"><h3>\(e(embedding.column))</h3>"
                if let result = embedding.result {
                    html +=
                        "<p class=\"detail\">\(result.method.rawValue) \(DashboardFormat.number(result.score)), drift above \(DashboardFormat.number(result.threshold)): <b>\(result.drifted ? "drift" : "no drift")</b></p>"
                        + EmbeddingChart.svg(column: embedding.column, result)
                } else {
                    html += "<p class=\"detail\">\(e(embedding.problem ?? "not compared"))</p>"
                }
                html += "</article>"
            }
            html += "</div>"
        }
        html += featureStatistics(view.window.traffic)
        return html
    }

    /// The feature × time grid: one cell per feature and span, its verdict in a symbol and a colour, its score in
    /// the cell's title.
    static func grid(_ timeline: DriftTimeline, range: Range<Int64>) -> String {
        let e = HTMLEscaping.escape
        var html =
            "<h2>Drift over time</h2><p class=\"legend\"><span class=\"cell drift\">✕</span> drift <span class=\"cell ok\">·</span> no drift <span class=\"cell none\"> </span> no traffic</p>"
        html += "<div class=\"scroll\"><table class=\"drift-grid\" id=\"drift-grid\"><thead><tr><th scope=\"col\">feature</th>"
        for span in timeline.spans { html += "<th scope=\"col\" class=\"time\">\(e(TimeSeriesChart.timeLabel(span.lowerBound, span: range)))</th>" }
        html += "</tr></thead><tbody>"
        for (row, feature) in timeline.features.enumerated() {
            html += "<tr><th scope=\"row\">\(e(feature))</th>"
            for (column, cell) in timeline.cells[row].enumerated() {
                let span = timeline.spans[column]
                let when =
                    "\(TimeSeriesChart.timeLabel(span.lowerBound, span: range, full: true)) to \(TimeSeriesChart.timeLabel(span.upperBound, span: range, full: true))"
                guard let drifted = cell.drifted, let score = cell.score else {
                    html += "<td class=\"cell none\" title=\"\(e(feature)) · \(e(when)): no traffic\"> </td>"
                    continue
                }
                let text =
                    "\(feature) · \(when): \(drifted ? "drift" : "no drift"), score \(DashboardFormat.number(score)), threshold \(DashboardFormat.number(cell.threshold))"
                html += "<td class=\"cell \(drifted ? "drift" : "ok")\" title=\"\(e(text))\">\(drifted ? "✕" : "·")</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// Every feature's drift and data quality now, sortable and filterable.
    static func features(_ report: DatasetReport) -> String {
        let e = HTMLEscaping.escape
        let quality = Dictionary(report.quality.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })
        var html =
            "<h2>Features</h2><div class=\"controls\"><label>filter <input type=\"search\" data-filter=\"features\" placeholder=\"feature name\"></label><span class=\"shown\" data-shown=\"features\"></span></div>"
        html += "<div class=\"scroll\"><table class=\"sortable\" id=\"features\"><thead><tr>"
        for (name, kind) in [
            ("feature", "text"), ("kind", "text"), ("method", "text"), ("score", "number"), ("threshold", "number"), ("drift", "text"),
            ("missing", "number"), ("data quality", "text"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(name)</th>"
        }
        html += "</tr></thead><tbody>"
        for column in report.drift.columns {
            let result = column.result
            let checks = quality[column.column]
            let verdict =
                checks.map {
                    $0.failures.isEmpty ? ($0.warnings.isEmpty ? "ok" : $0.warnings.joined(separator: "; ")) : $0.failures.joined(separator: "; ")
                } ?? DashboardFormat.none
            html +=
                "<tr data-drifted=\"\(result.drifted)\"><th scope=\"row\">\(e(column.column))</th><td>\(column.kind.rawValue)</td><td>\(result.method.rawValue)</td>"
            html +=
                "<td data-value=\(ModelsPage.value(result.score))>\(DashboardFormat.number(result.score))</td><td data-value=\(ModelsPage.value(result.threshold))>\(DashboardFormat.number(result.threshold))</td>"
            html += "<td class=\"\(result.drifted ? "bad" : "good")\">\(result.drifted ? "drift" : "ok")</td>"
            html += "<td data-value=\(ModelsPage.value(checks?.missingRatio))>\(DashboardFormat.percent(checks?.missingRatio))</td>"
            html += "<td class=\"\(checks?.failures.isEmpty == false ? "bad" : "")\">\(e(verdict))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// The live features' statistics: count, missing share, mean, spread and quantiles, distinct values.
    static func featureStatistics(_ traffic: LiveProfile) -> String {
        let e = HTMLEscaping.escape
        let profile = traffic.features.datasetProfile()
        guard !profile.columnNames.isEmpty else { return "" }
        var html = "<h2>Feature statistics</h2><div class=\"scroll\"><table class=\"sortable\" id=\"feature-statistics\"><thead><tr>"
        for (name, kind) in [
            ("feature", "text"), ("values", "number"), ("missing", "number"), ("mean", "number"), ("std", "number"), ("p10", "number"),
            ("p50", "number"), ("p90", "number"), ("top value", "text"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(name)</th>"
        }
        html += "</tr></thead><tbody>"
        for name in profile.columnNames {
            guard let column = profile[column: name] else { continue }
            let missing = column.rowCount > 0 ? Double(column.missingCount) / Double(column.rowCount) : nil
            html +=
                "<tr><th scope=\"row\">\(e(name))</th><td data-value=\"\(column.rowCount - column.missingCount)\">\(DashboardFormat.count(column.rowCount - column.missingCount))</td>"
            html += "<td data-value=\(ModelsPage.value(missing))>\(DashboardFormat.percent(missing))</td>"
            switch column {
            case .numeric(let sketch) where sketch.count > 0:
                let q = sketch.quantiles.quantiles([0.1, 0.5, 0.9])
                for value in [sketch.moments.mean, sketch.moments.populationStandardDeviation] + q {
                    html += "<td data-value=\(ModelsPage.value(value))>\(DashboardFormat.number(value))</td>"
                }
                html += "<td>\(DashboardFormat.none)</td>"
            case .categorical(let sketch):
                html += String(repeating: "<td data-value=\"-1\">\(DashboardFormat.none)</td>", count: 5)
                let top = sketch.items.counts.max { ($0.value, $1.key) < ($1.value, $0.key) }
                html += "<td>\(top.map { "\(e($0.key)) (\(DashboardFormat.count($0.value)))" } ?? DashboardFormat.none)</td>"
            default:
                html += String(repeating: "<td data-value=\"-1\">\(DashboardFormat.none)</td>", count: 6)
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }
}
