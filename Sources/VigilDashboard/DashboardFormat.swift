import Foundation
import VigilCore
import VigilRender
import VigilStats

/// How the dashboard writes numbers: whole counts as whole numbers, ratios as percentages, latencies in ms or s,
/// and "—" where there is nothing to show.
enum DashboardFormat {
    static let none = "—"

    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0 && offset % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + String(grouped.reversed())
    }

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return none }
        return DistributionChart.percent(value)
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return none }
        return DistributionChart.number(value)
    }

    static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return none }
        return value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.3g ms", value)
    }

    static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return none }
        return DistributionChart.number(value) + "/s"
    }

    /// A span such as `3h 20m` or `45 s`.
    static func duration(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 90 { return "\(seconds) s" }
        if seconds < 5400 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds / 86_400)d \(seconds % 86_400 / 3600)h"
    }

    static func time(_ milliseconds: Int64) -> String { Timestamp.formatRFC3339(milliseconds: milliseconds) }

    /// A model quality figure with its interval: `0.912 [0.897, 0.925]`.
    static func figure(_ figure: QualityFigure?) -> String {
        guard let figure, figure.value.isFinite else { return none }
        var text = DistributionChart.number(figure.value)
        if let interval = figure.interval { text += " [\(DistributionChart.number(interval.lower)), \(DistributionChart.number(interval.upper))]" }
        return text
    }

    /// The figure a model is judged by at a glance: accuracy for a classifier, RMSE for a regression.
    static func headline(_ summary: QualitySummary?) -> QualityFigure? {
        guard let summary else { return nil }
        for name in ["accuracy", "rmse", "mae"] {
            if let figure = summary.figure(name), figure.n > 0, figure.value.isFinite { return figure }
        }
        return nil
    }

    /// `f1_macro`, `accuracy`, `recall (fraud)`.
    static func figureName(_ figure: QualityFigure) -> String {
        var name = figure.average.map { "\(figure.name)_\($0)" } ?? figure.name
        if let className = figure.className { name += " (\(className))" }
        return name
    }
}
