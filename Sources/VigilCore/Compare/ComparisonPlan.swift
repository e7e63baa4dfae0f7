import Foundation
public import VigilStats

/// What to compare two versions on, and how: the request of `GET /v1/models/{model}/compare` and of
/// `vigil compare`, parsed once, then run on two arms without I/O.
public struct ComparisonPlan: Sendable, Equatable {
    /// A plan that cannot be used, naming the parameter and what is wrong; `code` is stable for callers.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// `unknown_metric`, `bad_tolerance`, `bad_split`, `bad_alpha`, `bad_tuning`, `bad_mode` or `bad_correction`.
        public var code: String
        /// The parameter at fault.
        public var parameter: String
        /// What is wrong, for a person.
        public var message: String
        /// "parameter: message", as error output prints it.
        public var description: String { "\(parameter): \(message)" }
    }

    /// A guardrail and the worsening it allows.
    public struct Guardrail: Sendable, Equatable {
        /// The metric guarded.
        public var metric: ComparisonMetric
        /// The worsening allowed, in the metric's difference unit (points or a fraction of the baseline).
        public var tolerance: Double
    }

    /// The metrics that decide; nil picks from the data (accuracy or mae when labels have matured, else the
    /// business metrics both versions send).
    public var primaries: [ComparisonMetric]?
    /// The metrics that must not get worse; nil is `error_rate` (1 point) and `latency_p99` (10 %), each where
    /// both arms have its data.
    public var guardrails: [Guardrail]?
    /// Sequential (the default: valid however often it is read) or fixed-horizon.
    public var mode: TestMode = .sequentialDefault
    /// The α of every test and interval.
    public var alpha = 0.05
    /// The correction over the primary metrics.
    public var correction: MultipleTesting = .holm
    /// The declared traffic split (baseline, candidate), when there is one; checked for a sample-ratio mismatch.
    public var split: (baseline: Double, candidate: Double)?

    /// The default plan.
    public init() {}

    /// A plan from request parameters (each nil when absent): `metrics=accuracy,metric:revenue`,
    /// `guardrails=latency_p99:0.1,error_rate:0.005`, `mode=sequential|fixed`, `tuning=5000`, `alpha=0.05`,
    /// `correction=holm|bh|none`, `split=90,10`.
    public init(
        metrics: String?,
        guardrails: String?,
        mode: String?,
        tuning: String?,
        alpha: String?,
        correction: String?,
        split: String?
    ) throws(Invalid) {
        if let metrics {
            primaries = try Self.list(metrics, parameter: "metrics").map { name throws(Invalid) in try Self.metric(name, parameter: "metrics") }
        }
        if let guardrails {
            self.guardrails = try Self.list(guardrails, parameter: "guardrails").map { item throws(Invalid) -> Guardrail in
                // The tolerance follows the last colon that is followed by a number, so `metric:cost:0.05` works.
                if let colon = item.lastIndex(of: ":"), let tolerance = Double(item[item.index(after: colon)...]) {
                    guard tolerance >= 0, tolerance.isFinite else {
                        throw Invalid(code: "bad_tolerance", parameter: "guardrails", message: "the tolerance of \(item) must be a number ≥ 0")
                    }
                    return Guardrail(metric: try Self.metric(String(item[..<colon]), parameter: "guardrails"), tolerance: tolerance)
                }
                let metric = try Self.metric(item, parameter: "guardrails")
                return Guardrail(metric: metric, tolerance: metric.defaultTolerance)
            }
        }
        var tuningValue = 5_000.0
        if let tuning {
            guard let value = Double(tuning), value >= 1, value.isFinite else {
                throw Invalid(
                    code: "bad_tuning",
                    parameter: "tuning",
                    message: "\"\(tuning)\" is not a sample size ≥ 1 (the total at which decisions are expected)"
                )
            }
            tuningValue = value
        }
        switch mode ?? "sequential" {
        case "sequential": self.mode = .sequential(tuning: tuningValue)
        case "fixed":
            if tuning != nil { throw Invalid(code: "bad_tuning", parameter: "tuning", message: "goes with mode=sequential") }
            self.mode = .fixedHorizon
        case let other: throw Invalid(code: "bad_mode", parameter: "mode", message: "\"\(other)\" is neither sequential nor fixed")
        }
        if let alpha {
            guard let value = Double(alpha), value > 0, value < 0.5 else {
                throw Invalid(code: "bad_alpha", parameter: "alpha", message: "\"\(alpha)\" is not a level between 0 and 0.5")
            }
            self.alpha = value
        }
        if let correction {
            guard let value = MultipleTesting(rawValue: correction) else {
                throw Invalid(code: "bad_correction", parameter: "correction", message: "\"\(correction)\" is none of holm, bh, none")
            }
            self.correction = value
        }
        if let split {
            let parts = split.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1], a > 0, b > 0, a.isFinite, b.isFinite else {
                throw Invalid(code: "bad_split", parameter: "split", message: "\"\(split)\" is not two positive shares, baseline first (say 90,10)")
            }
            self.split = (a, b)
        }
    }

    private static func list(_ text: String, parameter: String) throws(Invalid) -> [String] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty, !items.contains("") else {
            throw Invalid(code: "unknown_metric", parameter: parameter, message: "an empty metric name")
        }
        return items
    }

    private static func metric(_ name: String, parameter: String) throws(Invalid) -> ComparisonMetric {
        guard let metric = ComparisonMetric.named(name) else {
            throw Invalid(
                code: "unknown_metric",
                parameter: parameter,
                message: "\"\(name)\" is not a metric: use \(ComparisonMetric.builtInNames.joined(separator: ", ")) or metric:NAME"
            )
        }
        return metric
    }

    /// Compares `candidate` against `baseline`.
    ///
    /// With `pairs` (shadow traffic: both versions scored the same requests), the metrics they hold (`accuracy`,
    /// `mae`, `latency_mean`) are tested request by request, and a `pairing` guard checks that both sides found
    /// their pairs alike.
    public func run(baseline: ComparisonArm, candidate: ComparisonArm, pairs: ShadowPairs? = nil) -> VersionComparison {
        let primaries = primaries ?? Self.defaultPrimaries(baseline, candidate, pairs: pairs)
        let guardrails =
            guardrails
            ?? ["error_rate", "latency_p99"].compactMap { name in
                let metric = ComparisonMetric.named(name)!
                return metric.isAvailable(in: baseline) && metric.isAvailable(in: candidate)
                    ? Guardrail(metric: metric, tolerance: metric.defaultTolerance) : nil
            }
        var metrics = primaries.map { m in
            MetricComparison(
                metric: m.name,
                role: .primary,
                direction: m.direction,
                difference: m.difference,
                baseline: m.statistic(baseline),
                candidate: m.statistic(candidate)
            )
        }
        metrics += guardrails.map { g in
            MetricComparison(
                metric: g.metric.name,
                role: .guardrail,
                direction: g.metric.direction,
                difference: g.metric.difference,
                tolerance: g.tolerance,
                baseline: g.metric.statistic(baseline),
                candidate: g.metric.statistic(candidate)
            )
        }
        if let pairs {
            for index in metrics.indices {
                guard let sums = pairs.sums[metrics[index].metric] else { continue }
                metrics[index].paired = sums
                metrics[index].baseline = sums.baseline
                metrics[index].candidate = sums.candidate
            }
        }
        var guards: [ComparisonGuard] = []
        if let pairs { guards.append(pairs.guardTest) }
        if let split {
            let observed = [Double(baseline.requests), Double(candidate.requests)]
            let test = SampleRatioMismatch(observed: observed, weights: [split.baseline, split.candidate])
            let total = observed[0] + observed[1]
            let share = total > 0 ? observed[0] / total : 0
            let declared = split.baseline / (split.baseline + split.candidate)
            guards.append(
                ComparisonGuard(
                    name: "traffic_split",
                    test: test,
                    detail:
                        "\(Self.percent(share)) / \(Self.percent(1 - share)) of \(Int(total)) requests against the declared \(Self.percent(declared)) / \(Self.percent(1 - declared))"
                )
            )
        }
        // Paired outcomes share each request's label, so differential labelling cannot bias them.
        let labelMetrics = (primaries + guardrails.map(\.metric)).filter(\.usesLabels).map(\.name)
        let pairedLabels = pairs.map { pairs in labelMetrics.allSatisfy { pairs.sums[$0] != nil } } ?? false
        if !labelMetrics.isEmpty, !pairedLabels, baseline.maturedPredictions > 0, candidate.maturedPredictions > 0 {
            let a = Double(baseline.quality.labelled)
            let b = Double(candidate.quality.labelled)
            let test = SampleRatioMismatch.rates(
                successes: (a, b),
                trials: (Double(baseline.maturedPredictions), Double(candidate.maturedPredictions))
            )
            guards.append(
                ComparisonGuard(
                    name: "label_coverage",
                    test: test,
                    detail:
                        "\(Self.percent(a / Double(baseline.maturedPredictions))) of \(baseline.version)'s predictions labelled against \(Self.percent(b / Double(candidate.maturedPredictions))) of \(candidate.version)'s"
                )
            )
        }
        return VersionComparison.decide(metrics: metrics, guards: guards, mode: mode, alpha: alpha, correction: correction)
    }

    /// Accuracy for classifiers, mae for regressors, once both arms (or the pairs) have matured labels; else the
    /// business metrics both versions send.
    static func defaultPrimaries(_ a: ComparisonArm, _ b: ComparisonArm, pairs: ShadowPairs? = nil) -> [ComparisonMetric] {
        if let pairs {
            if pairs.sums["accuracy"] != nil { return [.named("accuracy")!] }
            if pairs.sums["mae"] != nil { return [.named("mae")!] }
        }
        if a.quality.confusion.total > 0 && b.quality.confusion.total > 0 { return [.named("accuracy")!] }
        if a.quality.regression.count > 0 && b.quality.regression.count > 0 { return [.named("mae")!] }
        let shared = Set(a.metrics.keys).intersection(b.metrics.keys)
        return shared.sorted().compactMap { .named("metric:" + $0) }
    }

    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        return String(format: "%.1f %%", share * 100)
    }

    /// Equal when every setting is (the split is a tuple, so it is compared by hand).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.primaries == rhs.primaries && lhs.guardrails == rhs.guardrails && lhs.mode == rhs.mode && lhs.alpha == rhs.alpha
            && lhs.correction == rhs.correction && lhs.split?.baseline == rhs.split?.baseline && lhs.split?.candidate == rhs.split?.candidate
    }
}
