public import Foundation

/// A message waiting in (or delivered from) the outbox.
public struct OutboxEntry: Sendable, Equatable {
    /// Its number, assigned when it is enqueued.
    public var id: Int64
    /// The receiver's name.
    public var receiver: String
    /// The group it is about.
    public var groupKey: String
    /// `firing` or `resolved`.
    public var status: String
    /// The body to send, rendered when the message was made.
    public var body: Data
    /// When it was made.
    public var createdAt: Int64
    /// Delivery attempts so far.
    public var attempts: Int
    /// When it is due next.
    public var nextAttemptAt: Int64
    /// When a receiver took it.
    public var deliveredAt: Int64?
    /// Why the last attempt failed.
    public var lastError: String?
    /// Set when the outbox gave up (after ``NotificationStore`` callers' retry limit).
    public var abandonedAt: Int64?

    /// An entry with every field given.
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
