import Synchronization
import VigilCore
import VigilStore

/// Shadow traffic paired by request id (``ShadowPairs``), kept per ten-minute span for each pair of versions
/// compared, so that a configured `paired: true` comparison, which the monitor and every view of the Versions tab
/// compute, reads only the spans that changed since its last read: pairing a busy week from the log took
/// 6.7–7.8 s each time (`vigil-bench shadow`).
///
/// A span holds the pairs whose baseline prediction was made in it and the requests each version scored first
/// in it. Those change only when a prediction or a label-log entry about one of its requests is logged, so each
/// read first asks the store what was logged since the positions it last saw
/// (``PredictionLog/requestChanges(model:baseline:candidate:since:)``) and drops the spans named. Spans are kept
/// with every outcome, as if matured: a window takes only the latencies of a span not matured yet, and reads the
/// span the maturity line crosses afresh. Spans that prediction retention may already have reached, spans older
/// than the block cache's 92 days, and a window's partial edges are read afresh too.
final class ShadowPairCache: Sendable {
    /// A compared pair of versions of a model.
    struct Key: Hashable, Sendable {
        var model: String
        var baseline: String
        var candidate: String
    }

    private struct Entry: Sendable {
        var spans: [Int64: ShadowPairs] = [:]
        /// The log positions whose changes have been applied to `spans`; nil until the first read.
        var seen: RequestChanges.Positions?
        /// Advanced whenever changes drop spans: spans computed from a read older than a drop are not kept.
        var generation = 0
        var used: UInt64 = 0
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    /// The width of a kept span. A window's partial edges and the span its maturity line crosses are read
    /// afresh, so this bounds what a repeated read costs: with hours, a busy week's paired comparison read again
    /// took 250 ms, 5.4× the same comparison unpaired (`vigil-bench shadow`).
    static let span: Int64 = 600_000
    /// Pairs of versions kept; past it the least recently read goes (a reader asking every pair of 20 versions
    /// of 100 models must not hold them all: 92 days of spans are about 2.6 MB).
    static let maximumEntries = 16
    private let state = Mutex(State())
    /// How far back prediction retention deletes, in milliseconds (nil: never).
    private let retention: Int64?

    init(retentionMilliseconds: Int64?) {
        retention = retentionMilliseconds
    }

    /// The pairs of `baseline` and `candidate` over `range`, with outcomes for baseline predictions made before
    /// `maturedBefore`: the same pairs and counts as ``PredictionLog/shadowPairs(model:baseline:candidate:range:maturedBefore:pageSize:)``,
    /// summed span by span.
    func pairs(
        store: any PredictionLog,
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        maturedBefore: Int64?,
        now: Int64
    ) async throws(StoreError) -> ShadowPairs {
        let key = Key(model: model, baseline: baseline, candidate: candidate)
        let since = state.withLock { $0.entries[key]?.seen }
        let changes = try await store.requestChanges(model: model, baseline: baseline, candidate: candidate, since: since)
        let generation = state.withLock { state in
            var entry = state.entries[key] ?? Entry()
            let dropped = changes.times.map { BucketKey.start(of: $0, width: Self.span) }
            if !dropped.isEmpty {
                for span in dropped { entry.spans[span] = nil }
                entry.generation += 1
            }
            // Changes only grow with the positions, and a read's changes cover everything after the positions it
            // started from, which are at most the entry's.
            if let seen = entry.seen {
                entry.seen = .init(prediction: max(seen.prediction, changes.through.prediction), label: max(seen.label, changes.through.label))
            } else {
                entry.seen = changes.through
            }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            if state.entries.count > Self.maximumEntries, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.entries[oldest.key] = nil
            }
            return entry.generation
        }

        let firstSpan = BucketKey.start(of: range.lowerBound + Self.span - 1, width: Self.span)
        let endSpan = BucketKey.start(of: range.upperBound, width: Self.span)
        let oldestKept = max(now - BlockCache<LiveProfile>.maximumDays * CalendarDay.milliseconds, retention.map { now - $0 } ?? .min)
        // Each whole span: kept (matured or not), or read afresh (the maturity line crosses it, or it is too old).
        enum Piece {
            case kept(Int64, matured: Bool)
            case fresh(Range<Int64>)
        }
        var pieces: [Piece] = []
        if firstSpan >= endSpan {
            // No whole span: the window at once.
            pieces.append(.fresh(range))
        } else if range.lowerBound < firstSpan {
            pieces.append(.fresh(range.lowerBound..<firstSpan))
        }
        for start in stride(from: firstSpan, to: endSpan, by: Int(Self.span)) {
            let end = start + Self.span
            if start < oldestKept || maturedBefore.map({ $0 > start && $0 < end }) == true {
                pieces.append(.fresh(start..<end))
            } else {
                pieces.append(.kept(start, matured: maturedBefore.map { $0 >= end } ?? false))
            }
        }
        if firstSpan < endSpan && endSpan < range.upperBound { pieces.append(.fresh(endSpan..<range.upperBound)) }

        var spans = state.withLock { $0.entries[key]?.spans ?? [:] }
        var missing: [Range<Int64>] = []
        for case .kept(let start, _) in pieces where spans[start] == nil {
            if let last = missing.last, last.upperBound == start {
                missing[missing.count - 1] = last.lowerBound..<(start + Self.span)
            } else {
                missing.append(start..<(start + Self.span))
            }
        }
        var computed: [Int64: ShadowPairs] = [:]
        for run in missing {
            for (start, pairs) in try await Self.read(store: store, key: key, run: run) { computed[start] = pairs }
        }
        if !computed.isEmpty {
            state.withLock { state in
                // Not kept when changes dropped spans meanwhile: the pairs may have been read before them.
                guard var entry = state.entries[key], entry.generation == generation else { return }
                entry.spans.merge(computed) { _, new in new }
                state.entries[key] = entry
            }
            spans.merge(computed) { _, new in new }
        }

        var result = ShadowPairs(baselineRequests: 0, candidateRequests: 0)
        for piece in pieces {
            switch piece {
            case .kept(let start, let matured):
                let pairs = spans[start]!
                result.merge(matured ? pairs : pairs.latenciesOnly)
            case .fresh(let span):
                result.merge(
                    try await store.shadowPairs(model: model, baseline: baseline, candidate: candidate, range: span, maturedBefore: maturedBefore)
                )
            }
        }
        return result
    }

    /// The spans of `run`, each with its pairs (every outcome counted) and each version's first requests: one pass
    /// over the run's pairs, and a count per span.
    private static func read(store: any PredictionLog, key: Key, run: Range<Int64>) async throws(StoreError) -> [Int64: ShadowPairs] {
        var spans: [Int64: ShadowPairs] = [:]
        for start in stride(from: run.lowerBound, to: run.upperBound, by: Int(Self.span)) {
            let counts = try await store.requestCounts(model: key.model, versions: [key.baseline, key.candidate], range: start..<(start + Self.span))
            spans[start] = ShadowPairs(baselineRequests: counts[key.baseline] ?? 0, candidateRequests: counts[key.candidate] ?? 0)
        }
        try await store.forEachRequestPair(model: key.model, baseline: key.baseline, candidate: key.candidate, range: run) { pair in
            spans[BucketKey.start(of: pair.baseline.event.timestampMilliseconds, width: Self.span)]!.add(
                baseline: pair.baseline.event, candidate: pair.candidate.event, label: pair.label?.value
            )
        }
        return spans
    }
}
