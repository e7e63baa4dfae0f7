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
        var generator = SplitMixGenerator(seed: 42)
        for round in 0..<4 {
            let store = InMemoryQualityStore()
            let quality = QualityProfiles(store: store, bucketMilliseconds: 60_000, interval: .seconds(1), logger: Logger(label: "test"))
            enum Event { case prediction(PredictionEvent), labels([LabelEvent]) }
            var events = predictions.map(Event.prediction) + chains.map(Event.labels)
            if round > 0 { events.shuffle(using: &generator) }
            for (index, event) in events.enumerated() {
                switch event {
                case .prediction(let prediction): await store.append(predictions: [prediction], model: model)
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
}

/// SplitMix64, so a shuffled order can be replayed.
struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
