import Foundation
import GRDB
import GRDBSQLite
import Synchronization
public import VigilCore
import VigilStats

/// The embedded store: one SQLite database in WAL mode under a data directory, created on first use.
///
/// Batches are written in one transaction through cached statements (group commit); measured on this
/// machine, one transaction per row tops out near 3k rows/s while ~1000 rows per transaction reach ~120k.
/// Events are stored as JSON, readable with `sqlite3`: the row as the client sent it, with the id, version and
/// time the server settled on in their own columns; buckets and references in Vigil's checksummed binary format.
public final class SQLiteStore: Store {
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer
    /// Per model, how many labels may be waiting for their prediction: while a model has none, storing its
    /// predictions looks up no label. An over-count costs a look-up per prediction, never a missed join, so it
    /// is raised inside the transaction that stores a waiting label and lowered only after a commit.
    let waitingLabels = Mutex<[String: Int]>([:])
    /// References as read or written, with a count of writes: every summary, dashboard page and monitor pass
    /// reads its model's reference, and decoding one (checksum and all) cost 4 % of a week's summary (`perf`,
    /// `vigil-bench dashboard`). This process is the file's one writer, so what it wrote last is current.
    private let references = Mutex<(writes: Int, byModel: [String: StoredReference])>((0, [:]))
    /// The database file.
    public let path: String

    /// The log length, in pages, at which a commit checkpoints by itself: only reached if the background
    /// checkpointer falls behind (a reader holding an old snapshot, say). About 400 MB.
    static let fallbackCheckpointPages = 100_000
    /// The log length, in pages, past which the background checkpointer empties the log (16 MB).
    static let checkpointTruncatePages = 4096

    /// Opens (creating if needed) `directory/vigil.sqlite` and brings its schema up to date.
    public convenience init(directory: String) throws(StoreError) {
        try self.init(directory: directory, checkpointInterval: .milliseconds(100))
    }

    /// - Parameters:
    ///   - checkpointInterval: how often the log is checkpointed in the background; nil only in tests that
    ///     run the rounds themselves (``checkpoint()``).
    ///   - checkpointTruncatePages: the log length past which a round empties the log.
    init(directory: String, checkpointInterval: Duration?, checkpointTruncatePages: Int = checkpointTruncatePages) throws(StoreError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw StoreError("cannot create the data directory \(directory): \(error.localizedDescription)")
        }
        path = (directory as NSString).appendingPathComponent("vigil.sqlite")
        var configuration = Configuration()
        // A commit waits out a truncating checkpoint (a few ms) instead of failing with SQLITE_BUSY. SQLite's own
        // timeout sleeps 1, 2, 5, 10… ms between tries, which would turn a 3 ms wait into 8; this polls every
        // 0.2 ms, for up to 10 s.
        configuration.busyMode = .callback { tries in
            usleep(200)
            return tries < 50_000
        }
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives a process crash; an OS crash may lose the last
            // transactions but never corrupts the database.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Checkpoints run in the background (WALCheckpointer), not inside a commit.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.fallbackCheckpointPages)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            checkpointer = try WALCheckpointer(path: path, interval: checkpointInterval, truncatePages: checkpointTruncatePages)
            let waiting = try pool.read { db in try Self.countWaitingLabels(db) }
            waitingLabels.withLock { $0 = waiting }
        } catch {
            throw StoreError("cannot open \(path): \(error)")
        }
    }

    /// The schema, one registered migration per version; applied migrations are recorded in the database.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event-log") { db in
            try db.execute(sql: """
                CREATE TABLE predictions (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    model TEXT NOT NULL,
                    id TEXT NOT NULL,
                    timestamp_ms INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    UNIQUE (model, id)
                );
                CREATE TABLE labels (
                    model TEXT NOT NULL,
                    prediction_id TEXT NOT NULL,
                    timestamp_ms INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (model, prediction_id)
                );
                CREATE TABLE watermarks (
                    name TEXT PRIMARY KEY,
                    position INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-live-profiles") { db in
            try db.execute(sql: """
                CREATE TABLE model_versions (
                    model TEXT NOT NULL,
                    version TEXT NOT NULL,
                    PRIMARY KEY (model, version)
                ) WITHOUT ROWID;
                INSERT INTO model_versions SELECT DISTINCT model, version FROM predictions;
                CREATE INDEX predictions_by_time ON predictions (timestamp_ms);
                CREATE TABLE buckets (
                    model TEXT NOT NULL,
                    version TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (model, version, start_ms)
                );
                CREATE INDEX buckets_by_start ON buckets (start_ms);
                CREATE TABLE model_references (
                    model TEXT PRIMARY KEY,
                    source TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-rollups") { db in
            // A rollup is the merge of every bucket of a model version in a longer span (an hour), so a long
            // window reads one row per hour instead of sixty. Each bucket records the watermark of the flush
            // that saved it and each rollup the highest of its buckets': a bucket saved later (late events)
            // makes the rollup stale, and a stale rollup is never read.
            try db.execute(sql: """
                ALTER TABLE buckets ADD COLUMN saved_position INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE rollups (
                    model TEXT NOT NULL,
                    version TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    through_position INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (model, version, start_ms)
                );
                """)
        }
        migrator.registerMigration("v4-bucket-positions") { db in
            // Whether a rollup is current is asked of its buckets' saved positions. That column was added
            // after the payload, so without this covering index SQLite walks each bucket's overflow pages
            // (the whole payload) to read it: 4 ms per hourly rollup, most of a long window's time.
            try db.execute(sql: "CREATE INDEX buckets_saved_positions ON buckets (model, version, start_ms, saved_position)")
        }
        migrator.registerMigration("v5-label-log") { db in try Self.migrateToLabelLog(db) }
        migrator.registerMigration("v6-estimators") { db in
            try db.execute(sql: """
                CREATE TABLE model_estimators (
                    model TEXT NOT NULL,
                    version TEXT NOT NULL,
                    source TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (model, version)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v7-traffic") { db in
            // A profile's traffic alone (LiveProfile.traffic()), beside its whole payload: what a model-quality
            // window reads, a few hundred bytes where the payload is tens of kilobytes. Null in rows saved
            // before; those are read from the payload.
            try db.execute(sql: "ALTER TABLE buckets ADD COLUMN traffic BLOB")
            try db.execute(sql: "ALTER TABLE rollups ADD COLUMN traffic BLOB")
        }
        migrator.registerMigration("v8-label-counts") { db in
            // What labelCounts reports, kept as each label, prediction and deletion changes it: counted afresh it
            // joined every label of the model with its prediction and log entry (0.6 s for 432k labels, on every
            // /performance).
            try db.execute(sql: """
                CREATE TABLE label_counts (
                    model TEXT PRIMARY KEY,
                    labels INTEGER NOT NULL,
                    matched INTEGER NOT NULL,
                    late INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO label_counts (model, labels, matched, late)
                    SELECT l.model, COUNT(*), COUNT(p.id), SUM(CASE WHEN e.kind = \(LabelLogEntryKind.late.rawValue) THEN 1 ELSE 0 END)
                    FROM labels l
                    LEFT JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id
                    LEFT JOIN label_log e ON e.position = l.position
                    GROUP BY l.model;
                """)
        }
        migrator.registerMigration("v9-alerts") { db in try Self.migrateToAlerts(db) }
        migrator.registerMigration("v10-notifications") { db in try Self.migrateToNotifications(db) }
        migrator.registerMigration("v11-hook-runs") { db in try Self.migrateToHooks(db) }
        migrator.registerMigration("v12-request-ids") { db in try Self.migrateToRequestIds(db) }
        return migrator
    }

    // MARK: Event log

    public func append(_ batches: [PredictionBatch]) async throws(StoreError) -> [AppendResult] {
        let (results, matched) = try await write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO predictions (model, id, timestamp_ms, version, payload, request_id) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (model, id) DO NOTHING
                """)
            // The (model, version) pairs live in their own small table: an index on the log for them cost
            // ~4 µs per inserted event.
            let register = try db.cachedStatement(sql: "INSERT INTO model_versions (model, version) VALUES (?, ?) ON CONFLICT DO NOTHING")
            var results: [AppendResult] = []
            results.reserveCapacity(batches.count)
            var matched: [String: Int] = [:]
            var pairs = Set<ModelVersion>()
            for batch in batches {
                for event in batch.events { pairs.insert(ModelVersion(model: batch.model, version: event.version)) }
            }
            for pair in pairs { try register.execute(arguments: [pair.model, pair.version]) }
            for batch in batches {
                var result = AppendResult(stored: 0, alreadyPresent: [], positions: [])
                result.positions.reserveCapacity(batch.events.count)
                let mayHaveWaitingLabels = self.waitingLabels.withLock { ($0[batch.model] ?? 0) > 0 }
                try batch.payloadBytes.withUnsafeBytes { payloads in
                    for (event, range) in zip(batch.events, batch.payloadRanges) {
                        try Self.insert(insert, db, model: batch.model, event: event, payload: UnsafeRawBufferPointer(rebasing: payloads[range]))
                        if db.changesCount == 1 {
                            result.stored += 1
                            result.positions.append(db.lastInsertedRowID)
                            if mayHaveWaitingLabels, try Self.matchWaitingLabel(db, model: batch.model, predictionId: event.id) {
                                matched[batch.model, default: 0] += 1
                            }
                        } else {
                            result.alreadyPresent.append(event.id)
                            result.positions.append(nil)
                        }
                    }
                }
                results.append(result)
            }
            return (results, matched)
        }
        lowerWaitingLabels(by: matched)
        return results
    }

    /// One row of the log, bound through the C API (``RawStatement``).
    private static func insert(_ statement: Statement, _ db: Database, model: String, event: PredictionEvent, payload: UnsafeRawBufferPointer) throws {
        let insert = RawStatement(statement, db)
        insert.bind(1, model)
        insert.bind(2, event.id)
        insert.bind(3, event.timestampMilliseconds)
        insert.bind(4, event.version)
        insert.bind(5, payload)
        insert.bind(6, event.requestId)
        _ = try insert.step()
        insert.reset()
    }

    public func predictions(after position: Int64, limit: Int, model: String?) async throws(StoreError) -> [StoredPrediction] {
        try await read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT p.position, p.model, p.id, p.version, p.timestamp_ms, p.payload AS prediction, l.payload AS label
                FROM predictions p LEFT JOIN labels l ON l.model = p.model AND l.prediction_id = p.id
                WHERE p.position > ? AND (? IS NULL OR p.model = ?) ORDER BY p.position LIMIT ?
                """, arguments: [position, model, model, limit])
            var result = [StoredPrediction]()
            while let row = try rows.next() { result.append(try self.decodePrediction(row)) }
            return result
        }
    }

    public func prediction(model: String, id: String) async throws(StoreError) -> StoredPrediction? {
        try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT p.position, p.model, p.id, p.version, p.timestamp_ms, p.payload AS prediction, l.payload AS label
                FROM predictions p LEFT JOIN labels l ON l.model = p.model AND l.prediction_id = p.id
                WHERE p.model = ? AND p.id = ?
                """, arguments: [model, id])
            return try row.map { try self.decodePrediction($0) }
        }
    }

    /// - Parameter features: false to leave the features out (the quality path does not need them).
    /// A prediction read from a row's columns `position`, `model`, `id`, `version`, `timestamp_ms`, `prediction`
    /// and `label`, each name after `prefix` (a query that reads two predictions per row names the second's apart).
    func decodePrediction(_ row: Row, features: Bool = true, prefix: String = "") throws -> StoredPrediction {
        let position: Int64 = row[prefix + "position"]
        do {
            let labelData: Data? = row[prefix + "label"]
            // The payload is the row as sent; the id, version and time the server settled on are columns.
            let payload = [UInt8](row[prefix + "prediction"] as Data)
            var event = try features ? PredictionEvent(wireJSON: payload) : PredictionEvent(wireJSONWithoutFeatures: payload)
            event.id = row[prefix + "id"]
            event.version = row[prefix + "version"]
            event.timestampMilliseconds = row[prefix + "timestamp_ms"]
            return StoredPrediction(
                position: position,
                model: row[prefix + "model"],
                event: event,
                label: try labelData.map { try LabelEvent(wireJSON: [UInt8]($0)) }
            )
        } catch {
            throw StoreError("the event at position \(position) in \(path) does not decode: \(error)")
        }
    }

    public func modelVersions() async throws(StoreError) -> [ModelVersion] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT model, version FROM model_versions ORDER BY model, version")
                .map { ModelVersion(model: $0["model"], version: $0["version"]) }
        }
    }

    // MARK: Live profiles

    public func watermark(_ name: String) async throws(StoreError) -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT position FROM watermarks WHERE name = ?", arguments: [name]) ?? 0 }
    }

    public func setWatermark(_ name: String, to position: Int64) async throws(StoreError) {
        try await write { db in try Self.setWatermark(db, name, position) }
    }

    static func setWatermark(_ db: Database, _ name: String, _ position: Int64) throws {
        try db.execute(sql: """
            INSERT INTO watermarks (name, position) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position
            """, arguments: [name, position])
    }

    public func saveBuckets(_ buckets: [LiveBucket], watermark name: String, position: Int64) async throws(StoreError) {
        let encoded = buckets.map { Self.payloads($0.profile) }
        try await write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO buckets (model, version, start_ms, saved_position, payload, traffic) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (model, version, start_ms) DO UPDATE SET payload = excluded.payload, traffic = excluded.traffic, saved_position = excluded.saved_position
                """)
            for (bucket, payload) in zip(buckets, encoded) {
                try upsert.execute(arguments: [bucket.key.model, bucket.key.version, bucket.key.start, position, payload.whole, payload.traffic])
            }
            try Self.setWatermark(db, name, position)
        }
    }

    /// A profile's stored forms: whole, and its traffic alone.
    private static func payloads(_ profile: LiveProfile) -> (whole: Data, traffic: Data) {
        (Data(SketchEnvelope.serialize(profile)), Data(profile.trafficSerialized()))
    }

    /// The column a read of `parts` decodes, named `payload`.
    private static func payloadColumn(_ parts: LiveProfile.Parts, table: String? = nil) -> String {
        let prefix = table.map { "\($0)." } ?? ""
        return parts.hasObservations ? "\(prefix)payload" : "COALESCE(\(prefix)traffic, \(prefix)payload) AS payload"
    }

    public func buckets(model: String?, version: String?, starting range: Range<Int64>, parts: LiveProfile.Parts) async throws(StoreError) -> BucketRead {
        try await read { db in
            Self.decodeBuckets(try Row.fetchAll(db, sql: """
                SELECT model, version, start_ms, saved_position, \(Self.payloadColumn(parts)) FROM buckets
                WHERE start_ms >= ? AND start_ms < ? AND (? IS NULL OR model = ?) AND (? IS NULL OR version = ?) ORDER BY model, version, start_ms
                """, arguments: [range.lowerBound, range.upperBound, model, model, version, version]), parts: parts)
        }
    }

    public func bucketCounts(model: String, version: String?, starting range: Range<Int64>) async throws(StoreError) -> (counts: [(key: BucketKey, successful: Int)], unreadable: [BucketKey]) {
        try await read { db in
            var counts: [(key: BucketKey, successful: Int)] = []
            var unreadable: [BucketKey] = []
            var arguments: StatementArguments = [model, range.lowerBound, range.upperBound]
            if let version { arguments += [version] }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT model, version, start_ms, COALESCE(traffic, payload) AS payload FROM buckets
                WHERE model = ? AND start_ms >= ? AND start_ms < ?\(version == nil ? "" : " AND version = ?") ORDER BY start_ms
                """, arguments: arguments)
            while let row = try rows.next() {
                let key = BucketKey(model: row["model"], version: row["version"], start: row["start_ms"])
                if let found = try? LiveProfile.decodeCounts([UInt8](row["payload"] as Data)) {
                    counts.append((key, found.requests - found.errors))
                } else {
                    unreadable.append(key)
                }
            }
            return (counts, unreadable)
        }
    }

    public func buckets(_ keys: [BucketKey]) async throws(StoreError) -> BucketRead {
        guard !keys.isEmpty else { return BucketRead(buckets: [], unreadable: [:]) }
        return try await read { db in
            let select = try db.cachedStatement(sql: "SELECT model, version, start_ms, saved_position, payload FROM buckets WHERE model = ? AND version = ? AND start_ms = ?")
            return Self.decodeBuckets(try keys.compactMap { key in try Row.fetchOne(select, arguments: [key.model, key.version, key.start]) })
        }
    }

    /// SQL true when rollup `r` is stale: one of its buckets was saved after it was built.
    private static func staleRollup(width: Int64) -> String {
        """
        EXISTS (SELECT 1 FROM buckets AS later WHERE later.model = r.model AND later.version = r.version
                AND later.start_ms >= r.start_ms AND later.start_ms < r.start_ms + \(width) AND later.saved_position > r.through_position)
        """
    }

    public func rollupRead(model: String?, version: String?, starting range: Range<Int64>, width: Int64, parts: LiveProfile.Parts) async throws(StoreError) -> RollupRead {
        try await read { db in
            // Equality only where a value is given, so that SQLite walks the (model, version, start) indexes:
            // `? IS NULL OR model = ?` made it scan every bucket of the range once per rollup.
            func filters(_ table: String) -> String {
                "\(table).start_ms >= ? AND \(table).start_ms < ?" + (model == nil ? "" : " AND \(table).model = ?") + (version == nil ? "" : " AND \(table).version = ?")
            }
            var arguments: StatementArguments = [range.lowerBound, range.upperBound]
            for value in [model, version].compactMap({ $0 }) { arguments += [value] }
            let rollupRows = try Row.fetchAll(db, sql: """
                SELECT r.model, r.version, r.start_ms, r.through_position AS saved_position, \(Self.payloadColumn(parts, table: "r")) FROM rollups AS r
                WHERE \(filters("r")) AND NOT \(Self.staleRollup(width: width))
                ORDER BY r.model, r.version, r.start_ms
                """, arguments: arguments)
            let covered = Set(rollupRows.map { BucketKey(model: $0["model"], version: $0["version"], start: $0["start_ms"]) })
            // The buckets no current rollup covers: their keys from the covering index, then the payloads of
            // those alone (the edges of a window, an hour built again after late events).
            var spans = [range]
            if let model, let version {
                // One model version: only the hours without a current rollup are looked at, as runs of hours.
                spans = []
                var hour = range.lowerBound - range.lowerBound % width
                while hour < range.upperBound {
                    if !covered.contains(BucketKey(model: model, version: version, start: hour)) {
                        let part = Swift.max(hour, range.lowerBound)..<Swift.min(hour + width, range.upperBound)
                        if let last = spans.last, last.upperBound == part.lowerBound { spans[spans.count - 1] = last.lowerBound..<part.upperBound } else { spans.append(part) }
                    }
                    hour += width
                }
            }
            var keys: [BucketKey] = []
            for span in spans {
                var spanArguments: StatementArguments = [span.lowerBound, span.upperBound]
                for value in [model, version].compactMap({ $0 }) { spanArguments += [value] }
                keys += try Row.fetchAll(db, sql: "SELECT b.model, b.version, b.start_ms FROM buckets AS b WHERE \(filters("b")) ORDER BY b.model, b.version, b.start_ms", arguments: spanArguments)
                    .map { BucketKey(model: $0["model"], version: $0["version"], start: $0["start_ms"]) }
                    .filter { !covered.contains(BucketKey(model: $0.model, version: $0.version, start: $0.start - $0.start % width)) }
            }
            let select = try db.cachedStatement(sql: "SELECT model, version, start_ms, saved_position, \(Self.payloadColumn(parts)) FROM buckets WHERE model = ? AND version = ? AND start_ms = ?")
            let uncovered = try keys.compactMap { key in try Row.fetchOne(select, arguments: [key.model, key.version, key.start]) }
            return RollupRead(rollups: Self.decodeBuckets(rollupRows, parts: parts), uncovered: Self.decodeBuckets(uncovered, parts: parts))
        }
    }

    public func saveRollups(_ rollups: [LiveBucket]) async throws(StoreError) {
        guard !rollups.isEmpty else { return }
        let encoded = rollups.map { Self.payloads($0.profile) }
        try await write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO rollups (model, version, start_ms, through_position, payload, traffic) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (model, version, start_ms) DO UPDATE SET payload = excluded.payload, traffic = excluded.traffic, through_position = excluded.through_position
                """)
            for (rollup, payload) in zip(rollups, encoded) {
                try upsert.execute(arguments: [rollup.key.model, rollup.key.version, rollup.key.start, rollup.savedPosition, payload.whole, payload.traffic])
            }
        }
    }

    private static func decodeBuckets(_ rows: [Row], parts: LiveProfile.Parts = .all) -> BucketRead {
        var read = BucketRead(buckets: [], unreadable: [:])
        for row in rows {
            let key = BucketKey(model: row["model"], version: row["version"], start: row["start_ms"])
            do {
                let profile = try LiveProfile.decode([UInt8](row["payload"] as Data), parts: parts)
                read.buckets.append(LiveBucket(key: key, profile: profile, savedPosition: row["saved_position"]))
            } catch {
                read.unreadable[key] = error.description
            }
        }
        return read
    }

    public func predictions(in key: BucketKey, width: Int64, after position: Int64, through last: Int64, limit: Int) async throws(StoreError) -> [StoredPrediction] {
        try await read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT p.position, p.model, p.id, p.version, p.timestamp_ms, p.payload AS prediction, l.payload AS label
                FROM predictions p LEFT JOIN labels l ON l.model = p.model AND l.prediction_id = p.id
                WHERE p.timestamp_ms >= ? AND p.timestamp_ms < ? AND p.model = ? AND p.version = ? AND p.position > ? AND p.position <= ?
                ORDER BY p.position LIMIT ?
                """, arguments: [key.start, key.start + width, key.model, key.version, position, last, limit])
            var result = [StoredPrediction]()
            while let row = try rows.next() { result.append(try self.decodePrediction(row)) }
            return result
        }
    }

    // MARK: References

    public func setReference(_ reference: StoredReference, model: String) async throws(StoreError) {
        let payload = Data(SketchEnvelope.serialize(reference.profile))
        try await write { db in
            try db.execute(sql: """
                INSERT INTO model_references (model, source, created_ms, payload) VALUES (?, ?, ?, ?)
                ON CONFLICT (model) DO UPDATE SET source = excluded.source, created_ms = excluded.created_ms, payload = excluded.payload
                """, arguments: [model, reference.source, reference.createdMilliseconds, payload])
        }
        references.withLock {
            $0.writes += 1
            $0.byModel[model] = reference
        }
    }

    public func reference(model: String) async throws(StoreError) -> StoredReference? {
        let (writes, cached) = references.withLock { ($0.writes, $0.byModel[model]) }
        if let cached { return cached }
        let read = try await readReference(model: model)
        // Kept only when no reference was written meanwhile (the row read may predate it).
        if let read { references.withLock { if $0.writes == writes { $0.byModel[model] = read } } }
        return read
    }

    private func readReference(model: String) async throws(StoreError) -> StoredReference? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT source, created_ms, payload FROM model_references WHERE model = ?", arguments: [model]) else {
                return nil
            }
            do {
                let profile = try SketchEnvelope.deserialize(DatasetProfile.self, from: [UInt8](row["payload"] as Data))
                return StoredReference(profile: profile, source: row["source"], createdMilliseconds: row["created_ms"])
            } catch {
                throw StoreError("the reference of \(model) in \(self.path) is damaged: \(error)")
            }
        }
    }

    // MARK: Housekeeping

    public func deletePredictions(before milliseconds: Int64) async throws(StoreError) -> Int {
        try await write { db in
            // The labels about to go all met their prediction; those whose latest entry came late counted late.
            for row in try Row.fetchAll(db, sql: """
                SELECT l.model, COUNT(*) AS labels, SUM(CASE WHEN e.kind = \(LabelLogEntryKind.late.rawValue) THEN 1 ELSE 0 END) AS late
                FROM labels l JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id
                LEFT JOIN label_log e ON e.position = l.position
                WHERE p.timestamp_ms < ? GROUP BY l.model
                """, arguments: [milliseconds]) {
                let labels: Int = row["labels"]
                try Self.addLabelCounts(db, model: row["model"], labels: -labels, matched: -labels, late: -(row["late"] as Int? ?? 0))
            }
            try db.execute(sql: """
                DELETE FROM labels WHERE (model, prediction_id) IN (SELECT model, id FROM predictions WHERE timestamp_ms < ?)
                """, arguments: [milliseconds])
            // Their log entries go too: a fold needs its prediction, so they would be skipped anyway.
            try db.execute(sql: """
                DELETE FROM label_log WHERE (model, prediction_id) IN (SELECT model, id FROM predictions WHERE timestamp_ms < ?)
                """, arguments: [milliseconds])
            try db.execute(sql: "DELETE FROM predictions WHERE timestamp_ms < ?", arguments: [milliseconds])
            return db.changesCount
        }
    }

    public func deleteBuckets(before milliseconds: Int64) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM buckets WHERE start_ms < ?", arguments: [milliseconds])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM rollups WHERE start_ms < ?", arguments: [milliseconds])
            try db.execute(sql: "DELETE FROM quality_buckets WHERE start_ms < ?", arguments: [milliseconds])
            try db.execute(sql: "DELETE FROM quality_rollups WHERE start_ms < ?", arguments: [milliseconds])
            return deleted
        }
    }

    /// One round of the background checkpointer, now.
    func checkpoint() async throws { try await checkpointer.checkpoint() }

    public func sizeInBytes() -> Int64 {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError("write to \(path) failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(body) } catch let error as StoreError { throw error } catch {
            throw StoreError("read from \(path) failed: \(error)")
        }
    }
}

