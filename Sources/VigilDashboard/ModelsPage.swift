public import VigilCore
import VigilRender
import VigilStats

/// One model at a glance, for the models page.
public struct ModelOverview: Sendable {
    /// The model's name.
    public var name: String
    /// Its versions with predictions.
    public var versions: [String]
    /// The model's versions merged over the view's range, with drift against the reference and model quality.
    public var window: ModelWindow
    /// The least error budget left among the model's SLOs; nil without an SLO.
    public var budgetLeft: Double?
    /// Its firing alerts.
    public var firing: Int
    /// Its pending alerts (condition met, `for` not yet reached).
    public var pending: Int

    /// An overview.
    public init(name: String, versions: [String], window: ModelWindow, budgetLeft: Double?, firing: Int, pending: Int) {
        self.name = name
        self.versions = versions
        self.window = window
        self.budgetLeft = budgetLeft
        self.firing = firing
        self.pending = pending
    }

    /// Worst first: firing alerts, pending ones, the budget left, the drifted share, then the error rate.
    static func worseFirst(_ a: ModelOverview, _ b: ModelOverview) -> Bool {
        func key(_ model: ModelOverview) -> (Int, Int, Double, Double, Double) {
            let errors = model.window.samples(.errorRate).first?.value ?? 0
            return (-model.firing, -model.pending, model.budgetLeft ?? 2, -(model.window.report?.drift.driftShare ?? 0), -errors)
        }
        let (x, y) = (key(a), key(b))
        if x != y { return x < y }
        return a.name < b.name
    }
}

/// The models page: every model with its state at a glance, worst first.
public enum ModelsPage {
    /// The table of models, sortable, worst first.
    public static func body(_ models: [ModelOverview], query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        let range = query.range(now: now)
        var html =
            "<h1>Models</h1><p class=\"lead\">\(models.count) model\(models.count == 1 ? "" : "s") · the last \(DashboardFormat.duration(milliseconds: range.upperBound - range.lowerBound)), worst first</p>"
        guard !models.isEmpty else {
            return html
                + "<p class=\"empty-state\">No model has sent predictions yet. Send some to <code>POST /v1/models/{model}/predictions</code>, or run <code>vigil demo</code>.</p>"
        }
        html += "<div class=\"scroll\"><table class=\"sortable\" id=\"models\"><thead><tr>"
        for (name, kind) in [
            ("model", "text"), ("versions", "text"), ("requests", "number"), ("p99 latency", "number"), ("error rate", "number"),
            ("drifted features", "number"), ("quality", "number"), ("label coverage", "number"), ("SLO budget left", "number"), ("alerts", "number"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(name)</th>"
        }
        html += "</tr></thead><tbody>"
        for model in models.sorted(by: ModelOverview.worseFirst) {
            let window = model.window
            let requests = window.traffic.requestCount
            let rate = window.samples(.requestRate).first?.value
            let p99 = window.samples(.latency(quantile: 0.99)).first?.value
            let errors = window.samples(.errorRate).first?.value
            let drift = window.report?.drift
            let headline = DashboardFormat.headline(window.quality)
            let coverage = window.quality?.coverage
            let link = e(query.link("/models/" + DashboardQuery.percentEncoded(model.name), tab: .operational, version: .some(nil)))
            html += "<tr data-model=\"\(e(model.name))\">"
            html += "<th scope=\"row\" data-value=\"\(e(model.name))\"><a href=\"\(link)\">\(e(model.name))</a></th>"
            html += "<td>\(e(model.versions.joined(separator: ", ")))</td>"
            html += "<td data-value=\"\(requests)\">\(DashboardFormat.count(requests))<span class=\"sub\">\(DashboardFormat.rate(rate))</span></td>"
            html += "<td data-value=\(value(p99))>\(DashboardFormat.milliseconds(p99))</td>"
            html += "<td data-value=\(value(errors)) class=\"\((errors ?? 0) > 0.01 ? "bad" : "")\">\(DashboardFormat.percent(errors))</td>"
            if let drift, !drift.columns.isEmpty {
                html +=
                    "<td data-value=\"\(drift.driftShare)\" class=\"\(drift.datasetDrifted ? "bad" : "")\">\(drift.driftedColumnCount) of \(drift.columns.count)\(drift.datasetDrifted ? " <span class=\"badge bad\">drift</span>" : "")</td>"
            } else {
                html += "<td data-value=\"-1\">\(window.traffic.requestCount > 0 ? "no reference" : DashboardFormat.none)</td>"
            }
            html +=
                "<td data-value=\(value(headline?.value))>\(headline.map { "\($0.name) \(DashboardFormat.number($0.value))" } ?? DashboardFormat.none)\(window.quality?.maturing == true && headline != nil ? " <span class=\"badge\">maturing</span>" : "")</td>"
            html += "<td data-value=\(value(coverage))>\(DashboardFormat.percent(coverage))</td>"
            html +=
                "<td data-value=\(value(model.budgetLeft)) class=\"\((model.budgetLeft ?? 1) <= 0 ? "bad" : "")\">\(DashboardFormat.percent(model.budgetLeft))</td>"
            let alerts = model.firing > 0 ? "<span class=\"badge bad\">\(model.firing) firing</span>" : ""
            let pending = model.pending > 0 ? "<span class=\"badge warn\">\(model.pending) pending</span>" : ""
            html +=
                "<td data-value=\"\(model.firing * 1000 + model.pending)\">\(alerts)\(pending)\(model.firing + model.pending == 0 ? "none" : "")</td></tr>"
        }
        html += "</tbody></table></div>"
        return html
    }

    /// A sort value as a quoted attribute; missing values sort first.
    static func value(_ number: Double?) -> String {
        guard let number, number.isFinite else { return "\"-1\"" }
        return "\"\(number)\""
    }
}
