public import VigilAlerting

/// The dispatcher state, outbox and silences in memory: the twin of ``SQLiteStore``'s ``NotificationStore``
/// part, held to the same conformance tests.
public actor InMemoryNotificationStore: NotificationStore {
    private var state: NotificationDispatcher?
    private var outbox: [OutboxEntry] = []
    private var silenceList: [String: Silence] = [:]

    /// An empty store.
    public init() {}

    public func dispatcherState() -> NotificationDispatcher? { state }

    public func enqueue(_ entries: [OutboxEntry], state: NotificationDispatcher) {
        for var entry in entries {
            entry.id = Int64(outbox.count + 1)
            outbox.append(entry)
        }
        self.state = state
    }

    public func dueNotifications(now: Int64, limit: Int) -> [OutboxEntry] {
        Array(outbox.filter { $0.deliveredAt == nil && $0.abandonedAt == nil && $0.nextAttemptAt <= now }.prefix(max(0, limit)))
    }

    public func recordAttempt(id: Int64, at time: Int64, deliveredAt: Int64?, error: String?, nextAttemptAt: Int64?) {
        guard let index = outbox.firstIndex(where: { $0.id == id }) else { return }
        outbox[index].attempts += 1
        outbox[index].deliveredAt = deliveredAt
        outbox[index].lastError = error
        if deliveredAt == nil {
            if let nextAttemptAt { outbox[index].nextAttemptAt = nextAttemptAt } else { outbox[index].abandonedAt = time }
        }
    }

    public func notifications(limit: Int) -> [OutboxEntry] { Array(outbox.suffix(max(0, limit)).reversed()) }

    public func saveSilence(_ silence: Silence) { silenceList[silence.id] = silence }

    public func silences() -> [Silence] { silenceList.values.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) } }
}
