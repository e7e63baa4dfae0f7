import Foundation
import Testing
import VigilRender

/// The comparison's forest plot: right is better, a guardrail's tolerance is drawn, names are escaped, and a
/// metric without a test keeps its row and its words.
struct IntervalChartTests {
    static func x(of element: String, in svg: String, attribute: String) -> [Double] {
        svg.components(separatedBy: element).dropFirst().compactMap { part in
            guard let range = part.range(of: "\(attribute)=\"") else { return nil }
            return Double(part[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func aBetterMetricsDotSitsRightOfNoDifferenceAndAWorseOnesLeft() {
        let better = IntervalChart(
            title: "t",
            rows: [.init(label: "accuracy", improvement: (0.05, 0.02, 0.08), tolerance: nil, outcome: "better", text: "+5 pt")]
        ).svg()
        let worse = IntervalChart(
            title: "t",
            rows: [.init(label: "accuracy", improvement: (-0.05, -0.08, -0.02), tolerance: nil, outcome: "worse", text: "-5 pt")]
        ).svg()
        let zero = try! #require(Self.x(of: "<line class=\"zero\"", in: better, attribute: "x1").first)
        #expect(try! #require(Self.x(of: "<circle class=\"estimate\"", in: better, attribute: "cx").first) > zero)
        #expect(try! #require(Self.x(of: "<circle class=\"estimate\"", in: worse, attribute: "cx").first) < zero)
    }

    @Test func aGuardrailsToleranceIsDrawnOnTheWorseSide() throws {
        let svg = IntervalChart(
            title: "t",
            rows: [.init(label: "latency_p99", improvement: (-0.02, -0.05, 0.01), tolerance: 0.1, outcome: "clear", text: "+2 %")]
        ).svg()
        let zero = try #require(Self.x(of: "<line class=\"zero\"", in: svg, attribute: "x1").first)
        let tolerance = try #require(Self.x(of: "<line class=\"tolerance\"", in: svg, attribute: "x1").first)
        #expect(tolerance < zero)
    }

    @Test func hostileNamesAreEscapedAndAnUntestedRowKeepsItsWords() {
        let name = #"<img src=x onerror="alert(1)">"#
        let svg = IntervalChart(
            title: name,
            rows: [.init(label: name, improvement: nil, tolerance: nil, outcome: "unavailable", text: "too_few_units")]
        ).svg()
        #expect(!svg.contains("<img"))
        #expect(svg.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"))
        #expect(svg.contains("too_few_units · unavailable"))
        #expect(!svg.contains("<circle"))
    }
}
