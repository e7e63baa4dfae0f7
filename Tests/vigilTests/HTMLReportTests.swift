import ChildProcess
import Foundation
import Testing

/// The HTML report opened in a real headless Chromium: no script errors, the script ran, the page has content.
struct HTMLReportTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Runs Chromium headless with the given arguments; returns (status, stdout, stderr).
    static func runChromium(_ arguments: [String]) async throws -> (Int32, String, String) {
        let program = URL(fileURLWithPath: try #require(chromium, "headless Chromium is required in CI (apt-get install chromium)"))
        let outcome = try await ChildProcess.run(program, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"] + arguments)
        return (outcome.status, outcome.standardOutput, outcome.standardError)
    }

    @Test(.enabled(if: chromium != nil || inCI, "headless Chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func reportRendersInChromiumWithoutErrors() async throws {
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run([
            "report", "--reference", VigilProcess.fixture("large_reference.csv"), "--current", VigilProcess.fixture("large_current.csv"), "--html", page,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let html = try String(contentsOf: URL(fileURLWithPath: page), encoding: .utf8)
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must not load external assets")
        #expect(html.components(separatedBy: "<svg").count - 1 == 6, "one chart per tested column")

        // The DOM after scripts ran: the filter script fills in the column count.
        let (domStatus, dom, domLog) = try await Self.runChromium(["--dump-dom", "file://\(page)"])
        #expect(domStatus == 0)
        #expect(dom.contains("6 of 6 columns"), "the page script did not run")
        #expect(dom.contains("Dataset drift detected"))
        for marker in ["Uncaught", "SyntaxError", "TypeError", "ReferenceError"] {
            #expect(!domLog.contains(marker), "console error: \(domLog.split(separator: "\n").filter { $0.contains(marker) })")
        }

        // A screenshot with content: a blank 1280×2000 page compresses to a few kilobytes.
        let screenshot = VigilProcess.temporaryPath(".png")
        let (shotStatus, _, shotLog) = try await Self.runChromium(["--window-size=1280,2000", "--screenshot=\(screenshot)", "file://\(page)"])
        #expect(shotStatus == 0, "\(shotLog.suffix(500))")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1280 && height == 2000)
        #expect(png.count > 40_000, "screenshot is \(png.count) bytes: the page looks blank")
    }

    /// A failing data-quality check without drift says so in the banner, rather than a red "No dataset drift".
    @Test func theBannerNamesAFailedDataQualityCheckWhenNothingDrifted() async throws {
        let reference = VigilProcess.temporaryPath(".csv")
        let current = VigilProcess.temporaryPath(".csv")
        let rows = (0..<400).map { "\($0 % 20),\(["a", "b", "c"][$0 % 3])" }
        try Data(("amount,kind\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: reference))
        // The same values, with a third of the amounts missing: no drift among those present, a missing share far over the limit.
        let holes = rows.enumerated().map { $0.offset % 3 == 0 ? "," + $0.element.split(separator: ",")[1] : $0.element }
        try Data(("amount,kind\n" + holes.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: current))
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run(["report", "--reference", reference, "--current", current, "--html", page])
        #expect(run.status == 0, "\(run.standardError)")
        let html = try String(contentsOf: URL(fileURLWithPath: page), encoding: .utf8)
        #expect(html.contains("<section id=\"verdict\" class=\"verdict fail\"><h2>Data-quality checks failed (no dataset drift)</h2>"), "\(html.prefix(1500))")
        #expect(!html.contains("<h2>No dataset drift</h2>"))
    }

    @Test func userTextIsEscaped() async throws {
        let dangerous = VigilProcess.temporaryPath(".csv")
        var csv = "<script>alert(1)</script>,value\n"
        for index in 0..<50 { csv += "\(index % 2 == 0 ? "<b>x</b>" : "\"a&b\"\"\""),\(index)\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dangerous))
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run(["report", "--reference", dangerous, "--current", dangerous, "--html", page])
        #expect(run.status == 0, "\(run.standardError)")
        let html = try String(contentsOf: URL(fileURLWithPath: page), encoding: .utf8)
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<b>x</b>"))
    }
}
