import Foundation

/// A forest plot of a version comparison: one row per metric, its difference's interval as a bar with the
/// estimate as a dot, turned so that right is always better, beside a line at no difference and, for a
/// guardrail, a dashed line at the worsening it tolerates. Each row has its own scale (metrics differ in unit)
/// and carries its numbers as text and in a `<title>`, so nothing is read from position or colour alone.
package struct IntervalChart {
    /// One metric.
    package struct Row {
        /// The metric's name.
        package var label: String
        /// The improvement (positive is better) and its interval; nil when no test was possible.
        package var improvement: (estimate: Double, lower: Double, upper: Double)?
        /// A guardrail's tolerated worsening, as a positive amount in the same unit.
        package var tolerance: Double?
        /// The reading: `better`, `worse`, `clear`, `broken`, `unclear`, `inconclusive`, `unavailable`.
        package var outcome: String
        /// The numbers as text ("+2.1 pt [+0.4 pt, +3.8 pt]").
        package var text: String

        /// A row.
        package init(label: String, improvement: (estimate: Double, lower: Double, upper: Double)?, tolerance: Double?, outcome: String, text: String)
        {
            self.label = label
            self.improvement = improvement
            self.tolerance = tolerance
            self.outcome = outcome
            self.text = text
        }
    }

    package var title: String
    package var rows: [Row]

    /// A chart.
    package init(title: String, rows: [Row]) {
        self.title = title
        self.rows = rows
    }

    static let width = 860.0
    static let rowHeight = 26.0
    static let labelWidth = 170.0
    static let textWidth = 340.0

    /// The chart's SVG.
    package func svg() -> String {
        let e = HTMLEscaping.escape
        let plotLeft = Self.labelWidth
        let plotWidth = Self.width - Self.labelWidth - Self.textWidth
        let top = 22.0
        let height = top + Double(rows.count) * Self.rowHeight + 6
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        var parts = [
            "<svg class=\"chart intervals\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(title))\">",
            "<title>\(e(title))</title>",
            "<text class=\"axis\" x=\"\(f(plotLeft))\" y=\"14\">← worse</text>",
            "<text class=\"axis\" x=\"\(f(plotLeft + plotWidth))\" y=\"14\" text-anchor=\"end\">better →</text>",
        ]
        let center = plotLeft + plotWidth / 2
        parts.append("<line class=\"zero\" x1=\"\(f(center))\" x2=\"\(f(center))\" y1=\"\(f(top - 4))\" y2=\"\(f(height - 4))\"/>")
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * Self.rowHeight + Self.rowHeight / 2
            parts.append("<g class=\"row \(e(row.outcome))\"><title>\(e(row.label)): \(e(row.text)) (\(e(row.outcome)))</title>")
            parts.append("<text class=\"label\" x=\"0\" y=\"\(f(y + 4))\">\(e(row.label))</text>")
            if let value = row.improvement, value.lower.isFinite, value.upper.isFinite {
                // Each row on its own scale: the widest of its bounds and tolerance fills 90 % of the half-width.
                let reach = max(abs(value.lower), abs(value.upper), row.tolerance ?? 0, 1e-12) / 0.9
                func x(_ v: Double) -> Double { center + plotWidth / 2 * max(-1, min(1, v / reach)) }
                if let tolerance = row.tolerance {
                    parts.append(
                        "<line class=\"tolerance\" x1=\"\(f(x(-tolerance)))\" x2=\"\(f(x(-tolerance)))\" y1=\"\(f(y - 9))\" y2=\"\(f(y + 9))\"/>"
                    )
                }
                parts.append("<line class=\"interval\" x1=\"\(f(x(value.lower)))\" x2=\"\(f(x(value.upper)))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>")
                for end in [value.lower, value.upper] {
                    parts.append("<line class=\"interval\" x1=\"\(f(x(end)))\" x2=\"\(f(x(end)))\" y1=\"\(f(y - 5))\" y2=\"\(f(y + 5))\"/>")
                }
                parts.append("<circle class=\"estimate\" cx=\"\(f(x(value.estimate)))\" cy=\"\(f(y))\" r=\"4\"/>")
            }
            parts.append("<text class=\"value\" x=\"\(f(plotLeft + plotWidth + 8))\" y=\"\(f(y + 4))\">\(e(row.text)) · \(e(row.outcome))</text></g>")
        }
        parts.append("</svg>")
        return parts.joined()
    }
}
