import Foundation
import VigilStats

/// A binary classifier's rows (the actual class and the probability of the positive class) counted in flat
/// arrays and sums, then folded into a ``QualityProfile`` once: the same figures as adding each row to the
/// profile, without a dictionary look-up per row (hashing class names cost more than the rest of the row,
/// `scripts/bench_report.py --model-quality`).
struct ProbabilityRows: Sendable {
    let positive: String
    let negative: String
    private(set) var count = 0
    /// Rows by actual class (positive, negative) and predicted class (positive from 0.5 up).
    private var truePositives = 0
    private var falseNegatives = 0
    private var falsePositives = 0
    private var trueNegatives = 0
    /// Dense score histograms: the positive class's score (p) and the negative class's (1 − p), each split by
    /// whether the row is of that class.
    private var positiveScoreOfPositives: [Int]
    private var positiveScoreOfNegatives: [Int]
    private var negativeScoreOfNegatives: [Int]
    private var negativeScoreOfPositives: [Int]
    /// Brier score and calibration of the positive class's probability: all a two-class summary reports (the
    /// negative class's would be its mirror, and cost a third of a row's time).
    private var positiveMetrics = ProbabilisticMetrics()
    private var logLossSum = ExactSum()
    private var logLossSquaredSum = ExactSum()
    private let binCount = ScoreHistogram.defaultBinCount
    /// Rows per distinct (actual class, probability) whose sums are not yet added: probabilities are usually
    /// written with a few decimals, so most rows repeat one, and its logarithms and exact sums are then
    /// computed once, multiplied by the count (`ExactSum.add(_:times:)`). At most ``maximumRepeats`` are
    /// kept; rows with further values are added at once.
    private var repeats = RepeatTable()
    /// Rows' keys (the probability's bits, the sign bit for the actual class) waiting to be counted, 1,024 at a
    /// time: a tight loop of look-ups lets their cache misses overlap, where one look-up per row waited for each.
    private var pendingKeys: [UInt64] = []

    init(positive: String, negative: String) {
        self.positive = positive
        self.negative = negative
        positiveScoreOfPositives = Array(repeating: 0, count: binCount)
        positiveScoreOfNegatives = positiveScoreOfPositives
        negativeScoreOfNegatives = positiveScoreOfPositives
        negativeScoreOfPositives = positiveScoreOfPositives
    }

    /// Adds one row: whether its actual class is the positive one, the probability of the positive class (in
    /// [0, 1]), and whether the model predicted the positive class (by default, from 0.5 up).
    mutating func add(isPositive: Bool, probability p: Double, predictedPositive: Bool? = nil) {
        count += 1
        let predictedPositive = predictedPositive ?? (p >= 0.5)
        switch (isPositive, predictedPositive) {
        case (true, true): truePositives += 1
        case (true, false): falseNegatives += 1
        case (false, true): falsePositives += 1
        case (false, false): trueNegatives += 1
        }
        let q = 1 - p
        if isPositive {
            positiveScoreOfPositives[ScoreHistogram.bin(of: p, binCount: binCount)] += 1
            negativeScoreOfPositives[ScoreHistogram.bin(of: q, binCount: binCount)] += 1
        } else {
            positiveScoreOfNegatives[ScoreHistogram.bin(of: p, binCount: binCount)] += 1
            negativeScoreOfNegatives[ScoreHistogram.bin(of: q, binCount: binCount)] += 1
        }
        // The sign bit of a probability in [0, 1] is free: it carries the actual class.
        if pendingKeys.isEmpty { pendingKeys.reserveCapacity(Self.pendingLimit) }
        pendingKeys.append(p.bitPattern | (isPositive ? 1 << 63 : 0))
        if pendingKeys.count == Self.pendingLimit { countPending() }
    }

    private static let pendingLimit = 1024

    /// Counts the pending keys; a key the full table refuses has its sums added at once.
    private mutating func countPending() {
        repeats.touch(pendingKeys)
        for key in pendingKeys where !repeats.count(key) {
            addSums(isPositive: key >> 63 == 1, probability: Double(bitPattern: key & ~(1 << 63)), count: 1)
        }
        pendingKeys.removeAll(keepingCapacity: true)
    }

    /// The sums of `count` rows of one actual class and probability.
    private mutating func addSums(isPositive: Bool, probability p: Double, count: Int) {
        positiveMetrics.add(probability: p, isPositive: isPositive, repeated: count)
        // As QualityProfile's log loss: the actual class's score over the scores' sum, clipped.
        let q = 1 - p
        let actual = (isPositive ? p : q) / (p + q)
        let clipped = Swift.min(1 - ProbabilisticMetrics.clipEpsilon, Swift.max(ProbabilisticMetrics.clipEpsilon, actual))
        let loss = -log(clipped)
        logLossSum.add(loss, times: count)
        logLossSquaredSum.add(loss * loss, times: count)
    }

    /// Adds the pending repeats' sums.
    private mutating func settle() {
        countPending()
        for (key, count) in repeats.entries {
            addSums(isPositive: key >> 63 == 1, probability: Double(bitPattern: key & ~(1 << 63)), count: count)
        }
        repeats = RepeatTable()
    }

    mutating func merge(_ other: ProbabilityRows) {
        var other = other
        other.settle()
        count += other.count
        truePositives += other.truePositives
        falseNegatives += other.falseNegatives
        falsePositives += other.falsePositives
        trueNegatives += other.trueNegatives
        for index in 0..<binCount {
            positiveScoreOfPositives[index] += other.positiveScoreOfPositives[index]
            positiveScoreOfNegatives[index] += other.positiveScoreOfNegatives[index]
            negativeScoreOfNegatives[index] += other.negativeScoreOfNegatives[index]
            negativeScoreOfPositives[index] += other.negativeScoreOfPositives[index]
        }
        // Same bins on both sides: these merge.
        try! positiveMetrics.merge(other.positiveMetrics)
        logLossSum.merge(other.logLossSum)
        logLossSquaredSum.merge(other.logLossSquaredSum)
    }

    /// Adds every row to `profile`.
    func fold(into profile: inout QualityProfile) {
        guard count > 0 else { return }
        var rows = self
        rows.settle()
        rows.foldSettled(into: &profile)
    }

    private func foldSettled(into profile: inout QualityProfile) {
        profile.labelled += count
        for (actual, predicted, rows) in [
            (positive, positive, truePositives), (positive, negative, falseNegatives), (negative, positive, falsePositives),
            (negative, negative, trueNegatives),
        ] where rows > 0 {
            profile.confusion.add(actual: profile.admitted(actual), predicted: profile.admitted(predicted), weight: rows)
        }
        // Histograms of the default bin count always fit a profile's.
        try! profile.scores.add(
            ScoreHistogram(binCount: binCount, positives: positiveScoreOfPositives, negatives: positiveScoreOfNegatives),
            for: positive
        )
        try! profile.scores.add(
            ScoreHistogram(binCount: binCount, positives: negativeScoreOfNegatives, negatives: negativeScoreOfPositives),
            for: negative
        )
        if profile.probabilities[positive] == nil {
            profile.probabilities[positive] = positiveMetrics
        } else {
            try! profile.probabilities[positive]!.merge(positiveMetrics)
        }
        profile.logLossSum.merge(logLossSum)
        profile.logLossSquaredSum.merge(logLossSquaredSum)
        profile.logLossCount += count
    }
}

/// Counts of 64-bit keys in an open-addressing table: a multiply and a shift per row where a `Dictionary` hashed
/// with its per-process seed. Each slot holds its key and count side by side, and the table starts small and
/// doubles while it is more than 70 % full, up to 2¹⁷ slots (at most 2¹⁶ keys). Two separate 1 MB arrays of keys
/// and counts made every look-up a cache miss: 7 % of `vigil report --target --prediction` on 1M rows with 20k
/// distinct probabilities, 2 % now with ``touch(_:)`` (`perf record`, `scripts/bench_report.py --model-quality`).
struct RepeatTable: Sendable {
    private static let maximumSlotBits = 17
    private static let capacity = 1 << 16
    /// Key at `2 × slot`, its count at `2 × slot + 1`; a count of 0 is an empty slot.
    private var slots: [UInt64] = []
    private var slotBits = 10
    private(set) var used = 0
    private var touchSink: UInt64 = 0

    /// An empty table; its first 16 kB are allocated by the first count.
    init() {}

    /// Counts `key` once; false when the table is full and the key is not in it.
    mutating func count(_ key: UInt64) -> Bool {
        if slots.isEmpty { slots = Array(repeating: 0, count: 2 << slotBits) }
        if let slot = find(key) {
            slots[2 * slot + 1] += 1
            return true
        }
        guard used < Self.capacity else { return false }
        if used * 10 >= 7 << slotBits && slotBits < Self.maximumSlotBits { grow() }
        insert(key, count: 1)
        used += 1
        return true
    }

    /// Reads the home slot of every key, without acting on it: the loads do not depend on one another, so their
    /// cache misses overlap, and the look-ups that follow find the slots in cache.
    mutating func touch(_ keys: [UInt64]) {
        guard !slots.isEmpty else { return }
        var sum: UInt64 = 0
        slots.withUnsafeBufferPointer { buffer in
            for key in keys { sum &+= buffer[2 * home(key) + 1] }
        }
        // Kept, so that the loads are not optimized away.
        touchSink = sum
    }

    /// The slot holding `key`, or nil when it is not in the table.
    private func find(_ key: UInt64) -> Int? {
        let mask = (1 << slotBits) - 1
        var slot = home(key)
        return slots.withUnsafeBufferPointer { buffer in
            while buffer[2 * slot + 1] != 0 {
                if buffer[2 * slot] == key { return slot }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    /// Puts a key that is not in the table into its first free slot.
    private mutating func insert(_ key: UInt64, count: UInt64) {
        let mask = (1 << slotBits) - 1
        var slot = home(key)
        while slots[2 * slot + 1] != 0 { slot = (slot + 1) & mask }
        slots[2 * slot] = key
        slots[2 * slot + 1] = count
    }

    private mutating func grow() {
        let old = slots
        slotBits += 1
        slots = Array(repeating: 0, count: 2 << slotBits)
        for index in stride(from: 0, to: old.count, by: 2) where old[index + 1] != 0 {
            insert(old[index], count: old[index + 1])
        }
    }

    /// The keys counted, with their counts.
    var entries: [(key: UInt64, count: Int)] {
        stride(from: 0, to: slots.count, by: 2).compactMap { slots[$0 + 1] > 0 ? (slots[$0], Int(slots[$0 + 1])) : nil }
    }
}
