import Foundation
import GRDB
import VigilCore

/// Shadow traffic: predictions that carry a request id, and the pairs of versions that scored the same request.
extension SQLiteStore {
    /// Predictions gain a `request_id` column, indexed only where it is set: a log without request ids pays
    /// nothing for it, and a pair's second prediction (and whether it is its version's first for the request)
    /// is one index look-up.
    static func migrateToRequestIds(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE predictions ADD COLUMN request_id TEXT;
                CREATE INDEX predictions_by_request ON predictions (model, request_id, version, position) WHERE request_id IS NOT NULL;
                """
        )
    }

    /// The pairs of one page, in one read (``PredictionLog/requestPairs(model:baseline:candidate:range:after:limit:)``).
    public func requestPairs(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        after last: RequestPair?,
        limit: Int
    ) async throws(StoreError) -> [RequestPair] {
        try await read { db in
            // The baseline's side walks the time index from the window's start (or the page before's last pair),
            // so a page ends after `limit` rows and a short window reads only its own rows. In log order SQLite
            // sorted the whole model's pairs for every page (21.6 s for a week of 201,600 pairs, `vigil-bench
            // shadow`); walking the request index read the whole model's request ids for an hour's window (713 ms).
            // Each side's label is the one that folds (`folded_position`), as model quality counts it.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.request_id,
                           a.position, a.model, a.id, a.version, a.timestamp_ms, a.payload AS prediction, fa.payload AS label,
                           b.position AS b_position, b.model AS b_model, b.id AS b_id, b.version AS b_version, b.timestamp_ms AS b_timestamp_ms,
                           b.payload AS b_prediction, fb.payload AS b_label
                    FROM predictions a INDEXED BY predictions_by_time
                    JOIN predictions b ON b.model = a.model AND b.request_id = a.request_id AND b.request_id IS NOT NULL AND b.version = ?3
                        AND b.position = (SELECT MIN(c.position) FROM predictions c
                                          WHERE c.model = a.model AND c.request_id = a.request_id AND c.request_id IS NOT NULL AND c.version = ?3)
                    LEFT JOIN labels la ON la.model = a.model AND la.prediction_id = a.id
                    LEFT JOIN label_log fa ON fa.position = la.folded_position
                    LEFT JOIN labels lb ON lb.model = b.model AND lb.prediction_id = b.id
                    LEFT JOIN label_log fb ON fb.position = lb.folded_position
                    WHERE a.timestamp_ms >= ?4 AND a.timestamp_ms < ?5 AND a.timestamp_ms >= ?6 AND (a.timestamp_ms, a.position) > (?6, ?8)
                        AND a.model = ?1 AND a.version = ?2 AND a.request_id IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM predictions d
                                        WHERE d.model = a.model AND d.request_id = a.request_id AND d.request_id IS NOT NULL AND d.version = ?2
                                            AND d.position < a.position)
                    ORDER BY a.timestamp_ms, a.position LIMIT ?7
                    """,
                arguments: [
                    model, baseline, candidate, range.lowerBound, range.upperBound, last?.baseline.event.timestampMilliseconds ?? .min, limit,
                    last?.baseline.position ?? .min,
                ]
            )
            var pairs: [RequestPair] = []
            while let row = try rows.next() {
                pairs.append(
                    RequestPair(
                        requestId: row["request_id"],
                        baseline: try self.decodePrediction(row, features: false),
                        candidate: try self.decodePrediction(row, features: false, prefix: "b_")
                    )
                )
            }
            return pairs
        }
    }

    /// Requests per version whose first prediction of the version lies in `range`, walking the time index (a short
    /// window reads only its rows; whether a prediction is its version's first is one look-up in the request index).
    public func requestCounts(model: String, versions: [String], range: Range<Int64>) async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for version in versions {
                counts[version] =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM predictions p INDEXED BY predictions_by_time
                            WHERE p.model = ?1 AND p.request_id IS NOT NULL AND p.version = ?2 AND p.timestamp_ms >= ?3 AND p.timestamp_ms < ?4
                                AND NOT EXISTS (SELECT 1 FROM predictions d
                                                WHERE d.model = ?1 AND d.request_id = p.request_id AND d.request_id IS NOT NULL AND d.version = ?2
                                                    AND d.position < p.position)
                            """,
                        arguments: [model, version, range.lowerBound, range.upperBound]
                    ) ?? 0
            }
            return counts
        }
    }

    /// The changed requests' first-prediction times, from the predictions and label-log entries after `since`
    /// (``PredictionLog/requestChanges(model:baseline:candidate:since:)``): both logs are read by position from
    /// `since` on, and each request's first prediction of either version is one look-up in the request index.
    /// Positions are never reused (`AUTOINCREMENT`), so nothing logged later hides below `through`.
    public func requestChanges(model: String, baseline: String, candidate: String, since: RequestChanges.Positions?) async throws(StoreError)
        -> RequestChanges
    {
        try await read { db in
            let through = RequestChanges.Positions(
                prediction: try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM predictions") ?? 0,
                label: try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM label_log") ?? 0
            )
            guard let since else { return RequestChanges(times: [], through: through) }
            // The logs are walked by position from `since` (the `+` keeps SQLite from walking the model's whole
            // request index instead: 30–37 ms a read for two days of shadow traffic, `vigil-bench shadow`), then
            // each changed request's first prediction of either version is one look-up in the request index.
            var times = Set<Int64>()
            for version in [baseline, candidate] {
                let first = """
                    (SELECT a.timestamp_ms FROM predictions a
                     WHERE a.model = ?1 AND a.request_id = p.request_id AND a.request_id IS NOT NULL AND a.version = ?6 ORDER BY a.position LIMIT 1)
                    """
                times.formUnion(
                    try Int64?.fetchAll(
                        db,
                        sql: """
                            SELECT DISTINCT \(first) FROM predictions p
                            WHERE p.position > ?4 AND p.position <= ?5 AND +p.model = ?1 AND +p.request_id IS NOT NULL AND +p.version IN (?2, ?3)
                            """,
                        arguments: [model, baseline, candidate, since.prediction, through.prediction, version]
                    ).compactMap { $0 }
                )
                times.formUnion(
                    try Int64?.fetchAll(
                        db,
                        sql: """
                            SELECT DISTINCT \(first) FROM label_log e JOIN predictions p ON p.model = e.model AND p.id = e.prediction_id
                            WHERE e.position > ?4 AND e.position <= ?5 AND +e.model = ?1 AND p.request_id IS NOT NULL AND p.version IN (?2, ?3)
                            """,
                        arguments: [model, baseline, candidate, since.label, through.label, version]
                    ).compactMap { $0 }
                )
            }
            return RequestChanges(times: times, through: through)
        }
    }
}
