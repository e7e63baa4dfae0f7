import Foundation
import GRDB
public import VigilAlerting

extension SQLiteStore {
    /// Alert state and history are small JSON documents: a few hundred bytes per alert, written once per
    /// evaluation that changes them.
    static func migrateToAlerts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alert_states (
                fingerprint TEXT PRIMARY KEY,
                document BLOB NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE alert_history (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                time_ms INTEGER NOT NULL,
                document BLOB NOT NULL
            );
            """)
    }

    public func alerts() async throws(StoreError) -> [AlertInstance] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: "SELECT fingerprint, document FROM alert_states ORDER BY fingerprint").map { row in
                (row["fingerprint"] as String, row["document"] as Data)
            }
        }
        var instances: [AlertInstance] = []
        for (fingerprint, document) in rows {
            do { instances.append(try JSONDecoder().decode(AlertInstance.self, from: document)) } catch {
                throw StoreError("the state of alert \(fingerprint) in \(path) is damaged: \(error)")
            }
        }
        return instances
    }

    public func saveAlerts(_ changed: [AlertInstance], removing removed: [String], history: [AlertTransition]) async throws(StoreError) {
        guard !changed.isEmpty || !removed.isEmpty || !history.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let states: [(String, Data)]
        let entries: [(Int64, Data)]
        do {
            states = try changed.map { ($0.fingerprint, try encoder.encode($0)) }
            entries = try history.map { ($0.time, try encoder.encode($0)) }
        } catch {
            throw StoreError("an alert could not be encoded: \(error)")
        }
        try await write { db in
            for (fingerprint, document) in states {
                try db.execute(
                    sql: "INSERT INTO alert_states (fingerprint, document) VALUES (?, ?) ON CONFLICT (fingerprint) DO UPDATE SET document = excluded.document",
                    arguments: [fingerprint, document]
                )
            }
            for fingerprint in removed { try db.execute(sql: "DELETE FROM alert_states WHERE fingerprint = ?", arguments: [fingerprint]) }
            for (time, document) in entries { try db.execute(sql: "INSERT INTO alert_history (time_ms, document) VALUES (?, ?)", arguments: [time, document]) }
        }
    }

    public func alertHistory(limit: Int) async throws(StoreError) -> [AlertTransition] {
        let documents = try await read { db in
            try Data.fetchAll(db, sql: "SELECT document FROM alert_history ORDER BY position DESC LIMIT ?", arguments: [max(0, limit)])
        }
        do { return try documents.map { try JSONDecoder().decode(AlertTransition.self, from: $0) } } catch {
            throw StoreError("the alert history in \(path) is damaged: \(error)")
        }
    }
}
