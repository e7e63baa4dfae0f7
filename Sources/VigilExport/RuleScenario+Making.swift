import VigilAlerting
import VigilCore

extension RuleScenario {
    /// Which side of the rule a step is on.
    enum Level {
        /// Past the threshold: the alert should start.
        case bad
        /// Well inside: nothing fires, and a firing alert resolves.
        case good
        /// Between the resolve threshold and the threshold: a firing alert holds, a new one does not start.
        case between
    }

    /// The scenarios of an alert: one that fires (and resolves), one that stays quiet, and the boundaries its
    /// rule has (between the thresholds, too few events); nil with the reason when none can be made.
    static func scenarios(for alert: ExportedAlert, stepLength: Int64) -> Result<[RuleScenario], PrometheusRules.Reason> {
        let rule = alert.rule
        guard rule.window % stepLength == 0, rule.holdFor % stepLength == 0, rule.keepFiringFor % stepLength == 0 else {
            return .failure(.init("its window, for and keep_firing_for are not whole minutes"))
        }
        let maker = Maker(alert: alert, stepLength: stepLength)
        for level in [Level.bad, .good] where maker.step(level, predictions: maker.predictions) == nil {
            return .failure(.init("no synthetic value is on the \(level == .bad ? "alerting" : "quiet") side of \(AlertRule.formatted(rule.threshold)) for \(rule.metric)"))
        }
        let w = maker.warmUp
        let hold = Int(rule.holdFor / stepLength)
        let keep = Int(rule.keepFiringFor / stepLength)
        let window = maker.windowSteps
        func scenario(_ name: String, _ phases: [(Level, Int)], mustFire: Bool?, predictions: ((Int) -> Int)? = nil) -> RuleScenario {
            var steps: [TrafficStep] = []
            for (level, count) in phases {
                for _ in 0..<count {
                    let index = steps.count
                    // Quiet steps carry one prediction more than alerting ones (steps between the thresholds two):
                    // a window that mixes them then never lands exactly on a threshold or quantile (a quarter of
                    // the window exactly at one confidence), where PromQL's bucket interpolation and Vigil's sketch
                    // may resolve the tie differently.
                    let count = predictions?(index) ?? maker.predictions + (level == .good ? 1 : level == .between ? 2 : 0)
                    steps.append(maker.step(level, predictions: count)!)
                }
            }
            return RuleScenario(
                name: name, alert: alert, model: rule.model ?? "model-a", version: rule.version ?? "v1", stepLength: stepLength, steps: steps, mustFire: mustFire
            )
        }
        var result = [
            scenario("fires", [(.good, w), (.bad, window + hold + 2), (.good, window + keep + 3)], mustFire: true),
            scenario("stays quiet", [(.good, w + window + hold + 3)], mustFire: false),
        ]
        if rule.resolveThreshold != nil, maker.step(.between, predictions: maker.predictions) != nil {
            result.append(
                scenario(
                    "holds between the thresholds", [(.good, w), (.bad, window + hold + 2), (.between, window + 2), (.good, window + keep + 3)], mustFire: true
                )
            )
        }
        if rule.minimumEvents > 1 {
            // Every window of `window` steps holds exactly minimumEvents − 1 predictions: past the threshold, too few to fire.
            let few = rule.minimumEvents - 1
            // Low traffic from the start, so that no window mixes the warm-up's predictions with the bad values.
            let spread = { (index: Int) -> Int in
                let position = index % window
                return few / window + (position < few % window ? 1 : 0)
            }
            var sparse = scenario("too few events", [(.good, w), (.bad, 2 * window + hold + 2)], mustFire: false, predictions: spread)
            if case .gauge(let gauge) = alert.source, gauge.events != nil {
                for index in w..<sparse.steps.count { sparse.steps[index].gaugeEvents = Double(few) }
            }
            result.append(sparse)
        }
        return .success(result)
    }

    /// Turns levels into steps for one rule.
    struct Maker {
        var alert: ExportedAlert
        var stepLength: Int64
        var rule: AlertRule { alert.rule }

        /// The rule's window in steps; one for a gauge whose guard reads its own events, since Vigil publishes
        /// the gauge already measured over its window.
        var windowSteps: Int {
            if case .gauge(let gauge) = alert.source, gauge.events != nil || gauge.standsAlone { return 1 }
            return Int(max(1, rule.window / stepLength))
        }

        /// Steps of good values before anything happens, so that every window Prometheus reads lies after the
        /// series start (where `increase` would extrapolate) by the time the rule can fire.
        var warmUp: Int {
            if case .gauge(let gauge) = alert.source, gauge.events != nil || gauge.standsAlone { return 2 }
            return windowSteps + 1
        }

        /// Predictions per step: enough for the minimum events, and for ratios to land on the intended side.
        var predictions: Int {
            let guardNeed = (2 * rule.minimumEvents + windowSteps - 1) / windowSteps
            var need = max(20, guardNeed)
            if case .errorRatio = alert.source { need = max(need, resolution) }
            if case .classShare = alert.source { need = max(need, resolution) }
            // Odd, so that window ratios are rarely round decimals (see SLOScenario.predictions).
            return min(need, 5000) | 1
        }

        /// Predictions per step for a ratio's levels to differ from its thresholds by at least four predictions.
        private var resolution: Int {
            let limits = [rule.threshold] + (rule.resolveThreshold.map { [$0] } ?? [])
            let values = [Level.bad, .good, .between].compactMap { ratio($0) }
            let gap = values.flatMap { value in limits.map { abs(value - $0) } }.filter { $0 > 0 }.min() ?? 0.1
            return Int((4 / gap).rounded(.up))
        }

        private var resolve: Double { rule.resolveThreshold ?? rule.threshold }
        private var above: Bool { rule.direction == .above }

        /// A share in [0, 1] on the level's side of the thresholds; nil when there is none.
        func ratio(_ level: Level) -> Double? {
            let t = rule.threshold
            let r = resolve
            let value: Double
            switch (level, above) {
            case (.bad, true): value = (t + 1) / 2
            case (.bad, false): value = t / 2
            case (.good, true): value = r / 2
            case (.good, false): value = (r + 1) / 2
            case (.between, _):
                guard r != t else { return nil }
                value = (r + t) / 2
            }
            guard (0...1).contains(value) else { return nil }
            return value
        }

        /// A number on the level's side for an unbounded metric (PSI, RMSE, a business mean).
        func unbounded(_ level: Level) -> Double? {
            let t = rule.threshold
            let r = resolve
            switch (level, above) {
            case (.bad, true): return t + max(abs(t), 0.1)
            case (.bad, false): return t - max(abs(t), 0.1)
            case (.good, true): return r - max(abs(r), 0.1) / 2
            case (.good, false): return r + max(abs(r), 0.1) / 2
            case (.between, _): return r == t ? nil : (r + t) / 2
            }
        }

        /// A value inside a histogram bucket that lies wholly on the level's side, so that Prometheus'
        /// interpolation and Vigil's sketch agree on the side.
        func bucketValue(_ level: Level, bounds: [Double]) -> Double? {
            let edges = [0] + bounds
            let buckets = zip(edges, edges.dropFirst()).map { (low: $0, high: $1) }
            let t = rule.threshold
            let r = resolve
            let inside: ((low: Double, high: Double)) -> Bool
            switch (level, above) {
            case (.bad, true): inside = { $0.low >= t }
            case (.bad, false): inside = { $0.high < t }
            case (.good, true): inside = { $0.high < r }
            case (.good, false): inside = { $0.low >= r }
            case (.between, true): inside = { $0.low >= r && $0.high <= t }
            case (.between, false): inside = { $0.low >= t && $0.high < r }
            }
            let candidates = buckets.filter(inside)
            // The bucket nearest the threshold, away from the open ends of the histogram.
            guard let bucket = above == (level == .bad) ? candidates.first : candidates.last else { return nil }
            return (bucket.low + bucket.high) / 2
        }

        /// One step at `level` with `predictions` predictions; nil when the metric has no value there.
        ///
        func step(_ level: Level, predictions: Int) -> TrafficStep? {
            var step = TrafficStep(ok: predictions)
            step.latencies = [.init(milliseconds: 20, count: predictions)]
            step.classes = [.init(name: "a", count: predictions / 2), .init(name: "b", count: predictions - predictions / 2)]
            switch alert.source {
            case .requests, .requestRate:
                let perWindow = rule.metric == .requestRate ? Double(rule.window) / 1000 : 1
                let target: Double? = switch (level, above) {
                case (.bad, true): rule.threshold * 2 + Double(windowSteps)
                case (.bad, false): rule.threshold <= 0 ? nil : 0
                case (.good, true): resolve > 0 ? resolve / 2 : nil
                case (.good, false): resolve * 2 + Double(windowSteps)
                case (.between, _): resolve == rule.threshold ? nil : (resolve + rule.threshold) / 2
                }
                guard let target else { return nil }
                let perStep = target * perWindow / Double(windowSteps)
                let count = (level == .bad) == above ? Int(perStep.rounded(.up)) : Int(perStep.rounded(.down))
                step.ok = max(0, count)
                step.latencies = [.init(milliseconds: 20, count: step.ok)]
                step.classes = [.init(name: "a", count: step.ok)]
            case .errorRatio:
                guard let share = ratio(level) else { return nil }
                step.errors = Int((share * Double(predictions)).rounded())
                step.ok = predictions - step.errors
                step.classes = [.init(name: "a", count: step.ok)]
            case .latency:
                guard let milliseconds = bucketValue(level, bounds: ExportedAlert.latencyBuckets.map { $0 * 1000 }) else { return nil }
                step.latencies = [.init(milliseconds: milliseconds, count: predictions)]
            case .confidence:
                guard let confidence = bucketValue(level, bounds: ExportedAlert.unitBuckets) else { return nil }
                step.confidence = confidence
            case .classShare:
                guard let share = ratio(level) else { return nil }
                let name = rule.selector.className ?? "a"
                let first = Int((share * Double(predictions)).rounded())
                step.classes = [.init(name: name, count: first)]
                // The rest is spread over enough classes for each to stay on the quiet side too.
                let others = max(1, Int((1 / max(resolve, 0.01)).rounded(.up)) + 1)
                let rest = predictions - first
                for index in 0..<others where rest / others + (index < rest % others ? 1 : 0) > 0 {
                    step.classes.append(.init(name: "other-\(index)", count: rest / others + (index < rest % others ? 1 : 0)))
                }
            case .gauge(let gauge):
                if rule.metric == .datasetDrift {
                    guard level != .between else { return nil }
                    step.gauge = level == .bad ? 0.75 : 0.25
                } else {
                    let bounded = ["ml_dataset_drift_share", "ml_data_quality_ratio", "ml_label_coverage_ratio"].contains(gauge.metric)
                        || (gauge.metric == "ml_model_quality" && (0...1).contains(rule.threshold) && (0...1).contains(resolve))
                    guard let value = bounded ? ratio(level) : unbounded(level) else { return nil }
                    step.gauge = value
                }
                if gauge.events != nil { step.gaugeEvents = Double(predictions * windowSteps) }
            }
            return step
        }
    }
}
