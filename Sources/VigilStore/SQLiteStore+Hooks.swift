import Foundation
import GRDB
public import VigilAlerting

extension SQLiteStore {
    static func migrateToHooks(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE hook_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                hook TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                document BLOB NOT NULL
            );
            CREATE INDEX hook_runs_alert ON hook_runs (hook, fingerprint, id);
            """)
    }

    private static func encode(_ run: HookRun) throws(StoreError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(run)
        } catch {
            throw StoreError("a hook run could not be encoded: \(error)")
        }
    }

    private func decodeRuns(_ rows: [(Int64, Data)]) throws(StoreError) -> [HookRun] {
        var runs: [HookRun] = []
        for (id, document) in rows {
            do {
                var run = try JSONDecoder().decode(HookRun.self, from: document)
                run.id = id
                runs.append(run)
            } catch {
                throw StoreError("hook run \(id) in \(path) is damaged: \(error)")
            }
        }
        return runs
    }

    public func appendHookRun(_ run: HookRun) async throws(StoreError) -> HookRun? {
        let document = try Self.encode(run)
        let id: Int64? = try await write { db in
            try db.execute(
                sql: "INSERT INTO hook_runs (key, hook, fingerprint, document) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                arguments: [run.key, run.hook, run.fingerprint, document]
            )
            return db.changesCount == 1 ? db.lastInsertedRowID : nil
        }
        guard let id else { return nil }
        var logged = run
        logged.id = id
        return logged
    }

    public func updateHookRun(_ run: HookRun) async throws(StoreError) {
        let document = try Self.encode(run)
        try await write { db in try db.execute(sql: "UPDATE hook_runs SET document = ? WHERE id = ?", arguments: [document, run.id]) }
    }

    public func hookRuns(hook: String?, fingerprint: String?, limit: Int) async throws(StoreError) -> [HookRun] {
        let rows = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, document FROM hook_runs WHERE (? IS NULL OR hook = ?) AND (? IS NULL OR fingerprint = ?) ORDER BY id DESC LIMIT ?
                    """,
                arguments: [hook, hook, fingerprint, fingerprint, max(0, limit)]
            ).map { ($0["id"] as Int64, $0["document"] as Data) }
        }
        return try decodeRuns(rows)
    }

    public func hookRun(id: Int64) async throws(StoreError) -> HookRun? {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, document FROM hook_runs WHERE id = ?", arguments: [id]).map { ($0["id"] as Int64, $0["document"] as Data) }
        }
        return try decodeRuns(rows).first
    }
}
