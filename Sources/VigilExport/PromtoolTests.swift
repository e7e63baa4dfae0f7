import VigilAlerting
import VigilCore

/// `promtool test rules` files generated with the rules: for each exported alert a history that fires, one that
/// stays quiet, and its boundaries (`for`, the resolve threshold, too few events, each burn-rate tier, a short
/// spike). What is expected at each evaluation is what Vigil's own evaluator says on the same history, so a
/// passing promtool run is the proof that Prometheus and Vigil give the rule one meaning.
public struct PromtoolTests: Sendable {
    /// Which evaluation times the tests check.
    public enum Times: Sendable {
        /// Around every change of the firing set (the step before and the step of it), and the end: the file
        /// `vigil export` writes.
        case transitions
        /// Every evaluation: the parity test.
        case every
    }

    /// A scenario and what Vigil's evaluator did with it, for checks on the generator itself.
    public struct Outcome: Sendable, Equatable {
        /// `MLModelHighErrorRate fires`.
        public var name: String
        /// Whether the scenario must fire (true), must not (false), or is a boundary (nil).
        public var mustFire: Bool?
        /// Whether Vigil's evaluator fired at some evaluation.
        public var fired: Bool
        /// Evaluations checked.
        public var checks: Int
    }

    /// The tests of the model rules (one-minute steps); nil without exported alerts.
    public var models: PromtoolTestFile?
    /// The tests of the SLOs' burn-rate alerts (five-minute steps); nil without SLOs.
    public var slos: PromtoolTestFile?
    /// Alerts without generated tests, and why.
    public var untested: [SkippedRule] = []
    /// Every scenario's outcome.
    public var outcomes: [Outcome] = []

    static let modelStep: Int64 = 60_000
    static let sloStep: Int64 = 300_000

    /// The tests of `rules`, which load `modelRuleFile` and `sloRuleFile`.
    public init(_ rules: PrometheusRules, settings: ExportSettings, modelRuleFile: String, sloRuleFile: String, times: Times = .transitions) {
        var modelTests: [PromtoolTestFile.Test] = []
        for alert in rules.alerts {
            switch RuleScenario.scenarios(for: alert, stepLength: Self.modelStep) {
            case .failure(let reason):
                untested.append(SkippedRule(name: alert.rule.name, reason: reason.text))
            case .success(let scenarios):
                for scenario in scenarios {
                    let firing = scenario.vigilFiring(settings: settings)
                    let indices = Self.indices(firing.map { $0.map(\.fingerprint) }, times: times, quiet: scenario.mustFire == false)
                    let checks = indices.map { index in
                        PromtoolTestFile.AlertCheck(
                            evalTime: PromQL.duration(Int64(index) * Self.modelStep), alertname: alert.rule.alertName ?? alert.rule.name,
                            expAlerts: firing[index].map { instance in
                                // An alert kept firing (keep_firing_for) keeps the annotations of its last true evaluation.
                                Self.expected(
                                    instance, annotations: alert.prometheusRule.annotations?.entries ?? [:],
                                    value: scenario.prometheusValue(at: Int(instance.lastTrueAt / Self.modelStep), labels: instance.labels, settings: settings)
                                )
                            }
                        )
                    }
                    let name = "\(alert.rule.name) \(scenario.name)"
                    outcomes.append(Outcome(name: name, mustFire: scenario.mustFire, fired: firing.contains { !$0.isEmpty }, checks: checks.count))
                    modelTests.append(.init(name: name, interval: PromQL.duration(Self.modelStep), inputSeries: scenario.inputSeries(settings: settings), alertRuleTest: checks))
                }
            }
        }
        if !modelTests.isEmpty {
            models = PromtoolTestFile(ruleFiles: [modelRuleFile], evaluationInterval: PromQL.duration(Self.modelStep), tests: modelTests)
        }
        var sloTests: [PromtoolTestFile.Test] = []
        for exported in rules.slos {
            switch SLOScenario.scenarios(for: exported, stepLength: Self.sloStep) {
            case .failure(let reason):
                untested.append(SkippedRule(name: "SLO \(exported.slo.name)", reason: reason.text))
            case .success(let scenarios):
                let annotations = Dictionary(
                    exported.group.rules.compactMap { rule in rule.labels?.entries["tier"].map { ($0, rule.annotations?.entries ?? [:]) } }, uniquingKeysWith: { a, _ in a }
                )
                for scenario in scenarios {
                    let firing = scenario.vigilFiring()
                    let indices = Self.indices(firing.map { $0.map(\.fingerprint) }, times: times, quiet: scenario.mustFire == false)
                    let checks = indices.map { index in
                        PromtoolTestFile.AlertCheck(
                            evalTime: PromQL.duration(Int64(index) * Self.sloStep), alertname: "SLOErrorBudgetBurn",
                            expAlerts: firing[index].map { instance in
                                let tier = exported.slo.tiers.first { $0.name == instance.labels["tier"] }!
                                return Self.expected(instance, annotations: annotations[tier.name] ?? [:], value: scenario.prometheusValue(at: index, tier: tier))
                            }
                        )
                    }
                    let name = "SLO \(exported.slo.name): \(scenario.name)"
                    outcomes.append(Outcome(name: name, mustFire: scenario.mustFire, fired: firing.contains { !$0.isEmpty }, checks: checks.count))
                    sloTests.append(.init(name: name, interval: PromQL.duration(Self.sloStep), inputSeries: scenario.inputSeries(settings: settings), alertRuleTest: checks))
                }
            }
        }
        if !sloTests.isEmpty {
            slos = PromtoolTestFile(ruleFiles: [sloRuleFile], evaluationInterval: PromQL.duration(Self.sloStep), tests: sloTests)
        }
    }

    /// A firing alert as promtool expects it: its labels without `alertname`, its annotations expanded.
    static func expected(_ instance: AlertInstance, annotations: [String: String], value: Double) -> PromtoolTestFile.ExpectedAlert {
        var labels = instance.labels
        labels["alertname"] = nil
        return PromtoolTestFile.ExpectedAlert(
            expLabels: SortedMap(labels), expAnnotations: SortedMap(annotations.mapValues { GoTemplate.render($0, labels: instance.labels, value: value) })
        )
    }

    /// The evaluations to check: every one, or those around each change of the firing set and the last.
    static func indices(_ firing: [[String]], times: Times, quiet: Bool) -> [Int] {
        let last = firing.count - 1
        guard last >= 1 else { return [] }
        if case .every = times { return Array(1...last) }
        var chosen: Set<Int> = [last]
        if quiet { chosen.formUnion([max(1, last / 3), max(1, 2 * last / 3)]) }
        for index in 1...last where firing[index] != firing[index - 1] {
            chosen.insert(index)
            if index > 1 { chosen.insert(index - 1) }
        }
        return chosen.sorted()
    }
}
