import Foundation
import Testing
import VigilCore

@testable import VigilStore

/// The same tests for every `ProfileStore`: the SQLite store and the in-memory twin save buckets with their
/// watermark, read rollups only while current, and give the same traffic-only reads.
struct ProfileStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    static func make(_ kind: Kind) throws -> any ProfileStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryProfileStore()
        }
    }

    static let hour: Int64 = 3_600_000
    static let start = 1_800_000_000_000 / hour * hour

    static func profile(_ count: Int) -> LiveProfile {
        var profile = LiveProfile()
        for index in 0..<count { profile.add(SQLiteStoreTests.prediction("p\(index)")) }
        return profile
    }

    @Test(arguments: Kind.allCases)
    func bucketsAndWatermarkAreSavedTogether(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let profile = Self.profile(100)
        let key = BucketKey(model: "m", version: "v1", start: 1_700_000_000_000)
        #expect(try await store.watermark("live") == 0)
        try await store.saveBuckets([LiveBucket(key: key, profile: profile)], watermark: "live", position: 100)
        #expect(try await store.watermark("live") == 100)
        #expect(try await store.buckets([key]).buckets == [LiveBucket(key: key, profile: profile, savedPosition: 100)])
        #expect(try await store.buckets(model: "m", starting: key.start..<(key.start + 1)).buckets.count == 1)
        #expect(try await store.buckets(model: "other", starting: key.start..<(key.start + 1)).buckets.isEmpty)
        try await store.setWatermark("quality", to: 7)
        #expect(try await store.watermark("quality") == 7)
        #expect(try await store.watermark("live") == 100)
        #expect(try await store.deleteBuckets(before: key.start + 1) == 1)
        #expect(try await store.buckets([key]) == BucketRead(buckets: [], unreadable: [:]))
    }

    @Test(arguments: Kind.allCases)
    func rollupsAreReadOnlyWhileCurrent(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let (hour, start) = (Self.hour, Self.start)
        let profile = Self.profile(1)
        func bucket(_ minute: Int64) -> LiveBucket {
            LiveBucket(key: BucketKey(model: "m", version: "v1", start: start + minute * 60_000), profile: profile)
        }
        try await store.saveBuckets([bucket(0), bucket(30), bucket(59)], watermark: "w", position: 5)
        let hourRange = start..<(start + hour)

        let uncovered = try await store.rollupRead(model: "m", starting: hourRange, width: hour).uncovered
        #expect(uncovered.buckets.map(\.savedPosition) == [5, 5, 5])
        var rollup = LiveBucket(key: BucketKey(model: "m", version: "v1", start: start), profile: LiveProfile(), savedPosition: 5)
        for part in uncovered.buckets { rollup.profile.merge(part.profile) }
        try await store.saveRollups([rollup])
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).rollups.buckets == [rollup])
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).uncovered.buckets.isEmpty)

        // A later save of one bucket of the hour (late events) makes the rollup stale: all the hour's buckets
        // are read again, and the rollup is not.
        try await store.saveBuckets([bucket(30)], watermark: "w", position: 9)
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).rollups.buckets.isEmpty)
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).uncovered.buckets.map(\.savedPosition) == [5, 9, 5])
        // So does a new bucket in the hour.
        rollup.savedPosition = 9
        try await store.saveRollups([rollup])
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).rollups.buckets.count == 1)
        try await store.saveBuckets([bucket(45)], watermark: "w", position: 12)
        #expect(try await store.rollupRead(model: "m", starting: hourRange, width: hour).rollups.buckets.isEmpty)

        // Retention takes the rollups with the buckets.
        rollup.savedPosition = 12
        try await store.saveRollups([rollup])
        #expect(try await store.deleteBuckets(before: start + hour) == 4)
        let after = try await store.rollupRead(model: "m", starting: hourRange, width: hour)
        #expect(after.rollups.buckets.isEmpty && after.uncovered.buckets.isEmpty)
    }

    /// A traffic read (what /performance reads) gives each profile's traffic alone, version by version; counts
    /// alone read the successful predictions.
    @Test(arguments: Kind.allCases)
    func trafficReadsAndCountsGiveEachProfilesTraffic(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let (hour, start) = (Self.hour, Self.start)
        var profile = Self.profile(5)
        profile.add(PredictionEvent(id: "failed", timestampMilliseconds: start, version: "v1", status: "error", errorType: "timeout"))
        let buckets = (0..<3).map {
            LiveBucket(key: BucketKey(model: "m", version: $0 == 2 ? "v2" : "v1", start: start + Int64($0) * 60_000), profile: profile)
        }
        try await store.saveBuckets(buckets, watermark: "w", position: 3)
        let read = try await store.buckets(model: "m", version: "v1", starting: start..<(start + hour), parts: .traffic)
        #expect(read.buckets.map(\.profile) == [profile.traffic(), profile.traffic()])
        var rollup = LiveBucket(key: BucketKey(model: "m", version: "v1", start: start), profile: profile, savedPosition: 3)
        rollup.profile.merge(profile)
        try await store.saveRollups([rollup])
        let covered = try await store.rollupRead(model: "m", version: "v1", starting: start..<(start + 2 * hour), width: hour, parts: .traffic)
        #expect(covered.rollups.buckets.map(\.profile) == [rollup.profile.traffic()] && covered.uncovered.buckets.isEmpty)
        let v2 = try await store.rollupRead(model: "m", version: "v2", starting: start..<(start + 2 * hour), width: hour, parts: .all)
        #expect(v2.uncovered.buckets.map(\.profile) == [profile] && v2.rollups.buckets.isEmpty)
        let counts = try await store.bucketCounts(model: "m", version: nil, starting: start..<(start + hour))
        #expect(counts.counts.map(\.successful) == [5, 5, 5] && counts.unreadable.isEmpty)
        #expect(try await store.bucketCounts(model: "m", version: "v2", starting: start..<(start + hour)).counts.map(\.key) == [buckets[2].key])
    }
}
