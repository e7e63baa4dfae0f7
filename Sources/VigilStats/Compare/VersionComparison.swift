import Foundation

/// What to do with a candidate version.
public enum Verdict: String, Sendable, Codable {
    /// Better on a primary metric, worse on none, and every guardrail clear.
    case promote
    /// Not enough evidence yet, or a guard blocks the reading.
    case hold
    /// Worse on a primary metric, or a guardrail broken.
    case reject

    /// As a gauge and a rule read it: 1 promote, 0 hold, −1 reject.
    public var value: Double {
        switch self {
        case .promote: 1
        case .hold: 0
        case .reject: -1
        }
    }
}

/// A check that the comparison itself is sound; a failed guard blocks the verdict.
public struct ComparisonGuard: Sendable, Equatable {
    /// `traffic_split`, `label_coverage` or `pairing`.
    public var name: String
    /// The χ² test behind it.
    public var test: SampleRatioMismatch
    /// What was observed, in words (shares, rates).
    public var detail: String
    /// Whether the guard lacked what it checks (a paired comparison without one pair): it then fails whatever
    /// its test says, since a degenerate χ² test passes.
    public var unmet: Bool

    /// A guard from its test; `unmet` when there was nothing to check.
    public init(name: String, test: SampleRatioMismatch, detail: String, unmet: Bool = false) {
        self.name = name
        self.test = test
        self.detail = detail
        self.unmet = unmet
    }

    /// True when the guard blocks the verdict: its χ² test flags a mismatch, or it had nothing to check.
    public var failed: Bool { unmet || test.isMismatch }
}

/// A candidate version against a baseline: every metric's test, the guards, and the verdict with its reasons.
/// No I/O: the server, `vigil compare` and the tests build the arms and read the result.
public struct VersionComparison: Sendable, Equatable {
    /// The metrics with their tests and readings.
    public var metrics: [MetricComparison]
    /// The soundness checks.
    public var guards: [ComparisonGuard]
    /// Promote, hold or reject.
    public var verdict: Verdict
    /// Why, one sentence per finding, the deciding ones first.
    public var reasons: [String]
    /// The correction applied over the primary metrics.
    public var correction: MultipleTesting
    /// Fixed-horizon or sequential.
    public var mode: TestMode
    /// The α of every test and interval.
    public var alpha: Double

    /// Tests every metric, corrects the primary metrics' p-values, reads the guardrails and decides.
    public static func decide(
        metrics: [MetricComparison],
        guards: [ComparisonGuard] = [],
        mode: TestMode = .sequentialDefault,
        alpha: Double = 0.05,
        correction: MultipleTesting = .holm
    ) -> VersionComparison {
        var tested = metrics
        for index in tested.indices {
            let result =
                if let pairs = tested[index].paired {
                    EffectEstimate.comparePaired(pairs, difference: tested[index].difference, mode: mode, alpha: alpha)
                } else {
                    EffectEstimate.compare(
                        baseline: tested[index].baseline,
                        candidate: tested[index].candidate,
                        difference: tested[index].difference,
                        mode: mode,
                        alpha: alpha
                    )
                }
            switch result {
            case .success(let effect): tested[index].effect = effect
            case .failure(let reason): tested[index].unavailable = reason
            }
        }
        let primaries = tested.indices.filter { tested[$0].role == .primary && tested[$0].effect != nil }
        let adjusted = correction.adjust(primaries.map { tested[$0].effect!.pValue })
        for (index, p) in zip(primaries, adjusted) { tested[index].adjustedPValue = p }

        for index in tested.indices { tested[index].outcome = read(tested[index], alpha: alpha) }

        var reasons: [String] = []
        if !tested.contains(where: { $0.role == .primary }) {
            reasons.append("no primary metric to decide on: send labels, or name a business metric")
        }
        let failedGuards = guards.filter(\.failed)
        for g in failedGuards {
            reasons.append(
                "\(g.name.replacingOccurrences(of: "_", with: " ")) mismatch (χ² p = \(Self.format(g.test.pValue))): \(g.detail); no verdict until it is explained"
            )
        }
        let worse = tested.filter { $0.outcome == .worse }
        let broken = tested.filter { $0.outcome == .broken }
        let better = tested.filter { $0.outcome == .better }
        let unclear = tested.filter { $0.outcome == .unclear || ($0.role == .guardrail && $0.outcome == .unavailable) }
        let waiting = tested.filter { $0.role == .primary && ($0.outcome == .inconclusive || $0.outcome == .unavailable) }
        for m in worse { reasons.append("\(m.metric) is worse: \(describe(m))") }
        for m in broken { reasons.append("guardrail \(m.metric) broken, worse by more than \(tolerance(m)): \(describe(m))") }
        for m in better { reasons.append("\(m.metric) is better: \(describe(m))") }
        for m in unclear {
            reasons.append(
                m.effect == nil
                    ? "guardrail \(m.metric) cannot be read yet (\(m.unavailable?.rawValue ?? "no data"))"
                    : "guardrail \(m.metric) not yet shown within \(tolerance(m)): \(describe(m))"
            )
        }
        for m in waiting {
            reasons.append(
                m.effect == nil
                    ? "\(m.metric) cannot be tested yet (\(m.unavailable?.rawValue ?? "no data"))" : "\(m.metric) not significant yet: \(describe(m))"
            )
        }

        let verdict: Verdict
        if !failedGuards.isEmpty {
            verdict = .hold
        } else if !worse.isEmpty || !broken.isEmpty {
            verdict = .reject
        } else if !better.isEmpty && unclear.isEmpty {
            verdict = .promote
        } else {
            verdict = .hold
        }
        return VersionComparison(
            metrics: tested,
            guards: guards,
            verdict: verdict,
            reasons: reasons,
            correction: correction,
            mode: mode,
            alpha: alpha
        )
    }

    private static func read(_ m: MetricComparison, alpha: Double) -> MetricComparison.Outcome {
        guard let interval = m.improvementInterval, let effect = m.effect else {
            if m.role == .guardrail, let worsening = wilsonWorsening(m) {
                return worsening.least > m.tolerance ? .broken : worsening.most <= m.tolerance ? .clear : .unclear
            }
            return .unavailable
        }
        switch m.role {
        case .primary:
            guard (m.adjustedPValue ?? effect.pValue) < alpha else { return .inconclusive }
            let improvement = m.direction == .higher ? effect.estimate : -effect.estimate
            return improvement > 0 ? .better : .worse
        case .guardrail:
            if interval.upper < -m.tolerance { return .broken }
            if interval.lower > -m.tolerance { return .clear }
            return .unclear
        }
    }

    /// A share without variance in an arm (no error at all, the healthy case) has no t-test; its guardrail is
    /// read from the two Wilson intervals instead: the least and the most worsening they allow together.
    static func wilsonWorsening(_ m: MetricComparison) -> (least: Double, most: Double)? {
        guard m.baseline.kind == .proportion, m.candidate.kind == .proportion, m.difference == .absolute,
            let b = ConfidenceInterval.wilson(successes: (m.baseline.mean * Double(m.baseline.n)).rounded(), trials: Double(m.baseline.n)),
            let c = ConfidenceInterval.wilson(successes: (m.candidate.mean * Double(m.candidate.n)).rounded(), trials: Double(m.candidate.n))
        else { return nil }
        return m.direction == .lower ? (c.lower - b.upper, c.upper - b.lower) : (b.lower - c.upper, b.upper - c.lower)
    }

    private static func tolerance(_ m: MetricComparison) -> String { amount(m.tolerance, of: m) }

    /// A difference in its unit: per cent of the baseline for a relative one, points for a share, else the
    /// metric's own unit.
    public static func amount(_ x: Double, of m: MetricComparison) -> String {
        switch (m.difference, m.baseline.kind) {
        case (.relative, _): "\(format(x * 100)) %"
        case (.absolute, .proportion): "\(format(x * 100)) pt"
        case (.absolute, _): format(x)
        }
    }

    /// "+3.1 % [+0.8 %, +5.4 %], p = 0.004" (relative), "+2.1 pt [+0.4 pt, +3.8 pt], p = 0.004" (a share).
    public static func describe(_ m: MetricComparison) -> String {
        guard let e = m.effect else {
            guard wilsonWorsening(m) != nil else { return "no test" }
            return "\(format(m.baseline.mean * 100)) % → \(format(m.candidate.mean * 100)) % (Wilson bounds: an arm has no variance)"
        }
        func signed(_ x: Double) -> String { (x > 0 ? "+" : "") + amount(x, of: m) }
        let p = m.adjustedPValue ?? e.pValue
        return "\(signed(e.estimate)) [\(signed(e.interval.lower)), \(signed(e.interval.upper))], p = \(format(p))"
    }

    /// Three significant digits, no exponent for everyday magnitudes.
    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        if abs(x) < 0.001 { return String(format: "%.1e", x) }
        let digits = Swift.max(0, 2 - Int(floor(log10(abs(x)))))
        return String(format: "%.\(digits)f", x)
    }
}
