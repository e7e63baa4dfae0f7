import Foundation
import Logging
import Testing
import VigilCore
@testable import VigilServer
import VigilStats
import VigilStore

/// The server's quality service on the in-memory twin and on SQLite: the fixture's events in shuffled
/// orders, with catch-ups at arbitrary moments, leave byte-identical buckets and rollups.
struct QualityProfilesTests {
    static func events(_ name: String) -> (predictions: [PredictionEvent], labels: [[LabelEvent]]) {
        let entry = PerformanceTests.fixture[name] as! [String: Any]
        func bytes(_ object: [String: Any]) -> [UInt8] {
            var object = object
            object.removeValue(forKey: "order")
            return [UInt8](try! JSONSerialization.data(withJSONObject: object))
        }
        let predictions = (entry["predictions"] as! [[String: Any]]).map { try! PredictionEvent(wireJSON: bytes($0)) }
        var chains: [String: [LabelEvent]] = [:]
        var order: [String] = []
        for object in entry["labels"] as! [[String: Any]] {
            let label = try! LabelEvent(wireJSON: bytes(object))
            if chains[label.predictionId] == nil { order.append(label.predictionId) }
            chains[label.predictionId, default: []].append(label)
        }
        return (predictions, order.map { chains[$0]! })
    }

    /// Every stored bucket and rollup of the model, serialized.
    static func snapshot(_ store: any QualityStore, model: String) async throws -> [String: [UInt8]] {
        var rows: [String: [UInt8]] = [:]
        for span in [QualitySpan.bucket, .rollup] {
            for bucket in try await store.qualityBuckets(model: model, version: nil, starting: Int64.min..<Int64.max, span: span) {
                rows["\(span) \(bucket.key)"] = SketchEnvelope.serialize(bucket.profile)
            }
        }
        return rows
    }

    @Test(arguments: ["binary", "regression"])
    func shuffledDeliveriesLeaveTheSameQuality(model: String) async throws {
        let (predictions, chains) = Self.events(model)
        var snapshots: [[String: [UInt8]]] = []
        var generator = SplitMix64(seed: 42)
        for round in 0..<4 {
            let store = InMemoryQualityStore()
            let quality = QualityProfiles(store: store, bucketMilliseconds: 60_000, interval: .seconds(1), logger: Logger(label: "test"))
            enum Event { case prediction(PredictionEvent), labels([LabelEvent]) }
            var events = predictions.map(Event.prediction) + chains.map(Event.labels)
            if round > 0 { events.shuffle(using: &generator) }
            for (index, event) in events.enumerated() {
                switch event {
                case .prediction(let prediction): _ = try await store.append(predictions: [prediction], model: model)
                case .labels(let labels): _ = try await store.append(labels: labels, model: model, lateness: nil)
                }
                if index % 97 == 0 { try await quality.catchUp() }
            }
            try await quality.catchUp()
            snapshots.append(try await Self.snapshot(store, model: model))
        }
        #expect(!snapshots[0].isEmpty)
        for snapshot in snapshots.dropFirst() { #expect(snapshot == snapshots[0]) }

        // The same sends on SQLite, in the order sent.
        let sqlite = try SQLiteStore(directory: TestServer.temporaryDirectory())
        let quality = QualityProfiles(store: sqlite, bucketMilliseconds: 60_000, interval: .seconds(1), logger: Logger(label: "test"))
        _ = try await sqlite.append(predictions: predictions, model: model)
        for labels in chains { _ = try await sqlite.append(labels: labels, model: model, lateness: nil) }
        try await quality.catchUp()
        #expect(try await Self.snapshot(sqlite, model: model) == snapshots[0])
        if model == "regression" { #expect(await quality.recounted > 0, "a correction took a maximum away: its bucket was recounted") }
    }

    /// Callers that catch up at the same time take turns: each label folds once, and each caller sees its own.
    @Test func concurrentCatchUpsFoldEveryLabelOnce() async throws {
        let (predictions, chains) = Self.events("binary")
        let store = InMemoryQualityStore()
        let quality = QualityProfiles(store: store, bucketMilliseconds: 60_000, interval: .seconds(1), logger: Logger(label: "test"))
        _ = try await store.append(predictions: predictions, model: "binary")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for part in 0..<8 {
                group.addTask {
                    for (index, labels) in chains.enumerated() where index % 8 == part {
                        _ = try await store.append(labels: labels, model: "binary", lateness: nil)
                        if index % 5 == 0 {
                            try await quality.catchUp()
                            // Read-your-writes: this caller's label is in the quality now.
                            let window = try await quality.window(model: "binary", version: nil, range: Int64.min / 2..<Int64.max / 2)
                            #expect(window.labelled >= 1)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await quality.catchUp()
        let reference = InMemoryQualityStore()
        let sequential = QualityProfiles(store: reference, bucketMilliseconds: 60_000, interval: .seconds(1), logger: Logger(label: "test"))
        _ = try await reference.append(predictions: predictions, model: "binary")
        for labels in chains { _ = try await reference.append(labels: labels, model: "binary", lateness: nil) }
        try await sequential.catchUp()
        #expect(try await Self.snapshot(store, model: "binary") == Self.snapshot(reference, model: "binary"))
    }
}
