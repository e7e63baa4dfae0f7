import Foundation
import Testing
import VigilRender

/// The one chart drawing path of the dashboard: escaped names, gaps, thresholds and read-outs.
struct TimeSeriesChartTests {
    let range: Range<Int64> = 0..<600_000

    func points(_ values: [Double?]) -> [TimeSeriesChart.Point] {
        values.enumerated().map { TimeSeriesChart.Point(time: Int64($0.offset + 1) * 100_000, value: $0.element) }
    }

    @Test func aHostileSeriesNameIsEscapedEverywhere() {
        let name = #"<script>alert("x")</script>"#
        let svg = TimeSeriesChart(title: name, series: [.init(name: name, points: points([1, 2]))], range: range).svg()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
    }

    @Test func aMissingValueBreaksTheLineIntoTwoPaths() {
        let svg = TimeSeriesChart(title: "t", series: [.init(name: "a", points: points([1, 2, nil, 3, 4]))], range: range).svg()
        #expect(svg.components(separatedBy: "<path class=\"line\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"slot\"").count - 1 == 5)
        #expect(svg.contains("a: no data"))
    }

    @Test func pointsPastTheThresholdAreMarkedAndTheThresholdIsLabelled() {
        let above = TimeSeriesChart(title: "t", series: [.init(name: "s", points: points([0.05, 0.2, 0.3]))], range: range, threshold: (0.1, true))
            .svg()
        #expect(above.components(separatedBy: "point crossed").count - 1 == 2)
        #expect(above.contains("threshold 0.1"))
        // A p-value drifts below its threshold.
        let below = TimeSeriesChart(title: "t", series: [.init(name: "p", points: points([0.01, 0.2]))], range: range, threshold: (0.05, false)).svg()
        #expect(below.components(separatedBy: "point crossed").count - 1 == 1)
    }

    @Test func aChartWithoutDataSaysSo() {
        let chart = TimeSeriesChart(title: "t", series: [.init(name: "a", points: points([nil, nil]))], range: range)
        #expect(!chart.hasData)
        #expect(chart.svg().contains("no data in this range"))
    }

    @Test func readOutsCarryEveryValueWithItsIntervalAndNote() {
        let point = TimeSeriesChart.Point(time: 300_000, value: 0.9, interval: (0.85, 0.95), note: "n = 40")
        let svg = TimeSeriesChart(title: "t", series: [.init(name: "accuracy", points: [point])], range: range, unit: .percent).svg()
        #expect(svg.contains("accuracy: 90.0% [85.0%, 95.0%] (n = 40)"))
        #expect(svg.contains("1970-01-01 00:05:00 UTC"))
    }

    @Test func timeLabelsAreFoundationsUTCCalendarFields() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            // From 1970 to 2100, leap days and year ends included by chance and below.
            let milliseconds = Int64.random(in: 0..<4_102_444_800_000, using: &generator)
            for (span, format, full) in [
                (Int64(600_000), "yyyy-MM-dd HH:mm:ss 'UTC'", true), (3_600_000, "yyyy-MM-dd HH:mm 'UTC'", true), (3_600_000, "HH:mm", false),
                (7 * 86_400_000, "MM-dd HH:mm", false),
            ] {
                formatter.dateFormat = format
                let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
                #expect(TimeSeriesChart.timeLabel(milliseconds, span: 0..<span, full: full) == expected, "\(milliseconds)")
            }
        }
        #expect(TimeSeriesChart.timeLabel(951_782_400_000, span: 0..<86_400_000, full: true) == "2000-02-29 00:00 UTC")
    }
}
