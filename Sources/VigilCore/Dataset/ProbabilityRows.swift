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
        if !repeats.count(p.bitPattern | (isPositive ? 1 << 63 : 0)) { addSums(isPositive: isPositive, probability: p, count: 1) }
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

/// Counts of 64-bit keys in a fixed open-addressing table (2¹⁷ slots, at most 2¹⁶ keys): a multiply and a shift
/// per row where a `Dictionary` hashed with its per-process seed.
struct RepeatTable: Sendable {
    private static let slotBits = 17
    private static let capacity = 1 << 16
    private var keys: [UInt64]
    private var counts: [Int]
    private(set) var used = 0

    /// An empty table; its 2 MB are allocated by the first count.
    init() {
        keys = []
        counts = []
    }

    /// Counts `key` once; false when the table is full and the key is not in it.
    mutating func count(_ key: UInt64) -> Bool {
        if counts.isEmpty {
            keys = Array(repeating: 0, count: 1 << Self.slotBits)
            counts = Array(repeating: 0, count: 1 << Self.slotBits)
        }
        let mask = (1 << Self.slotBits) - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.slotBits))
        while true {
            if counts[slot] == 0 {
                guard used < Self.capacity else { return false }
                keys[slot] = key
                counts[slot] = 1
                used += 1
                return true
            }
            if keys[slot] == key {
                counts[slot] += 1
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    /// The keys counted, with their counts.
    var entries: [(key: UInt64, count: Int)] {
        counts.indices.compactMap { counts[$0] > 0 ? (keys[$0], counts[$0]) : nil }
    }
}
