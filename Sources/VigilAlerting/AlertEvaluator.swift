import Foundation
public import VigilCore

/// Evaluates rules against model windows: no I/O, no clock. The caller computes the windows the rules ask for
/// (``windowRequests(rules:models:)``), passes them with the current alerts and the time, and stores and
/// delivers what comes back.
public struct AlertEvaluator: Sendable {
    /// Identifies a window: a model, one of its versions (nil: every version merged), and a length.
    public struct WindowKey: Sendable, Hashable {
        /// The model the window belongs to.
        public var model: String
        /// One of its versions; nil for the model's versions merged.
        public var version: String?
        /// Milliseconds.
        public var length: Int64

        /// The window of `model` (one `version`, or all when nil) over the last `length` milliseconds.
        public init(model: String, version: String?, length: Int64) {
            self.model = model
            self.version = version
            self.length = length
        }
    }

    /// A window some rule needs, with what must be computed for it.
    public struct WindowRequest: Sendable, Equatable {
        /// The window.
        public var key: WindowKey
        /// Whether a rule reads drift or data quality against the reference (features needed).
        public var needsReport = false
        /// Whether a rule reads PSI (a second drift analysis with PSI on every feature).
        public var needsPSI = false
        /// Whether a rule reads latency, confidence or predicted classes (the observation sketches).
        public var needsObservations = false
        /// Whether a rule reads model quality, label coverage or business metrics (the quality window).
        public var needsQuality = false
        /// Whether a rule reads the version's comparison against its baseline.
        public var needsComparison = false
    }

    /// The result of one evaluation.
    public struct Evaluation: Sendable {
        /// Every alert that is pending, firing or recently resolved, by fingerprint.
        public var instances: [String: AlertInstance]
        /// Alerts whose stored state must change (new, changed state, new value).
        public var changed: [AlertInstance]
        /// Fingerprints of alerts that became inactive or were resolved long enough ago to be forgotten.
        public var removed: [String]
        /// The state changes of this evaluation, for the history.
        public var transitions: [AlertTransition]
    }

    /// The rules evaluated on windows.
    public var rules: [AlertRule]
    /// The SLOs whose burn-rate tiers alert.
    public var slos: [ServiceLevelObjective]
    /// How long a resolved alert is kept (and its resolution resent): 15 minutes, as Prometheus.
    public var resolvedRetention: Int64
    /// Where the runbooks are (`vigil serve`'s `/runbooks`): an alert without a `runbook_url` annotation gets
    /// this URL with its alert name as the anchor (a built-in's section), or `#your-own-rules`.
    public var runbookURL: String?

    /// An evaluator of `rules` and of the burn-rate tiers of `slos`.
    public init(rules: [AlertRule], slos: [ServiceLevelObjective] = [], resolvedRetention: Int64 = 15 * 60_000) {
        self.rules = rules
        self.slos = slos
        self.resolvedRetention = resolvedRetention
    }

    /// The windows the rules need for these models and their versions, each once, with the union of what its
    /// rules read.
    public func windowRequests(models: [(model: String, versions: [String])]) -> [WindowRequest] {
        var requests: [WindowKey: WindowRequest] = [:]
        var order: [WindowKey] = []
        for (model, versions) in models {
            for rule in rules where rule.model == nil || rule.model == model {
                let scopes: [String?] = rule.perVersion ? versions.filter { rule.version == nil || rule.version == $0 } : [nil]
                for version in scopes {
                    let key = WindowKey(model: model, version: version, length: rule.window)
                    if requests[key] == nil {
                        requests[key] = WindowRequest(key: key)
                        order.append(key)
                    }
                    requests[key]!.needsReport = requests[key]!.needsReport || (rule.metric.needsReference && rule.metric != .psi)
                    requests[key]!.needsPSI = requests[key]!.needsPSI || rule.metric == .psi
                    requests[key]!.needsObservations = requests[key]!.needsObservations || rule.metric.needsObservations
                    requests[key]!.needsQuality = requests[key]!.needsQuality || rule.metric.needsLabels || rule.metric == .businessMean
                    requests[key]!.needsComparison = requests[key]!.needsComparison || rule.metric == .comparisonVerdict
                }
            }
        }
        return order.map { requests[$0]! }
    }

    /// Evaluates every rule on the windows at `now`.
    ///
    /// An alert whose series was not seen (its feature left the window, its model has no window) is observed
    /// as no data; one whose rule is gone resolves (if firing) or ends (if pending).
    public func evaluate(windows: [WindowKey: ModelWindow], slos statuses: [SLOStatus] = [], instances: [String: AlertInstance], now: Int64) -> Evaluation {
        var result = Evaluation(instances: instances, changed: [], removed: [], transitions: [])
        var seen = Set<String>()
        func apply(_ rule: AlertRule, _ fingerprint: String, _ observation: AlertObservation, labels: [String: String], annotations: @autoclosure () -> [String: String]) {
            seen.insert(fingerprint)
            let before = result.instances[fingerprint]
            let (after, transition) = rule.step(
                before, observation: observation, now: now, fingerprint: fingerprint, labels: labels, annotations: annotations()
            )
            if let transition { result.transitions.append(transition) }
            if let after {
                result.instances[fingerprint] = after
                if after != before { result.changed.append(after) }
            } else if before != nil {
                result.instances[fingerprint] = nil
                result.removed.append(fingerprint)
            }
        }
        var rulesByName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for slo in slos {
            for tier in slo.tiers {
                let rule = slo.rule(for: tier)
                rulesByName[rule.name] = rule
            }
        }
        // Each SLO tier is an alert whose value is the smaller burn rate of its two windows.
        for status in statuses {
            for tier in status.slo.tiers {
                let rule = status.slo.rule(for: tier)
                let labels = baseLabels(rule, model: status.slo.model, version: status.slo.version)
                let observation = status.observation(tier)
                let value: Double? = if case .value(let burn, _) = observation { burn } else { nil }
                apply(rule, AlertInstance.fingerprint(labels), observation, labels: labels, annotations: annotations(rule, labels: labels, value: value))
            }
        }
        for (key, window) in windows.sorted(by: { ($0.key.model, $0.key.version ?? "", $0.key.length) < ($1.key.model, $1.key.version ?? "", $1.key.length) }) {
            for rule in rules where rule.window == key.length && (rule.model == nil || rule.model == key.model) {
                if rule.perVersion {
                    guard let version = key.version, rule.version == nil || rule.version == version else { continue }
                } else if key.version != nil {
                    continue
                }
                let base = baseLabels(rule, model: key.model, version: key.version)
                let samples = window.samples(rule.metric, rule.selector)
                if samples.isEmpty {
                    let fingerprint = AlertInstance.fingerprint(base)
                    apply(rule, fingerprint, .noData, labels: base, annotations: annotations(rule, labels: base, value: nil))
                }
                for sample in samples {
                    let labels = base.merging(sample.labels) { rule, _ in rule }
                    let fingerprint = AlertInstance.fingerprint(labels)
                    apply(rule, fingerprint, .value(sample.value, events: sample.events), labels: labels, annotations: annotations(rule, labels: labels, value: sample.value))
                }
            }
        }
        for (fingerprint, instance) in instances.sorted(by: { $0.key < $1.key }) where !seen.contains(fingerprint) {
            guard let rule = rulesByName[instance.rule] else {
                // The rule left the configuration: a firing alert resolves (so receivers hear of it), others end.
                if instance.state == .firing {
                    var resolved = instance
                    resolved.state = .resolved
                    resolved.resolvedAt = now
                    result.instances[fingerprint] = resolved
                    result.changed.append(resolved)
                    result.transitions.append(
                        AlertTransition(time: now, fingerprint: fingerprint, rule: instance.rule, labels: instance.labels, from: "firing", to: "resolved", value: instance.value, reason: "rule removed")
                    )
                } else if instance.state == .pending || now - (instance.resolvedAt ?? now) >= resolvedRetention {
                    result.instances[fingerprint] = nil
                    result.removed.append(fingerprint)
                }
                continue
            }
            apply(rule, fingerprint, .noData, labels: instance.labels, annotations: instance.annotations)
        }
        // Resolved alerts are forgotten once their resolution has been resent long enough.
        for (fingerprint, instance) in result.instances where instance.state == .resolved {
            if let resolvedAt = instance.resolvedAt, now - resolvedAt >= resolvedRetention {
                result.instances[fingerprint] = nil
                result.removed.append(fingerprint)
                result.changed.removeAll { $0.fingerprint == fingerprint }
            }
        }
        return result
    }

    /// `alertname`, `severity`, `model_name`, `model_version` (for a per-version rule) and the rule's own labels.
    /// The labels every alert of `rule` on this model (and version) carries; the export's scenarios build
    /// expected alerts with them, so they are public.
    public func baseLabels(_ rule: AlertRule, model: String, version: String?) -> [String: String] {
        var labels = rule.labels
        labels["alertname"] = rule.alertName ?? rule.name
        labels["severity"] = rule.severity.rawValue
        labels["model_name"] = model
        if let version { labels["model_version"] = version }
        return labels
    }

    /// The rule's annotations with `{{ $value }}` and `{{ $labels.NAME }}` filled in, and a `summary` and
    /// `description` written from the rule when it gives none.
    func annotations(_ rule: AlertRule, labels: [String: String], value: Double?) -> [String: String] {
        var result = rule.annotations
        let segments = labels.filter { $0.key.hasPrefix("segment_") }.sorted { $0.key < $1.key }.map { "\($0.key.dropFirst(8))=\($0.value)" }
        let subject = ([labels["model_name"], labels["model_version"], labels["feature_name"], labels["class"], labels["business_metric"]].compactMap { $0 } + segments)
            .joined(separator: " ")
        let comparison = "\(rule.direction == .above ? "above" : "below") \(formatNumber(rule.threshold))"
        if result["summary"] == nil { result["summary"] = "\(rule.metric) of \(subject) is \(comparison)" }
        if result["description"] == nil {
            let measured = value.map { "is \(formatNumber($0))" } ?? "has no data"
            result["description"] =
                "\(rule.metric) over \(PrometheusDuration.format(milliseconds: rule.window)) \(measured) for \(subject) (threshold: \(comparison))."
        }
        if result["runbook_url"] == nil, let runbookURL {
            let shipped = rule.isBuiltIn || rule.alertName == "SLOErrorBudgetBurn"
            result["runbook_url"] = runbookURL + "#" + (shipped ? (rule.alertName ?? rule.name).lowercased() : "your-own-rules")
        }
        for (name, text) in result where text.contains("{{") {
            result[name] = Self.fill(text, value: value, labels: labels)
        }
        return result
    }
}

extension AlertEvaluator {
    /// `text` with each `{{ $value }}` and `{{ $labels.NAME }}` replaced, in one pass: an evaluation fills the
    /// annotations of every alert, and a search-and-replace per label took a sixth of a cycle (`vigil-bench
    /// alerts --builtin`). Anything else between braces is left as written.
    static func fill(_ text: String, value: Double?, labels: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if inside == "$value" {
                result += value.map(formatNumber) ?? "no data"
            } else if inside.hasPrefix("$labels."), let label = labels[String(inside.dropFirst(8))] {
                result += label
            } else if inside.hasPrefix("$labels.") {
                result += ""
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

extension AlertRule {
    /// A threshold or value as alerts and `vigil config check` print it: `0.01`, `500`, `1.5e-07`.
    public static func formatted(_ value: Double) -> String { formatNumber(value) }
}

/// Up to six significant digits, without a trailing `.0`: `0.0123`, `512`, `1.5e-07`.
func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(format: "%.6g", value)
}
