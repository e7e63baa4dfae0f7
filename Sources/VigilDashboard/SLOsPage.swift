public import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

/// The SLOs, least budget left first (as Pyrra lists them): objective, current indicator, the budget left as
/// a bar and a number, when it runs out at the current pace, and each tier's burn rate against its threshold.
public enum SLOsPage {
    /// The page's content: one card per SLO, least budget left first, with its tiers' alert states from `alerts`.
    /// `burndown` holds each SLO's budget left through its period, by SLO name (``ServiceLevelObjective/burndown(_:)``).
    public static func body(
        _ statuses: [SLOStatus], burndown: [String: [ServiceLevelObjective.BurndownPoint]] = [:], alerts: [AlertInstance], query: DashboardQuery,
        now: Int64
    ) -> String {
        let e = HTMLEscaping.escape
        var html = "<h1>Service level objectives</h1>"
        guard !statuses.isEmpty else {
            return html
                + "<p class=\"empty-state\">No SLO is configured. Add one under <code>slos:</code> in the configuration (see docs/ALERTING.md); <code>vigil config check</code> checks it.</p>"
        }
        html += "<p class=\"lead\">\(statuses.count) SLO\(statuses.count == 1 ? "" : "s"), least error budget left first</p>"
        for status in statuses.sorted(by: { ($0.budgetRemaining, $0.slo.name) < ($1.budgetRemaining, $1.slo.name) }) {
            let slo = status.slo
            let indicator: String
            switch slo.indicator {
            case .availability: indicator = "availability: successful predictions"
            case .latency(let bound): indicator = "latency: predictions under \(DashboardFormat.milliseconds(bound))"
            case .quality(let quality):
                indicator =
                    "quality: \(quality.metric) \(quality.higherIsBetter ? "≥" : "≤") \(DashboardFormat.number(quality.target)) per \(DashboardFormat.duration(milliseconds: quality.window)) window"
            }
            let budget = status.budgetRemaining
            let state = budget <= 0 ? "bad" : budget < 0.25 ? "warn" : "good"
            let model =
                "<a href=\"\(e(query.link("/models/" + DashboardQuery.percentEncoded(slo.model), tab: .operational, version: .some(slo.version))))\">\(e(slo.model))\(slo.version.map { " " + e($0) } ?? "")</a>"
            html +=
                "<section class=\"slo card\" id=\"slo-\(e(slo.name))\" data-budget=\"\(budget)\"><h2>\(e(slo.name)) <span class=\"badge \(state)\">\(budget <= 0 ? "budget spent" : "\(DashboardFormat.percent(budget)) left")</span></h2>"
            html +=
                "<p class=\"detail\">\(model) · \(e(indicator)) · objective \(DashboardFormat.percent(slo.objective)) over \(DashboardFormat.duration(milliseconds: slo.period))</p>"
            html += ModelPage.tiles([
                ("objective", DashboardFormat.percent(slo.objective), ""),
                ("current", DashboardFormat.percent(status.indicator), (status.indicator ?? 1) < slo.objective ? "bad" : "good"),
                ("error budget left", DashboardFormat.percent(budget), state),
                (
                    "runs out in", status.timeToExhaustion.map { DashboardFormat.duration(milliseconds: $0) } ?? "not burning",
                    status.timeToExhaustion == nil ? "" : "warn"
                ),
                ("events", DashboardFormat.count(status.events), ""),
            ])
            html += budgetBar(budget)
            if let points = burndown[slo.name], points.contains(where: { $0.budgetLeft != nil }) {
                let chart = TimeSeriesChart(
                    title: "Error budget left through the \(DashboardFormat.duration(milliseconds: slo.period)) period",
                    series: [.init(name: "budget left", points: points.map { .init(time: $0.end, value: $0.budgetLeft) })],
                    range: (now - slo.period)..<now, unit: .percent, threshold: (0, false))
                let counted = slo.indicator.isQuality ? "windows" : "events"
                html += ModelPage.figure(chart, caption: "bad \(counted) so far against the budget of the period's \(counted)")
            }
            html +=
                "<div class=\"scroll\"><table class=\"tiers\"><thead><tr><th scope=\"col\">tier</th><th scope=\"col\">severity</th><th scope=\"col\">long window burn</th><th scope=\"col\">short window burn</th><th scope=\"col\">fires above</th><th scope=\"col\">state</th></tr></thead><tbody>"
            for tier in slo.tiers {
                let rule = slo.rule(for: tier).name
                let alert = alerts.first {
                    $0.rule == rule && $0.state != .resolved && $0.labels["slo"] == slo.name && $0.labels["tier"] == tier.name
                }
                func burn(_ window: Int64) -> String {
                    let rate = status.burnRates[window]
                    let hot = (rate ?? 0) > tier.factor
                    return
                        "<td class=\"\(hot ? "bad" : "")\">\(DashboardFormat.number(rate))× <span class=\"sub\">over \(DashboardFormat.duration(milliseconds: window))</span></td>"
                }
                html +=
                    "<tr><th scope=\"row\">\(e(tier.name))</th><td>\(tier.severity.rawValue)</td>\(burn(tier.long))\(burn(tier.short))<td>\(DashboardFormat.number(tier.factor))×</td>"
                html +=
                    "<td>\(alert.map { "<span class=\"badge \($0.state == .firing ? "bad" : "warn")\">\($0.state.rawValue)</span>" } ?? "inactive")</td></tr>"
            }
            html += "</tbody></table></div></section>"
        }
        return html
    }

    /// The budget left as a bar, with its number beside it (never colour alone).
    static func budgetBar(_ budget: Double) -> String {
        let clamped = max(0, min(1, budget))
        let width = 400.0
        let color = budget <= 0 ? "#D55E00" : budget < 0.25 ? "#E69F00" : "#009E73"
        return
            "<svg class=\"budget\" viewBox=\"0 0 \(Int(width)) 18\" role=\"img\" aria-label=\"error budget left: \(DashboardFormat.percent(budget))\">"
            + "<rect x=\"0\" y=\"2\" width=\"\(width)\" height=\"14\" fill=\"#eee\"/><rect x=\"0\" y=\"2\" width=\"\(DistributionChart.fmt(width * clamped))\" height=\"14\" fill=\"\(color)\"/></svg>"
    }
}
