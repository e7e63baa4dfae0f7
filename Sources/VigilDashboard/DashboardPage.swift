import VigilCore
import VigilRender

/// The frame every dashboard page shares: the sections, the time range (presets, a custom range, automatic
/// refresh), the content and a footer. Assets come from the binary (`/assets/…`), so the page needs no network
/// and runs under a Content-Security-Policy that allows nothing inline.
public enum DashboardPage {
    /// The top-level sections.
    public enum Section: String, Sendable {
        case models, alerts, slos

        var title: String {
            switch self {
            case .models: "Models"
            case .alerts: "Alerts"
            case .slos: "SLOs"
            }
        }

        var path: String {
            switch self {
            case .models: "/"
            case .alerts: "/alerts"
            case .slos: "/slos"
            }
        }
    }

    /// A whole page.
    /// - Parameters:
    ///   - title: The page's title (escaped here).
    ///   - section: The section it belongs to.
    ///   - path: Its path, where the range controls lead.
    ///   - query: The view's state, kept by every link.
    ///   - now: The server's time, for the footer and the custom range's defaults.
    ///   - body: The page's content, already HTML.
    public static func render(
        title: String,
        section: Section,
        path: String,
        query: DashboardQuery,
        now: Int64,
        generator: String,
        body: String
    ) -> String {
        let e = HTMLEscaping.escape
        var html = [String]()
        html.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )
        html.append(
            "<title>\(e(title)) · Vigil</title><link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/assets/dashboard.css\"><script src=\"/assets/dashboard.js\" defer></script></head>"
        )
        html.append("<body data-refresh=\"\(query.refresh)\"><a class=\"skip\" href=\"#main\">Skip to the content</a>")
        html.append("<header class=\"top\"><a class=\"brand\" href=\"/\">Vigil</a><nav class=\"sections\" aria-label=\"Sections\">")
        for item in [Section.models, .alerts, .slos] {
            let current = item == section ? " aria-current=\"page\"" : ""
            html.append(
                "<a href=\"\(e(item.path + DashboardQuery(preset: query.preset, from: query.from, to: query.to, refresh: query.refresh).queryString))\"\(current)>\(item.title)</a>"
            )
        }
        html.append("</nav>")
        html.append(rangeControls(path: path, query: query, now: now))
        html.append("</header><main id=\"main\" tabindex=\"-1\">")
        html.append(body)
        html.append(
            "</main><footer>\(e(generator)) · times in UTC · as of \(e(Timestamp.formatRFC3339(milliseconds: now))) · <a href=\"/runbooks\">runbooks</a> · <a href=\"/openapi.yaml\">API</a></footer></body></html>"
        )
        return html.joined(separator: "\n")
    }

    /// Preset links, a custom range form and the refresh choice; every control keeps the rest of the view.
    static func rangeControls(path: String, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        var html = "<div class=\"range\"><nav class=\"presets\" aria-label=\"Time range\">"
        for preset in DashboardQuery.presets {
            let current = query.from == nil && query.preset == preset.name ? " aria-current=\"true\"" : ""
            html += "<a href=\"\(e(query.link(path, preset: .some(preset.name))))\"\(current)>\(preset.name)</a>"
        }
        html += "</nav><form class=\"custom\" method=\"get\" action=\"\(e(path))\">"
        if let version = query.version { html += "<input type=\"hidden\" name=\"version\" value=\"\(e(version))\">" }
        if query.tab != .operational { html += "<input type=\"hidden\" name=\"tab\" value=\"\(query.tab.rawValue)\">" }
        let range = query.range(now: now)
        func local(_ milliseconds: Int64) -> String { String(Timestamp.formatRFC3339(milliseconds: milliseconds).prefix(16)) }
        html += "<label>from <input type=\"datetime-local\" name=\"from\" value=\"\(local(range.lowerBound))\"></label>"
        html += "<label>to <input type=\"datetime-local\" name=\"to\" value=\"\(local(range.upperBound))\"></label>"
        html += "<label>refresh <select name=\"refresh\" data-autosubmit>"
        for seconds in DashboardQuery.refreshChoices {
            let label = seconds == 0 ? "off" : seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min"
            html += "<option value=\"\(seconds)\"\(seconds == query.refresh ? " selected" : "")>\(label)</option>"
        }
        html += "</select></label><button type=\"submit\">Apply</button></form></div>"
        return html
    }

    /// A page that explains what went wrong (a bad parameter, a model that is not there).
    public static func problem(title: String, detail: String, now: Int64, generator: String) -> String {
        let e = HTMLEscaping.escape
        return render(
            title: title,
            section: .models,
            path: "/",
            query: DashboardQuery(),
            now: now,
            generator: generator,
            body: "<h1>\(e(title))</h1><p class=\"problem\" role=\"alert\">\(e(detail))</p><p><a href=\"/\">All models</a></p>"
        )
    }
}
