import Testing
import VigilAlerting

/// The guards of remediation hooks: triggers and matchers, one run per activation (the idempotency key), one
/// run in flight, the cooldown, dry runs and approval.
@Suite struct HookGuardTests {
    static let minute: Int64 = 60_000

    func alert(firedAt: Int64 = 0, state: AlertInstance.State = .firing) -> AlertInstance {
        let labels = ["alertname": "FraudErrors", "model_name": "fraud", "severity": "critical"]
        return AlertInstance(
            fingerprint: AlertInstance.fingerprint(labels), rule: "FraudErrors", labels: labels, annotations: [:], state: state, activeAt: firedAt, firedAt: firedAt,
            lastTrueAt: firedAt, value: 0.02
        )
    }

    let rollback = RemediationHook(name: "rollback", action: .command(["/usr/local/bin/rollback"]), matchers: [LabelMatcher("alertname", .equal, "FraudErrors")])

    func run(_ hook: RemediationHook, _ alert: AlertInstance, _ state: HookRun.State, startedAt: Int64?) -> HookRun {
        HookRun(hook: hook.name, key: hook.key(for: alert, trigger: .firing), trigger: .firing, fingerprint: alert.fingerprint, labels: alert.labels, state: state, action: [], createdAt: startedAt ?? 0, startedAt: startedAt)
    }

    @Test func aMatchingFiringAlertRunsTheHookOncePerActivation() {
        let firing = alert()
        #expect(HookGuard.decide(rollback, alert: firing, trigger: .firing, previous: [], now: 0) == .run)
        #expect(HookGuard.decide(rollback, alert: firing, trigger: .resolved, previous: [], now: 0) == nil)
        let other = RemediationHook(name: "other", action: .http(url: "http://x"), matchers: [LabelMatcher("model_name", .equal, "churn")])
        #expect(HookGuard.decide(other, alert: firing, trigger: .firing, previous: [], now: 0) == nil)
        // The same activation again (another evaluation, a restart): already logged, nothing to do.
        let done = run(rollback, firing, .succeeded, startedAt: 0)
        #expect(HookGuard.decide(rollback, alert: firing, trigger: .firing, previous: [done], now: 30 * Self.minute) == nil)
    }

    @Test func aNewActivationWaitsForTheCooldownAndForARunInFlight() {
        let first = alert(firedAt: 0)
        let again = alert(firedAt: 5 * Self.minute)
        let finished = run(rollback, first, .succeeded, startedAt: 0)
        #expect(HookGuard.decide(rollback, alert: again, trigger: .firing, previous: [finished], now: 5 * Self.minute) == .skip("cooldown: the last run started 300 s ago"))
        #expect(HookGuard.decide(rollback, alert: alert(firedAt: 11 * Self.minute), trigger: .firing, previous: [finished], now: 11 * Self.minute) == .run)
        let running = run(rollback, first, .running, startedAt: 0)
        #expect(HookGuard.decide(rollback, alert: alert(firedAt: 20 * Self.minute), trigger: .firing, previous: [running], now: 20 * Self.minute) == .skip("a run for this alert is in flight"))
    }

    @Test func dryRunsAreRecordedAndApprovalIsAwaited() {
        var hook = rollback
        hook.dryRun = true
        #expect(HookGuard.decide(hook, alert: alert(), trigger: .firing, previous: [], now: 0) == .dryRun)
        hook.dryRun = false
        hook.requiresApproval = true
        #expect(HookGuard.decide(hook, alert: alert(), trigger: .firing, previous: [], now: 0) == .awaitApproval)
        #expect(hook.key(for: alert(firedAt: 42), trigger: .firing) == "rollback/\(alert().fingerprint)/42/firing")
    }
}
