import Foundation
import Testing
import VigilAlerting
@testable import VigilStore

/// The same tests for every `HookStore`: a run's key is logged once, progress is recorded, the log reads newest first.
struct HookStoreConformanceTests {
    static func make(_ kind: AlertStoreConformanceTests.Kind) throws -> any HookStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryHookStore()
        }
    }

    static func run(_ key: String, fingerprint: String = "f1", hook: String = "rollback") -> HookRun {
        HookRun(hook: hook, key: key, trigger: .firing, fingerprint: fingerprint, labels: ["alertname": "E"], state: .running, action: ["/bin/true"], createdAt: 5, startedAt: 5)
    }

    @Test(arguments: AlertStoreConformanceTests.Kind.allCases)
    func aKeyIsLoggedOnceAndProgressIsRecorded(_ kind: AlertStoreConformanceTests.Kind) async throws {
        let store = try Self.make(kind)
        var first = try #require(try await store.appendHookRun(Self.run("k1")))
        #expect(try await store.appendHookRun(Self.run("k1")) == nil)
        let second = try #require(try await store.appendHookRun(Self.run("k2", fingerprint: "f2", hook: "notify")))
        #expect(first.id != second.id)
        first.state = .succeeded
        first.exitStatus = 0
        first.finishedAt = 9
        first.output = "rolled back"
        try await store.updateHookRun(first)
        #expect(try await store.hookRun(id: first.id) == first)
        #expect(try await store.hookRuns(hook: nil, fingerprint: nil, limit: 10).map(\.key) == ["k2", "k1"])
        #expect(try await store.hookRuns(hook: "rollback", fingerprint: "f1", limit: 10) == [first])
        #expect(try await store.hookRuns(hook: nil, fingerprint: "f2", limit: 10).map(\.key) == ["k2"])
        #expect(try await store.hookRun(id: 999) == nil)
    }
}
