import Foundation

/// Pearson's χ² test of observed counts against the shares they were meant to have: a traffic split that
/// drifted from its declared 90/10, or one version whose predictions get labelled more often than another's.
/// As GrowthBook's `check_srm`; a p-value below ``threshold`` is a mismatch.
public struct SampleRatioMismatch: Sendable, Equatable {
    /// GrowthBook's threshold: 0.001, so a healthy split is flagged once in a thousand reads.
    public static let threshold = 0.001

    /// The χ² statistic.
    public var statistic: Double
    /// Its p-value with (arms − 1) degrees of freedom; 1 when nothing was observed.
    public var pValue: Double
    /// The counts each arm should have had.
    public var expected: [Double]

    /// True when the observed split is too unlikely under the declared one.
    public var isMismatch: Bool { pValue < Self.threshold }

    /// Tests `observed` counts against `weights` (any positive scale; arms weighted 0 are left out of the
    /// statistic, as in `gbstats`).
    public init(observed: [Double], weights: [Double]) {
        precondition(observed.count == weights.count && observed.count >= 2, "one weight per arm, at least two arms")
        let total = observed.reduce(0, +)
        let totalWeight = weights.reduce(0, +)
        expected = weights.map { totalWeight > 0 ? $0 / totalWeight * total : 0 }
        guard total > 0 else {
            statistic = 0
            pValue = 1
            return
        }
        var x = 0.0
        for (o, e) in zip(observed, expected) where e > 0 { x += (o - e) * (o - e) / e }
        statistic = x
        pValue = ChiSquareDistribution.survival(x, degreesOfFreedom: Double(observed.count - 1))
    }

    /// Tests whether two arms' rates (labelled / predictions) differ: the 2×2 table of (labelled, unlabelled)
    /// per arm, by Pearson's χ² without continuity correction (`scipy.stats.chi2_contingency(correction=False)`).
    public static func rates(successes: (Double, Double), trials: (Double, Double)) -> SampleRatioMismatch {
        let table = [[successes.0, trials.0 - successes.0], [successes.1, trials.1 - successes.1]]
        let total = trials.0 + trials.1
        let columns = [successes.0 + successes.1, total - successes.0 - successes.1]
        var x = 0.0
        var expected: [Double] = []
        for (r, row) in table.enumerated() {
            let rowTotal = r == 0 ? trials.0 : trials.1
            for (c, observed) in row.enumerated() {
                let e = total > 0 ? rowTotal * columns[c] / total : 0
                expected.append(e)
                if e > 0 { x += (observed - e) * (observed - e) / e }
            }
        }
        let degenerate = total == 0 || columns.contains(0) || trials.0 == 0 || trials.1 == 0
        return SampleRatioMismatch(
            statistic: degenerate ? 0 : x,
            pValue: degenerate ? 1 : ChiSquareDistribution.survival(x, degreesOfFreedom: 1),
            expected: expected
        )
    }

    private init(statistic: Double, pValue: Double, expected: [Double]) {
        self.statistic = statistic
        self.pValue = pValue
        self.expected = expected
    }
}
