import Foundation
import Hummingbird
import VigilAlerting
import VigilCore
import VigilStore

/// `GET /v1/alerts`: the alerts that are pending, firing or recently resolved, the recent transitions, and the
/// rules evaluated (`read` scope). `?state=firing`, `?model=fraud` and `?fingerprint=…` narrow it down.
struct AlertRoutes {
    let configuration: ServerConfiguration
    let service: AlertService
    let store: any Store
    let clock: WallClock

    /// The answer (`vigil.alerts.v1`).
    struct Answer: Encodable {
        var schema = "vigil.alerts.v1"
        var evaluationInterval: String
        var alertmanager: String?
        var alerts: [Alert]
        var history: [Transition]
        var rules: [Rule]
    }

    struct Alert: Encodable {
        var fingerprint: String
        var rule: String
        var state: String
        var labels: [String: String]
        var annotations: [String: String]
        var activeAt: String
        var firedAt: String?
        var resolvedAt: String?
        var value: Double?
        var lastSentAt: String?
        /// `silenced` or `inhibited` when Vigil's own receivers are not told of it.
        var muted: String?
    }

    struct Transition: Encodable {
        var time: String
        var fingerprint: String
        var rule: String
        var labels: [String: String]
        var from: String
        var to: String
        var value: Double?
        var reason: String?
    }

    struct Rule: Encodable {
        var name: String
        var builtIn: Bool
        var model: String?
        var version: String?
        var perVersion: Bool
        var metric: String
        var feature: String?
        var `class`: String?
        var businessMetric: String?
        /// A segment tag (each value) or `tag=value`.
        var segment: String?
        var window: String
        var above: Double?
        var below: Double?
        var resolveThreshold: Double?
        var `for`: String
        var keepFiringFor: String
        var minEvents: Int
        var noData: String
        var severity: String
        var labels: [String: String]
    }

    /// The answer of `GET /v1/slos` (`vigil.slos.v1`).
    struct SLOAnswer: Encodable {
        var schema = "vigil.slos.v1"
        var slos: [SLO]
    }

    struct SLO: Encodable {
        var name: String
        var model: String
        var version: String?
        var indicator: String
        var latencyThresholdMs: Double?
        /// A quality SLO's figure, target, window and labels a window needs.
        var quality: Quality?
        var objective: Double
        var period: String
        /// Good / all over the period.
        var sli: Double?
        var events: Int
        var errorBudgetRemaining: Double
        /// When the budget runs out at the fastest page tier's burn rate; absent when it does not burn.
        var exhaustedIn: String?
        var burnRates: [Burn]
        var tiers: [Tier]
    }

    struct Quality: Encodable {
        var metric: String
        var target: Double
        var higherIsBetter: Bool
        var window: String
        var minLabels: Int
    }

    struct Burn: Encodable {
        var window: String
        var burnRate: Double?
        var events: Int
    }

    struct Tier: Encodable {
        var name: String
        var long: String
        var short: String
        var factor: Double
        /// The error ratio both windows must exceed: factor × (1 − objective).
        var errorRatioThreshold: Double
        var `for`: String
        var severity: String
        /// `inactive`, `pending` or `firing`.
        var state: String
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/alerts") { request, context in try await list(request, context) }
        router.get("/v1/slos") { request, context in try await slos(request, context) }
    }

    private func slos(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = request.query("model")
        let alerts = try await service.alerts()
        let format = PrometheusDuration.format(milliseconds:)
        let slos = service.slos().filter { model == nil || $0.slo.model == model }.map { status in
            let slo = status.slo
            let threshold: Double? = if case .latency(let bound) = slo.indicator { bound } else { nil }
            var quality: Quality?
            if case .quality(let indicator) = slo.indicator {
                quality = Quality(
                    metric: indicator.metric, target: indicator.target, higherIsBetter: indicator.higherIsBetter, window: format(indicator.window),
                    minLabels: indicator.minimumLabelled
                )
            }
            return SLO(
                name: slo.name, model: slo.model, version: slo.version, indicator: quality != nil ? "quality" : threshold == nil ? "availability" : "latency",
                latencyThresholdMs: threshold, quality: quality,
                objective: slo.objective, period: format(slo.period), sli: status.indicator, events: status.events,
                errorBudgetRemaining: status.budgetRemaining, exhaustedIn: status.timeToExhaustion.map(format),
                burnRates: slo.windowLengths.map { Burn(window: format($0), burnRate: status.burnRates[$0], events: status.windowEvents[$0] ?? 0) },
                tiers: slo.tiers.map { tier in
                    let rule = slo.rule(for: tier).name
                    let state = alerts.first { $0.rule == rule && $0.state != .resolved }?.state.rawValue ?? "inactive"
                    return Tier(
                        name: tier.name, long: format(tier.long), short: format(tier.short), factor: tier.factor, errorRatioThreshold: ((tier.factor * slo.errorBudget) * 1e12).rounded() / 1e12,
                        for: format(tier.holdFor), severity: tier.severity.rawValue, state: state
                    )
                }
            )
        }
        return try JSONResponse.make(SLOAnswer(slos: slos))
    }

    private func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let state = request.query("state")
        if let state, AlertInstance.State(rawValue: state) == nil {
            throw Problem.badParameter("state", "must be pending, firing or resolved")
        }
        let model = request.query("model")
        let fingerprint = request.query("fingerprint")
        let limit = try request.count("history", in: 0...1000, default: 50)
        func matches(_ labels: [String: String], _ print: String) -> Bool {
            (model == nil || labels["model_name"] == model) && (fingerprint == nil || print == fingerprint)
        }
        let time = Timestamp.formatRFC3339(milliseconds:)
        let current = try await service.alerts()
        let muted = try await service.notifications.muting(current, now: clock.milliseconds())
        let alerts = current.filter { (state == nil || $0.state.rawValue == state) && matches($0.labels, $0.fingerprint) }.map {
            Alert(
                fingerprint: $0.fingerprint, rule: $0.rule, state: $0.state.rawValue, labels: $0.labels, annotations: $0.annotations, activeAt: time($0.activeAt),
                firedAt: $0.firedAt.map(time), resolvedAt: $0.resolvedAt.map(time), value: $0.value.flatMap { $0.isFinite ? $0 : nil },
                lastSentAt: $0.lastSentAt.map(time), muted: muted[$0.fingerprint]?.rawValue
            )
        }
        let history = try await store.alertHistory(limit: limit).filter { matches($0.labels, $0.fingerprint) }.map {
            Transition(
                time: time($0.time), fingerprint: $0.fingerprint, rule: $0.rule, labels: $0.labels, from: $0.from, to: $0.to,
                value: $0.value.flatMap { $0.isFinite ? $0 : nil }, reason: $0.reason
            )
        }
        let alerting = configuration.alerting
        let rules = alerting.rules.map { rule in
            Rule(
                name: rule.name, builtIn: rule.isBuiltIn, model: rule.model, version: rule.version, perVersion: rule.perVersion, metric: "\(rule.metric)",
                feature: rule.selector.feature, class: rule.selector.className, businessMetric: rule.selector.businessMetric,
                segment: rule.selector.segmentTag.map { tag in rule.selector.segmentValue.map { "\(tag)=\($0)" } ?? tag },
                window: PrometheusDuration.format(milliseconds: rule.window), above: rule.direction == .above ? rule.threshold : nil,
                below: rule.direction == .below ? rule.threshold : nil, resolveThreshold: rule.resolveThreshold,
                for: PrometheusDuration.format(milliseconds: rule.holdFor), keepFiringFor: PrometheusDuration.format(milliseconds: rule.keepFiringFor),
                minEvents: rule.minimumEvents, noData: rule.noData.rawValue, severity: rule.severity.rawValue, labels: rule.labels
            )
        }
        return try JSONResponse.make(
            Answer(
                evaluationInterval: PrometheusDuration.format(milliseconds: alerting.evaluationInterval), alertmanager: alerting.alertmanagerURL,
                alerts: alerts, history: history, rules: rules
            )
        )
    }
}
