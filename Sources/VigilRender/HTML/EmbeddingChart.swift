import Foundation
package import VigilStats

/// An inline SVG bar chart of an embedding's random-projection scores against the component threshold:
/// how many directions moved, and how far.
package enum EmbeddingChart {
    static let width = 560.0
    static let height = 170.0
    static let margin = (top: 12.0, right: 8.0, bottom: 30.0, left: 44.0)

    package static func svg(column: String, _ result: EmbeddingDriftResult) -> String {
        let scores = result.componentScores
        guard !scores.isEmpty else { return "" }
        let f = DistributionChart.fmt
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let top = max(scores.max() ?? 0, result.componentThreshold * 1.5)
        let slot = plotWidth / Double(scores.count)
        var parts = [String]()
        parts.append("<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(HTMLEscaping.escape(column)) projection scores against the threshold\">")
        parts.append(DistributionChart.grid(left: margin.left, right: width - margin.right, top: margin.top, plotHeight: plotHeight) { DistributionChart.number(top * $0) })
        for (index, score) in scores.enumerated() {
            let barHeight = plotHeight * min(score, top) / top
            let color = score >= result.componentThreshold ? DistributionChart.currentColor : DistributionChart.referenceColor
            parts.append("<rect x=\"\(f(margin.left + slot * Double(index) + slot * 0.2))\" y=\"\(f(margin.top + plotHeight - barHeight))\" width=\"\(f(slot * 0.6))\" height=\"\(f(barHeight))\" fill=\"\(color)\"><title>projection \(index + 1): \(DistributionChart.number(score))</title></rect>")
        }
        let thresholdY = margin.top + plotHeight * (1 - result.componentThreshold / top)
        parts.append("<line x1=\"\(f(margin.left))\" x2=\"\(f(width - margin.right))\" y1=\"\(f(thresholdY))\" y2=\"\(f(thresholdY))\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>")
        parts.append("<text x=\"\(f(width - margin.right))\" y=\"\(f(thresholdY - 3))\" class=\"axis\" text-anchor=\"end\">threshold \(DistributionChart.number(result.componentThreshold))</text>")
        parts.append("<text x=\"\(f(margin.left))\" y=\"\(f(height - 8))\" class=\"axis\">normed Wasserstein distance of each of \(scores.count) random projections</text>")
        parts.append("</svg>")
        return parts.joined()
    }
}
