import Foundation
public import VigilAlerting
import VigilCore
import VigilRender

/// What the alerts page shows.
public struct AlertsView: Sendable {
    /// The current alerts (pending, firing, recently resolved).
    public var alerts: [AlertInstance]
    /// Why an alert is muted (`silenced`, `inhibited`), by fingerprint.
    public var muted: [String: String]
    /// Every silence, active or not.
    public var silences: [Silence]
    /// The newest state changes first.
    public var history: [AlertTransition]
    /// The model tab an alert's rule is about, by rule name: drift rules open the data tab, quality rules the quality tab.
    public var tabs: [String: DashboardQuery.Tab]
    /// The remediation hooks' latest runs, newest first.
    public var hookRuns: [HookRun]
    /// The form token of a viewer who may act (silence, expire a silence, approve a hook run); nil shows no action.
    public var csrf: String?

    /// A view.
    public init(
        alerts: [AlertInstance],
        muted: [String: String],
        silences: [Silence],
        history: [AlertTransition],
        tabs: [String: DashboardQuery.Tab],
        hookRuns: [HookRun] = [],
        csrf: String? = nil
    ) {
        self.hookRuns = hookRuns
        self.alerts = alerts
        self.muted = muted
        self.silences = silences
        self.history = history
        self.tabs = tabs
        self.csrf = csrf
    }
}

/// Firing, pending and resolved alerts (each linked to the view of its model it is about), silences and history.
public enum AlertsPage {
    /// The page's content: alerts worst first, silences, hook runs and history, with actions when `view.csrf` is set.
    public static func body(_ view: AlertsView, query: DashboardQuery, now: Int64) -> String {
        let e = HTMLEscaping.escape
        let order: [AlertInstance.State: Int] = [.firing: 0, .pending: 1, .resolved: 2]
        let alerts = view.alerts.sorted { (order[$0.state]!, $0.rule, $0.fingerprint) < (order[$1.state]!, $1.rule, $1.fingerprint) }
        let firing = alerts.filter { $0.state == .firing }.count
        let pending = alerts.filter { $0.state == .pending }.count
        var html =
            "<h1>Alerts</h1><p class=\"lead\">\(firing) firing · \(pending) pending · \(view.silences.filter { $0.startsAt <= now && now < $0.endsAt }.count) active silences</p>"
        html +=
            "<div class=\"controls\"><label>filter <input type=\"search\" data-filter=\"alerts\" placeholder=\"rule, model, label\"></label><span class=\"shown\" data-shown=\"alerts\"></span></div>"
        html += "<div class=\"scroll\"><table class=\"sortable\" id=\"alerts\"><thead><tr>"
        for (label, kind) in [
            ("state", "text"), ("alert", "text"), ("severity", "text"), ("model", "text"), ("labels", "text"), ("value", "number"), ("since", "text"),
            ("summary", "text"),
        ] {
            html += "<th scope=\"col\" data-sort=\"\(kind)\" tabindex=\"0\">\(label)</th>"
        }
        html += "</tr></thead><tbody>"
        if alerts.isEmpty { html += "<tr><td colspan=\"8\">No alert is pending or firing.</td></tr>" }
        for alert in alerts {
            let highlighted = alert.fingerprint == query.fingerprint
            let state = alert.state == .firing ? "bad" : alert.state == .pending ? "warn" : "good"
            let muted = view.muted[alert.fingerprint].map { " <span class=\"badge\">\(e($0))</span>" } ?? ""
            var model = DashboardFormat.none
            if let name = alert.labels["model_name"] {
                let target: String
                if alert.rule.hasPrefix("SLO") || alert.labels["slo"] != nil {
                    target = query.link("/slos", version: .some(nil))
                } else {
                    var linked = query
                    linked.fingerprint = nil
                    target = linked.link(
                        "/models/" + DashboardQuery.percentEncoded(name),
                        tab: view.tabs[alert.rule] ?? .operational,
                        version: .some(alert.labels["model_version"])
                    )
                }
                model = "<a class=\"to-model\" href=\"\(e(target))\">\(e(name))\(alert.labels["model_version"].map { " " + e($0) } ?? "")</a>"
            }
            let labels = alert.labels.filter { !["alertname", "severity", "model_name", "model_version"].contains($0.key) }.sorted { $0.key < $1.key }
                .map { "<code>\(e($0.key))=\(e($0.value))</code>" }.joined(separator: " ")
            let since = alert.firedAt ?? alert.activeAt
            html +=
                "<tr id=\"alert-\(e(alert.fingerprint))\" data-state=\"\(alert.state.rawValue)\"\(highlighted ? " class=\"highlight\" aria-current=\"true\"" : "")>"
            html += "<td data-value=\"\(order[alert.state]!)\"><span class=\"badge \(state)\">\(alert.state.rawValue)</span>\(muted)</td>"
            html += "<th scope=\"row\">\(e(alert.rule))</th><td>\(e(alert.labels["severity"] ?? ""))</td><td>\(model)</td><td>\(labels)</td>"
            html += "<td data-value=\(ModelsPage.value(alert.value))>\(DashboardFormat.number(alert.value))</td>"
            html +=
                "<td data-value=\"\(since)\">\(e(DashboardFormat.time(since)))<span class=\"sub\">\(DashboardFormat.duration(milliseconds: max(0, now - since))) ago</span></td>"
            html +=
                "<td>\(e(alert.annotations["summary"] ?? ""))\(alert.annotations["runbook_url"].map { " <a href=\"\(e($0))\">runbook</a>" } ?? "")"
            if let csrf = view.csrf, alert.state != .resolved, view.muted[alert.fingerprint] == nil { html += silenceForm(alert, csrf: csrf) }
            html += "</td></tr>"
        }
        html += "</tbody></table></div>"

        html += "<h2>Silences</h2>"
        if view.silences.isEmpty {
            html += "<p>No silences. Create one with <code>POST /v1/silences</code>.</p>"
        } else {
            html +=
                "<div class=\"scroll\"><table id=\"silences\"><thead><tr><th scope=\"col\">state</th><th scope=\"col\">matchers</th><th scope=\"col\">from</th><th scope=\"col\">until</th><th scope=\"col\">by</th><th scope=\"col\">comment</th><th scope=\"col\"></th></tr></thead><tbody>"
            for silence in view.silences.sorted(by: { $0.endsAt > $1.endsAt }) {
                let state = now < silence.startsAt ? "pending" : now < silence.endsAt ? "active" : "expired"
                html +=
                    "<tr data-silence=\"\(e(silence.id))\" data-state=\"\(state)\"><td><span class=\"badge\">\(state)</span></td><td>\(silence.matchers.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td>"
                html +=
                    "<td>\(e(DashboardFormat.time(silence.startsAt)))</td><td>\(e(DashboardFormat.time(silence.endsAt)))</td><td>\(e(silence.createdBy))</td><td>\(e(silence.comment))</td><td>"
                if let csrf = view.csrf, state != "expired" {
                    html +=
                        "<form method=\"post\" action=\"/actions/silences/\(e(DashboardQuery.percentEncoded(silence.id)))/expire\"><input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\"><button type=\"submit\">Expire</button></form>"
                }
                html += "</td></tr>"
            }
            html += "</tbody></table></div>"
        }

        html += hooks(view)
        html += "<h2>History</h2>"
        if view.history.isEmpty {
            html += "<p>No alert has changed state yet.</p>"
        } else {
            html +=
                "<div class=\"scroll\"><table id=\"history\"><thead><tr><th scope=\"col\">time</th><th scope=\"col\">alert</th><th scope=\"col\">labels</th><th scope=\"col\">change</th><th scope=\"col\">value</th></tr></thead><tbody>"
            for transition in view.history {
                let labels = transition.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map {
                    "<code>\(e($0.key))=\(e($0.value))</code>"
                }.joined(separator: " ")
                html += "<tr><td>\(e(DashboardFormat.time(transition.time)))</td><th scope=\"row\">\(e(transition.rule))</th><td>\(labels)</td>"
                html +=
                    "<td>\(e(transition.from)) → <b>\(e(transition.to))</b>\(transition.reason.map { " (\(e($0)))" } ?? "")</td><td>\(DashboardFormat.number(transition.value))</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        return html
    }

    /// A silence for exactly this alert (every label as an equality matcher), for a chosen time, with a reason.
    static func silenceForm(_ alert: AlertInstance, csrf: String) -> String {
        let e = HTMLEscaping.escape
        let matchers = alert.labels.sorted { $0.key < $1.key }.map { LabelMatcher($0.key, .equal, $0.value) }
            .filter { matcher in LabelMatcher(parsing: matcher.description)?.value == matcher.value }
        var html = "<details class=\"act\"><summary>Silence</summary><form method=\"post\" action=\"/actions/silence\">"
        html += "<input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\"><input type=\"hidden\" name=\"back\" value=\"\(e(alert.fingerprint))\">"
        for matcher in matchers { html += "<input type=\"hidden\" name=\"matcher\" value=\"\(e(matcher.description))\">" }
        html +=
            "<label>for <select name=\"duration\"><option value=\"1h\">1 hour</option><option value=\"4h\">4 hours</option><option value=\"24h\">1 day</option><option value=\"7d\">1 week</option></select></label> "
        html +=
            "<label>why <input name=\"comment\" required maxlength=\"500\" placeholder=\"known incident, deploy…\"></label> <button type=\"submit\">Silence</button></form></details>"
        return html
    }

    /// The remediation hooks' runs: what ran for which alert, how it ended, its output; runs waiting for approval
    /// carry an Approve button for an admin.
    static func hooks(_ view: AlertsView) -> String {
        let e = HTMLEscaping.escape
        guard !view.hookRuns.isEmpty else { return "" }
        var html =
            "<h2>Remediation hooks</h2><div class=\"scroll\"><table id=\"hook-runs\"><thead><tr><th scope=\"col\">run</th><th scope=\"col\">hook</th>"
        html +=
            "<th scope=\"col\">alert</th><th scope=\"col\">state</th><th scope=\"col\">action</th><th scope=\"col\">created</th><th scope=\"col\">exit</th><th scope=\"col\">output</th></tr></thead><tbody>"
        for run in view.hookRuns {
            let state: String
            switch run.state {
            case .succeeded, .dryRun: state = "good"
            case .failed, .interrupted: state = "bad"
            case .awaitingApproval, .running, .skipped: state = "warn"
            }
            let alert = [run.labels["alertname"], run.labels["model_name"], run.labels["model_version"]].compactMap { $0 }.joined(separator: " ")
            html +=
                "<tr data-hook-run=\"\(run.id)\" data-hook-state=\"\(run.state.rawValue)\"><td>\(run.id)</td><th scope=\"row\">\(e(run.hook))</th><td>\(e(alert))</td>"
            html += "<td><span class=\"badge \(state)\">\(run.state.rawValue.replacingOccurrences(of: "_", with: " "))</span>"
            if let approver = run.approvedBy { html += "<span class=\"sub\">approved by \(e(approver))</span>" }
            if let reason = run.reason { html += "<span class=\"sub\">\(e(reason))</span>" }
            if run.state == .awaitingApproval, let csrf = view.csrf {
                html +=
                    "<form method=\"post\" action=\"/actions/hooks/\(run.id)/approve\"><input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\"><button type=\"submit\">Approve</button></form>"
            }
            html += "</td><td><code>\(e(run.action.joined(separator: " ")))</code></td><td>\(e(DashboardFormat.time(run.createdAt)))</td>"
            html += "<td>\(run.exitStatus.map(String.init) ?? DashboardFormat.none)</td>"
            html +=
                "<td>\(run.output.map { "<details><summary>\(DashboardFormat.count(run.outputBytes ?? $0.utf8.count)) bytes</summary><pre>\(e(String($0.prefix(4000))))</pre></details>" } ?? DashboardFormat.none)</td></tr>"
        }
        return html + "</tbody></table></div>"
    }
}
