import Testing
import VigilAlerting
import VigilCore

/// Delivery timing as Prometheus sends to Alertmanager: at once when firing, every resend delay after, `endsAt`
/// four intervals ahead, resolutions resent for 15 minutes.
@Suite struct AlertmanagerPolicyTests {
    let policy = AlertmanagerPolicy(evaluationInterval: 15_000, resendDelay: 60_000)

    func firing(at time: Int64, sent: Int64? = nil) -> AlertInstance {
        AlertInstance(fingerprint: "f", rule: "r", labels: [:], annotations: [:], state: .firing, activeAt: 0, firedAt: time, lastTrueAt: time, value: 1, lastSentAt: sent)
    }

    @Test func aFiringAlertIsSentAtOnceThenEveryResendDelay() {
        #expect(policy.isDue(firing(at: 10_000), now: 10_000))
        #expect(!policy.isDue(firing(at: 10_000, sent: 10_000), now: 55_000))
        #expect(policy.isDue(firing(at: 10_000, sent: 10_000), now: 70_000))
    }

    @Test func endsAtIsFourTimesTheLongerOfTheIntervalAndTheResendDelayAhead() {
        #expect(policy.endsAt(firing(at: 0), now: 1_000) == 1_000 + 240_000)
        let slow = AlertmanagerPolicy(evaluationInterval: 300_000, resendDelay: 60_000)
        #expect(slow.endsAt(firing(at: 0), now: 1_000) == 1_000 + 1_200_000)
    }

    @Test func aResolvedAlertIsSentAtOnceWithEndsAtItsResolutionAndResentAfterwards() {
        var resolved = firing(at: 0, sent: 50_000)
        resolved.state = .resolved
        resolved.resolvedAt = 60_000
        #expect(policy.isDue(resolved, now: 60_000))
        #expect(policy.endsAt(resolved, now: 75_000) == 60_000)
        resolved.lastSentAt = 60_000
        #expect(!policy.isDue(resolved, now: 90_000))
        #expect(policy.isDue(resolved, now: 120_000))
    }

    @Test func pendingAlertsAreNeverSent() {
        let pending = AlertInstance(fingerprint: "f", rule: "r", labels: [:], annotations: [:], state: .pending, activeAt: 0, lastTrueAt: 0, value: 1)
        #expect(!policy.isDue(pending, now: 1_000_000))
    }
}
