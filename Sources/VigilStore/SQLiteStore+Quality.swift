import Foundation
import GRDB
public import VigilCore
import VigilStats

/// Quality buckets and hourly rollups: one row per (model, version, start), in Vigil's checksummed binary format.
extension SQLiteStore {
    static func table(_ span: QualitySpan) -> String { span == .bucket ? "quality_buckets" : "quality_rollups" }

    public func saveQualityBuckets(_ buckets: [QualityBucket], rollups: [QualityBucket], watermark name: String, position: Int64) async throws(StoreError) {
        let encoded = [buckets, rollups].map { rows in rows.map { $0.profile.isEmpty ? nil : Data(SketchEnvelope.serialize($0.profile)) } }
        try await write { db in
            for (span, rows, payloads) in [(QualitySpan.bucket, buckets, encoded[0]), (.rollup, rollups, encoded[1])] {
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO \(Self.table(span)) (model, version, start_ms, payload) VALUES (?, ?, ?, ?)
                    ON CONFLICT (model, version, start_ms) DO UPDATE SET payload = excluded.payload
                    """)
                let delete = try db.cachedStatement(sql: "DELETE FROM \(Self.table(span)) WHERE model = ? AND version = ? AND start_ms = ?")
                for (bucket, payload) in zip(rows, payloads) {
                    // A bucket whose labels were all taken away again is no bucket at all.
                    if let payload {
                        try upsert.execute(arguments: [bucket.key.model, bucket.key.version, bucket.key.start, payload])
                    } else {
                        try delete.execute(arguments: [bucket.key.model, bucket.key.version, bucket.key.start])
                    }
                }
            }
            try Self.setWatermark(db, name, position)
        }
    }

    public func qualityBuckets(_ keys: [BucketKey], span: QualitySpan) async throws(StoreError) -> [QualityBucket] {
        guard !keys.isEmpty else { return [] }
        return try await read { db in
            let select = try db.cachedStatement(sql: "SELECT model, version, start_ms, payload FROM \(Self.table(span)) WHERE model = ? AND version = ? AND start_ms = ?")
            return try keys.compactMap { key in try Row.fetchOne(select, arguments: [key.model, key.version, key.start]) }.map { try self.decodeQualityBucket($0) }
        }
    }

    public func qualityBuckets(model: String, version: String?, starting range: Range<Int64>, span: QualitySpan) async throws(StoreError) -> [QualityBucket] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT model, version, start_ms, payload FROM \(Self.table(span))
                WHERE model = ? AND (? IS NULL OR version = ?) AND start_ms >= ? AND start_ms < ? ORDER BY version, start_ms
                """, arguments: [model, version, version, range.lowerBound, range.upperBound]).map { try self.decodeQualityBucket($0) }
        }
    }

    private func decodeQualityBucket(_ row: Row) throws -> QualityBucket {
        let key = BucketKey(model: row["model"], version: row["version"], start: row["start_ms"])
        do {
            return QualityBucket(key: key, profile: try SketchEnvelope.deserialize(QualityProfile.self, from: [UInt8](row["payload"] as Data)))
        } catch {
            throw StoreError("the quality bucket \(key) in \(path) does not decode: \(error)")
        }
    }

    // MARK: Estimators

    public func setEstimator(_ estimator: StoredEstimator, model: String, version: String) async throws(StoreError) {
        let payload = Data(SketchEnvelope.serialize(estimator.estimator))
        try await write { db in
            try db.execute(sql: """
                INSERT INTO model_estimators (model, version, source, created_ms, payload) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (model, version) DO UPDATE SET source = excluded.source, created_ms = excluded.created_ms, payload = excluded.payload
                """, arguments: [model, version, estimator.source, estimator.createdMilliseconds, payload])
        }
    }

    public func estimators(model: String) async throws(StoreError) -> [String: StoredEstimator] {
        try await read { db in
            var found: [String: StoredEstimator] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT version, source, created_ms, payload FROM model_estimators WHERE model = ?", arguments: [model]) {
                let version: String = row["version"]
                do {
                    let estimator = try SketchEnvelope.deserialize(CBPE.self, from: [UInt8](row["payload"] as Data))
                    found[version] = StoredEstimator(estimator: estimator, source: row["source"], createdMilliseconds: row["created_ms"])
                } catch {
                    throw StoreError("the performance estimator of \(model) \(version) in \(self.path) is damaged: \(error)")
                }
            }
            return found
        }
    }
}
