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

/// The hook audit log in memory: the twin of ``SQLiteStore``'s ``HookStore`` part, held to the same tests.
public actor InMemoryHookStore: HookStore {
    private var runs: [HookRun] = []

    public init() {}

    public func appendHookRun(_ run: HookRun) -> HookRun? {
        guard !runs.contains(where: { $0.key == run.key }) else { return nil }
        var run = run
        run.id = Int64(runs.count + 1)
        runs.append(run)
        return run
    }

    public func updateHookRun(_ run: HookRun) {
        guard let index = runs.firstIndex(where: { $0.id == run.id }) else { return }
        runs[index] = run
    }

    public func hookRuns(hook: String?, fingerprint: String?, limit: Int) -> [HookRun] {
        Array(runs.reversed().filter { (hook == nil || $0.hook == hook) && (fingerprint == nil || $0.fingerprint == fingerprint) }.prefix(max(0, limit)))
    }

    public func hookRun(id: Int64) -> HookRun? { runs.first { $0.id == id } }
}
