import Foundation

/// One metric of a version comparison: what it is for, both arms, the test and what the test says.
public struct MetricComparison: Sendable, Equatable {
    /// What a metric decides.
    public enum Role: String, Sendable, Codable {
        /// The candidate must win on at least one primary metric and lose on none to be promoted.
        case primary
        /// The candidate must not be worse by more than the tolerance; a broken guardrail rejects it.
        case guardrail
    }

    /// Which way is better.
    public enum Direction: String, Sendable, Codable {
        case higher, lower
    }

    /// What the evidence shows for this metric.
    public enum Outcome: String, Sendable, Codable {
        /// Primary: significantly better.
        case better
        /// Primary: significantly worse.
        case worse
        /// Primary: not (yet) significant either way.
        case inconclusive
        /// Guardrail: the interval rules out a worsening beyond the tolerance.
        case clear
        /// Guardrail: the interval lies wholly beyond the tolerance on the worse side.
        case broken
        /// Guardrail: the interval still allows a worsening beyond the tolerance.
        case unclear
        /// No test was possible (see ``MetricComparison/unavailable``).
        case unavailable
    }

    /// The metric's name (`accuracy`, `error_rate`, `latency_p99`, `metric:revenue`…).
    public var metric: String
    /// Primary or guardrail.
    public var role: Role
    /// Which way is better.
    public var direction: Direction
    /// How the difference is expressed: points for shares (`absolute`), per cent for means and quantiles.
    public var difference: DifferenceType
    /// For a guardrail, the worsening allowed, in the difference's unit (0.1 is 10 % for a relative difference).
    public var tolerance: Double
    /// The baseline arm.
    public var baseline: ArmStatistic
    /// The candidate arm.
    public var candidate: ArmStatistic
    /// The two versions' values on the same requests (shadow traffic), when the comparison is paired: the test is
    /// then ``EffectEstimate/comparePaired(_:difference:mode:alpha:)``, and the arms are the pairs' two sides.
    public var paired: PairedSums?
    /// The test, when one was possible.
    public var effect: EffectEstimate?
    /// Why there is no test, when there is none.
    public var unavailable: EffectEstimate.Unavailable?
    /// The p-value after the correction for testing several primary metrics (primary metrics only).
    public var adjustedPValue: Double?
    /// The reading.
    public var outcome: Outcome

    /// A metric to compare: the arms and what the metric is for; the test and reading are filled in by
    /// ``VersionComparison/decide(metrics:guards:mode:alpha:correction:)``.
    public init(
        metric: String,
        role: Role,
        direction: Direction,
        difference: DifferenceType = .relative,
        tolerance: Double = 0,
        baseline: ArmStatistic,
        candidate: ArmStatistic
    ) {
        self.metric = metric
        self.role = role
        self.direction = direction
        self.difference = difference
        self.tolerance = tolerance
        self.baseline = baseline
        self.candidate = candidate
        outcome = .unavailable
    }

    /// The interval of the improvement (the difference turned so that positive is better).
    public var improvementInterval: (lower: Double, upper: Double)? {
        guard let effect else { return nil }
        return direction == .higher ? effect.interval : (-effect.interval.upper, -effect.interval.lower)
    }
}
