import Synchronization
import VigilCore
import VigilStats

/// Merged profiles of whole aligned blocks of time (an hour to a UTC day), kept in memory so that a window of
/// days merges one profile per day instead of 24 hourly rollups: the summary and the dashboard over 7 days
/// merge 7 instead of 168 (each live rollup of 50 features costs about 4 ms to read and merge, `vigil-bench
/// dashboard`). ``LiveStatistics`` keeps live profiles in one, ``QualityProfiles`` quality profiles in another.
///
/// A block changes when events reach it late (live: folded in memory, then flushed over its buckets; quality:
/// a label folded into its prediction's bucket) or when retention deletes its buckets. Each day of each model
/// has a stamp that late events advance; an entry is used only while its stamp is the day's current one, so
/// an entry computed while a change was on its way is never used after. Retention retires its cutoff's day
/// and every older one: they are neither served nor kept from then on. The cache is bounded in bytes (the profile's
/// encoded size); past the bound the least recently used entries go.
final class BlockCache<Value: Sendable>: Sendable {
    /// One aligned block (an hour to a day) of one model: one version or all of them (nil), read whole or in part.
    struct Key: Hashable, Sendable {
        var model: String
        var version: String?
        var start: Int64
        var width: Int64
        var parts: LiveProfile.Parts
        /// The day the block lies in (blocks divide a day).
        var day: Int64 { CalendarDay.start(of: start) }
    }

    private struct Entry: Sendable {
        var profile: Value
        var stamp: Int
        var bytes: Int
        var used: UInt64
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        /// Per model and day, how many times its content changed since the server started.
        var stamps: [String: [Int64: Int]] = [:]
        /// The last day retention reached into: its blocks and older ones are neither served nor kept (its buckets
        /// are being deleted a minute at a time).
        var retiredDay = Int64.min
        var hits = 0
        var misses = 0
    }

    let maximumBytes: Int
    /// Windows take blocks from the last this many days of their range; anything older is read in one piece
    /// (a range from the year 1 must not become 700,000 reads), and 92 days hold the dashboard's longest range
    /// and the default bucket retention.
    static var maximumDays: Int64 { 92 }
    private let state = Mutex(State())

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// What a day's profile was computed at: the changes to the day so far.
    struct Stamp: Equatable, Sendable {
        var changes: Int
    }

    /// The day's current stamp: read it before computing a day, and store the result with it.
    func stamp(model: String, day: Int64) -> Stamp {
        state.withLock { Stamp(changes: $0.stamps[model]?[day] ?? 0) }
    }

    /// The cached profile of a day, if it was computed at the day's current stamp.
    func profile(_ key: Key) -> Value? {
        state.withLock { state in
            let current = state.stamps[key.model]?[key.day] ?? 0
            guard key.day > state.retiredDay, var entry = state.entries[key], entry.stamp == current else {
                state.misses += 1
                return nil
            }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            state.hits += 1
            return entry.profile
        }
    }

    /// Whether a block is cached at its day's current stamp, without counting a read or marking it used.
    func contains(_ key: Key) -> Bool {
        state.withLock { state in
            key.day > state.retiredDay && state.entries[key]?.stamp == (state.stamps[key.model]?[key.day] ?? 0)
        }
    }

    /// Keeps a block's profile (of `bytes` encoded) computed at `stamp`; nothing when late events or retention
    /// changed the day since (the profile may miss them) or the profile alone exceeds the bound.
    func store(_ profile: Value, bytes: Int, key: Key, stamp: Stamp) {
        guard bytes <= maximumBytes else { return }
        state.withLock { state in
            guard key.day > state.retiredDay, stamp == Stamp(changes: state.stamps[key.model]?[key.day] ?? 0) else { return }
            state.clock += 1
            if let old = state.entries[key] { state.bytes -= old.bytes }
            state.entries[key] = Entry(profile: profile, stamp: stamp.changes, bytes: bytes, used: state.clock)
            state.bytes += bytes
            while state.bytes > maximumBytes, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.bytes -= oldest.value.bytes
                state.entries[oldest.key] = nil
            }
        }
    }

    /// Late events reached these days of a model: what was cached of them is stale.
    func changed(model: String, days: Set<Int64>) {
        guard !days.isEmpty else { return }
        state.withLock { state in
            for day in days { state.stamps[model, default: [:]][day, default: 0] += 1 }
            for key in state.entries.keys where key.model == model && days.contains(key.day) {
                state.bytes -= state.entries[key]!.bytes
                state.entries[key] = nil
            }
        }
    }

    /// Retention deletes buckets older than `cutoff`: the day it reaches into and every older one are no longer
    /// served or kept, for every model (a day being computed meanwhile included).
    func deleted(before cutoff: Int64) {
        let lastDay = CalendarDay.start(of: cutoff)
        state.withLock { state in
            state.retiredDay = max(state.retiredDay, lastDay)
            for key in state.entries.keys where key.day <= lastDay {
                state.bytes -= state.entries[key]!.bytes
                state.entries[key] = nil
            }
        }
    }

    /// Entries, bytes held, hits and misses so far.
    var statistics: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.bytes, $0.hits, $0.misses) }
    }
}

/// UTC days, the unit a ``BlockCache`` stamps its blocks by.
enum CalendarDay {
    static let milliseconds: Int64 = 86_400_000

    /// The start of the UTC day holding `milliseconds`.
    static func start(of milliseconds: Int64) -> Int64 { BucketKey.start(of: milliseconds, width: Self.milliseconds) }
}
