/// When an alert is delivered, and what is sent, as Prometheus does it for Alertmanager.
///
/// A firing alert is sent when it starts firing and again every ``resendDelay``, each time with `endsAt` four
/// evaluation (or resend) intervals ahead, so Alertmanager keeps it through two lost evaluations and
/// resolves it by itself if Vigil goes away. A resolved alert is sent with `endsAt` = when it resolved, and
/// again at every resend until ``AlertEvaluator/resolvedRetention`` passes. Pending alerts are never sent.
public struct AlertmanagerPolicy: Sendable, Equatable {
    /// Milliseconds between evaluations.
    public var evaluationInterval: Int64
    /// Milliseconds between resends of an unchanged alert (Prometheus' `--rules.alert.resend-delay`, 1 minute).
    public var resendDelay: Int64

    /// The policy for an evaluation interval and a resend delay (Prometheus' 1 minute by default).
    public init(evaluationInterval: Int64, resendDelay: Int64 = 60_000) {
        self.evaluationInterval = evaluationInterval
        self.resendDelay = resendDelay
    }

    /// Whether `instance` is due for delivery at `now`.
    public func isDue(_ instance: AlertInstance, now: Int64) -> Bool {
        switch instance.state {
        case .pending: return false
        case .resolved:
            guard let lastSent = instance.lastSentAt else { return instance.firedAt != nil }
            if let resolvedAt = instance.resolvedAt, resolvedAt > lastSent { return true }
            return now - lastSent >= resendDelay
        case .firing:
            guard let lastSent = instance.lastSentAt else { return true }
            if let firedAt = instance.firedAt, firedAt > lastSent { return true }
            return now - lastSent >= resendDelay
        }
    }

    /// `endsAt` of a delivery at `now`: four times the longer of the evaluation interval and the resend delay
    /// ahead for a firing alert, the resolution time for a resolved one.
    public func endsAt(_ instance: AlertInstance, now: Int64) -> Int64 {
        if instance.state == .resolved, let resolvedAt = instance.resolvedAt { return resolvedAt }
        return now + 4 * max(evaluationInterval, resendDelay)
    }
}
