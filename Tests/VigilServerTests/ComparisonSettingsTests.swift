import Testing
import VigilCore
import VigilServer

/// Which versions the server compares: the busiest against each other one, or the configured pairs.
struct ComparisonSettingsTests {
    @Test func theBusiestVersionIsTheChampionOfEveryOtherVersionWithTraffic() {
        let pairs = ComparisonSettings().comparisons(model: "m", traffic: [("v1", 900), ("v2", 100), ("v3", 0), ("v0", 50)])
        #expect(pairs.map { "\($0.baseline)→\($0.candidate)" } == ["v1→v2", "v1→v0"])
    }

    @Test func aTieGoesToTheFirstVersionByNameAndOneVersionAloneIsNotCompared() {
        #expect(ComparisonSettings().comparisons(model: "m", traffic: [("b", 10), ("a", 10)]).map(\.baseline) == ["a"])
        #expect(ComparisonSettings().comparisons(model: "m", traffic: [("v1", 10), ("v2", 0)]).isEmpty)
    }

    @Test func configuredPairsReplaceTheAutomaticOnesForTheirModel() throws {
        var settings = ComparisonSettings()
        let plan = try ComparisonPlan(
            metrics: "metric:revenue",
            guardrails: nil,
            mode: "fixed",
            tuning: nil,
            alpha: nil,
            correction: nil,
            split: "90,10"
        )
        settings.pairs = [.init(model: "m", baseline: "v2", plan: plan)]
        let pairs = settings.comparisons(model: "m", traffic: [("v1", 900), ("v2", 100), ("v3", 5)])
        #expect(pairs.map { "\($0.baseline)→\($0.candidate)" } == ["v2→v1", "v2→v3"])
        #expect(pairs.first?.plan == plan)
        // Another model keeps the automatic choice; with automatic off it has none.
        #expect(settings.comparisons(model: "other", traffic: [("a", 2), ("b", 1)]).count == 1)
        settings.automatic = false
        #expect(settings.comparisons(model: "other", traffic: [("a", 2), ("b", 1)]).isEmpty)
    }
}
