import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilStore

/// The label log: what each label does to model quality, read back as folds in log order.
struct LabelLogTests {
    static func label(_ id: String, _ value: String, at milliseconds: Int64 = 1_700_000_060_000) -> LabelEvent {
        LabelEvent(predictionId: id, timestampMilliseconds: milliseconds, value: .label(value))
    }

    @Test func labelsFoldOnceTheirPredictionIsStoredAndCorrectionsNameWhatTheyReplace() async throws {
        let store = try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        // "b" waits for its prediction; "a" folds at once, then is corrected; "z" never meets a prediction.
        _ = try await store.append(labels: [Self.label("b", "no"), Self.label("z", "no")], model: "m")
        _ = try await store.append(predictions: [SQLiteStoreTests.prediction("a")], model: "m")
        _ = try await store.append(labels: [Self.label("a", "no")], model: "m")
        let corrected = try await store.append(labels: [Self.label("a", "yes")], model: "m")
        #expect(corrected.alreadyPresent == ["a"])
        _ = try await store.append(predictions: [SQLiteStoreTests.prediction("b")], model: "m")

        let page = try await store.labelFolds(after: 0, limit: 100)
        #expect(page.folds.map(\.prediction.id) == ["a", "a", "b"])
        #expect(page.folds.map { $0.label.value } == [.label("no"), .label("yes"), .label("no")])
        #expect(page.folds.map { $0.replaced?.value } == [nil, .label("no"), nil])
        #expect(page.through == 5, "the two waiting labels, two labels of a, and the match of b")
        #expect(try await store.labelFolds(after: page.through, limit: 100).folds.isEmpty)
        let counts = try await store.labelCounts(model: "m")
        #expect(counts.labels == 3 && counts.matched == 2 && counts.unmatched == 1 && counts.late == 0)
    }

    /// The kept counts equal the counts taken afresh from the tables, through early, applied, late and
    /// corrected labels, predictions that meet waiting labels, and retention.
    @Test func keptLabelCountsEqualACountFromTheTables() async throws {
        let store = try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        var random = SystemRandomNumberGenerator()
        func fresh() async throws -> [Int] {
            let database = try openDatabase(store.path)
            return try await database.read { db in
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*) AS labels, COUNT(p.id) AS matched, SUM(CASE WHEN e.kind = \(LabelLogEntryKind.late.rawValue) THEN 1 ELSE 0 END) AS late
                    FROM labels l LEFT JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id
                    LEFT JOIN label_log e ON e.position = l.position WHERE l.model = 'm'
                    """)
                return [row?["labels"] ?? 0, row?["matched"] ?? 0, row?["late"] ?? 0]
            }
        }
        func kept() async throws -> [Int] {
            let counts = try await store.labelCounts(model: "m")
            return [counts.labels, counts.matched, counts.late]
        }
        for round in 0..<6 {
            let ids = (0..<40).map { "r\(round)-\($0)" }
            // Half the predictions first, some labels (early, on time, late, and corrections), then the rest.
            _ = try await store.append(predictions: ids.prefix(20).map { SQLiteStoreTests.prediction($0, at: Int64(round) * 1000) }, model: "m")
            let labels = ids.shuffled(using: &random).prefix(30).map { id in
                Self.label(id, Bool.random(using: &random) ? "yes" : "no", at: Int64(round) * 1000 + (Bool.random(using: &random) ? 10 : 100_000))
            }
            _ = try await store.append(labels: labels, model: "m", lateness: 50_000)
            _ = try await store.append(labels: Array(labels.prefix(8)).map { Self.label($0.predictionId, "yes", at: $0.timestampMilliseconds + 5) }, model: "m", lateness: 50_000)
            _ = try await store.append(predictions: ids.suffix(20).map { SQLiteStoreTests.prediction($0, at: Int64(round) * 1000) }, model: "m")
            #expect(try await kept() == fresh(), "round \(round)")
        }
        _ = try await store.deletePredictions(before: 3000)
        #expect(try await kept() == fresh(), "after retention")
    }

    @Test func aLabelLaterThanTheLatenessIsStoredNotFolded() async throws {
        let store = try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        _ = try await store.append(predictions: [SQLiteStoreTests.prediction("a", at: 0), SQLiteStoreTests.prediction("b", at: 0)], model: "m")
        let result = try await store.append(labels: [Self.label("a", "yes", at: 10_000), Self.label("b", "yes", at: 100_000)], model: "m", lateness: 60_000)
        #expect(result.stored == 2 && result.late == ["b"])
        let page = try await store.labelFolds(after: 0, limit: 100)
        #expect(page.folds.map(\.prediction.id) == ["a"] && page.through == 2)
        #expect(try await store.labelCounts(model: "m").late == 1)
        // The late label is the latest label all the same, as the API shows it.
        #expect(try await store.prediction(model: "m", id: "b")?.label?.value == .label("yes"))
    }

    @Test func aWaitingLabelIsFoundAfterTheStoreIsOpenedAgain() async throws {
        let directory = SQLiteStoreTests.temporaryDirectory()
        _ = try await SQLiteStore(directory: directory).append(labels: [Self.label("a", "yes")], model: "m")
        let reopened = try SQLiteStore(directory: directory)
        _ = try await reopened.append(predictions: [SQLiteStoreTests.prediction("a")], model: "m")
        #expect(try await reopened.labelFolds(after: 0, limit: 100).folds.map(\.prediction.id) == ["a"])
    }

    @Test func qualityBucketsAreSavedWithTheirWatermarkAndReadByRange() async throws {
        let store = try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        _ = try await store.append(predictions: [SQLiteStoreTests.prediction("a")], model: "m")
        _ = try await store.append(labels: [Self.label("a", "yes")], model: "m")
        let fold = try await store.labelFolds(after: 0, limit: 10).folds[0]
        var profile = QualityProfile()
        profile.fold(fold)
        let key = fold.key(width: 60_000)
        let hour = BucketKey(model: key.model, version: key.version, start: BucketKey.start(of: key.start, width: 3_600_000))
        try await store.saveQualityBuckets(
            [QualityBucket(key: key, profile: profile)], rollups: [QualityBucket(key: hour, profile: profile)], watermark: "quality", position: 1
        )
        #expect(try await store.watermark("quality") == 1)
        #expect(try await store.qualityBuckets([key], span: .bucket).map(\.profile) == [profile])
        #expect(try await store.qualityBuckets([hour], span: .rollup).map(\.profile) == [profile])
        #expect(try await store.qualityBuckets(model: "m", version: "v1", starting: key.start..<(key.start + 1), span: .bucket).count == 1)
        #expect(try await store.qualityBuckets(model: "m", version: "v2", starting: key.start..<(key.start + 1), span: .bucket).isEmpty)
        // A bucket whose labels were all taken away is removed.
        try await store.saveQualityBuckets([QualityBucket(key: key, profile: QualityProfile())], rollups: [], watermark: "quality", position: 2)
        #expect(try await store.qualityBuckets([key], span: .bucket).isEmpty)
        // The recount source: each prediction of the bucket with its label as of a position.
        #expect(try await store.labelledPredictions(in: key, width: 60_000, through: 1).map(\.label.value) == [.label("yes")])
        #expect(try await store.labelledPredictions(in: key, width: 60_000, through: 0).isEmpty)
    }

    /// A store written before the label log (migrations up to v4) keeps its labels: they enter the log in
    /// arrival order, those whose prediction is stored as folding entries.
    @Test func labelsStoredBeforeTheLabelLogEnterIt() async throws {
        let directory = SQLiteStoreTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: directory + "/vigil.sqlite")
        try SQLiteStore.migrator.migrate(queue, upTo: "v4-bucket-positions")
        let prediction = SQLiteStoreTests.prediction("a")
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO predictions (model, id, timestamp_ms, version, payload) VALUES ('m', 'a', ?, 'v1', ?)",
                arguments: [prediction.timestampMilliseconds, Data(prediction.wireJSON)]
            )
            for (id, value) in [("a", "yes"), ("w", "no")] {
                try db.execute(
                    sql: "INSERT INTO labels (model, prediction_id, timestamp_ms, payload) VALUES ('m', ?, 1, ?)",
                    arguments: [id, Data(Self.label(id, value).wireJSON)]
                )
            }
        }
        try queue.close()
        let store = try SQLiteStore(directory: directory)
        let page = try await store.labelFolds(after: 0, limit: 10)
        #expect(page.folds.map(\.prediction.id) == ["a"] && page.through == 2)
        // "w" waits: its prediction, stored now, folds it.
        _ = try await store.append(predictions: [SQLiteStoreTests.prediction("w")], model: "m")
        #expect(try await store.labelFolds(after: 2, limit: 10).folds.map(\.label.value) == [.label("no")])
    }
}
