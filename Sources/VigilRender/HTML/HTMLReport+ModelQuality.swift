import VigilCore
import VigilStats

extension HTMLReport {
    /// The model quality section: each tested metric drawn as the band the reference allows with the
    /// reference's and the current value on it (text beside every mark), the table of every figure, and the
    /// current confusion matrix with its counts in the cells.
    static func modelQualitySection(_ quality: ModelQualityComparison) -> String {
        let e = HTMLEscaping.escape
        let current = quality.current
        var html = ["<section id=\"model-quality\"><h2>Model quality</h2>"]
        let positive = current.positiveClass.map { ", positive class <b>\(e($0))</b>" } ?? ""
        let reference = quality.reference.map { "; reference \($0.labelled) labelled rows" } ?? "; the reference has no target and prediction"
        let rule =
            quality.baseline == .reference
            ? "within ±\(Int((quality.tolerance * 100).rounded())) % of the reference (Evidently's default)"
            : "better than a dummy model (Evidently's default without a labelled reference: guesses by the target's class shares, or the target's median and mean)"
        html.append(
            "<p class=\"detail\">\(current.task.rawValue)\(positive) · current \(current.labelled) labelled rows\(reference) · tests: \(rule)</p>"
        )
        if !quality.tests.isEmpty { html.append(testChart(quality.tests)) }
        let compared = quality.baseline == .reference ? "reference" : "dummy model"
        html.append(
            "<table id=\"model-metrics\"><thead><tr><th>metric</th><th>\(compared)</th><th>current</th><th>95 % interval (current)</th><th>n</th><th>test</th></tr></thead><tbody>"
        )
        let tests = Dictionary(quality.tests.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        for figure in current.metrics where figure.value.isFinite {
            let label = figure.className.map { "\(figure.name) (\($0))" } ?? figure.average.map { "\(figure.name) (\($0))" } ?? figure.name
            let before = quality.reference?.metrics.first {
                $0.name == figure.name && $0.average == figure.average && $0.className == figure.className
            }
            let test = tests[label]
            let verdict =
                test.map { $0.passed ? "<td class=\"good\">ok</td>" : "<td class=\"bad\">fail: not \(e($0.allowed(TerminalSummary.format)))</td>" }
                ?? "<td></td>"
            let interval = figure.interval.map { "[\(TerminalSummary.format($0.lower)), \(TerminalSummary.format($0.upper))]" } ?? ""
            let baseline = before.map { TerminalSummary.format($0.value) } ?? test.map { TerminalSummary.format($0.baselineValue) } ?? "—"
            html.append(
                "<tr><td>\(e(label))</td><td>\(baseline)</td><td>\(TerminalSummary.format(figure.value))</td><td>\(interval)</td><td>\(figure.n)</td>\(verdict)</tr>"
            )
        }
        html.append("</tbody></table>")
        if let estimated = quality.estimated { html.append(estimatedSection(estimated, current: current)) }
        let confusion = quality.currentConfusion
        if !confusion.isEmpty && confusion.count <= 20 {
            let largest = max(1, confusion.flatMap(\.counts).max() ?? 1)
            html.append(
                "<h3>Confusion matrix (current)</h3><table class=\"confusion\" aria-label=\"confusion matrix: rows are actual classes, columns predicted\"><thead><tr><th>actual ↓ / predicted →</th>"
            )
            html.append(confusion.map { "<th>\(e($0.actual))</th>" }.joined() + "</tr></thead><tbody>")
            for (row, entry) in confusion.enumerated() {
                html.append("<tr><th>\(e(entry.actual))</th>")
                for (column, count) in entry.counts.enumerated() {
                    // Shade by count: blue on the diagonal (right), orange off it (wrong): a colour-blind-safe pair, the count always written.
                    let alpha = Double(count) / Double(largest) * 0.6
                    let colour = row == column ? "rgba(0,114,178,\(alpha))" : "rgba(230,159,0,\(alpha))"
                    html.append("<td style=\"background:\(colour);text-align:right\">\(count)</td>")
                }
                html.append("</tr>")
            }
            html.append("</tbody></table>")
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    /// The CBPE estimate: a chart with each metric's band of ±3 sampling errors, the estimate on it and the
    /// realized value beside it (all on one 0–1 scale, the numbers written at the right), then the table.
    private static func estimatedSection(_ estimated: ModelQualityComparison.Estimated, current: QualitySummary) -> String {
        let e = HTMLEscaping.escape
        var html = ["<h3 id=\"estimated-quality\">Estimated from scores (CBPE)</h3>"]
        guard let estimate = estimated.estimate else {
            html.append("<p class=\"detail\">No estimate: \(e(estimated.unavailable ?? "unknown reason")).</p>")
            return html.joined(separator: "\n")
        }
        let about =
            estimated.classes.count == 2 ? "positive class <b>\(e(estimated.classes[1]))</b>" : "macro over \(estimated.classes.count) classes"
        let calibration =
            estimated.calibrated.contains(true)
            ? "scores calibrated on the reference" : "scores used as they are (calibration would not lower the calibration error)"
        html.append(
            "<p class=\"detail\">NannyML's confidence-based estimate: fitted on \(estimated.fittedOn) labelled reference rows, \(about), \(calibration); \(estimate.rows) current rows, labelled or not. Bands are ±3 sampling errors; a realized value outside its band suggests the scores no longer mean what they did (concept drift).</p>"
        )
        let figures = CBPE.Metric.allCases.compactMap { metric in
            estimate.values[metric].map { (metric, $0, ModelQualityComparison.Estimated.realized(metric, in: current)) }
        }
        let rowHeight = 26.0
        let left = 150.0
        let plot = 330.0
        func x(_ value: Double) -> Double { left + min(1, max(0, value)) * plot }
        var svg = [
            "<svg class=\"quality-estimates\" style=\"max-width:640px;width:100%\" viewBox=\"0 0 640 \(Int(Double(figures.count) * rowHeight + 30))\" role=\"img\" aria-label=\"each estimated metric: its band of three sampling errors, the estimate and the realized value\">",
            "<text x=\"\(left)\" y=\"12\" font-size=\"11\">0</text><text x=\"\(left + plot)\" y=\"12\" font-size=\"11\" text-anchor=\"end\">1</text>",
        ]
        for (index, (metric, figure, realized)) in figures.enumerated() {
            let y = Double(index) * rowHeight + 30
            let lower = figure.value - 3 * figure.samplingError
            let upper = figure.value + 3 * figure.samplingError
            let outside = realized.map { $0 < lower || $0 > upper } ?? false
            svg.append("<text x=\"0\" y=\"\(y + 4)\" font-size=\"12\">\(metric.rawValue)</text>")
            svg.append(
                "<rect x=\"\(x(lower))\" y=\"\(y - 5)\" width=\"\(max(1, x(upper) - x(lower)))\" height=\"10\" fill=\"#ddd\"><title>±3 sampling errors [\(TerminalSummary.format(lower)), \(TerminalSummary.format(upper))]</title></rect>"
            )
            svg.append(
                "<circle cx=\"\(x(figure.value))\" cy=\"\(y)\" r=\"5\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\"><title>estimated \(TerminalSummary.format(figure.value))</title></circle>"
            )
            if let realized {
                svg.append(
                    "<circle cx=\"\(x(realized))\" cy=\"\(y)\" r=\"4\" fill=\"\(outside ? "#e69f00" : "#333")\"><title>realized \(TerminalSummary.format(realized))</title></circle>"
                )
            }
            let text =
                "est. \(TerminalSummary.format(figure.value))"
                + (realized.map { " · realized \(TerminalSummary.format($0))\(outside ? " OUTSIDE" : "")" } ?? "")
            svg.append("<text x=\"\(left + plot + 12)\" y=\"\(y + 4)\" font-size=\"12\">\(text)</text>")
        }
        svg.append("</svg>")
        html.append(svg.joined())
        html.append(
            "<table id=\"estimated-metrics\"><thead><tr><th>metric</th><th>estimated</th><th>sampling error</th><th>±3 sampling errors</th><th>realized</th></tr></thead><tbody>"
        )
        for (metric, figure, realized) in figures {
            let band =
                "[\(TerminalSummary.format(figure.value - 3 * figure.samplingError)), \(TerminalSummary.format(figure.value + 3 * figure.samplingError))]"
            html.append(
                "<tr><td>\(metric.rawValue)</td><td>\(TerminalSummary.format(figure.value))</td><td>\(TerminalSummary.format(figure.samplingError))</td><td>\(band)</td><td>\(realized.map(TerminalSummary.format) ?? "—")</td></tr>"
            )
        }
        html.append("</tbody></table>")
        return html.joined(separator: "\n")
    }

    /// One row per test: the allowed band, a hollow mark at the reference's (or the dummy model's) value, a
    /// filled one at the current value (orange when it fails), and the values written at the right. A dummy
    /// test's band runs from the dummy's value to the chart's edge on the better side.
    private static func testChart(_ tests: [ModelQualityComparison.Test]) -> String {
        let rowHeight = 26.0
        let width = 640.0
        let left = 150.0
        let plot = 330.0
        let values = tests.flatMap { [$0.lower, $0.upper, $0.current, $0.baselineValue].compactMap { $0 } }
        var low = values.min() ?? 0
        var high = values.max() ?? 1
        // Room beyond the values for an open band to show where it goes.
        let pad = high > low ? (high - low) * 0.05 : 0.5
        if tests.contains(where: { $0.lower == nil }) { low -= pad }
        if tests.contains(where: { $0.upper == nil }) { high += pad }
        let span = high > low ? high - low : 1
        func x(_ value: Double) -> Double { left + (value - low) / span * plot }
        var svg = [
            "<svg class=\"quality-tests\" style=\"max-width:640px;width:100%\" viewBox=\"0 0 \(Int(width)) \(Int(Double(tests.count) * rowHeight + 10))\" role=\"img\" aria-label=\"each tested metric: the band the reference allows, the reference's value and the current value\">"
        ]
        for (index, test) in tests.enumerated() {
            let y = Double(index) * rowHeight + 18
            let colour = test.passed ? "#0072b2" : "#e69f00"
            svg.append("<text x=\"0\" y=\"\(y + 4)\" font-size=\"12\">\(HTMLEscaping.escape(test.label))</text>")
            let from = x(test.lower ?? low)
            let to = x(test.upper ?? high)
            let compared = test.baseline == .reference ? "reference" : "dummy"
            svg.append(
                "<rect x=\"\(from)\" y=\"\(y - 5)\" width=\"\(max(1, to - from))\" height=\"10\" fill=\"#ddd\"><title>allowed \(HTMLEscaping.escape(test.allowed(TerminalSummary.format)))</title></rect>"
            )
            svg.append(
                "<circle cx=\"\(x(test.baselineValue))\" cy=\"\(y)\" r=\"5\" fill=\"none\" stroke=\"#333\"><title>\(compared) \(TerminalSummary.format(test.baselineValue))</title></circle>"
            )
            svg.append(
                "<circle cx=\"\(x(test.current))\" cy=\"\(y)\" r=\"5\" fill=\"\(colour)\"><title>current \(TerminalSummary.format(test.current))</title></circle>"
            )
            svg.append(
                "<text x=\"\(left + plot + 12)\" y=\"\(y + 4)\" font-size=\"12\">\(compared == "dummy" ? "dummy " : "")\(TerminalSummary.format(test.baselineValue)) → \(TerminalSummary.format(test.current)) \(test.passed ? "ok" : "FAIL")</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined()
    }
}
