import Foundation

/// McNemar's exact test for two versions that scored the same requests (shadow traffic): only the requests
/// where exactly one version was right carry evidence, and under "equally accurate" the baseline-only wins b
/// follow Binomial(b + c, ½). Two-sided p as `scipy.stats.binomtest(b, b + c, 0.5)`.
public struct McNemarTest: Sendable, Equatable {
    /// Requests only the baseline got right.
    public var baselineOnly: Int
    /// Requests only the candidate got right.
    public var candidateOnly: Int
    /// The exact two-sided p-value; 1 without a discordant pair.
    public var pValue: Double

    /// Tests the discordant counts.
    public init(baselineOnly b: Int, candidateOnly c: Int) {
        baselineOnly = b
        candidateOnly = c
        let n = b + c
        guard n > 0 else {
            pValue = 1
            return
        }
        // For p = ½ the distribution is symmetric, so the two-sided p doubles the smaller tail.
        let k = Swift.min(b, c)
        // P(X ≤ k) for X ~ Bin(n, ½) = I_{½}(n − k, k + 1).
        let tail = IncompleteBeta.regularized(Double(n - k), Double(k + 1), 0.5)
        pValue = Swift.min(1, 2 * tail)
    }
}
