import Testing
import VigilCore

@testable import VigilDashboard

/// The view's state lives in its URL: parsing, defaults, errors that name the parameter, and links that keep
/// what they do not change.
struct DashboardURLStateTests {
    @Test func theDefaultViewIsTheLastHourOfEveryVersion() throws {
        let query = try DashboardQuery.parse([:])
        #expect(query == DashboardQuery())
        #expect(query.range(now: 10_000_000) == (10_000_000 - 3_600_000)..<10_000_000)
        #expect(query.queryString == "")
    }

    @Test func presetsOfADayOrMoreStartOnTheHour() throws {
        let now = try #require(Timestamp.parseRFC3339("2026-12-03T11:47:12Z"))
        let week = try DashboardQuery.parse(["range": "7d"]).range(now: now)
        #expect(week == (try #require(Timestamp.parseRFC3339("2026-11-26T11:00:00Z")))..<now)
        let day = try DashboardQuery.parse(["range": "24h"]).range(now: now)
        #expect(day.lowerBound == (try #require(Timestamp.parseRFC3339("2026-12-02T11:00:00Z"))))
        // Shorter presets keep their exact length.
        let sixHours = try DashboardQuery.parse(["range": "6h"]).range(now: now)
        #expect(sixHours == (now - 6 * 3_600_000)..<now)
    }

    @Test func aCustomRangeReadsRFC3339AndTheBrowsersDatetimeLocalAsUTC() throws {
        let query = try DashboardQuery.parse(["from": "2026-12-01T14:00", "to": "2026-12-01T15:30:00Z", "tab": "data", "version": "v2"])
        let from = try #require(Timestamp.parseRFC3339("2026-12-01T14:00:00Z"))
        #expect(query.range(now: 0) == from..<(from + 5_400_000))
        #expect(query.preset == nil)
        #expect(query.tab == .data)
        #expect(query.queryString == "?from=2026-12-01T14%3A00%3A00.000Z&to=2026-12-01T15%3A30%3A00.000Z&version=v2&tab=data")
    }

    @Test(arguments: [
        (["range": "2h"], "range"), (["from": "yesterday"], "from"), (["from": "2026-12-01T15:00Z", "to": "2026-12-01T14:00Z"], "from"),
        (["to": "2026-12-01T14:00Z"], "from"), (["tab": "secrets"], "tab"), (["refresh": "7"], "refresh"),
    ])
    func aParameterThatDoesNotReadIsNamed(items: [String: String], parameter: String) {
        #expect(throws: DashboardQuery.InvalidParameter.self) { try DashboardQuery.parse(items) }
        do {
            _ = try DashboardQuery.parse(items)
        } catch {
            #expect(error.name == parameter, "\(items): \(error.reason)")
        }
    }

    @Test func linksChangeOnePartAndKeepTheRest() throws {
        let query = try DashboardQuery.parse(["range": "7d", "version": "v1", "tab": "quality", "refresh": "30"])
        #expect(query.link("/models/m", tab: .data) == "/models/m?range=7d&version=v1&tab=data&refresh=30")
        #expect(query.link("/models/m", version: .some(nil)) == "/models/m?range=7d&tab=quality&refresh=30")
        #expect(query.link("/", preset: .some("15m")) == "/?range=15m&version=v1&tab=quality&refresh=30")
        #expect(DashboardQuery.percentEncoded("a b/<x>&") == "a%20b%2F%3Cx%3E%26")
    }

    @Test(arguments: [
        ("5m", Int64(60_000), 5), ("1h", 60_000, 60), ("6h", 300_000, 72), ("24h", 900_000, 96), ("7d", 10_800_000, 56), ("30d", 43_200_000, 60),
    ])
    func chartsGetRoundStepsOfAtMostNinetySixPoints(preset: String, step: Int64, points: Int) throws {
        let query = try DashboardQuery.parse(["range": preset])
        let range = query.range(now: 1_764_000_000_000)
        #expect(DashboardQuery.step(for: range, bucket: 60_000) == step)
        let spans = DashboardQuery.spans(of: range, step: step)
        #expect(spans.count >= points && spans.count <= points + 1)
        #expect(spans.first?.lowerBound == range.lowerBound && spans.last?.upperBound == range.upperBound)
        // Spans tile the range, and every inner boundary is a multiple of the step (UTC-aligned).
        for (a, b) in zip(spans, spans.dropFirst()) {
            #expect(a.upperBound == b.lowerBound)
            #expect(a.upperBound % step == 0)
        }
    }
}
