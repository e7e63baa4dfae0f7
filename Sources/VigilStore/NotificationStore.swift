public import Foundation
public import VigilAlerting

/// A message waiting in (or delivered from) the outbox.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var receiver: String
    public var groupKey: String
    /// `firing` or `resolved`.
    public var status: String
    /// The body to send, rendered when the message was made.
    public var body: Data
    public var createdAt: Int64
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var deliveredAt: Int64?
    public var lastError: String?
    /// Set when the outbox gave up (after ``NotificationStore`` callers' retry limit).
    public var abandonedAt: Int64?

    public init(
        id: Int64 = 0, receiver: String, groupKey: String, status: String, body: Data, createdAt: Int64, attempts: Int = 0, nextAttemptAt: Int64,
        deliveredAt: Int64? = nil, lastError: String? = nil, abandonedAt: Int64? = nil
    ) {
        self.id = id
        self.receiver = receiver
        self.groupKey = groupKey
        self.status = status
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
        self.abandonedAt = abandonedAt
    }
}

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

/// The dispatcher state, outbox and silences in memory: the twin of ``SQLiteStore``'s ``NotificationStore``
/// part, held to the same conformance tests.
public actor InMemoryNotificationStore: NotificationStore {
    private var state: NotificationDispatcher?
    private var outbox: [OutboxEntry] = []
    private var silenceList: [String: Silence] = [:]

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
