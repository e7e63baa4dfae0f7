public import VigilAlerting

/// Alert state and history in memory: the twin of ``SQLiteStore``'s ``AlertStore`` part, held to the same
/// conformance tests.
public actor InMemoryAlertStore: AlertStore {
    private var instances: [String: AlertInstance] = [:]
    private var history: [AlertTransition] = []

    /// An empty store.
    public init() {}

    /// Every stored alert, by fingerprint.
    public func alerts() -> [AlertInstance] { instances.values.sorted { $0.fingerprint < $1.fingerprint } }

    /// Saves changed alerts, drops removed ones and appends the history, as one step.
    public func saveAlerts(_ changed: [AlertInstance], removing removed: [String], history entries: [AlertTransition]) {
        for instance in changed { instances[instance.fingerprint] = instance }
        for fingerprint in removed { instances[fingerprint] = nil }
        history += entries
    }

    /// The newest `limit` transitions, newest first.
    public func alertHistory(limit: Int) -> [AlertTransition] { Array(history.suffix(max(0, limit)).reversed()) }
}
