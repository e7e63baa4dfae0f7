import Foundation

/// The two-sample Cramér–von Mises test, as `scipy.stats.cramervonmises_2samp(method="auto")`.
public enum CramerVonMises {
    /// Sample sizes up to which the exact null distribution is used (scipy's rule for `method="auto"`).
    public static let exactSizeLimit = 20

    /// U = n·Σ(rᵢ − i)² + m·Σ(sⱼ − j)² with mid-ranks for ties, and T = U/(n·m·N) − (4·n·m − 1)/(6·N).
    public static func statistics(_ reference: WeightedSample, _ current: WeightedSample) -> (u: Double, t: Double) {
        let n = reference.totalWeight
        let m = current.totalWeight
        let total = n + m
        var position = 0.0  // observations ranked so far
        var referenceSeen = 0.0
        var currentSeen = 0.0
        var referenceSum = 0.0
        var currentSum = 0.0
        // Σ_{k=1}^{c} (R − (s + k))² for a block of c tied items with mid-rank R after s earlier items.
        func blockSquares(rank: Double, seen: Double, count: Double) -> Double {
            let a = rank - seen
            return count * a * a - a * count * (count + 1) + count * (count + 1) * (2 * count + 1) / 6
        }
        WeightedSample.forEachPooledValue(reference, current) { _, a, b in
            let midRank = position + (a + b + 1) / 2
            referenceSum += blockSquares(rank: midRank, seen: referenceSeen, count: a)
            currentSum += blockSquares(rank: midRank, seen: currentSeen, count: b)
            referenceSeen += a
            currentSeen += b
            position += a + b
        }
        let u = n * referenceSum + m * currentSum
        let t = u / (n * m * total) - (4 * n * m - 1) / (6 * total)
        return (u, t)
    }

    /// The p-value of U (and T) for sizes `n`, `m`.
    public static func pValue(u: Double, t: Double, _ n: Int, _ m: Int) -> Double {
        if Swift.max(n, m) <= exactSizeLimit { return exactPValue(u: u, n, m) }
        return asymptoticPValue(t: t, n, m)
    }

    /// P(U ≥ u) under the null, enumerating every arrangement of ranks by dynamic programming
    /// over (x taken, y taken). Exact for samples without ties.
    static func exactPValue(u: Double, _ n: Int, _ m: Int) -> Double {
        // counts[i][j]: U partial sum → number of arrangements.
        var row = [[Int: Double]](repeating: [:], count: m + 1)
        row[0][0] = 1
        var layers = [[[Int: Double]]](repeating: [], count: n + 1)
        for i in 0...n {
            var current = [[Int: Double]](repeating: [:], count: m + 1)
            if i == 0 { current[0] = [0: 1] }
            for j in 0...m {
                if i > 0 {
                    let rank = i + j
                    let add = n * (rank - i) * (rank - i)
                    for (partial, ways) in layers[i - 1][j] { current[j][partial + add, default: 0] += ways }
                }
                if j > 0 {
                    let rank = i + j
                    let add = m * (rank - j) * (rank - j)
                    for (partial, ways) in current[j - 1] { current[j][partial + add, default: 0] += ways }
                }
            }
            layers[i] = current
        }
        let distribution = layers[n][m]
        let all = distribution.values.reduce(0, +)
        let atLeast = distribution.filter { Double($0.key) >= u - 1e-9 * Swift.max(1, u) }.values.reduce(0, +)
        return Swift.min(1, atLeast / all)
    }

    /// The asymptotic p-value: T standardized by its exact mean and variance (Anderson 1962), then the
    /// limiting one-sample Cramér–von Mises distribution.
    static func asymptoticPValue(t: Double, _ n: Int, _ m: Int) -> Double {
        let nx = Double(n)
        let ny = Double(m)
        let total = nx + ny
        let product = nx * ny
        let expected = (1 + 1 / total) / 6
        var variance = (total + 1) * (4 * product * total - 3 * (nx * nx + ny * ny) - 2 * product)
        variance /= 45 * total * total * 4 * product
        let standardized = 1.0 / 6 + (t - expected) / (45 * variance).squareRoot()
        if standardized < 0.003 { return 1 }
        return Swift.max(0, 1 - limitingCDF(standardized))
    }

    /// CDF of the limiting Cramér–von Mises distribution (Csörgő & Faraway 1996, eq. 1.3).
    static func limitingCDF(_ x: Double) -> Double {
        var total = 0.0
        for k in 0..<200 {
            let y = 4 * Double(k) + 1
            let q = y * y / (16 * x)
            if q > 700 { break }
            let u = exp(lgamma(Double(k) + 0.5) - lgamma(Double(k) + 1)) / (pow(Double.pi, 1.5) * x.squareRoot())
            let term = u * y.squareRoot() * exp(-q) * ModifiedBessel.secondKind(order: 0.25, q)
            total += term
            if abs(term) < 1e-12 { break }
        }
        return total
    }

    public static func test(
        _ reference: some UnivariateDistribution,
        _ current: some UnivariateDistribution,
        threshold: Double = DriftMethod.cramerVonMises.defaultThreshold
    ) throws(DriftTestError) -> DriftResult {
        guard reference.count > 0, current.count > 0 else {
            throw DriftTestError("Cramér–von Mises needs at least one value on each side")
        }
        let (u, t) = statistics(reference.weightedSample, current.weightedSample)
        return DriftResult(
            method: .cramerVonMises,
            score: pValue(u: u, t: t, reference.count, current.count),
            statistic: t,
            threshold: threshold
        )
    }
}
