import Foundation
import VigilCore

/// An inline SVG line chart of values over time: one line per series, each with an optional interval band,
/// a threshold line, points that crossed it marked, and shaded spans (maturing windows). Every time slot carries
/// a `<title>` with every series' value there, so hovering (or the dashboard's keyboard read-out) reads the
/// numbers; colours come from a palette safe for colour-blind readers and each series also has its own dash
/// pattern and a legend entry, so no colour is the only cue.
package struct TimeSeriesChart {
    /// One value at a time; nil where there is no data (the line breaks).
    package struct Point {
        /// The end of the point's span, milliseconds since 1970.
        package var time: Int64
        /// The value.
        package var value: Double?
        /// A 95 % interval around it, drawn as a band.
        package var interval: (low: Double, high: Double)?
        /// A note for the read-out ("maturing", "n = 40").
        package var note: String?

        /// A point.
        package init(time: Int64, value: Double?, interval: (low: Double, high: Double)? = nil, note: String? = nil) {
            self.time = time
            self.value = value
            self.interval = interval
            self.note = note
        }
    }

    /// A named line.
    package struct Series {
        /// Its name in the legend and the read-out.
        package var name: String
        /// Its points, in time order.
        package var points: [Point]

        /// A series.
        package init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    /// How values are written on the axis and in read-outs.
    package enum Unit {
        case number
        case percent
        case milliseconds
        case perSecond
    }

    /// Okabe and Ito's palette (blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow, black):
    /// told apart by readers with any common colour-vision deficiency.
    package static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#B8A200", "#000000"]
    /// Dash patterns, one per series in turn, so lines also differ without colour.
    static let dashes = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]

    package var title: String
    package var series: [Series]
    /// The time span drawn.
    package var range: Range<Int64>
    package var unit: Unit
    /// A horizontal line the values are judged against, with which side is bad.
    package var threshold: (value: Double, above: Bool)?
    /// Spans shaded and named (maturing windows, the reference period).
    package var shaded: [(span: Range<Int64>, label: String)]

    package static let width = 620.0
    package static let height = 220.0
    static let margin = (top: 14.0, right: 12.0, bottom: 46.0, left: 56.0)

    /// A chart.
    package init(
        title: String,
        series: [Series],
        range: Range<Int64>,
        unit: Unit = .number,
        threshold: (value: Double, above: Bool)? = nil,
        shaded: [(span: Range<Int64>, label: String)] = []
    ) {
        self.title = title
        self.series = series
        self.range = range
        self.unit = unit
        self.threshold = threshold
        self.shaded = shaded
    }

    /// Whether any series has a value to draw.
    package var hasData: Bool { series.contains { $0.points.contains { $0.value?.isFinite == true } } }

    /// The chart's SVG, with a caption when there is nothing to draw.
    package func svg() -> String {
        let e = HTMLEscaping.escape
        let (width, height, margin) = (Self.width, Self.height, Self.margin)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let values =
            series.flatMap { $0.points.flatMap { point in [point.value, point.interval?.low, point.interval?.high].compactMap { $0 } } }
            .filter(\.isFinite) + (threshold.map { [$0.value] } ?? [])
        var low = min(0, values.min() ?? 0)
        var high = max(values.max() ?? 1, low)
        if unit == .percent { high = min(max(high, 0.05), 1) }
        if high == low { high = low + 1 }
        high += (high - low) * 0.08
        if unit == .percent && values.allSatisfy({ $0 <= 1 }) { high = min(high, 1) }
        if low < 0 { low -= (high - low) * 0.04 }
        let span = Double(max(1, range.upperBound - range.lowerBound))
        func x(_ time: Int64) -> Double { margin.left + plotWidth * Double(time - range.lowerBound) / span }
        func y(_ value: Double) -> Double { margin.top + plotHeight * (1 - (value - low) / (high - low)) }

        var parts = [String]()
        parts.append(
            "<svg class=\"chart timeseries\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(title))\" tabindex=\"0\" data-series=\"\(series.count)\">"
        )
        parts.append("<title>\(e(title))</title>")
        for shade in shaded where shade.span.overlaps(range) {
            let from = x(max(shade.span.lowerBound, range.lowerBound))
            let to = x(min(shade.span.upperBound, range.upperBound))
            parts.append(
                "<rect class=\"shade\" x=\"\(f(from))\" y=\"\(f(margin.top))\" width=\"\(f(max(1, to - from)))\" height=\"\(f(plotHeight))\"><title>\(e(shade.label))</title></rect>"
            )
            parts.append("<text class=\"axis shade-label\" x=\"\(f(from + 3))\" y=\"\(f(margin.top + 11))\">\(e(shade.label))</text>")
        }
        parts.append(
            DistributionChart.grid(left: margin.left, right: width - margin.right, top: margin.top, plotHeight: plotHeight) { fraction in
                format(low + (high - low) * fraction)
            }
        )
        let ticks = timeTicks()
        for (offset, tick) in ticks.enumerated() {
            // The last label ends at the plot's right edge, so it is not cut off.
            let anchor = offset == ticks.count - 1 ? "end" : "middle"
            parts.append(
                "<text class=\"axis\" x=\"\(f(x(tick)))\" y=\"\(f(height - margin.bottom + 14))\" text-anchor=\"\(anchor)\">\(e(Self.timeLabel(tick, span: range)))</text>"
            )
        }
        if let threshold {
            let at = y(threshold.value)
            parts.append("<line class=\"threshold\" x1=\"\(f(margin.left))\" x2=\"\(f(width - margin.right))\" y1=\"\(f(at))\" y2=\"\(f(at))\"/>")
            parts.append(
                "<text class=\"axis threshold-label\" x=\"\(f(width - margin.right))\" y=\"\(f(at - 3))\" text-anchor=\"end\">threshold \(e(format(threshold.value)))</text>"
            )
        }
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let dash = Self.dashes[index % Self.dashes.count]
            for run in runs(line.points) {
                let bands = run.compactMap { point in point.interval.map { (point.time, $0) } }
                if bands.count > 1 {
                    let upper = bands.map { "\(f(x($0.0))),\(f(y($0.1.high)))" }
                    let lower = bands.reversed().map { "\(f(x($0.0))),\(f(y($0.1.low)))" }
                    parts.append("<polygon class=\"band\" fill=\"\(color)\" points=\"\((upper + lower).joined(separator: " "))\"/>")
                }
                let path = run.enumerated().map { offset, point in "\(offset == 0 ? "M" : "L")\(f(x(point.time))),\(f(y(point.value!)))" }.joined()
                parts.append("<path class=\"line\" d=\"\(path)\" stroke=\"\(color)\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>")
            }
            for point in line.points {
                guard let value = point.value, value.isFinite else { continue }
                let crossed = threshold.map { $0.above ? value > $0.value : value < $0.value } ?? false
                parts.append(
                    "<circle class=\"\(crossed ? "point crossed" : "point")\" cx=\"\(f(x(point.time)))\" cy=\"\(f(y(value)))\" r=\"\(crossed ? 4 : 2.2)\" fill=\"\(crossed ? "#fff" : color)\" stroke=\"\(color)\"/>"
                )
            }
        }
        // Hover slots: one per time that has a point, spanning the plot's height, carrying every series' value.
        let times = Array(Set(series.flatMap { $0.points.map(\.time) })).sorted()
        for (offset, time) in times.enumerated() {
            let left = offset == 0 ? margin.left : (x(times[offset - 1]) + x(time)) / 2
            let right = offset == times.count - 1 ? width - margin.right : (x(time) + x(times[offset + 1])) / 2
            let readings = series.map { line -> String in
                let point = line.points.first { $0.time == time }
                return "\(line.name): \(point.map(describe) ?? "no data")"
            }
            let text = "\(Self.timeLabel(time, span: range, full: true)) · " + readings.joined(separator: " · ")
            parts.append(
                "<rect class=\"slot\" x=\"\(f(left))\" y=\"\(f(margin.top))\" width=\"\(f(max(0.5, right - left)))\" height=\"\(f(plotHeight))\" data-readout=\"\(e(text))\"><title>\(e(text))</title></rect>"
            )
        }
        var legendX = margin.left
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let dash = Self.dashes[index % Self.dashes.count]
            let legendY = height - 12
            parts.append(
                "<line class=\"line\" x1=\"\(f(legendX))\" x2=\"\(f(legendX + 18))\" y1=\"\(f(legendY - 4))\" y2=\"\(f(legendY - 4))\" stroke=\"\(color)\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            )
            parts.append("<text class=\"axis legend\" x=\"\(f(legendX + 22))\" y=\"\(f(legendY))\">\(e(line.name))</text>")
            legendX += 30 + Double(min(line.name.count, 24)) * 6.5
        }
        if !hasData {
            parts.append(
                "<text class=\"empty\" x=\"\(f(width / 2))\" y=\"\(f(margin.top + plotHeight / 2))\" text-anchor=\"middle\">no data in this range</text>"
            )
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// Runs of consecutive points with a finite value.
    private func runs(_ points: [Point]) -> [[Point]] {
        var runs: [[Point]] = [[]]
        for point in points {
            if let value = point.value, value.isFinite {
                runs[runs.count - 1].append(point)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    private func describe(_ point: Point) -> String {
        guard let value = point.value, value.isFinite else { return "no data" }
        var text = format(value)
        if let interval = point.interval { text += " [\(format(interval.low)), \(format(interval.high))]" }
        if let note = point.note { text += " (\(note))" }
        return text
    }

    /// A value as the chart's unit writes it.
    package func format(_ value: Double) -> String {
        switch unit {
        case .number: DistributionChart.number(value)
        case .percent: DistributionChart.percent(value)
        case .milliseconds: value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.3g ms", value)
        case .perSecond: DistributionChart.number(value) + "/s"
        }
    }

    /// Five evenly spaced times across the range.
    private func timeTicks() -> [Int64] {
        let span = range.upperBound - range.lowerBound
        return (0...4).map { range.lowerBound + span * Int64($0) / 4 }
    }

    /// A time in UTC, as precise as the span needs: `14:05` within a day, `12-01 14:05` beyond.
    package static func timeLabel(_ milliseconds: Int64, span: Range<Int64>, full: Bool = false) -> String {
        let c = Timestamp.components(milliseconds: milliseconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let clock = two(c.hour) + ":" + two(c.minute)
        if full {
            let year = String(repeating: "0", count: max(0, 4 - "\(c.year)".count)) + "\(c.year)"
            return "\(year)-\(two(c.month))-\(two(c.day)) " + clock + (span.upperBound - span.lowerBound <= 900_000 ? ":" + two(c.second) : "") + " UTC"
        }
        return span.upperBound - span.lowerBound <= 86_400_000 ? clock : "\(two(c.month))-\(two(c.day)) " + clock
    }

    private func f(_ value: Double) -> String { DistributionChart.fmt(value) }
}
