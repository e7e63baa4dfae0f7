import VigilAlerting
import VigilCore

/// A synthetic history for one SLO's burn-rate alerts: a steady error ratio (or share of slow predictions)
/// that one tier must catch, one that no tier may catch, and a short spike that burns the short window only.
struct SLOScenario {
    var name: String
    var exported: ExportedSLO
    var stepLength: Int64
    var steps: [TrafficStep]
    var mustFire: Bool?

    var slo: ServiceLevelObjective { exported.slo }
    var model: String { slo.model }
    var version: String { slo.version ?? "v1" }

    /// Predictions per step: enough that the slowest tier's threshold is 40 bad predictions per step.
    static func predictions(_ exported: ExportedSLO) -> Int {
        let smallest = exported.slo.tiers.map { $0.factor * exported.slo.errorBudget }.min() ?? 0.01
        // Plus 7, so that window ratios are not round decimals: a ratio exactly at a rounding tie of the
        // four digits an annotation prints (0.043125) could print either way after the last bit of a division.
        return min(200_000, max(100, Int((40 / smallest).rounded(.up)))) + 7
    }

    /// The scenarios of an SLO: each tier firing, none firing, and a short spike.
    static func scenarios(for exported: ExportedSLO, stepLength: Int64) -> Result<[SLOScenario], PrometheusRules.Reason> {
        let slo = exported.slo
        guard exported.fromRawSeries else { return .failure(.init("its burn rates are Vigil's own gauges")) }
        for tier in slo.tiers where tier.long % stepLength != 0 || tier.short % stepLength != 0 {
            return .failure(.init("tier \(tier.name)'s windows are not whole multiples of \(PromQL.duration(stepLength))"))
        }
        let n = predictions(exported)
        func step(badShare: Double) -> TrafficStep {
            let bad = Int((badShare * Double(n)).rounded())
            switch slo.indicator {
            case .availability, .quality:
                // A quality SLO never gets here: its burn rates are Vigil's gauges (``ExportedSLO/fromRawSeries``).
                return TrafficStep(ok: n - bad, errors: bad, latencies: [.init(milliseconds: 20, count: n)], classes: [])
            case .latency(let bound):
                // Fast predictions well under the bound, slow ones in a bucket wholly above it.
                let edges = ExportedAlert.latencyBuckets.map { $0 * 1000 }
                let slow = (zip([0] + edges, edges).first { $0.0 >= bound }.map { ($0.0 + $0.1) / 2 }) ?? bound * 2
                let fast = min(bound / 2, 0.5)
                return TrafficStep(ok: n, latencies: [.init(milliseconds: fast, count: n - bad), .init(milliseconds: slow, count: bad)], classes: [])
            }
        }
        func steps(_ phases: [(share: Double, count: Int)]) -> [TrafficStep] {
            phases.flatMap { phase in Array(repeating: step(badShare: phase.share), count: phase.count) }
        }
        func steps(of length: Int64) -> Int { Int(length / stepLength) }
        let thresholds = slo.tiers.map { $0.factor * slo.errorBudget }
        var result: [SLOScenario] = []
        for (index, tier) in slo.tiers.enumerated() {
            // Half-way between this tier's threshold and the next faster one's, so this tier fires first.
            let faster = thresholds.enumerated().filter { $0.element > thresholds[index] }.map(\.element).min()
            let share = min(1, faster.map { (thresholds[index] + $0) / 2 } ?? thresholds[index] * 1.5)
            let firing = steps(of: tier.long) + Int((tier.holdFor + stepLength - 1) / stepLength) + 2
            result.append(
                SLOScenario(name: "tier \(tier.name) fires", exported: exported, stepLength: stepLength, steps: steps([(share, firing), (0, 3)]), mustFire: true)
            )
        }
        let longest = slo.tiers.map(\.long).max() ?? slo.period
        let quiet = (thresholds.min() ?? 0) / 2
        result.append(SLOScenario(name: "stays quiet", exported: exported, stepLength: stepLength, steps: steps([(quiet, steps(of: longest) + 2)]), mustFire: false))
        if let fastest = slo.tiers.min(by: { $0.long < $1.long }), let limit = thresholds.max() {
            // A spike of one short window at five times the fastest threshold: the short window burns, the long does not.
            let spike = min(1, limit * 5)
            let quietBefore = steps(of: fastest.long)
            result.append(
                SLOScenario(
                    name: "a short spike burns only the short window", exported: exported, stepLength: stepLength,
                    steps: steps([(0, quietBefore), (spike, steps(of: fastest.short)), (0, steps(of: fastest.long) + 2)]), mustFire: nil
                )
            )
        }
        return .success(result)
    }

    /// Vigil's firing burn-rate alerts after each evaluation (index 0 is empty).
    func vigilFiring() -> [[AlertInstance]] {
        let evaluator = AlertEvaluator(rules: [], slos: [slo])
        // The indicator's counts per step; windows are sums of whole steps, as the server's are sums of buckets.
        let counts = steps.map { step -> (good: Double, total: Int) in
            switch slo.indicator {
            case .availability, .quality: (Double(step.ok), step.requests)
            case .latency(let bound): (SyntheticSeries.latencyAtMost(bound, step), step.latencies.reduce(0) { $0 + $1.count })
            }
        }
        var goodPrefix = [0.0]
        var totalPrefix = [0]
        for count in counts {
            goodPrefix.append(goodPrefix.last! + count.good)
            totalPrefix.append(totalPrefix.last! + count.total)
        }
        var instances: [String: AlertInstance] = [:]
        var firing: [[AlertInstance]] = [[]]
        for index in 1...steps.count {
            var windows: [Int64: SLICounts] = [:]
            for length in slo.windowLengths {
                let from = max(0, index - Int(length / stepLength))
                windows[length] = SLICounts(good: goodPrefix[index] - goodPrefix[from], total: totalPrefix[index] - totalPrefix[from])
            }
            let status = SLOStatus(slo: slo, counts: windows)
            instances = evaluator.evaluate(windows: [:], slos: [status], instances: instances, now: Int64(index) * stepLength).instances
            firing.append(instances.values.filter { $0.state == .firing }.sorted { $0.fingerprint < $1.fingerprint })
        }
        return firing
    }

    /// The scenario as promtool's input series.
    func inputSeries(settings: ExportSettings) -> [PromtoolTestFile.Series] {
        let history = SyntheticSeries(steps: steps)
        let base = ["model_name": model, "model_version": version, "job": settings.job, "instance": settings.target]
        var series: [PromtoolTestFile.Series] = []
        func add(_ name: String, _ labels: [String: String], _ values: [Double]) {
            series.append(.init(series: name + PromQL.selector(base.merging(labels) { $1 }), values: RuleScenario.expanding(values)))
        }
        add("ml_prediction_requests_total", ["status": "ok"], history.cumulative { Double($0.ok) })
        add("ml_prediction_requests_total", ["status": "error"], history.cumulative { Double($0.errors) })
        if case .latency = slo.indicator {
            for bound in ExportedAlert.latencyBuckets {
                add("ml_prediction_latency_seconds_bucket", ["le": PromQL.bucketLabel(bound)], history.cumulative { SyntheticSeries.latencyAtMost(bound * 1000, $0) })
            }
            add("ml_prediction_latency_seconds_bucket", ["le": "+Inf"], history.cumulative { Double($0.latencies.reduce(0) { $0 + $1.count }) })
            add("ml_prediction_latency_seconds_count", [:], history.cumulative { Double($0.latencies.reduce(0) { $0 + $1.count }) })
        }
        return series
    }

    /// The short window's error ratio at evaluation `index`, as the recording rule computes it.
    func prometheusValue(at index: Int, tier: ServiceLevelObjective.Tier) -> Double {
        let history = SyntheticSeries(steps: steps)
        let from = index - Int(tier.short / stepLength)
        let seconds = Double(tier.short) / 1000
        switch slo.indicator {
        case .availability, .quality:
            let errors = history.total(from, index) { Double($0.errors) } / seconds
            return errors / (errors + history.total(from, index) { Double($0.ok) } / seconds)
        case .latency(let bound):
            let fast = history.total(from, index) { SyntheticSeries.latencyAtMost(bound, $0) } / seconds
            let total = history.total(from, index) { Double($0.latencies.reduce(0) { $0 + $1.count }) } / seconds
            return 1 - fast / total
        }
    }
}
