import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

/// A model's page: its state at the top (alerts, the headline numbers), a version choice, and the tabs
/// Operational, Data, Quality and Versions.
public enum ModelPage {
    /// The page's content for the open tab.
    public static func body(_ view: ModelView, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        let path = "/models/" + DashboardQuery.percentEncoded(view.name)
        var html =
            "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"\(e(query.link("/", version: .some(nil))))\">Models</a> › <span>\(e(view.name))</span></nav>"
        html += "<h1>\(e(view.name))</h1>"
        html += "<nav class=\"versions\" aria-label=\"Version\"><span>version</span>"
        for version in [nil] + view.versions.map(Optional.some) {
            let current = version == query.version ? " aria-current=\"true\"" : ""
            html += "<a href=\"\(e(query.link(path, version: .some(version))))\"\(current)>\(e(version ?? "all"))</a>"
        }
        html += "</nav>"
        if !view.alerts.isEmpty {
            html += "<section class=\"alerts-banner\" aria-label=\"Alerts of this model\"><h2>Alerts</h2><ul>"
            for alert in view.alerts.sorted(by: { ($0.state == .firing ? 0 : 1, $0.rule) < ($1.state == .firing ? 0 : 1, $1.rule) }) {
                let state = alert.state == .firing ? "bad" : "warn"
                let summary = alert.annotations["summary"] ?? alert.rule
                html +=
                    "<li><span class=\"badge \(state)\">\(alert.state.rawValue)</span> <a href=\"/alerts?fingerprint=\(e(DashboardQuery.percentEncoded(alert.fingerprint)))\">\(e(alert.rule))</a> \(e(summary))</li>"
            }
            html += "</ul></section>"
        }
        html += "<nav class=\"tabs\" role=\"tablist\" aria-label=\"Views of the model\">"
        for tab in DashboardQuery.Tab.allCases {
            let selected = tab == query.tab
            html +=
                "<a role=\"tab\" aria-selected=\"\(selected)\" href=\"\(e(query.link(path, tab: tab)))\"\(selected ? " aria-current=\"page\"" : "")>\(tab.title)</a>"
        }
        html += "</nav><section class=\"tab-panel\" role=\"tabpanel\" aria-label=\"\(query.tab.title)\">"
        switch query.tab {
        case .operational: html += operational(view, query: query, now: now)
        case .data: html += data(view, query: query, now: now)
        case .quality: html += quality(view, query: query, now: now)
        case .versions: html += versions(view, query: query, now: now)
        }
        html += "</section>"
        return html
    }

    /// A row of headline numbers.
    static func tiles(_ items: [(label: String, value: String, state: String)]) -> String {
        "<dl class=\"tiles\">"
            + items.map { "<div class=\"tile \($0.state)\"><dt>\(HTMLEscaping.escape($0.label))</dt><dd>\($0.value)</dd></div>" }.joined() + "</dl>"
    }

    /// A chart in a figure with its read-out line (filled by the page's script on hover and arrow keys).
    static func figure(_ chart: TimeSeriesChart, caption: String? = nil) -> String {
        let e = HTMLEscaping.escape
        var html = "<figure class=\"chart-card\"><figcaption>\(e(chart.title))"
        if let caption { html += "<span class=\"sub\">\(e(caption))</span>" }
        html +=
            "</figcaption>" + chart.svg()
            + "<p class=\"readout\" aria-live=\"polite\">hover or focus the chart and use ← → to read values</p></figure>"
        return html
    }
}
