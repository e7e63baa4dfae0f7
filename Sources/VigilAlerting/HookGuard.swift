/// Decides, without I/O, what a transition does to each hook: run, wait for approval, record a dry run, skip
/// (cooldown, one in flight), or nothing (already run for this key, not matched, not its trigger).
public enum HookGuard {
    /// What to do with a hook for one alert and trigger.
    public enum Decision: Sendable, Equatable {
        case run, awaitApproval, dryRun
        case skip(String)
    }

    /// - Parameters:
    ///   - previous: the runs already logged for this hook and alert (any key), newest first.
    public static func decide(
        _ hook: RemediationHook, alert: AlertInstance, trigger: RemediationHook.Trigger, previous: [HookRun], now: Int64
    ) -> Decision? {
        guard hook.on.contains(trigger), hook.matchers.allMatch(alert.labels) else { return nil }
        let key = hook.key(for: alert, trigger: trigger)
        // Idempotency: this activation's trigger has a run already (done, waiting, running or skipped).
        if previous.contains(where: { $0.key == key }) { return nil }
        if previous.contains(where: { $0.state == .running || $0.state == .awaitingApproval }) { return .skip("a run for this alert is in flight") }
        if let last = previous.first(where: { $0.state == .succeeded || $0.state == .failed || $0.state == .running }), let started = last.startedAt,
           now - started < hook.cooldown {
            return .skip("cooldown: the last run started \((now - started) / 1000) s ago")
        }
        if hook.dryRun { return .dryRun }
        return hook.requiresApproval ? .awaitApproval : .run
    }
}
