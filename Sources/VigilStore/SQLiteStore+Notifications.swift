import Foundation
import GRDB
public import VigilAlerting

extension SQLiteStore {
    static func migrateToNotifications(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE notification_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                receiver TEXT NOT NULL,
                group_key TEXT NOT NULL,
                status TEXT NOT NULL,
                body BLOB NOT NULL,
                created_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms INTEGER NOT NULL,
                delivered_ms INTEGER,
                last_error TEXT,
                abandoned_ms INTEGER
            );
            CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_ms) WHERE delivered_ms IS NULL AND abandoned_ms IS NULL;
            CREATE TABLE notification_state (
                name TEXT PRIMARY KEY,
                document BLOB NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE silences (
                id TEXT PRIMARY KEY,
                starts_ms INTEGER NOT NULL,
                document BLOB NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    public func dispatcherState() async throws(StoreError) -> NotificationDispatcher? {
        let document = try await read { db in try Data.fetchOne(db, sql: "SELECT document FROM notification_state WHERE name = 'dispatcher'") }
        guard let document else { return nil }
        do { return try JSONDecoder().decode(NotificationDispatcher.self, from: document) } catch {
            throw StoreError("the notification groups in \(path) are damaged: \(error)")
        }
    }

    public func enqueue(_ entries: [OutboxEntry], state: NotificationDispatcher) async throws(StoreError) {
        let document: Data
        do { document = try JSONEncoder().encode(state) } catch { throw StoreError("the notification groups could not be encoded: \(error)") }
        try await write { db in
            for entry in entries {
                try db.execute(
                    sql: """
                        INSERT INTO notification_outbox (receiver, group_key, status, body, created_ms, attempts, next_attempt_ms)
                        VALUES (?, ?, ?, ?, ?, 0, ?)
                        """,
                    arguments: [entry.receiver, entry.groupKey, entry.status, entry.body, entry.createdAt, entry.nextAttemptAt]
                )
            }
            try db.execute(
                sql: "INSERT INTO notification_state (name, document) VALUES ('dispatcher', ?) ON CONFLICT (name) DO UPDATE SET document = excluded.document",
                arguments: [document]
            )
        }
    }

    private static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row["id"], receiver: row["receiver"], groupKey: row["group_key"], status: row["status"], body: row["body"], createdAt: row["created_ms"],
            attempts: row["attempts"], nextAttemptAt: row["next_attempt_ms"], deliveredAt: row["delivered_ms"], lastError: row["last_error"],
            abandonedAt: row["abandoned_ms"]
        )
    }

    public func dueNotifications(now: Int64, limit: Int) async throws(StoreError) -> [OutboxEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM notification_outbox WHERE delivered_ms IS NULL AND abandoned_ms IS NULL AND next_attempt_ms <= ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [now, max(0, limit)]
            ).map(Self.entry)
        }
    }

    public func recordAttempt(id: Int64, at time: Int64, deliveredAt: Int64?, error: String?, nextAttemptAt: Int64?) async throws(StoreError) {
        try await write { db in
            if let deliveredAt {
                try db.execute(sql: "UPDATE notification_outbox SET attempts = attempts + 1, delivered_ms = ?, last_error = NULL WHERE id = ?", arguments: [deliveredAt, id])
            } else if let nextAttemptAt {
                try db.execute(
                    sql: "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_ms = ? WHERE id = ?", arguments: [error, nextAttemptAt, id]
                )
            } else {
                try db.execute(sql: "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, abandoned_ms = ? WHERE id = ?", arguments: [error, time, id])
            }
        }
    }

    public func notifications(limit: Int) async throws(StoreError) -> [OutboxEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notification_outbox ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)]).map(Self.entry)
        }
    }

    public func saveSilence(_ silence: Silence) async throws(StoreError) {
        let document: Data
        do { document = try JSONEncoder().encode(silence) } catch { throw StoreError("the silence could not be encoded: \(error)") }
        try await write { db in
            try db.execute(
                sql: "INSERT INTO silences (id, starts_ms, document) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET starts_ms = excluded.starts_ms, document = excluded.document",
                arguments: [silence.id, silence.startsAt, document]
            )
        }
    }

    public func silences() async throws(StoreError) -> [Silence] {
        let documents = try await read { db in try Data.fetchAll(db, sql: "SELECT document FROM silences ORDER BY starts_ms, id") }
        do { return try documents.map { try JSONDecoder().decode(Silence.self, from: $0) } } catch {
            throw StoreError("a silence in \(path) is damaged: \(error)")
        }
    }
}
