import Foundation

extension EffectEstimate {
    /// Compares two versions on the same requests: the difference of their means, with the variance of the
    /// per-request difference (σ²_A + σ²_B − 2·Cov(A, B)) / n.
    ///
    /// - Absolute: the paired t-test and interval with n − 1 degrees of freedom, as `scipy.stats.ttest_rel`
    ///   (checked in `PairedEffectTests`); for 0/1 outcomes the p-value is McNemar's exact one instead, which
    ///   stays exact with few discordant pairs.
    /// - Relative: (μ_B − μ_A)/μ_A with the delta method's variance
    ///   (σ²_B/μ_A² − 2·μ_B·Cov(A, B)/μ_A³ + μ_B²·σ²_A/μ_A⁴) / n.
    /// - Sequential: the same asymptotic confidence sequence as two independent arms, over n pairs as the units
    ///   (so `tuning` counts pairs).
    public static func comparePaired(
        _ pairs: PairedSums,
        difference: DifferenceType = .absolute,
        mode: TestMode = .sequentialDefault,
        alpha: Double = 0.05
    ) -> Result<EffectEstimate, Unavailable> {
        guard pairs.count >= 2 else { return .failure(.noVariance) }
        let a = pairs.baseline
        let b = pairs.candidate
        let n = Double(pairs.count)
        let covariance = pairs.covariance
        // Each side's variance as a sample variance, whatever kind of arm it reads as.
        let varianceA = sampleVariance(sum: pairs.baselineSum, sumOfSquares: pairs.baselineSumOfSquares, count: n)
        let varianceB = sampleVariance(sum: pairs.candidateSum, sumOfSquares: pairs.candidateSumOfSquares, count: n)
        if difference == .relative && a.mean == 0 { return .failure(.baselineIsZero) }
        let estimate: Double
        let perPairVariance: Double
        switch difference {
        case .absolute:
            estimate = b.mean - a.mean
            perPairVariance = varianceA + varianceB - 2 * covariance
        case .relative:
            let m = a.mean
            estimate = (b.mean - m) / m
            perPairVariance = varianceB / (m * m) - 2 * b.mean * covariance / (m * m * m) + b.mean * b.mean * varianceA / (m * m * m * m)
        }
        guard perPairVariance > 1e-300 else { return .failure(.noVariance) }
        var effect = EffectEstimate(
            difference: difference,
            mode: mode,
            estimate: estimate,
            variance: perPairVariance / n,
            units: n,
            degreesOfFreedom: n - 1,
            alpha: alpha
        )
        if mode == .fixedHorizon, difference == .absolute, let exact = pairs.mcNemar { effect.pValue = exact.pValue }
        return .success(effect)
    }

    private static func sampleVariance(sum: Double, sumOfSquares: Double, count n: Double) -> Double {
        n > 1 ? Swift.max(0, (sumOfSquares - sum * sum / n) / (n - 1)) : 0
    }
}
