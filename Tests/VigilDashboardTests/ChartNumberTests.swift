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

@Suite struct ChartReadoutNumberTests {
    @Test func readoutsReadAsPrintfsFourSignificantDigitsAwayFromExactHalves() {
        var generator = SystemRandomNumberGenerator()
        var compared = 0
        for _ in 0..<30_000 {
            // Log-uniform over the fast path's range and a little beyond it.
            let value = (Bool.random(using: &generator) ? 1.0 : -1.0) * pow(10, Double.random(in: -3.5...4.5, using: &generator))
            let exponent = (log10(abs(value))).rounded(.down)
            let scaled = abs(value) * pow(10, 3 - exponent)
            guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { continue }
            compared += 1
            #expect(
                DistributionChart.number(value)
                    == (abs(value) >= 1e5 || abs(value) < 1e-3 ? String(format: "%.3g", value) : String(format: "%.4g", value)),
                "\(value)"
            )
        }
        #expect(compared > 29_000)
        for value in [0.0, 1, 10, 0.5, 0.001, 0.0012345, 9.9996, 99.996, 999.96, 9998.7, 9999.6, 1234.5678, -0.25, 42] {
            #expect(DistributionChart.number(value) == String(format: "%.4g", value), "\(value)")
        }
    }

    @Test func textWithoutMarkupIsReturnedAsItIsAndMarkupIsEscaped() {
        #expect(HTMLEscaping.escape("12.5 % · v1") == "12.5 % · v1")
        #expect(HTMLEscaping.escape("<b>\"Tom\" & 'Jerry'</b>") == "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;")
        #expect(HTMLEscaping.escape("é<é") == "é&lt;é")
    }
}
