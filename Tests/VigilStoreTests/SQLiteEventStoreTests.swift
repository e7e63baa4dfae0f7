import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// The embedded store on a real SQLite database on disk.
struct SQLiteEventStoreTests {
    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "vigil-store-\(UUID().uuidString)"
    }

    static func prediction(_ id: String, at milliseconds: Int64 = 1_700_000_000_000, version: String = "v1") -> PredictionEvent {
        PredictionEvent(
            id: id, timestampMilliseconds: milliseconds, version: version,
            features: ["age": .number(42), "city": .string("paris"), "member": .bool(true), "embedding": .vector([0.1, 0.2]), "note": .null],
            prediction: .scores(["yes": 0.7, "no": 0.3]), latencyMilliseconds: 12.5, segment: ["region": "eu"], metrics: ["revenue": 3.5]
        )
    }

    @Test func appendsAndReadsBackInLogOrder() async throws {
        let store = try SQLiteEventStore(directory: Self.temporaryDirectory())
        let events = (0..<250).map { Self.prediction("p\($0)", at: 1_700_000_000_000 + Int64($0)) }
        let result = try await store.append(predictions: events, model: "churn")
        #expect(result == AppendResult(stored: 250, alreadyPresent: []))
        let stored = try await store.predictions(model: "churn", after: 0, limit: 1000)
        #expect(stored.map(\.event) == events)
        #expect(zip(stored, stored.dropFirst()).allSatisfy { $0.position < $1.position })
        let tail = try await store.predictions(model: "churn", after: stored[199].position, limit: 1000)
        #expect(tail.map(\.event.id) == (200..<250).map { "p\($0)" })
        #expect(try await store.models() == ["churn"])
    }

    @Test func resendingIdsNeverCountsTwice() async throws {
        let store = try SQLiteEventStore(directory: Self.temporaryDirectory())
        _ = try await store.append(predictions: [Self.prediction("a"), Self.prediction("b")], model: "m")
        let again = try await store.append(predictions: [Self.prediction("b"), Self.prediction("c"), Self.prediction("c")], model: "m")
        #expect(again == AppendResult(stored: 1, alreadyPresent: ["b", "c"]))
        #expect(try await store.predictions(model: "m", after: 0, limit: 100).map(\.event.id) == ["a", "b", "c"])
        // The same id under another model is a different prediction.
        #expect(try await store.append(predictions: [Self.prediction("a")], model: "other").stored == 1)
    }

    @Test func labelsJoinWhetherTheyArriveBeforeOrAfter() async throws {
        let store = try SQLiteEventStore(directory: Self.temporaryDirectory())
        let early = LabelEvent(predictionId: "later", timestampMilliseconds: 1, value: .label("yes"))
        #expect(try await store.append(labels: [early], model: "m").stored == 1)
        _ = try await store.append(predictions: [Self.prediction("first"), Self.prediction("later")], model: "m")
        let late = LabelEvent(predictionId: "first", timestampMilliseconds: 2, value: .number(1))
        _ = try await store.append(labels: [late], model: "m")
        var stored = try await store.predictions(model: "m", after: 0, limit: 10)
        #expect(stored.first { $0.event.id == "first" }?.label == late)
        #expect(stored.first { $0.event.id == "later" }?.label == early)
        // A corrected label replaces the old one and says so.
        let correction = LabelEvent(predictionId: "later", timestampMilliseconds: 3, value: .label("no"))
        #expect(try await store.append(labels: [correction], model: "m") == AppendResult(stored: 1, alreadyPresent: ["later"]))
        stored = try await store.predictions(model: "m", after: 0, limit: 10)
        #expect(stored.first { $0.event.id == "later" }?.label == correction)
    }

    @Test func committedDataAndWatermarksSurviveReopening() async throws {
        let directory = Self.temporaryDirectory()
        do {
            let store = try SQLiteEventStore(directory: directory)
            _ = try await store.append(predictions: [Self.prediction("x")], model: "m")
            try await store.setWatermark("aggregator", to: 1)
        }
        let reopened = try SQLiteEventStore(directory: directory)
        #expect(try await reopened.predictions(model: "m", after: 0, limit: 10).map(\.event.id) == ["x"])
        #expect(try await reopened.watermark("aggregator") == 1)
        #expect(try await reopened.watermark("never-set") == 0)
        #expect(FileManager.default.fileExists(atPath: reopened.path))
    }

    @Test func migrationsAreRecordedAndIdempotent() async throws {
        let directory = Self.temporaryDirectory()
        _ = try SQLiteEventStore(directory: directory)
        let store = try SQLiteEventStore(directory: directory)  // second open: nothing to migrate, nothing lost
        _ = try await store.append(predictions: [Self.prediction("y")], model: "m")
        #expect(try await store.predictions(model: "m", after: 0, limit: 10).count == 1)
    }

    @Test func unusableDirectoryIsAClearError() {
        let error = #expect(throws: StoreError.self) { try SQLiteEventStore(directory: "/proc/vigil-cannot-write-here") }
        #expect(error?.description.contains("/proc/vigil-cannot-write-here") == true)
    }

    @Test func eventsRoundTripThroughJSON() throws {
        let event = Self.prediction("json")
        let decoded = try JSONDecoder().decode(PredictionEvent.self, from: JSONEncoder().encode(event))
        #expect(decoded == event)
        let bad = Data(#"{"id":"a","timestampMilliseconds":1,"version":"v","features":{"x":{"nested":1}},"status":"ok","segment":{},"metrics":{}}"#.utf8)
        #expect(throws: Swift.DecodingError.self) { try JSONDecoder().decode(PredictionEvent.self, from: bad) }
    }
}
