import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, so that commits seldom
/// wait for a checkpoint.
///
/// SQLite checkpoints inside the commit that fills the log past 1000 pages, and that commit then waits for
/// the copy and for the log's and the database's `fdatasync` (~6 ms measured here, every ~250 single-row
/// commits): the slowest percent of answered requests were exactly those. Here the writer's own checkpoint
/// is raised to ``SQLiteStore/fallbackCheckpointPages`` (a bound on the log should this one stop), and
/// each round:
///
/// - a passive checkpoint copies what the log holds and syncs both files. It takes no writer lock: commits
///   go on appending meanwhile.
/// - once the log is longer than `truncatePages`, a truncating checkpoint copies the little written since,
///   empties the log file, and so makes the next commit write it from its start. It holds commits back for
///   that short copy and sync only. Without it the log grows under steady traffic (to 56 MB in 15 s of the
///   serve benchmark), because a passive checkpoint never finds it fully copied while commits keep coming.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let truncatePages: Int
    private let loop: Task<Void, Never>?

    /// Opens the checkpoint connection and, when an interval is given, runs a round every interval until the
    /// checkpointer is released.
    init(path: String, interval: Duration?, truncatePages: Int) throws {
        var configuration = Configuration()
        configuration.label = "vigil.checkpointer"
        // A truncating checkpoint waits for the commit in progress; a reader in a long read may make it give up.
        configuration.busyMode = .timeout(1)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        self.connection = connection
        self.truncatePages = truncatePages
        loop = interval.map { interval in
            Task.detached(priority: .utility) {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    _ = try? await Self.round(connection, truncatePages: truncatePages)
                }
            }
        }
    }

    deinit { loop?.cancel() }

    /// One round now. Errors (SQLITE_BUSY: another checkpoint is running, or a reader held on) only mean
    /// "not now": the next round tries again.
    func checkpoint() async throws { try await Self.round(connection, truncatePages: truncatePages) }

    private static func round(_ connection: DatabaseQueue, truncatePages: Int) async throws {
        try await connection.writeWithoutTransaction { db in
            let (logPages, _) = try db.checkpoint(.passive)
            if logPages > truncatePages { try db.checkpoint(.truncate) }
        }
    }
}
