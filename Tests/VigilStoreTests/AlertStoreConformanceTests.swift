import Foundation
import Testing
import VigilAlerting
@testable import VigilStore

/// The same tests for every `AlertStore`: SQLite and the in-memory twin keep alert state and history alike.
struct AlertStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    static func make(_ kind: Kind) throws -> any AlertStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryAlertStore()
        }
    }

    static func alert(_ name: String, state: AlertInstance.State, at time: Int64) -> AlertInstance {
        let labels = ["alertname": name, "model_name": "fraud", "model_version": "v1", "severity": "critical"]
        return AlertInstance(
            fingerprint: AlertInstance.fingerprint(labels), rule: name, labels: labels, annotations: ["summary": "\(name) of fraud v1"], state: state,
            activeAt: time, firedAt: state == .pending ? nil : time, lastTrueAt: time, value: 0.02, lastSentAt: state == .firing ? time : nil
        )
    }

    static func transition(_ alert: AlertInstance, _ from: String, _ to: String, at time: Int64) -> AlertTransition {
        AlertTransition(time: time, fingerprint: alert.fingerprint, rule: alert.rule, labels: alert.labels, from: from, to: to, value: alert.value)
    }

    @Test(arguments: Kind.allCases)
    func savedAlertsReadBackExactlyAndRemovedOnesAreGone(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let errors = Self.alert("Errors", state: .firing, at: 1_000)
        let latency = Self.alert("Latency", state: .pending, at: 2_000)
        try await store.saveAlerts([errors, latency], removing: [], history: [])
        #expect(try await store.alerts() == [errors, latency].sorted { $0.fingerprint < $1.fingerprint })
        var resolved = errors
        resolved.state = .resolved
        resolved.resolvedAt = 5_000
        try await store.saveAlerts([resolved], removing: [latency.fingerprint], history: [])
        #expect(try await store.alerts() == [resolved])
    }

    @Test(arguments: Kind.allCases)
    func historyIsAppendOnlyAndReadNewestFirst(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let errors = Self.alert("Errors", state: .firing, at: 1_000)
        let entries = [Self.transition(errors, "inactive", "pending", at: 1_000), Self.transition(errors, "pending", "firing", at: 2_000)]
        try await store.saveAlerts([errors], removing: [], history: [entries[0]])
        try await store.saveAlerts([], removing: [], history: [entries[1]])
        #expect(try await store.alertHistory(limit: 10) == entries.reversed())
        #expect(try await store.alertHistory(limit: 1) == [entries[1]])
        #expect(try await store.alertHistory(limit: 0).isEmpty)
    }

    @Test func alertStateSurvivesReopeningTheDatabase() async throws {
        let directory = SQLiteStoreTests.temporaryDirectory()
        let firing = Self.alert("Errors", state: .firing, at: 1_000)
        do {
            let store = try SQLiteStore(directory: directory)
            try await store.saveAlerts([firing], removing: [], history: [Self.transition(firing, "pending", "firing", at: 1_000)])
        }
        let reopened = try SQLiteStore(directory: directory)
        #expect(try await reopened.alerts() == [firing])
        #expect(try await reopened.alertHistory(limit: 5).count == 1)
    }
}
