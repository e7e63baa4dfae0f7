public import VigilAlerting

/// The part of the store that notifications stand on: the dispatcher's groups, the outbox of messages with
/// every delivery attempt, and silences.
///
/// New messages are stored with the dispatcher state that produced them, in one transaction: after a crash a
/// message is either in the outbox (and will be delivered) or its group does not count it as sent (and will
/// send it), never both and never neither.
public protocol NotificationStore: Sendable {
    /// The dispatcher state saved last; nil before the first.
    func dispatcherState() async throws(StoreError) -> NotificationDispatcher?

    /// Appends `entries` to the outbox (their ids are assigned) and saves `state`, in one transaction.
    func enqueue(_ entries: [OutboxEntry], state: NotificationDispatcher) async throws(StoreError)

    /// Messages neither delivered nor abandoned whose next attempt is due at `now`, oldest first.
    func dueNotifications(now: Int64, limit: Int) async throws(StoreError) -> [OutboxEntry]

    /// Records an attempt: delivered at `deliveredAt`, or failed with `error` and retried at `nextAttemptAt`
    /// (abandoned when that is nil).
    func recordAttempt(id: Int64, at time: Int64, deliveredAt: Int64?, error: String?, nextAttemptAt: Int64?) async throws(StoreError)

    /// The newest `limit` messages, newest first: the delivery log.
    func notifications(limit: Int) async throws(StoreError) -> [OutboxEntry]

    /// Adds a silence or replaces the one with its id.
    func saveSilence(_ silence: Silence) async throws(StoreError)

    /// Every silence, expired ones included, by start time.
    func silences() async throws(StoreError) -> [Silence]
}
