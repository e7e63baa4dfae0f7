import Foundation
import Testing
import VigilAlerting
@testable import VigilStore

/// The same tests for every `NotificationStore`: SQLite and the in-memory twin keep the outbox, the
/// dispatcher's groups and silences alike.
struct NotificationStoreConformanceTests {
    static func make(_ kind: AlertStoreConformanceTests.Kind) throws -> any NotificationStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryNotificationStore()
        }
    }

    static func entry(_ receiver: String, at time: Int64) -> OutboxEntry {
        OutboxEntry(receiver: receiver, groupKey: "0:{}", status: "firing", body: Data(#"{"text":"x"}"#.utf8), createdAt: time, nextAttemptAt: time)
    }

    @Test(arguments: AlertStoreConformanceTests.Kind.allCases)
    func messagesAreStoredWithTheDispatcherStateAndLeaveTheOutboxWhenDelivered(_ kind: AlertStoreConformanceTests.Kind) async throws {
        let store = try Self.make(kind)
        #expect(try await store.dispatcherState() == nil)
        var state = NotificationDispatcher()
        _ = state.step(
            alerts: [AlertInstance(fingerprint: "f", rule: "r", labels: ["alertname": "r"], annotations: [:], state: .firing, activeAt: 0, firedAt: 0, lastTrueAt: 0, value: 1)],
            route: NotificationRoute(receiver: "hook", groupWait: 0), muted: [:], sendResolved: { _ in true }, now: 0
        )
        try await store.enqueue([Self.entry("hook", at: 10), Self.entry("chat", at: 10)], state: state)
        #expect(try await store.dispatcherState() == state)
        let due = try await store.dueNotifications(now: 10, limit: 10)
        #expect(due.map(\.receiver) == ["hook", "chat"])
        #expect(Set(due.map(\.id)).count == 2)
        try await store.recordAttempt(id: due[0].id, at: 11, deliveredAt: 11, error: nil, nextAttemptAt: nil)
        try await store.recordAttempt(id: due[1].id, at: 11, deliveredAt: nil, error: "chat answered 503", nextAttemptAt: 16)
        #expect(try await store.dueNotifications(now: 15, limit: 10).isEmpty)
        #expect(try await store.dueNotifications(now: 16, limit: 10).map(\.receiver) == ["chat"])
        try await store.recordAttempt(id: due[1].id, at: 16, deliveredAt: nil, error: "chat answered 503", nextAttemptAt: nil)
        #expect(try await store.dueNotifications(now: 1_000, limit: 10).isEmpty)
        let log = try await store.notifications(limit: 10)
        #expect(log.map(\.receiver) == ["chat", "hook"])
        #expect(log[0].attempts == 2 && log[0].abandonedAt == 16 && log[0].lastError == "chat answered 503")
        #expect(log[1].attempts == 1 && log[1].deliveredAt == 11)
    }

    @Test(arguments: AlertStoreConformanceTests.Kind.allCases)
    func silencesAreSavedAndReplacedById(_ kind: AlertStoreConformanceTests.Kind) async throws {
        let store = try Self.make(kind)
        var silence = Silence(id: "a", matchers: [#"model_name="fraud""#], startsAt: 100, endsAt: 200, createdBy: "ana", comment: "retraining")
        try await store.saveSilence(silence)
        try await store.saveSilence(Silence(id: "b", matchers: ["severity=warning"], startsAt: 50, endsAt: 500, createdBy: "bo", comment: "noise"))
        silence.endsAt = 150
        try await store.saveSilence(silence)
        #expect(try await store.silences().map(\.id) == ["b", "a"])
        #expect(try await store.silences().last?.endsAt == 150)
    }
}
