public import VigilAlerting

/// The audit log of remediation hooks: every run (or decision not to run) with its trigger, action, outcome
/// and approver, append-only but for a run's own progress. A run's idempotency key is unique, so a restart
/// never runs a hook twice for the same firing.
public protocol HookStore: Sendable {
    /// Logs a new run and returns it with its id; nil when a run with its key is logged already.
    func appendHookRun(_ run: HookRun) async throws(StoreError) -> HookRun?

    /// Records a logged run's progress (started, finished, approved).
    func updateHookRun(_ run: HookRun) async throws(StoreError)

    /// The newest `limit` runs (of one hook and alert when given), newest first.
    func hookRuns(hook: String?, fingerprint: String?, limit: Int) async throws(StoreError) -> [HookRun]

    func hookRun(id: Int64) async throws(StoreError) -> HookRun?
}
