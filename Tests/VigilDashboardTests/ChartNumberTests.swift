import Foundation
import Testing

@testable import VigilRender

@Suite struct ChartNumberTests {
    @Test func coordinatesReadAsPrintfWritesThemAwayFromExactHalves() {
        var generator = SystemRandomNumberGenerator()
        var compared = 0
        for _ in 0..<20_000 {
            let magnitude = [1.0, 10, 1_000, 1e6][Int.random(in: 0...3, using: &generator)]
            let value = Double.random(in: -magnitude...magnitude, using: &generator)
            // Halfway cases are printf's exact-binary call; they are not what a chart is drawn from.
            let scaled = abs(value * 10)
            guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { continue }
            compared += 1
            #expect(DistributionChart.fmt(value) == String(format: "%.1f", value), "\(value)")
        }
        #expect(compared > 19_000)
        for value in [0.0, -0.0, 0.04, -0.04, 0.96, 9.96, -9.96, 123.44, 1e14 + 0.25, .infinity, -.infinity] {
            let expected = String(format: "%.1f", value)
            #expect(DistributionChart.fmt(value) == expected, "\(value)")
        }
        #expect(DistributionChart.fmt(.nan) == String(format: "%.1f", Double.nan))
        #expect(DistributionChart.percent(0.1234) == "12.3%")
    }
}
