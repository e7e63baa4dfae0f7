import VigilAlerting
import VigilCore
import VigilRender
import VigilStats

extension ModelPage {
    /// Each candidate against its baseline: the verdict in words and as a badge, its reasons, a forest plot of
    /// every metric's difference (right is better), the numbers in a table, and the guards.
    static func comparisons(_ view: ModelView) -> String {
        let e = HTMLEscaping.escape
        guard !view.comparisons.isEmpty else {
            return view.versions.count > 1
                ? "<p class=\"empty-state\">No comparison in this range: each version needs traffic in it.</p>"
                : "<p class=\"empty-state\">One version only: a comparison starts when a second version sends predictions.</p>"
        }
        var html = "<h2>Champion against challenger</h2>"
        for comparison in view.comparisons {
            let result = comparison.result
            let tone = result.verdict == .promote ? "good" : result.verdict == .reject ? "bad" : "warn"
            let mode: String
            switch result.mode {
            case .sequential(let tuning): mode = "sequential test, valid at every look (N* = \(Int(tuning)))"
            case .fixedHorizon: mode = "fixed-horizon test"
            }
            html += "<section class=\"comparison\" id=\"compare-\(e(comparison.candidate))\" data-verdict=\"\(result.verdict.rawValue)\">"
            html +=
                "<h3>\(e(comparison.candidate)) against \(e(comparison.baseline)) <span class=\"badge \(tone)\">\(result.verdict.rawValue.uppercased())</span></h3>"
            html += "<p class=\"lead\">\(mode), α = \(DashboardFormat.number(result.alpha)), \(result.correction.rawValue) over the primary metrics"
            if let matured = comparison.maturedBefore {
                html += "; labels count for predictions before \(e(Timestamp.formatRFC3339(milliseconds: matured)))"
            }
            html += ".</p>"
            if let pairs = result.metrics.compactMap(\.paired).first {
                // Shadow traffic: say that the versions were compared on the same requests, and on how many.
                var paired = "Paired by request id: \(DashboardFormat.count(pairs.count)) requests scored by both versions"
                for m in result.metrics {
                    guard let exact = m.paired?.mcNemar else { continue }
                    paired +=
                        "; \(e(m.metric)): only \(e(comparison.baseline)) right on \(DashboardFormat.count(exact.baselineOnly)), only \(e(comparison.candidate)) on \(DashboardFormat.count(exact.candidateOnly))"
                }
                html += "<p class=\"paired\">\(paired).</p>"
            }
            html += "<ul class=\"reasons\">" + result.reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            let rows = result.metrics.map { m in
                IntervalChart.Row(
                    label: "\(m.metric)\(m.role == .guardrail ? " (guardrail)" : "")",
                    improvement: m.improvementInterval.flatMap { interval in
                        m.effect.map { (m.direction == .higher ? $0.estimate : -$0.estimate, interval.lower, interval.upper) }
                    },
                    tolerance: m.role == .guardrail ? m.tolerance : nil,
                    outcome: m.outcome.rawValue,
                    text: VersionComparison.describe(m) == "no test" ? (m.unavailable?.rawValue ?? "no test") : VersionComparison.describe(m)
                )
            }
            html +=
                "<figure>"
                + IntervalChart(
                    title: "\(comparison.candidate) against \(comparison.baseline): each metric's difference, right is better",
                    rows: rows
                ).svg()
            html +=
                "<figcaption>Bars are the intervals of the difference (turned so that right is better); the dashed line is a guardrail's tolerance.</figcaption></figure>"
            html +=
                "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">metric</th><th scope=\"col\">role</th><th scope=\"col\">\(e(comparison.baseline))</th><th scope=\"col\">\(e(comparison.candidate))</th><th scope=\"col\">difference</th><th scope=\"col\">outcome</th></tr></thead><tbody>"
            for m in result.metrics {
                let cls = m.outcome == .better || m.outcome == .clear ? "good" : m.outcome == .worse || m.outcome == .broken ? "bad" : ""
                func arm(_ a: ArmStatistic) -> String {
                    a.n > 0 && a.mean.isFinite
                        ? "\(DashboardFormat.number(a.mean)) <small>n \(DashboardFormat.count(a.n))</small>" : DashboardFormat.none
                }
                html += "<tr><th scope=\"row\">\(e(m.metric))</th><td>\(m.role.rawValue)</td><td>\(arm(m.baseline))</td><td>\(arm(m.candidate))</td>"
                let described = VersionComparison.describe(m)
                html +=
                    "<td>\(e(described == "no test" ? (m.unavailable?.rawValue ?? "–") : described))</td><td class=\"\(cls)\">\(m.outcome.rawValue)</td></tr>"
            }
            html += "</tbody></table></div>"
            for g in result.guards {
                html +=
                    "<p class=\"\(g.failed ? "problem" : "muted")\">\(g.failed ? "✗" : "✓") \(e(g.name.split(separator: "_").joined(separator: " "))): χ² p = \(DashboardFormat.number(g.test.pValue)); \(e(g.detail))</p>"
            }
            html += "</section>"
        }
        return html
    }
}
