import Foundation
import VigilCore
import VigilStore
import Prometheus

/// The single writer of predictions: requests queue their batches, and each commit takes everything queued
/// since the previous one into one transaction (group commit). A request is answered only after the
/// transaction holding it commits, and the committed events are folded into the live profiles in log order
/// before the next commit starts.
actor GroupCommitWriter {
    private let store: any Store
    private let live: LiveStatistics
    private let metrics: VigilMetrics
    /// Rows per transaction at most; a larger queue is committed in several transactions.
    private let maxRowsPerCommit: Int
    private let maxQueuedRows: Int

    private var queue: [(batch: PredictionBatch, continuation: CheckedContinuation<AppendResult, any Error>)] = []
    private var queuedRows = 0
    private var committing = false
    /// The fold of the last committed group into the live profiles, with the answers to its requests.
    private var folding: Task<Void, Never>?

    init(store: any Store, live: LiveStatistics, metrics: VigilMetrics, maxRowsPerCommit: Int = 20_000, maxQueuedRows: Int) {
        self.store = store
        self.live = live
        self.metrics = metrics
        self.maxRowsPerCommit = maxRowsPerCommit
        self.maxQueuedRows = maxQueuedRows
    }

    /// Thrown when the queue is full: the client should retry shortly (503 with Retry-After).
    struct Overloaded: Error {}

    /// Commits a batch and returns what was stored, once it is durable.
    func submit(_ batch: PredictionBatch) async throws -> AppendResult {
        guard queuedRows + batch.events.count <= maxQueuedRows || queue.isEmpty else { throw Overloaded() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append((batch, continuation))
            queuedRows += batch.events.count
            metrics.gauge(.queueDepth).set(to: Double(queuedRows))
            if !committing {
                committing = true
                Task { await drain() }
            }
        }
    }

    /// Commits the queue group by group. When more is queued, a group's events are folded into the live
    /// profiles, and its requests answered, while the next group commits: the two stages overlap, and the
    /// live profiles still receive every group in log order, because each fold waits for the one before it.
    private func drain() async {
        while !queue.isEmpty {
            var rows = 0
            var count = 0
            while count < queue.count && (count == 0 || rows + queue[count].batch.events.count <= maxRowsPerCommit) {
                rows += queue[count].batch.events.count
                count += 1
            }
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            queuedRows -= rows
            metrics.gauge(.queueDepth).set(to: Double(queuedRows))
            let started = ContinuousClock.now
            let results: [AppendResult]
            do {
                results = try await store.append(group.map(\.batch))
            } catch {
                for (_, continuation) in group { continuation.resume(throwing: error) }
                continue
            }
            metrics.recordCommit(rows: rows, seconds: (ContinuousClock.now - started).seconds)
            let committed = zip(group, results).map { CommittedPredictions(model: $0.batch.model, events: $0.batch.events, positions: $1.positions) }
            // At most one fold in flight: a writer that outruns the folds waits here instead of piling them up.
            let previous = folding
            await previous?.value
            let fold = { @Sendable [live] in
                await live.applyCommitted(committed)
                for ((_, continuation), result) in zip(group, results) { continuation.resume(returning: result) }
            }
            if queue.isEmpty {
                // Nothing to commit meanwhile: folding here saves a task switch on each answer of light traffic.
                folding = nil
                await fold()
            } else {
                folding = Task(operation: fold)
            }
        }
        committing = false
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
