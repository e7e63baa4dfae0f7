import Foundation

/// Two versions' values on the same requests (shadow traffic: both versions scored each request), kept as the
/// sums a paired test needs: the count of pairs, each side's sum and sum of squares, and the sum of products.
/// Mergeable: the sums of two sets of pairs add.
///
/// Pairing removes the request-to-request variation both versions share: the variance of the difference is
/// σ²_A + σ²_B − 2·Cov(A, B), where two independent arms pay σ²_A + σ²_B.
public struct PairedSums: Sendable, Equatable, Codable {
    /// Pairs.
    public private(set) var count = 0
    public private(set) var baselineSum = 0.0
    public private(set) var baselineSumOfSquares = 0.0
    public private(set) var candidateSum = 0.0
    public private(set) var candidateSumOfSquares = 0.0
    public private(set) var sumOfProducts = 0.0
    /// True while every value added was 0 or 1 (a correct/incorrect outcome): the pairs then also feed McNemar's test.
    public private(set) var isBinary = true

    /// No pairs.
    public init() {}

    /// Pairs from their sums (as a stored comparison or a test fixture keeps them).
    public init(
        count: Int,
        baselineSum: Double,
        baselineSumOfSquares: Double,
        candidateSum: Double,
        candidateSumOfSquares: Double,
        sumOfProducts: Double,
        isBinary: Bool
    ) {
        self.count = count
        self.baselineSum = baselineSum
        self.baselineSumOfSquares = baselineSumOfSquares
        self.candidateSum = candidateSum
        self.candidateSumOfSquares = candidateSumOfSquares
        self.sumOfProducts = sumOfProducts
        self.isBinary = isBinary
    }

    /// Adds one request's baseline and candidate values.
    public mutating func add(baseline a: Double, candidate b: Double) {
        count += 1
        baselineSum += a
        baselineSumOfSquares += a * a
        candidateSum += b
        candidateSumOfSquares += b * b
        sumOfProducts += a * b
        if isBinary && !((a == 0 || a == 1) && (b == 0 || b == 1)) { isBinary = false }
    }

    /// Adds another set of pairs.
    public mutating func merge(_ other: PairedSums) {
        count += other.count
        baselineSum += other.baselineSum
        baselineSumOfSquares += other.baselineSumOfSquares
        candidateSum += other.candidateSum
        candidateSumOfSquares += other.candidateSumOfSquares
        sumOfProducts += other.sumOfProducts
        isBinary = isBinary && other.isBinary
    }

    /// The baseline's side alone (a share for 0/1 outcomes, else a mean).
    public var baseline: ArmStatistic { arm(sum: baselineSum, sumOfSquares: baselineSumOfSquares) }
    /// The candidate's side alone.
    public var candidate: ArmStatistic { arm(sum: candidateSum, sumOfSquares: candidateSumOfSquares) }

    private func arm(sum: Double, sumOfSquares: Double) -> ArmStatistic {
        isBinary && count > 0 ? .proportion(successes: sum, trials: count) : .mean(count: count, sum: sum, sumOfSquares: sumOfSquares)
    }

    /// The sample covariance of the two sides.
    public var covariance: Double {
        guard count > 1 else { return 0 }
        let n = Double(count)
        return (sumOfProducts - baselineSum * candidateSum / n) / (n - 1)
    }

    /// The sample correlation of the two sides over the pairs (what pairing gains); nil when a side does not vary.
    public var correlation: Double? {
        let n = Double(count)
        guard count > 1 else { return nil }
        let a = (baselineSumOfSquares - baselineSum * baselineSum / n) / (n - 1)
        let b = (candidateSumOfSquares - candidateSum * candidateSum / n) / (n - 1)
        guard a > 0, b > 0 else { return nil }
        return covariance / (a * b).squareRoot()
    }

    /// McNemar's exact test on the discordant pairs, for 0/1 outcomes (nil otherwise).
    public var mcNemar: McNemarTest? {
        guard isBinary, count > 0 else { return nil }
        let both = Int(sumOfProducts.rounded())
        return McNemarTest(baselineOnly: Int(baselineSum.rounded()) - both, candidateOnly: Int(candidateSum.rounded()) - both)
    }
}
