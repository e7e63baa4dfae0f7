import Foundation
package import VigilCore

/// An inline SVG bar chart of a column's reference and current shares per bin or category.
package enum DistributionChart {
    static let width = 560.0
    static let height = 200.0
    static let margin = (top: 12.0, right: 8.0, bottom: 44.0, left: 44.0)
    static let referenceColor = "#4c78a8"
    static let currentColor = "#f58518"

    package static func svg(_ distribution: ColumnDistribution) -> String {
        let count = distribution.reference.count
        guard count > 0 else { return "" }
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let top = max(distribution.reference.max() ?? 0, distribution.current.max() ?? 0, 1e-9)
        let slot = plotWidth / Double(count)
        let barWidth = max(1, slot * 0.4)
        var parts = [String]()
        parts.append("<svg class=\"chart\" viewBox=\"0 0 \(int(width)) \(int(height))\" width=\"\(int(width))\" height=\"\(int(height))\" role=\"img\" aria-label=\"\(HTMLEscaping.escape(distribution.column)) distribution, reference and current\">")
        parts.append(grid(left: margin.left, right: width - margin.right, top: margin.top, plotHeight: plotHeight) { percent(top * $0) })
        for index in 0..<count {
            let x = margin.left + slot * Double(index) + slot / 2
            for (offset, share, color, side) in [(-barWidth, distribution.reference[index], referenceColor, "reference"), (0.0, distribution.current[index], currentColor, "current")] {
                let barHeight = plotHeight * share / top
                parts.append("<rect x=\"\(fmt(x + offset))\" y=\"\(fmt(margin.top + plotHeight - barHeight))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(barHeight))\" fill=\"\(color)\"><title>\(HTMLEscaping.escape(label(distribution, index))): \(side) \(percent(share))</title></rect>")
            }
        }
        // x labels: every category (truncated), or the first, middle and last numeric edges.
        switch distribution.bins {
        case .categories(let labels):
            for (index, text) in labels.enumerated() {
                let x = margin.left + slot * Double(index) + slot / 2
                let short = text.count > 12 ? String(text.prefix(11)) + "…" : text
                parts.append("<text x=\"\(fmt(x))\" y=\"\(fmt(height - margin.bottom + 14))\" class=\"axis\" text-anchor=\"middle\">\(HTMLEscaping.escape(short))</text>")
            }
        case .numeric(let edges):
            for (position, edge, anchor) in [(0, edges.first!, "start"), (count / 2, edges[count / 2], "middle"), (count, edges.last!, "end")] {
                let x = margin.left + slot * Double(position)
                parts.append("<text x=\"\(fmt(x))\" y=\"\(fmt(height - margin.bottom + 14))\" class=\"axis\" text-anchor=\"\(anchor)\">\(number(edge))</text>")
            }
        }
        let legendY = height - 10
        parts.append("<rect x=\"\(fmt(margin.left))\" y=\"\(fmt(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(referenceColor)\"/><text x=\"\(fmt(margin.left + 14))\" y=\"\(fmt(legendY))\" class=\"axis\">reference</text>")
        parts.append("<rect x=\"\(fmt(margin.left + 90))\" y=\"\(fmt(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(currentColor)\"/><text x=\"\(fmt(margin.left + 104))\" y=\"\(fmt(legendY))\" class=\"axis\">current</text>")
        parts.append("</svg>")
        return parts.joined()
    }

    private static func label(_ distribution: ColumnDistribution, _ index: Int) -> String {
        switch distribution.bins {
        case .categories(let labels): labels[index]
        case .numeric(let edges): "[\(number(edges[index])), \(number(edges[index + 1])))"
        }
    }

    /// Horizontal grid lines with y labels at 0, half and the top of a plot.
    package static func grid(left: Double, right: Double, top: Double, plotHeight: Double, label: (Double) -> String) -> String {
        [0.0, 0.5, 1.0].map { fraction in
            let y = top + plotHeight * (1 - fraction)
            return "<line x1=\"\(fmt(left))\" x2=\"\(fmt(right))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" class=\"grid\"/>"
                + "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y + 4))\" class=\"axis\" text-anchor=\"end\">\(label(fraction))</text>"
        }.joined()
    }

    /// `String(format: "%.1f", value)` by integer arithmetic: Foundation's formatter was 8 % of a dashboard page,
    /// which writes thousands of SVG coordinates (`vigil-bench dashboard`). A value exactly halfway between two
    /// tenths may round the other way than `printf`, which reads the exact binary value.
    package static func fmt(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.1f", value) }
        let tenths = Int64(abs((value * 10).rounded(.toNearestOrEven)))
        return (value.sign == .minus ? "-" : "") + String(tenths / 10) + "." + String(tenths % 10)
    }
    private static func int(_ value: Double) -> Int { Int(value) }
    package static func percent(_ value: Double) -> String { fmt(value * 100) + "%" }
    package static func number(_ value: Double) -> String {
        if let text = fourSignificant(value) { return text }
        return abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) ? String(format: "%.3g", value) : String(format: "%.4g", value)
    }

    /// `String(format: "%.4g", value)` by integer arithmetic for 0 and magnitudes in [0.001, 9999] (every chart
    /// read-out but the rare large or tiny one, which goes to Foundation): the formatter was 10 % of the data tab
    /// (`vigil-bench dashboard`). Nil outside that range, or where rounding reaches 10,000.
    static func fourSignificant(_ value: Double) -> String? {
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let magnitude = abs(value)
        guard magnitude.isFinite, magnitude >= 1e-3, magnitude < 9999 else { return nil }
        var decimals = 3 - Int((log10(magnitude)).rounded(.down))
        var scaled = (magnitude * Self.powersOfTen[decimals]).rounded(.toNearestOrEven)
        if scaled >= 10_000 {
            // 9.9996 is 10.00: one digit fewer after the point.
            decimals -= 1
            guard decimals >= 0 else { return nil }
            scaled = (magnitude * Self.powersOfTen[decimals]).rounded(.toNearestOrEven)
        }
        let digits = Int64(scaled)
        let unit = Int64(Self.powersOfTen[decimals])
        var text = (value < 0 ? "-" : "") + String(digits / unit)
        var fraction = digits % unit
        var places = decimals
        // %g drops trailing zeros, and the point with them.
        while places > 0 && fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        if places > 0 {
            let written = String(fraction)
            text += "." + String(repeating: "0", count: places - written.count) + written
        }
        return text
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
}
