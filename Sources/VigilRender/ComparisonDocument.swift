public import Foundation
public import VigilStats

/// The JSON answer of `GET /v1/models/{model}/compare` and of `vigil compare --json`: a candidate version
/// against a baseline, per metric the two estimates, the difference with its interval and p-value, and the
/// verdict `promote`, `hold` or `reject` with its reasons.
///
/// Versioned by ``schemaIdentifier``; fields are added, never renamed or removed, within a version. A value
/// that does not exist (no test possible) is left out rather than written as null.
public struct ComparisonDocument: Codable, Sendable, Equatable {
    /// The schema this document follows.
    public static let schemaIdentifier = "vigil.compare.v1"

    /// One arm of one metric.
    public struct Arm: Codable, Sendable, Equatable {
        /// Units the estimate rests on.
        public var n: Int
        /// The estimate (share, mean or quantile); absent without data.
        public var value: Double?
    }

    /// An interval.
    public struct Interval: Codable, Sendable, Equatable {
        /// Lower end.
        public var lower: Double
        /// Upper end.
        public var upper: Double
    }

    /// One metric's comparison.
    public struct Metric: Codable, Sendable, Equatable {
        /// `accuracy`, `latency_p99`, `metric:revenue`…
        public var metric: String
        /// `primary` or `guardrail`.
        public var role: String
        /// `higher` or `lower`: which way is better.
        public var better: String
        /// `absolute` (points) or `relative` (a fraction of the baseline).
        public var difference: String
        /// `proportion`, `mean`, `ratio` or `quantile`: what each arm's value is.
        public var kind: String
        /// A guardrail's allowed worsening, in the difference's unit.
        public var tolerance: Double?
        /// The baseline's estimate.
        public var baseline: Arm
        /// The candidate's estimate.
        public var candidate: Arm
        /// candidate − baseline, or that over the baseline.
        public var estimate: Double?
        /// At 1 − α; for the sequential mode, valid at every look.
        public var interval: Interval?
        /// Two-sided; always-valid in the sequential mode.
        public var pValue: Double?
        /// After the correction over the primary metrics.
        public var adjustedPValue: Double?
        /// `better`, `worse`, `inconclusive`, `clear`, `broken`, `unclear` or `unavailable`.
        public var outcome: String
        /// Why there is no test: `baseline_zero`, `no_variance`, `too_few_units`.
        public var unavailable: String?
        /// Present when the metric was compared request by request (shadow traffic).
        public var paired: Paired?
    }

    /// A metric compared on the same requests.
    public struct Paired: Codable, Sendable, Equatable {
        /// Requests both versions scored.
        public var pairs: Int
        /// `mcnemar` (correct/incorrect outcomes, fixed horizon), `paired_t` or `paired_sequential`.
        public var test: String
        /// Requests only the baseline got right (correct/incorrect outcomes).
        public var baselineOnly: Int?
        /// Requests only the candidate got right.
        public var candidateOnly: Int?
        /// The correlation of the two versions' values over the pairs: what pairing gains.
        public var correlation: Double?
    }

    /// A soundness check.
    public struct Guard: Codable, Sendable, Equatable {
        /// `traffic_split`, `label_coverage` or `pairing`.
        public var name: String
        /// The χ² statistic.
        public var statistic: Double
        /// Its p-value.
        public var pValue: Double
        /// True when it blocks the verdict (p < 0.001).
        public var failed: Bool
        /// What was observed.
        public var detail: String
    }

    /// The window the comparison covers.
    public struct Window: Codable, Sendable, Equatable {
        /// Start, RFC 3339.
        public var from: String
        /// End, RFC 3339.
        public var to: String
        /// Label-based metrics count predictions made before this time only (the window's matured part).
        public var labelsMaturedBefore: String?

        /// A window from RFC 3339 times.
        public init(from: String, to: String, labelsMaturedBefore: String? = nil) {
            self.from = from
            self.to = to
            self.labelsMaturedBefore = labelsMaturedBefore
        }
    }

    /// Always ``schemaIdentifier``.
    public var schema = Self.schemaIdentifier
    /// The model; absent for a comparison of two files.
    public var model: String?
    /// The version (or file) compared against.
    public var baseline: String
    /// The version (or file) judged.
    public var candidate: String
    /// The window compared; absent for files.
    public var window: Window?
    /// `sequential` or `fixed`.
    public var mode: String
    /// The sequential mode's tuning N* (total units at which it is tightest).
    public var tuning: Double?
    /// The α of every test and interval.
    public var alpha: Double
    /// `holm`, `bh` or `none`.
    public var correction: String
    /// `promote`, `hold` or `reject`.
    public var verdict: String
    /// Why, one sentence per finding, the deciding ones first.
    public var reasons: [String]
    /// Primary metrics first, then guardrails.
    public var metrics: [Metric]
    /// The soundness checks; a failed one blocks the verdict.
    public var guards: [Guard]
    /// The column requests were paired by, for a comparison of shadow traffic.
    public var pairedBy: String?

    /// The document of a comparison; `pairedBy` names the request id column of a paired (shadow traffic) one.
    public init(_ comparison: VersionComparison, model: String?, baseline: String, candidate: String, window: Window?, pairedBy: String? = nil) {
        self.pairedBy = pairedBy
        self.model = model
        self.baseline = baseline
        self.candidate = candidate
        self.window = window
        mode = comparison.mode.name
        if case .sequential(let tuning) = comparison.mode { self.tuning = tuning }
        alpha = comparison.alpha
        correction = comparison.correction.rawValue
        verdict = comparison.verdict.rawValue
        reasons = comparison.reasons
        metrics = comparison.metrics.map { m in
            Metric(
                metric: m.metric,
                role: m.role.rawValue,
                better: m.direction.rawValue,
                difference: m.difference.rawValue,
                kind: m.baseline.kind.rawValue,
                tolerance: m.role == .guardrail ? m.tolerance : nil,
                baseline: Arm(n: m.baseline.n, value: Self.finite(m.baseline.n > 0 ? m.baseline.mean : .nan)),
                candidate: Arm(n: m.candidate.n, value: Self.finite(m.candidate.n > 0 ? m.candidate.mean : .nan)),
                estimate: m.effect.flatMap { Self.finite($0.estimate) },
                interval: m.effect.flatMap { e in
                    e.interval.lower.isFinite && e.interval.upper.isFinite ? Interval(lower: e.interval.lower, upper: e.interval.upper) : nil
                },
                pValue: m.effect.flatMap { Self.finite($0.pValue) },
                adjustedPValue: m.adjustedPValue.flatMap(Self.finite),
                outcome: m.outcome.rawValue,
                unavailable: m.unavailable?.rawValue,
                paired: m.paired.map { Self.paired($0, mode: comparison.mode) }
            )
        }
        guards = comparison.guards.map { g in
            Guard(name: g.name, statistic: g.test.statistic, pValue: g.test.pValue, failed: g.failed, detail: g.detail)
        }
    }

    private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    private static func paired(_ pairs: PairedSums, mode: TestMode) -> Paired {
        let exact = pairs.mcNemar
        return Paired(
            pairs: pairs.count,
            test: mode == .fixedHorizon ? (exact != nil ? "mcnemar" : "paired_t") : "paired_sequential",
            baselineOnly: exact?.baselineOnly,
            candidateOnly: exact?.candidateOnly,
            correlation: pairs.correlation.flatMap(finite)
        )
    }

    /// Sorted keys, slashes unescaped.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The exit status a deployment pipeline gates on: 0 promote, 1 reject, 3 hold (2 is left to usage errors).
    public var exitStatus: Int32 {
        switch verdict {
        case "promote": 0
        case "reject": 1
        default: 3
        }
    }
}

extension ComparisonDocument {
    /// The comparison for a terminal: the verdict first, then one line per metric, then the guards.
    public func terminalText() -> String {
        var lines: [String] = []
        let title = [model, "\(candidate) against \(baseline)"].compactMap { $0 }.joined(separator: ": ")
        lines.append("\(verdict.uppercased())  \(title)")
        if let window {
            lines.append("window \(window.from) → \(window.to)" + (window.labelsMaturedBefore.map { ", labels matured before \($0)" } ?? ""))
        }
        lines.append(
            "\(mode == "sequential" ? "sequential (valid at every look\(tuning.map { ", N* = \(Int($0))" } ?? ""))" : "fixed horizon"), α = \(alpha), \(correction) over primaries"
        )
        if let pairedBy, let pairs = metrics.compactMap(\.paired).first {
            lines.append("paired by \(pairedBy): \(pairs.pairs) requests scored by both versions")
            for m in metrics {
                guard let paired = m.paired, let only = paired.baselineOnly, let other = paired.candidateOnly else { continue }
                lines.append("\(m.metric): only \(baseline) right on \(only) requests, only \(candidate) on \(other)")
            }
        }
        lines.append("")
        for reason in reasons { lines.append("  • \(reason)") }
        lines.append("")
        let header = ["metric", "role", baseline, candidate, "difference", "interval", "p", "outcome"]
        var rows = [header]
        for m in metrics {
            func show(_ x: Double?) -> String { x.map { Self.number($0) } ?? "–" }
            func signed(_ x: Double) -> String {
                let text =
                    switch (m.difference, m.kind) {
                    case ("relative", _): Self.number(x * 100) + " %"
                    case (_, "proportion"): Self.number(x * 100) + " pt"
                    default: Self.number(x)
                    }
                return x > 0 ? "+" + text : text
            }
            rows.append([
                m.metric, m.role, "\(show(m.baseline.value)) (n \(m.baseline.n))", "\(show(m.candidate.value)) (n \(m.candidate.n))",
                m.estimate.map(signed) ?? "–", m.interval.map { "[\(signed($0.lower)), \(signed($0.upper))]" } ?? "–",
                (m.adjustedPValue ?? m.pValue).map { Self.number($0) } ?? "–", m.unavailable.map { "\(m.outcome) (\($0))" } ?? m.outcome,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let line = "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        if !guards.isEmpty {
            lines.append("")
            for g in guards { lines.append("  \(g.failed ? "✗" : "✓") \(g.name): χ² p = \(Self.number(g.pValue)); \(g.detail)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String { VersionComparison.format(x) }
}
