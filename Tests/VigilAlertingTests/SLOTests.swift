import Testing
import VigilAlerting
import VigilCore

/// SLOs: the SRE workbook's tiers with exact factors, the budget weighted by events over the period, burn rates,
/// time to exhaustion, and the tier alerts (both windows, `for`, the minimum-traffic guard).
@Suite struct SLOTests {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    @Test func theDefaultTiersAreTheWorkbooksWithExactFactors() {
        let tiers = ServiceLevelObjective.defaultTiers(period: 30 * Self.day)
        #expect(tiers.map(\.name) == ["page_fast", "page_slow", "ticket_fast", "ticket_slow"])
        #expect(tiers.map(\.factor) == [14.4, 6, 3, 1])
        #expect(tiers.map(\.long) == [Self.hour, 6 * Self.hour, Self.day, 3 * Self.day])
        #expect(tiers.map(\.short) == [5 * Self.minute, 30 * Self.minute, 2 * Self.hour, 6 * Self.hour])
        #expect(tiers.map(\.holdFor) == [2 * Self.minute, 15 * Self.minute, Self.hour, 3 * Self.hour])
        #expect(tiers.map(\.severity) == [.critical, .critical, .warning, .warning])
        // Pyrra's 28-day period: 2 % of 28 days in an hour is 13.44.
        #expect(ServiceLevelObjective.defaultTiers(period: 28 * Self.day).first?.factor == 13.44)
    }

    @Test func aQualitySLOsTiersSpanAtLeastOneWindowAndNeedOneWindow() {
        let slo = ServiceLevelObjective(
            name: "fraud-accuracy", model: "fraud", indicator: .quality(.init(metric: "accuracy", target: 0.9)), objective: 0.95
        )
        // A five-minute window holds no complete hour: short windows become an hour; the factors stay.
        #expect(slo.tiers.map(\.long) == [Self.hour, 6 * Self.hour, Self.day, 3 * Self.day])
        #expect(slo.tiers.map(\.short) == [Self.hour, Self.hour, 2 * Self.hour, 6 * Self.hour])
        #expect(slo.tiers.map(\.factor) == [14.4, 6, 3, 1])
        #expect(slo.minimumEvents == 1)
        #expect(ServiceLevelObjective.QualityIndicator(metric: "accuracy", target: 0.9).isGood(0.9))
        #expect(!ServiceLevelObjective.QualityIndicator(metric: "rmse", target: 2).isGood(2.5), "for an error, smaller is better")
    }

    @Test func tiersThatNeedMoreThanEveryPredictionBadAreUnreachable() {
        let loose = ServiceLevelObjective(name: "loose", model: "fraud", indicator: .availability, objective: 0.9)
        // 14.4 × 0.1 = 1.44 and 6 × 0.1 = 0.6: the fast page tier can never fire, the slow one can.
        #expect(loose.unreachableTiers.map(\.name) == ["page_fast"])
        #expect(ServiceLevelObjective(name: "tight", model: "fraud", indicator: .availability, objective: 0.999).unreachableTiers.isEmpty)
    }

    func slo(objective: Double = 0.999, minimumEvents: Int = 10) -> ServiceLevelObjective {
        ServiceLevelObjective(name: "fraud-availability", model: "fraud", indicator: .availability, objective: objective, minimumEvents: minimumEvents)
    }

    /// Counts with `bad` of `total` bad in every window, and `periodBad` of `periodTotal` over the period.
    func counts(_ slo: ServiceLevelObjective, bad: Int, total: Int, periodBad: Int, periodTotal: Int) -> [Int64: SLICounts] {
        var counts = Dictionary(uniqueKeysWithValues: slo.windowLengths.map { ($0, SLICounts(good: Double(total - bad), total: total)) })
        counts[slo.period] = SLICounts(good: Double(periodTotal - periodBad), total: periodTotal)
        return counts
    }

    @Test func theBudgetIsWeightedByEventsOverThePeriodAndAFreshPeriodHasAllOfIt() {
        let slo = slo()
        #expect(SLOStatus(slo: slo, counts: counts(slo, bad: 0, total: 0, periodBad: 0, periodTotal: 0)).budgetRemaining == 1)
        let half = SLOStatus(slo: slo, counts: counts(slo, bad: 0, total: 100, periodBad: 5, periodTotal: 10_000))
        #expect(abs(half.budgetRemaining - 0.5) < 1e-12)
        #expect(half.indicator == 0.9995)
        let spent = SLOStatus(slo: slo, counts: counts(slo, bad: 0, total: 100, periodBad: 20, periodTotal: 10_000))
        #expect(abs(spent.budgetRemaining - -1) < 1e-12)
        #expect(spent.timeToExhaustion == nil)
    }

    @Test func burnRatesAndTimeToExhaustion() throws {
        let slo = slo()
        // 10 % bad everywhere recent: the budget burns 100 times as fast as the period allows; half of it left
        // lasts 30 days × 0.5 / 100 = 3.6 hours.
        let status = SLOStatus(slo: slo, counts: counts(slo, bad: 100, total: 1000, periodBad: 5, periodTotal: 10_000))
        #expect(abs((status.burnRates[Self.hour] ?? 0) - 100) < 1e-9)
        let exhaustion = try #require(status.timeToExhaustion)
        #expect(abs(exhaustion - 12_960_000) <= 1)
    }

    @Test func aTierFiresWhenBothItsWindowsBurnFastEnoughForItsFor() {
        let slo = slo()
        let fast = slo.tiers[0]
        var counts = counts(slo, bad: 0, total: 1000, periodBad: 0, periodTotal: 100_000)
        counts[fast.long] = SLICounts(good: 980, total: 1000)  // burn 20 > 14.4
        counts[fast.short] = SLICounts(good: 990, total: 100)  // burn 10 < 14.4: only the long window burns
        let evaluator = AlertEvaluator(rules: [], slos: [slo])
        let quiet = evaluator.evaluate(windows: [:], slos: [SLOStatus(slo: slo, counts: counts)], instances: [:], now: 0)
        #expect(quiet.instances.isEmpty)

        counts[fast.short] = SLICounts(good: 80, total: 100)  // burn 200: both windows burn
        var instances: [String: AlertInstance] = [:]
        var states: [AlertInstance.State?] = []
        for minute: Int64 in [0, 1, 2] {
            instances = evaluator.evaluate(windows: [:], slos: [SLOStatus(slo: slo, counts: counts)], instances: instances, now: minute * Self.minute).instances
            states.append(instances.values.first { $0.labels["tier"] == "page_fast" }?.state)
        }
        #expect(states == [.pending, .pending, .firing])
        let alert = instances.values.first { $0.labels["tier"] == "page_fast" }
        #expect(alert?.labels == ["alertname": "SLOErrorBudgetBurn", "slo": "fraud-availability", "model_name": "fraud", "tier": "page_fast", "long": "1h", "short": "5m", "severity": "critical"])
        #expect(alert?.value == 20)
        #expect(alert?.annotations["description"]?.contains("burned at 20× the sustainable rate over both 1h and 5m") == true)
    }

    @Test func aShortWindowWithTooFewPredictionsDoesNotPage() {
        let slo = slo(minimumEvents: 10)
        var counts = counts(slo, bad: 0, total: 1000, periodBad: 0, periodTotal: 100_000)
        counts[slo.tiers[0].long] = SLICounts(good: 900, total: 1000)
        counts[slo.tiers[0].short] = SLICounts(good: 5, total: 9)
        let result = AlertEvaluator(rules: [], slos: [slo]).evaluate(windows: [:], slos: [SLOStatus(slo: slo, counts: counts)], instances: [:], now: 0)
        #expect(result.instances.isEmpty)
    }

    @Test func latencyCountsThePredictionsAtOrUnderTheBound() {
        var profile = LiveProfile()
        for index in 1...100 {
            profile.add(PredictionEvent(id: "\(index)", timestampMilliseconds: 0, version: "v1", prediction: .label("no"), latencyMilliseconds: Double(index)))
        }
        let counts = SLICounts(profile, indicator: .latency(thresholdMilliseconds: 90))
        #expect(counts == SLICounts(good: 90, total: 100))
        #expect(SLICounts(profile, indicator: .availability) == SLICounts(good: 100, total: 100))
    }

    @Test func theBurndownStartsFullAndEndsAtTheBudgetLeft() throws {
        let slo = ServiceLevelObjective(name: "a", model: "m", indicator: .availability, objective: 0.99)
        // 3,000 events over three spans; 10 bad in the second, 20 in the third: 30 of a 30-event budget.
        let spans: [(end: Int64, counts: SLICounts)] = [
            (1, SLICounts(good: 1_000, total: 1_000)), (2, SLICounts(good: 990, total: 1_000)), (3, SLICounts(good: 980, total: 1_000)),
        ]
        let points = slo.burndown(spans)
        #expect(points.map(\.end) == [1, 2, 3])
        let left = points.compactMap(\.budgetLeft)
        #expect(left.count == 3)
        #expect(abs(left[0] - 1) < 1e-12 && abs(left[1] - 2.0 / 3) < 1e-12 && abs(left[2]) < 1e-12)
        let status = SLOStatus(slo: slo, counts: [slo.period: SLICounts(good: 2_970, total: 3_000)])
        #expect(abs(left[2] - status.budgetRemaining) < 1e-12)
        // A span before the first event has the whole budget; a period without events has no value at all.
        #expect(slo.burndown([(1, SLICounts(good: 0, total: 0)), (2, SLICounts(good: 90, total: 100))]).map(\.budgetLeft) == [1, -9])
        #expect(slo.burndown([(1, SLICounts(good: 0, total: 0))]).map(\.budgetLeft) == [nil])
    }
}
