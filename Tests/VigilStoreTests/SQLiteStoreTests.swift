import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilStore

/// The embedded store on a real SQLite database on disk.
struct SQLiteStoreTests {
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

    @Test func committedDataAndWatermarksSurviveReopening() async throws {
        let directory = Self.temporaryDirectory()
        do {
            let store = try SQLiteStore(directory: directory)
            _ = try await store.append(predictions: [Self.prediction("x")], model: "m")
            try await store.setWatermark("aggregator", to: 1)
        }
        let reopened = try SQLiteStore(directory: directory)
        #expect(try await reopened.predictions(model: "m", after: 0, limit: 10).map(\.event.id) == ["x"])
        #expect(try await reopened.watermark("aggregator") == 1)
        #expect(try await reopened.watermark("never-set") == 0)
        #expect(FileManager.default.fileExists(atPath: reopened.path))
    }

    @Test func migrationsAreRecordedAndIdempotent() async throws {
        let directory = Self.temporaryDirectory()
        _ = try SQLiteStore(directory: directory)
        let store = try SQLiteStore(directory: directory)  // second open: nothing to migrate, nothing lost
        _ = try await store.append(predictions: [Self.prediction("y")], model: "m")
        #expect(try await store.predictions(model: "m", after: 0, limit: 10).count == 1)
    }

    @Test func unusableDirectoryIsAClearError() {
        let error = #expect(throws: StoreError.self) { try SQLiteStore(directory: "/proc/vigil-cannot-write-here") }
        #expect(error?.description.contains("/proc/vigil-cannot-write-here") == true)
    }

    @Test func eventsRoundTripThroughTheirStoredJSON() throws {
        let event = Self.prediction("json")
        #expect(try PredictionEvent(wireJSON: event.wireJSON) == event)
        let label = LabelEvent(predictionId: "json", timestampMilliseconds: 1_700_000_000_123, value: .label("fraud"))
        #expect(try LabelEvent(wireJSON: label.wireJSON) == label)
        #expect(throws: EventRowError.self) { try PredictionEvent(wireJSON: Array(#"{"id":"a","features":{"x":{"nested":1}}}"#.utf8)) }
    }

    @Test func groupCommitKeepsEachBatchsOwnResult() async throws {
        let store = try SQLiteStore(directory: Self.temporaryDirectory())
        let results = try await store.append([
            PredictionBatch(model: "a", events: [Self.prediction("1"), Self.prediction("2")]),
            PredictionBatch(model: "b", events: [Self.prediction("1")]),
            PredictionBatch(model: "a", events: [Self.prediction("2"), Self.prediction("3")]),
        ])
        #expect(results.map(\.stored) == [2, 1, 1])
        #expect(results[2].alreadyPresent == ["2"])
        let positions = results.flatMap(\.positions).compactMap { $0 }
        #expect(positions == positions.sorted() && Set(positions).count == 4)
        #expect(try await store.modelVersions() == [ModelVersion(model: "a", version: "v1"), ModelVersion(model: "b", version: "v1")])
        #expect(try await store.predictions(after: 0, limit: 10, model: nil).map(\.model) == ["a", "a", "b", "a"])
    }

    @Test func unreadableBucketsAreReportedAndTheirEventsFound() async throws {
        let directory = Self.temporaryDirectory()
        let store = try SQLiteStore(directory: directory)
        let start: Int64 = 1_700_000_000_000
        let events = (0..<10).map { Self.prediction("e\($0)", at: start + Int64($0) * 10_000, version: $0 % 2 == 0 ? "v1" : "v2") }
        _ = try await store.append(predictions: events, model: "m")
        _ = try await store.append(predictions: [Self.prediction("other", at: start)], model: "n")
        var profile = LiveProfile()
        profile.add(events[0])
        let good = BucketKey(model: "m", version: "v1", start: start)
        let damaged = BucketKey(model: "m", version: "v2", start: start)
        try await store.saveBuckets([LiveBucket(key: good, profile: profile), LiveBucket(key: damaged, profile: profile)], watermark: "live", position: 11)
        // Flip one byte in the middle of one stored payload, as a bad disk or an old release's format would.
        let database = try openDatabase(store.path)
        try await database.write { db in
            var payload: [UInt8] = try [UInt8](Data.fetchOne(db, sql: "SELECT payload FROM buckets WHERE version = 'v2'")!)
            payload[payload.count / 2] ^= 0x5A
            try db.execute(sql: "UPDATE buckets SET payload = ? WHERE version = 'v2'", arguments: [Data(payload)])
        }
        let read = try await store.buckets(model: "m", starting: start..<(start + 1))
        #expect(read.buckets.map(\.key) == [good])
        #expect(Array(read.unreadable.keys) == [damaged])
        #expect(read.unreadable[damaged]?.contains("checksum") == true, "the reason is kept for the log: \(read.unreadable)")
        #expect(Array(try await store.buckets([good, damaged]).unreadable.keys) == [damaged])

        // The events of one bucket: its model and version, its time span, the given positions.
        let width: Int64 = 60_000
        let all = try await store.predictions(in: damaged, width: width, after: 0, through: 100, limit: 100)
        #expect(all.map(\.event.id) == ["e1", "e3", "e5"])
        let paged = try await store.predictions(in: damaged, width: width, after: all[0].position, through: all[2].position - 1, limit: 100)
        #expect(paged.map(\.event.id) == ["e3"])
        #expect(try await store.predictions(in: damaged, width: width, after: 0, through: 100, limit: 2).count == 2)
    }

    /// Commits do not checkpoint the write-ahead log (that waited on two fsyncs inside a commit); the background
    /// checkpointer copies it into the database file and, once it is long, makes it start over: under steady
    /// traffic a passive checkpoint alone never lets it.
    @Test func theCheckpointerCopiesTheLogAndEmptiesALongOne() async throws {
        let store = try SQLiteStore(directory: Self.temporaryDirectory(), checkpointInterval: nil)
        let observer = try openDatabase(store.path)
        // A passive checkpoint from another connection: the log's length and how much of it is copied.
        func log() async throws -> (pages: Int, copied: Int) {
            try await observer.writeWithoutTransaction { db in
                let (pages, copied) = try db.checkpoint(.passive)
                return (pages, copied)
            }
        }
        func databaseBytes() throws -> Int { (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? NSNumber)?.intValue ?? 0 }

        _ = try await store.append(predictions: (0..<1_000).map { Self.prediction("short\($0)") }, model: "m")
        // Commits alone never checkpoint: everything written is still in the log, none of it in the database file.
        let uncopiedBytes = try databaseBytes()
        try await store.checkpoint()
        let short = try await log()
        #expect(short.pages > 0 && short.pages < SQLiteStore.checkpointTruncatePages && short.copied == short.pages, "\(short)")
        #expect(try databaseBytes() > uncopiedBytes, "a round copies the log into the database file")

        // A log past the truncation length is emptied in the round: the next commit writes it from its start.
        let rows = 60_000
        for start in stride(from: 0, to: rows, by: 10_000) {
            _ = try await store.append(predictions: (start..<start + 10_000).map { Self.prediction("p\($0)") }, model: "m")
        }
        #expect(try await log().pages > SQLiteStore.checkpointTruncatePages)
        try await store.checkpoint()
        #expect(try await log().pages == 0, "the long log was not emptied")
        #expect((try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? NSNumber)?.intValue == 0)
        #expect(try await observer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM predictions") } == rows + 1_000)

    }

    /// Commits that arrive while a truncating checkpoint holds the log wait for it; none fails.
    @Test func commitsDuringATruncatingCheckpointWaitAndSucceed() async throws {
        let store = try SQLiteStore(directory: Self.temporaryDirectory(), checkpointInterval: nil, checkpointTruncatePages: 1)
        let rows = 20_000
        actor Appending { var running = true; func stop() { running = false } }
        let appending = Appending()
        var rounds = 0
        try await withThrowingTaskGroup { group in
            group.addTask {
                do {
                    for start in stride(from: 0, to: rows, by: 250) {
                        _ = try await store.append(predictions: (start..<start + 250).map { Self.prediction("q\($0)") }, model: "m")
                    }
                } catch {
                    await appending.stop()
                    throw error
                }
                await appending.stop()
            }
            while await appending.running {
                // A round may give up (SQLITE_BUSY) when a commit holds on; the background loop just tries again.
                if (try? await store.checkpoint()) != nil { rounds += 1 }
            }
            try await group.waitForAll()
        }
        #expect(rounds > 10, "no checkpoint completed during the commits: \(rounds) rounds")
        #expect(try await store.predictions(after: 0, limit: rows + 1, model: "m").count == rows)
    }

    /// A traffic read (what /performance reads) decodes the small `traffic` column, or the whole payload of
    /// rows saved before the column existed, and gives the profile's traffic either way; version by version
    /// it looks only at the hours no current rollup covers.
    @Test func trafficReadsGiveEachProfilesTrafficFromEitherColumn() async throws {
        let store = try SQLiteStore(directory: Self.temporaryDirectory())
        let hour: Int64 = 3_600_000
        let start = 1_800_000_000_000 / hour * hour
        var profile = LiveProfile()
        for index in 0..<5 { profile.add(Self.prediction("t\(index)")) }
        let buckets = (0..<3).map { LiveBucket(key: BucketKey(model: "m", version: $0 == 2 ? "v2" : "v1", start: start + Int64($0) * 60_000), profile: profile) }
        try await store.saveBuckets(buckets, watermark: "w", position: 3)
        let read = try await store.buckets(model: "m", version: "v1", starting: start..<(start + hour), parts: .traffic)
        #expect(read.buckets.map(\.profile) == [profile.traffic(), profile.traffic()])
        let database = try openDatabase(store.path)
        try await database.write { try $0.execute(sql: "UPDATE buckets SET traffic = NULL") }
        let fromPayload = try await store.rollupRead(model: "m", version: "v1", starting: start..<(start + 2 * hour), width: hour, parts: .traffic)
        #expect(fromPayload.uncovered.buckets.map(\.profile) == [profile.traffic(), profile.traffic()])
        #expect(fromPayload.uncovered.buckets.allSatisfy { $0.key.version == "v1" })
        var rollup = LiveBucket(key: BucketKey(model: "m", version: "v1", start: start), profile: profile, savedPosition: 3)
        rollup.profile.merge(profile)
        try await store.saveRollups([rollup])
        let covered = try await store.rollupRead(model: "m", version: "v1", starting: start..<(start + 2 * hour), width: hour, parts: .traffic)
        #expect(covered.rollups.buckets.map(\.profile) == [rollup.profile.traffic()] && covered.uncovered.buckets.isEmpty)
        #expect(try await store.rollupRead(model: "m", version: "v2", starting: start..<(start + 2 * hour), width: hour, parts: .all).uncovered.buckets.map(\.profile) == [profile])

        // Counts alone, from either column; a bucket that does not read comes apart.
        let counts = try await store.bucketCounts(model: "m", version: "v1", starting: start..<(start + hour))
        #expect(counts.counts.map(\.successful) == [5, 5] && counts.unreadable.isEmpty)
        try await database.write { try $0.execute(sql: "UPDATE buckets SET payload = x'00', traffic = NULL WHERE version = 'v2'") }
        let all = try await store.bucketCounts(model: "m", version: nil, starting: start..<(start + hour))
        #expect(all.counts.count == 2 && all.unreadable == [buckets[2].key])
    }
}

/// A connection of the test's own to a store's database file. It waits for locks, as the store's own
/// connections do: the store's background checkpointer holds one for a few milliseconds at times.
func openDatabase(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    return try DatabaseQueue(path: path, configuration: configuration)
}
