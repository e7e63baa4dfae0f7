import VigilAlerting
import VigilCore

/// A synthetic history for one exported alert: what the model did step by step, what Vigil's own evaluator
/// says is firing at each evaluation, and the same history as promtool's input series.
struct RuleScenario {
    /// `fires`, `stays quiet`, `holds between the thresholds`, `too few events`.
    var name: String
    var alert: ExportedAlert
    var model: String
    var version: String
    /// One step is one sample interval and one evaluation interval.
    var stepLength: Int64
    var steps: [TrafficStep]
    /// Whether the scenario must fire at some point (true), never (false), or either (nil: the boundary
    /// cases, where the answer is whatever Vigil's evaluator gives).
    var mustFire: Bool?

    var rule: AlertRule { alert.rule }

    /// The alert's value and events at evaluation `index` (the end of step `index − 1`) as Vigil measures
    /// them, for gauges; traffic rules go through ``ModelWindow``.
    private func gaugeObservation(at index: Int, settings: ExportSettings) -> (value: Double, events: Int)? {
        guard case .gauge(let gauge) = alert.source, index > 0, let raw = steps[index - 1].gauge else { return nil }
        let value = rule.metric == .datasetDrift ? (raw >= settings.datasetDriftShare ? 1 : 0) : raw
        let events: Int
        if gauge.events != nil {
            events = Int(steps[index - 1].gaugeEvents ?? 0)
        } else {
            events = Int(SyntheticSeries(steps: steps).total(index - windowSteps, index) { Double($0.requests) })
        }
        return (value, events)
    }

    var windowSteps: Int { Int(max(1, rule.window / stepLength)) }

    /// Vigil's firing alerts after each evaluation, from the first (index 1) to the last; index 0 is empty.
    func vigilFiring(settings: ExportSettings) -> [[AlertInstance]] {
        let evaluator = AlertEvaluator(rules: [rule])
        var instances: [String: AlertInstance] = [:]
        var firing: [[AlertInstance]] = [[]]
        // One live profile per step, merged into each window as Vigil merges its minute buckets. A window is a
        // few runs of identical steps, and a run's profile is built once (from the run one shorter), so that an
        // evaluation costs a few merges instead of one per step: `vigil export` of the built-in rules took 15.3 s, now 1.3 s (debug build).
        var stepProfiles: [TrafficStep: LiveProfile] = [:]
        var runProfiles: [RunKey: LiveProfile] = [:]
        func profile(of step: TrafficStep, count: Int) -> LiveProfile {
            if let known = runProfiles[RunKey(step: step, count: count)] { return known }
            let single: LiveProfile
            if let known = stepProfiles[step] {
                single = known
            } else {
                var made = LiveProfile()
                for event in step.events(version: version, time: stepLength / 2) { made.add(event) }
                stepProfiles[step] = made
                single = made
            }
            // From the longest run already built, one step at a time: a loop, not a recursion as deep as the
            // run (hundreds of frames overflowed a test thread's stack in a debug build).
            var built = 1
            var made = single
            for shorter in stride(from: count - 1, through: 1, by: -1) {
                if let known = runProfiles[RunKey(step: step, count: shorter)] {
                    built = shorter
                    made = known
                    break
                }
            }
            while built < count {
                made.merge(single)
                built += 1
                runProfiles[RunKey(step: step, count: built)] = made
            }
            runProfiles[RunKey(step: step, count: count)] = made
            return made
        }
        for index in 1...steps.count {
            let now = Int64(index) * stepLength
            if alert.readsVigilGauge {
                var labels = evaluator.baseLabels(rule, model: model, version: rule.perVersion ? version : nil)
                for (name, value) in gaugeIdentity { labels[name] = value }
                let fingerprint = AlertInstance.fingerprint(labels)
                let observation: AlertObservation =
                    gaugeObservation(at: index, settings: settings).map { .value($0.value, events: $0.events) } ?? .noData
                let (next, _) = rule.step(
                    instances[fingerprint],
                    observation: observation,
                    now: now,
                    fingerprint: fingerprint,
                    labels: labels,
                    annotations: [:]
                )
                instances[fingerprint] = next
            } else {
                var traffic = LiveProfile()
                var start = max(0, index - windowSteps)
                while start < index {
                    var end = start + 1
                    while end < index, steps[end] == steps[start] { end += 1 }
                    traffic.merge(profile(of: steps[start], count: end - start))
                    start = end
                }
                let key = AlertEvaluator.WindowKey(model: model, version: rule.perVersion ? version : nil, length: rule.window)
                // The range as the server's alert service makes it: the window up to and including `now`.
                let window = ModelWindow(
                    model: model,
                    version: rule.perVersion ? version : "",
                    range: (now - rule.window)..<(now + 1),
                    traffic: traffic
                )
                instances = evaluator.evaluate(windows: [key: window], instances: instances, now: now).instances
            }
            firing.append(instances.values.filter { $0.state == .firing }.sorted { $0.fingerprint < $1.fingerprint })
        }
        return firing
    }

    /// A run of identical steps.
    private struct RunKey: Hashable {
        var step: TrafficStep
        var count: Int
    }

    /// The labels of the gauge series that tell the rule's alerts apart, as Vigil names them.
    var gaugeIdentity: [String: String] {
        guard case .gauge(let gauge) = alert.source else { return [:] }
        var labels: [String: String] = [:]
        for name in gauge.identity {
            switch name {
            case "feature_name": labels[name] = rule.selector.feature ?? "amount"
            case "business_metric": labels[name] = rule.selector.businessMetric ?? "revenue"
            case "source": labels[name] = "prediction"
            case "baseline": labels[name] = "v1"
            default: labels[name] = "x"
            }
        }
        return labels
    }
}
