import Foundation
import GRDB
import Synchronization
public import VigilCore

/// The label log: every label received, in order, with what it does to model quality.
///
/// Kinds of entry: `early` (its prediction is not stored yet: it waits), `applied` (its prediction is
/// stored: it folds, replacing the entry named by `replaces`), `late` (it came more than the lateness after
/// its prediction: stored and reported, never folded) and `matched` (a waiting label whose prediction has
/// just been stored: it folds now). The `labels` table is the latest label per prediction, with the
/// position of its latest entry and of the latest entry that folds.
extension SQLiteStore {
    static func migrateToLabelLog(_ db: Database) throws {
        // Labels had no position: each was upserted in place. Quality follows the label log the way live
        // profiles follow the prediction log, so the labels already stored enter it first, in arrival order.
        try db.execute(sql: """
            CREATE TABLE label_log (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                model TEXT NOT NULL,
                prediction_id TEXT NOT NULL,
                kind INTEGER NOT NULL,
                replaces INTEGER,
                timestamp_ms INTEGER NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE INDEX label_log_by_prediction ON label_log (model, prediction_id, position);
            ALTER TABLE labels ADD COLUMN position INTEGER;
            ALTER TABLE labels ADD COLUMN folded_position INTEGER;
            INSERT INTO label_log (model, prediction_id, kind, timestamp_ms, payload)
                SELECT l.model, l.prediction_id,
                       CASE WHEN EXISTS (SELECT 1 FROM predictions p WHERE p.model = l.model AND p.id = l.prediction_id) THEN 1 ELSE 0 END,
                       l.timestamp_ms, l.payload
                FROM labels l ORDER BY l.rowid;
            UPDATE labels SET position = (SELECT e.position FROM label_log e WHERE e.model = labels.model AND e.prediction_id = labels.prediction_id);
            UPDATE labels SET folded_position = position
                WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.model = labels.model AND p.id = labels.prediction_id);
            CREATE TABLE quality_buckets (
                model TEXT NOT NULL,
                version TEXT NOT NULL,
                start_ms INTEGER NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (model, version, start_ms)
            );
            CREATE INDEX quality_buckets_by_start ON quality_buckets (start_ms);
            CREATE TABLE quality_rollups (
                model TEXT NOT NULL,
                version TEXT NOT NULL,
                start_ms INTEGER NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (model, version, start_ms)
            );
            """)
    }

    /// Labels stored before their prediction, per model.
    static func countWaitingLabels(_ db: Database) throws -> [String: Int] {
        var waiting: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT model, COUNT(*) AS waiting FROM labels l WHERE folded_position IS NULL
            AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.model = l.model AND p.id = l.prediction_id) GROUP BY model
            """) {
            waiting[row["model"]] = row["waiting"]
        }
        return waiting
    }

    func lowerWaitingLabels(by matched: [String: Int]) {
        guard !matched.isEmpty else { return }
        waitingLabels.withLock { waiting in
            for (model, count) in matched { waiting[model] = max(0, (waiting[model] ?? 0) - count) }
        }
    }

    /// Adds to a model's label counts (`label_counts`), inside the transaction that changes them.
    static func addLabelCounts(_ db: Database, model: String, labels: Int, matched: Int, late: Int) throws {
        guard labels != 0 || matched != 0 || late != 0 else { return }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO label_counts (model, labels, matched, late) VALUES (?, ?, ?, ?)
            ON CONFLICT (model) DO UPDATE SET labels = labels + excluded.labels, matched = matched + excluded.matched, late = late + excluded.late
            """)
        try upsert.execute(arguments: [model, labels, matched, late])
    }

    /// Inside the transaction that stores a prediction: if a label waits for it, log the label again as
    /// `matched`, so that it folds now. Returns whether one did.
    static func matchWaitingLabel(_ db: Database, model: String, predictionId: String) throws -> Bool {
        let waiting = try db.cachedStatement(sql: "SELECT timestamp_ms, payload FROM labels WHERE model = ? AND prediction_id = ? AND folded_position IS NULL")
        guard let row = try Row.fetchOne(waiting, arguments: [model, predictionId]) else { return false }
        let insert = try db.cachedStatement(sql: "INSERT INTO label_log (model, prediction_id, kind, timestamp_ms, payload) VALUES (?, ?, ?, ?, ?)")
        try insert.execute(arguments: [model, predictionId, LabelLogEntryKind.matched.rawValue, row["timestamp_ms"] as Int64, row["payload"] as Data])
        let position = db.lastInsertedRowID
        let update = try db.cachedStatement(sql: "UPDATE labels SET position = ?, folded_position = ? WHERE model = ? AND prediction_id = ?")
        try update.execute(arguments: [position, position, model, predictionId])
        try addLabelCounts(db, model: model, labels: 0, matched: 1, late: 0)
        return true
    }

    public func append(labels: [LabelEvent], model: String, lateness: Int64?) async throws(StoreError) -> AppendResult {
        let encoded = labels.map(\.wireJSON)
        return try await write { db in
            // One statement for both look-ups: the prediction's time, and the label stored before (if any).
            let lookUp = try db.cachedStatement(sql: """
                SELECT (SELECT timestamp_ms FROM predictions WHERE model = ?1 AND id = ?2), l.folded_position, l.rowid,
                       (SELECT kind FROM label_log WHERE position = l.position)
                FROM (SELECT 1) LEFT JOIN labels l ON l.model = ?1 AND l.prediction_id = ?2
                """)
            let log = try db.cachedStatement(sql: """
                INSERT INTO label_log (model, prediction_id, kind, replaces, timestamp_ms, payload) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO labels (model, prediction_id, timestamp_ms, payload, position, folded_position) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (model, prediction_id) DO UPDATE SET timestamp_ms = excluded.timestamp_ms, payload = excluded.payload,
                    position = excluded.position, folded_position = excluded.folded_position
                """)
            var result = AppendResult(stored: 0, alreadyPresent: [])
            var newlyWaiting = 0
            var counts = (labels: 0, matched: 0, late: 0)
            for (label, payload) in zip(labels, encoded) {
                let found = RawStatement(lookUp, db)
                found.bind(1, model)
                found.bind(2, label.predictionId)
                _ = try found.step()
                let predictionTime = found.int64(0)
                let previousFolded = found.int64(1)
                let present = found.int64(2) != nil
                let previousKind = found.int64(3)
                found.reset()
                let kind: LabelLogEntryKind
                if let predictionTime {
                    kind = lateness.map { label.timestampMilliseconds - predictionTime > $0 } == true ? .late : .applied
                } else {
                    kind = .early
                }
                try payload.withUnsafeBytes { bytes in
                    let entry = RawStatement(log, db)
                    entry.bind(1, model)
                    entry.bind(2, label.predictionId)
                    entry.bind(3, Int64(kind.rawValue))
                    entry.bind(4, kind == .applied ? previousFolded : nil)
                    entry.bind(5, label.timestampMilliseconds)
                    entry.bind(6, bytes)
                    _ = try entry.step()
                    entry.reset()
                    let position = db.lastInsertedRowID
                    let latest = RawStatement(upsert, db)
                    latest.bind(1, model)
                    latest.bind(2, label.predictionId)
                    latest.bind(3, label.timestampMilliseconds)
                    latest.bind(4, bytes)
                    latest.bind(5, position)
                    latest.bind(6, kind == .applied ? position : previousFolded)
                    _ = try latest.step()
                    latest.reset()
                }
                if present { result.alreadyPresent.append(label.predictionId) }
                if kind == .late { result.late.append(label.predictionId) }
                if kind == .early && !present { newlyWaiting += 1 }
                if !present {
                    counts.labels += 1
                    if predictionTime != nil { counts.matched += 1 }
                }
                counts.late += (kind == .late ? 1 : 0) - (previousKind == Int64(LabelLogEntryKind.late.rawValue) ? 1 : 0)
                result.stored += 1
            }
            try Self.addLabelCounts(db, model: model, labels: counts.labels, matched: counts.matched, late: counts.late)
            // Raised before the commit: a prediction stored right after it must look for these labels.
            if newlyWaiting > 0 { self.waitingLabels.withLock { $0[model, default: 0] += newlyWaiting } }
            return result
        }
    }

    public func labelFolds(after position: Int64, limit: Int) async throws(StoreError) -> LabelFoldPage {
        try await read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.position AS entry, l.model, l.kind, l.payload AS entry_label, r.payload AS replaced,
                       p.position, p.id, p.version, p.timestamp_ms, p.payload AS prediction
                FROM label_log l
                LEFT JOIN label_log r ON r.position = l.replaces
                LEFT JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id
                WHERE l.position > ? ORDER BY l.position LIMIT ?
                """, arguments: [position, limit])
            var page = LabelFoldPage(folds: [], through: position)
            while let row = try rows.next() {
                let entry: Int64 = row["entry"]
                page.through = entry
                let kind = LabelLogEntryKind(rawValue: row["kind"])
                guard kind == .applied || kind == .matched, row["id"] as String? != nil else { continue }
                let stored = try self.decodePrediction(row, features: false)
                do {
                    let label = try LabelEvent(wireJSON: [UInt8](row["entry_label"] as Data))
                    let replaced = try (row["replaced"] as Data?).map { try LabelEvent(wireJSON: [UInt8]($0)) }
                    page.folds.append(LabelFold(position: entry, model: stored.model, prediction: stored.event, label: label, replaced: replaced))
                } catch {
                    throw StoreError("the label log entry at position \(entry) in \(self.path) does not decode: \(error)")
                }
            }
            return page
        }
    }

    public func labelledPredictions(in key: BucketKey, width: Int64, through position: Int64) async throws(StoreError) -> [LabelFold] {
        try await read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT p.position, p.model, p.id, p.version, p.timestamp_ms, p.payload AS prediction, l.position AS entry, l.payload AS label
                FROM predictions p
                JOIN label_log l ON l.position = (
                    SELECT MAX(x.position) FROM label_log x
                    WHERE x.model = p.model AND x.prediction_id = p.id AND x.kind IN (\(LabelLogEntryKind.applied.rawValue), \(LabelLogEntryKind.matched.rawValue)) AND x.position <= ?)
                WHERE p.model = ? AND p.version = ? AND p.timestamp_ms >= ? AND p.timestamp_ms < ?
                ORDER BY p.position
                """, arguments: [position, key.model, key.version, key.start, key.start + width])
            var folds: [LabelFold] = []
            while let row = try rows.next() {
                let stored = try self.decodePrediction(row, features: false)
                guard let label = stored.label else { continue }
                folds.append(LabelFold(position: row["entry"], model: stored.model, prediction: stored.event, label: label, replaced: nil))
            }
            return folds
        }
    }

    public func labelCounts(model: String) async throws(StoreError) -> LabelCounts {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT labels, matched, late FROM label_counts WHERE model = ?", arguments: [model])
            return LabelCounts(labels: row?["labels"] ?? 0, matched: row?["matched"] ?? 0, late: row?["late"] ?? 0)
        }
    }
}
