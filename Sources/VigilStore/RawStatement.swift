import GRDB
import GRDBSQLite

/// A cached statement driven through the SQLite C API: binding through GRDB's `StatementArguments`
/// allocates per row, which at 100k rows/s is a visible share of the single writer's time (the prediction
/// log), and half of a label's (four statements each).
struct RawStatement {
    private let raw: OpaquePointer
    private let db: Database

    init(_ statement: Statement, _ db: Database) {
        raw = statement.sqliteStatement
        self.db = db
        sqlite3_reset(raw)
    }

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_text(raw, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), sqliteTransient)
            } else {
                // An empty string has no base address: bind a zero-length text, not NULL.
                _ = sqlite3_bind_text(raw, index, "", 0, sqliteTransient)
            }
        }
    }

    /// Binds text, or NULL for nil (a reset keeps the row before's bindings, so nil must be bound too).
    func bind(_ index: Int32, _ text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(raw, index) }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds bytes; an empty buffer would bind NULL, so callers never pass one (an event is at least `{}`).
    func bind(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        _ = sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
    }

    /// Runs the statement to its first row (true) or its end (false).
    func step() throws -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(raw)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }

    /// Column `index` of the current row, nil when NULL.
    func int64(_ index: Int32) -> Int64? {
        sqlite3_column_type(raw, index) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, index)
    }

    func reset() { sqlite3_reset(raw) }
}

/// SQLite copies the bound bytes (`SQLITE_TRANSIENT`), so they need not outlive the call.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
