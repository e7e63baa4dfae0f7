import Foundation

/// The regularized incomplete beta function, and Student's t distribution built on it.
///
/// I_x(a, b) is evaluated by its continued fraction (modified Lentz) on the side of the symmetry point
/// x = (a + 1) / (a + b + 2) where it converges fast, and through I_x(a, b) = 1 − I_{1−x}(b, a) on the other,
/// so neither tail loses digits to cancellation. Agrees with `scipy.special.betainc` and `scipy.stats.t` to
/// about 1e-13 on the fixtures (`SpecialFunctionTests`).
public enum IncompleteBeta {
    private static let epsilon = 1e-16
    private static let maxIterations = 10_000

    /// I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
    public static func regularized(_ a: Double, _ b: Double, _ x: Double) -> Double {
        precondition(a > 0 && b > 0, "IncompleteBeta requires a > 0 and b > 0")
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) { return exp(logFront) * continuedFraction(a, b, x) / a }
        return 1 - exp(logFront) * continuedFraction(b, a, 1 - x) / b
    }

    private static func continuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...maxIterations {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}

/// Student's t distribution with `degreesOfFreedom` (any positive real, as Welch–Satterthwaite gives).
public enum StudentTDistribution {
    /// P(T > t).
    public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN || !(nu > 0) { return .nan }
        if nu.isInfinite { return NormalDistribution.survival(t) }
        let tail = 0.5 * IncompleteBeta.regularized(nu / 2, 0.5, nu / (nu + t * t))
        return t >= 0 ? tail : 1 - tail
    }

    /// P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double { survival(-t, degreesOfFreedom: nu) }

    /// The density at t.
    public static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if nu.isInfinite { return exp(-t * t / 2) / (2 * Double.pi).squareRoot() }
        let logNorm = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logNorm - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// The t with P(T ≤ t) = p: Newton's method on the distribution function, kept inside a bracket that
    /// halves whenever a step would leave it, so it converges from any start.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        if p.isNaN || !(nu > 0) || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
        if p == 0.5 { return 0 }
        var low = 0.0
        var high = 1.0
        while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
        var t = NormalDistribution.quantile(p)
        if !(t > low && t < high) { t = (low + high) / 2 }
        for _ in 0..<200 {
            let error = cdf(t, degreesOfFreedom: nu) - p
            if error > 0 { high = t } else { low = t }
            var next = t - error / density(t, degreesOfFreedom: nu)
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - t) <= 1e-15 * Swift.max(1, abs(t)) { return next }
            t = next
        }
        return t
    }
}
