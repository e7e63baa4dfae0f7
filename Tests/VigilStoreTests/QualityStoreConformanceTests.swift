import Foundation
import Testing
import VigilCore
import VigilStats
@testable import VigilStore

/// The same tests for every `QualityStore`: the embedded SQLite store and the in-memory twin must agree on
/// what each label does, what folds, and what is saved.
struct QualityStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    /// A store of the kind, and how to put predictions into it.
    struct Subject {
        var store: any QualityStore
        var addPredictions: @Sendable ([PredictionEvent], String) async throws -> Void
    }

    static func make(_ kind: Kind) throws -> Subject {
        switch kind {
        case .sqlite:
            let store = try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
            return Subject(store: store) { events, model in _ = try await store.append(predictions: events, model: model) }
        case .memory:
            let store = InMemoryQualityStore()
            return Subject(store: store) { events, model in _ = try await store.append(predictions: events, model: model) }
        }
    }

    static func prediction(_ id: String, at milliseconds: Int64 = 1_700_000_000_000, value: PredictionValue = .label("yes")) -> PredictionEvent {
        PredictionEvent(id: id, timestampMilliseconds: milliseconds, version: "v1", prediction: value)
    }

    static func label(_ id: String, _ value: String, at milliseconds: Int64 = 1_700_000_060_000) -> LabelEvent {
        LabelEvent(predictionId: id, timestampMilliseconds: milliseconds, value: .label(value))
    }

    @Test(arguments: Kind.allCases)
    func eachLabelFoldsAsTheLogSays(kind: Kind) async throws {
        let subject = try Self.make(kind)
        let store = subject.store
        _ = try await store.append(labels: [Self.label("b", "no"), Self.label("z", "no")], model: "m", lateness: nil)
        try await subject.addPredictions([Self.prediction("a"), Self.prediction("old", at: 0)], "m")
        _ = try await store.append(labels: [Self.label("a", "no")], model: "m", lateness: 3_600_000)
        let corrected = try await store.append(labels: [Self.label("a", "yes"), Self.label("old", "yes")], model: "m", lateness: 3_600_000)
        #expect(corrected.alreadyPresent == ["a"] && corrected.late == ["old"] && corrected.stored == 2)
        try await subject.addPredictions([Self.prediction("b")], "m")

        let page = try await store.labelFolds(after: 0, limit: 100)
        #expect(page.folds.map(\.prediction.id) == ["a", "a", "b"])
        #expect(page.folds.map { $0.replaced?.value } == [nil, .label("no"), nil])
        #expect(page.through == 6)
        // Paging: a limit cuts the read, and the next read goes on from where it stopped.
        let first = try await store.labelFolds(after: 0, limit: 3)
        let rest = try await store.labelFolds(after: first.through, limit: 100)
        #expect(first.through == 3 && (first.folds + rest.folds) == page.folds && rest.through == 6)
        let counts = try await store.labelCounts(model: "m")
        #expect(counts == LabelCounts(labels: 4, matched: 3, late: 1))
        // The recount source: each prediction of a bucket with its label as of a position.
        let key = page.folds[0].key(width: 60_000)
        // As of entry 3, "b" (matched at 6) has no label yet.
        #expect(try await store.labelledPredictions(in: key, width: 60_000, through: 3).map(\.label.value) == [.label("no")])
        #expect(try await store.labelledPredictions(in: key, width: 60_000, through: 6).map(\.label.value) == [.label("yes"), .label("no")])
    }

    @Test(arguments: Kind.allCases)
    func bucketsAndRollupsAreSavedWithTheWatermark(kind: Kind) async throws {
        let subject = try Self.make(kind)
        let store = subject.store
        try await subject.addPredictions([Self.prediction("a")], "m")
        _ = try await store.append(labels: [Self.label("a", "yes")], model: "m", lateness: nil)
        let fold = try await store.labelFolds(after: 0, limit: 10).folds[0]
        var profile = QualityProfile()
        profile.fold(fold)
        let key = fold.key(width: 60_000)
        let hour = BucketKey(model: key.model, version: key.version, start: BucketKey.start(of: key.start, width: 3_600_000))
        #expect(try await store.watermark("quality") == 0)
        try await store.saveQualityBuckets([QualityBucket(key: key, profile: profile)], rollups: [QualityBucket(key: hour, profile: profile)], watermark: "quality", position: 1)
        #expect(try await store.watermark("quality") == 1)
        #expect(try await store.qualityBuckets([key, hour], span: .bucket).map(\.profile) == [profile])
        #expect(try await store.qualityBuckets([hour], span: .rollup).map(\.profile) == [profile])
        #expect(try await store.qualityBuckets(model: "m", version: nil, starting: hour.start..<(hour.start + 3_600_000), span: .bucket).map(\.key) == [key])
        #expect(try await store.qualityBuckets(model: "m", version: "v2", starting: hour.start..<(hour.start + 3_600_000), span: .rollup).isEmpty)
        try await store.saveQualityBuckets([QualityBucket(key: key, profile: QualityProfile())], rollups: [], watermark: "quality", position: 2)
        #expect(try await store.qualityBuckets([key], span: .bucket).isEmpty)
        #expect(try await store.watermark("quality") == 2)
    }

    @Test(arguments: Kind.allCases)
    func anEstimatorIsKeptPerVersionAndReplaced(kind: Kind) async throws {
        let store = try Self.make(kind).store
        let scores = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.7, 0.6]
        let actual = [false, false, true, true, true, false, false, true]
        let first = try CBPE(negativeClass: "no", positiveClass: "yes", scores: scores, predicted: scores.map { $0 >= 0.5 }, actual: actual)
        let second = try CBPE(negativeClass: "no", positiveClass: "yes", scores: scores, predicted: scores.map { $0 >= 0.3 }, actual: actual)
        #expect(try await store.estimators(model: "m").isEmpty)
        try await store.setEstimator(StoredEstimator(estimator: first, source: "first", createdMilliseconds: 1), model: "m", version: "v1")
        try await store.setEstimator(StoredEstimator(estimator: first, source: "v2's", createdMilliseconds: 2), model: "m", version: "v2")
        try await store.setEstimator(StoredEstimator(estimator: second, source: "second", createdMilliseconds: 3), model: "m", version: "v1")
        let stored = try await store.estimators(model: "m")
        #expect(stored["v1"] == StoredEstimator(estimator: second, source: "second", createdMilliseconds: 3))
        #expect(stored["v2"]?.source == "v2's")
        #expect(try await store.estimators(model: "other").isEmpty)
    }

    /// The fixture-sized check: both stores give the same folds, entry for entry, for the same sends.
    @Test func bothStoresFoldTheSameLabels() async throws {
        var pages: [[LabelFold]] = []
        for kind in Kind.allCases {
            let subject = try Self.make(kind)
            try await subject.addPredictions((0..<50).map { Self.prediction("p\($0)", at: 1_700_000_000_000 + Int64($0) * 7_000) }, "m")
            for round in 0..<3 {
                let labels = (0..<60).map { Self.label("p\(($0 * 7 + round) % 55)", $0 % 3 == 0 ? "yes" : "no") }
                _ = try await subject.store.append(labels: labels, model: "m", lateness: nil)
            }
            try await subject.addPredictions((50..<55).map { Self.prediction("p\($0)") }, "m")
            pages.append(try await subject.store.labelFolds(after: 0, limit: 10_000).folds)
        }
        #expect(pages[0] == pages[1])
        #expect(pages[0].count > 150)
    }
}
