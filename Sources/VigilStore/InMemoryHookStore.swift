public import VigilAlerting

/// The hook audit log in memory: the twin of ``SQLiteStore``'s ``HookStore`` part, held to the same tests.
public actor InMemoryHookStore: HookStore {
    private var runs: [HookRun] = []

    /// An empty store.
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
