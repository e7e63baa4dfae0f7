public import VigilCore

/// Which versions `vigil serve` compares on its own (for `ml_version_comparison_*`, alert rules on
/// `comparison_verdict` and the dashboard's Versions tab), and over what window.
///
/// ```yaml
/// comparisons:
///   window_seconds: 86400     # the trailing window compared (default one day)
///   automatic: true           # a model without a pair below: its busiest version against each other one
///   pairs:
///     - {model: churn, baseline: v1, candidate: v2, metrics: accuracy, guardrails: "latency_p99:0.1", split: "90,10"}
///     - {model: ranker, baseline: v3, candidate: v4-shadow, paired: true}   # shadow traffic, paired by request_id
/// ```
public struct ComparisonSettings: Sendable, Equatable {
    /// A comparison named in the configuration.
    public struct Pair: Sendable, Equatable {
        /// The model.
        public var model: String
        /// The version compared against.
        public var baseline: String
        /// The version judged; nil compares every other version of the model against the baseline.
        public var candidate: String?
        /// Metrics, guardrails, mode and split.
        public var plan: ComparisonPlan
        /// Shadow traffic: the versions' predictions are paired by `request_id` and compared request by request.
        public var paired: Bool

        /// A pair; `paired` compares shadow traffic request by request.
        public init(model: String, baseline: String, candidate: String? = nil, plan: ComparisonPlan = ComparisonPlan(), paired: Bool = false) {
            self.model = model
            self.baseline = baseline
            self.candidate = candidate
            self.plan = plan
            self.paired = paired
        }
    }

    /// The trailing window every comparison covers, in seconds.
    public var windowSeconds = 86_400
    /// Whether a model without a configured pair has its busiest version compared against each other one.
    public var automatic = true
    /// The configured comparisons.
    public var pairs: [Pair] = []

    /// The default: automatic comparisons over a day.
    public init() {}

    /// The comparisons of `model`, given its versions and their requests in the window: the configured pairs
    /// whose versions have traffic, or (when none is configured and ``automatic``) the busiest version
    /// (the champion; the first by name on a tie) against each other version with traffic.
    public func comparisons(
        model: String,
        traffic: [(version: String, requests: Int)]
    ) -> [(baseline: String, candidate: String, plan: ComparisonPlan, paired: Bool)] {
        let active = Set(traffic.filter { $0.requests > 0 }.map(\.version))
        let configured = pairs.filter { $0.model == model }
        if !configured.isEmpty {
            return configured.flatMap { pair -> [(baseline: String, candidate: String, plan: ComparisonPlan, paired: Bool)] in
                guard active.contains(pair.baseline) else { return [] }
                let candidates = pair.candidate.map { [$0] } ?? active.sorted().filter { $0 != pair.baseline }
                return candidates.filter { active.contains($0) && $0 != pair.baseline }.map { (pair.baseline, $0, pair.plan, pair.paired) }
            }
        }
        guard automatic else { return [] }
        let ranked = traffic.filter { $0.requests > 0 }.sorted { ($0.requests, $1.version) > ($1.requests, $0.version) }
        guard let champion = ranked.first, ranked.count > 1 else { return [] }
        return ranked.dropFirst().map { (champion.version, $0.version, ComparisonPlan(), false) }
    }
}
