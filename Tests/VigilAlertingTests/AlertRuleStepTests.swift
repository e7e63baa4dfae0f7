import Testing
import VigilAlerting
import VigilCore

/// The alert state machine, driven by moving `now`: Prometheus' `for` and `keep_firing_for`, hysteresis, the
/// minimum-traffic guard and the no-data policies.
@Suite struct AlertRuleStepTests {
    static let minute: Int64 = 60_000

    /// Steps `rule` through `(minute, observation)` pairs and returns the state after each (nil = inactive).
    func run(_ rule: AlertRule, _ steps: [(Int64, AlertObservation)]) -> [AlertInstance.State?] {
        var instance: AlertInstance?
        return steps.map { minute, observation in
            instance = rule.step(instance, observation: observation, now: minute * Self.minute, fingerprint: "f", labels: ["alertname": rule.name], annotations: [:]).instance
            return instance?.state
        }
    }

    func errorRule(for hold: Int64 = 10 * minute, resolve: Double? = nil, keepFiringFor: Int64 = 0, minimumEvents: Int = 0, noData: AlertRule.NoDataPolicy = .ok) -> AlertRule {
        AlertRule(
            name: "FraudErrors", model: "fraud", metric: .errorRate, window: 5 * Self.minute, direction: .above, threshold: 0.01, resolveThreshold: resolve,
            holdFor: hold, keepFiringFor: keepFiringFor, minimumEvents: minimumEvents, noData: noData, severity: .critical
        )
    }

    @Test func threeConsecutiveFiveMinuteWindowsFireWithForTenMinutes() {
        let states = run(errorRule(), [(0, .value(0.02, events: 500)), (5, .value(0.03, events: 500)), (10, .value(0.02, events: 500))])
        #expect(states == [.pending, .pending, .firing])
    }

    @Test func aPendingAlertWhoseConditionStopsBecomesInactiveUnsent() {
        let rule = errorRule()
        var instance: AlertInstance?
        instance = rule.step(instance, observation: .value(0.05, events: 500), now: 0, fingerprint: "f", labels: [:], annotations: [:]).instance
        #expect(AlertmanagerPolicy(evaluationInterval: 15_000).isDue(instance!, now: 0) == false)
        let (next, transition) = rule.step(instance, observation: .value(0.001, events: 500), now: 5 * Self.minute, fingerprint: "f", labels: [:], annotations: [:])
        #expect(next == nil)
        #expect(transition?.from == "pending")
        #expect(transition?.to == "inactive")
    }

    @Test func withoutForTheFirstTrueEvaluationFires() {
        #expect(run(errorRule(for: 0), [(0, .value(0.02, events: 500))]) == [.firing])
    }

    /// Counted from the first evaluation without the condition (Prometheus' `KeepFiringSince`), not from the
    /// last one with it: the export's parity test against promtool showed the difference of one interval.
    @Test func keepFiringForHoldsAFiringAlertFromTheFirstEvaluationWithoutItsCondition() {
        let states = run(
            errorRule(for: 0, keepFiringFor: 10 * Self.minute),
            [(0, .value(0.02, events: 500)), (5, .value(0, events: 500)), (10, .value(0, events: 500)), (14, .value(0, events: 500)), (15, .value(0, events: 500))]
        )
        #expect(states == [.firing, .firing, .firing, .firing, .resolved])
        // The condition coming back starts the count again.
        let again = run(
            errorRule(for: 0, keepFiringFor: 10 * Self.minute),
            [(0, .value(0.02, events: 500)), (5, .value(0, events: 500)), (8, .value(0.02, events: 500)), (9, .value(0, events: 500)), (18, .value(0, events: 500)), (19, .value(0, events: 500))]
        )
        #expect(again == [.firing, .firing, .firing, .firing, .firing, .resolved])
    }

    @Test func aResolveThresholdKeepsAnAlertFiringUntilTheValueCrossesBack() {
        let states = run(
            errorRule(for: 0, resolve: 0.008),
            [(0, .value(0.009, events: 500)), (1, .value(0.02, events: 500)), (2, .value(0.009, events: 500)), (3, .value(0.007, events: 500))]
        )
        // 0.009 is below the threshold, so it does not start an alert, but it does not clear one either.
        #expect(states == [nil, .firing, .firing, .resolved])
    }

    @Test func windowsWithTooFewEventsDoNotMeetTheCondition() {
        let states = run(errorRule(for: 0, minimumEvents: 100), [(0, .value(0.5, events: 10)), (1, .value(0.5, events: 99)), (2, .value(0.5, events: 100))])
        #expect(states == [nil, nil, .firing])
        let rule = errorRule(for: 0, minimumEvents: 100)
        let firing = rule.step(nil, observation: .value(0.5, events: 200), now: 0, fingerprint: "f", labels: [:], annotations: [:]).instance
        let after = rule.step(firing, observation: .value(0.5, events: 3), now: Self.minute, fingerprint: "f", labels: [:], annotations: [:])
        #expect(after.instance?.state == .resolved)
        #expect(after.transition?.reason == "too few events (3 < 100)")
    }

    @Test func theNoDataPolicyDecidesWhatAWindowWithNothingToMeasureMeans() {
        let steps: [(Int64, AlertObservation)] = [(0, .value(0.5, events: 500)), (1, .noData), (2, .noData)]
        #expect(run(errorRule(for: 0, noData: .ok), steps) == [.firing, .resolved, .resolved])
        #expect(run(errorRule(for: 0, noData: .keep), steps) == [.firing, .firing, .firing])
        #expect(run(errorRule(for: 0, noData: .alerting), [(0, .noData), (1, .noData)]) == [.firing, .firing])
        // Pending alerts keep counting their `for` from when the condition first held, across windows without data.
        #expect(run(errorRule(noData: .keep), [(0, .value(0.5, events: 500)), (5, .noData), (10, .value(0.5, events: 500))]) == [.pending, .pending, .firing])
    }

    @Test func aResolvedAlertThatBreachesAgainStartsANewActivation() {
        let rule = errorRule(for: 5 * Self.minute)
        var instance: AlertInstance?
        for (minute, value) in [(0, 0.5), (5, 0.5), (6, 0.0)] as [(Int64, Double)] {
            instance = rule.step(instance, observation: .value(value, events: 500), now: minute * Self.minute, fingerprint: "f", labels: [:], annotations: [:]).instance
        }
        #expect(instance?.state == .resolved)
        let again = rule.step(instance, observation: .value(0.5, events: 500), now: 8 * Self.minute, fingerprint: "f", labels: [:], annotations: [:])
        #expect(again.instance?.state == .pending)
        #expect(again.instance?.activeAt == 8 * Self.minute)
        #expect(again.instance?.firedAt == nil)
        #expect(again.transition?.from == "resolved")
    }
}
