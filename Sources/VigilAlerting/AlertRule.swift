public import VigilCore

/// One alert rule: a metric of a model window compared with a threshold, held for a while before it fires.
///
/// The semantics are Prometheus' (`for`, `keep_firing_for`, pending alerts never sent), with what ML
/// monitoring needs beside them: a resolve threshold (hysteresis), a minimum number of events before a
/// window may fire, and an explicit policy for windows with nothing to measure.
public struct AlertRule: Sendable, Equatable {
    /// Which side of the threshold is bad.
    public enum Direction: String, Sendable, Equatable {
        case above, below
    }

    /// What a window with nothing to measure (no traffic, no labels, no reference) means.
    public enum NoDataPolicy: String, Sendable, Equatable, CaseIterable {
        /// The condition is false, as when a Prometheus series disappears: a firing alert resolves.
        case ok
        /// The alert keeps its state (pending stays pending, firing stays firing) until data comes back.
        case keep
        /// The condition is true: silence itself is the problem.
        case alerting
    }

    /// The mixin style guide's severities.
    public enum Severity: String, Sendable, Equatable, CaseIterable, Comparable {
        case critical, warning, info

        private var rank: Int { self == .critical ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    /// The alert's name (`alertname`).
    public var name: String
    /// The model it watches; nil for every model.
    public var model: String?
    /// The version it watches; nil for each version of the model, separately.
    public var version: String?
    /// Whether each version is watched on its own (the default) or the model's versions merged, as a rule about
    /// the model itself (no predictions at all) needs.
    public var perVersion: Bool
    /// What is measured.
    public var metric: WindowMetric
    /// A feature, class or business metric the rule is restricted to.
    public var selector: ModelWindow.Selector
    /// The window the metric is measured over, in milliseconds.
    public var window: Int64
    /// Which side of the threshold is bad.
    public var direction: Direction
    /// The value the metric must pass to start an alert.
    public var threshold: Double
    /// The value the metric must cross back over before a pending or firing alert clears; the threshold
    /// itself when nil. Above a threshold of 0.01 with 0.008 here, an error rate of 0.009 keeps firing.
    public var resolveThreshold: Double?
    /// How long the condition must hold before the alert fires, in milliseconds.
    public var holdFor: Int64
    /// How long a firing alert keeps firing after its condition stops, in milliseconds.
    public var keepFiringFor: Int64
    /// Windows with fewer events (predictions, or labelled predictions for model quality) do not meet the
    /// condition, so low traffic cannot page.
    public var minimumEvents: Int
    /// What a window with nothing to measure means.
    public var noData: NoDataPolicy
    /// The `severity` label.
    public var severity: Severity
    /// Labels added to every alert of the rule.
    public var labels: [String: String]
    /// Annotations (`summary`, `description`, `runbook_url`…); `{{ $value }}` and `{{ $labels.NAME }}` are filled in.
    public var annotations: [String: String]
    /// Whether Vigil ships the rule (on by default for every model, overridable by name).
    public var isBuiltIn: Bool
    /// The `alertname` label; ``name`` when nil. Rules that share an alert name (an SLO's burn-rate tiers, all
    /// `SLOErrorBudgetBurn`) keep unique ``name``s, which identify them.
    public var alertName: String?

    /// A rule; everything but its name, metric, window and threshold has Prometheus' default.
    public init(
        name: String, model: String? = nil, version: String? = nil, perVersion: Bool = true, metric: WindowMetric, selector: ModelWindow.Selector = .init(),
        window: Int64, direction: Direction, threshold: Double, resolveThreshold: Double? = nil, holdFor: Int64 = 0, keepFiringFor: Int64 = 0,
        minimumEvents: Int = 0, noData: NoDataPolicy = .ok, severity: Severity = .warning, labels: [String: String] = [:],
        annotations: [String: String] = [:], isBuiltIn: Bool = false, alertName: String? = nil
    ) {
        self.name = name
        self.model = model
        self.version = version
        self.perVersion = perVersion
        self.metric = metric
        self.selector = selector
        self.window = window
        self.direction = direction
        self.threshold = threshold
        self.resolveThreshold = resolveThreshold
        self.holdFor = holdFor
        self.keepFiringFor = keepFiringFor
        self.minimumEvents = minimumEvents
        self.noData = noData
        self.severity = severity
        self.labels = labels
        self.annotations = annotations
        self.isBuiltIn = isBuiltIn
        self.alertName = alertName
    }

    /// Whether `value` is on the bad side: of the threshold for an inactive alert, of the resolve threshold
    /// for one already pending or firing.
    public func breaches(_ value: Double, active: Bool) -> Bool {
        let limit = active ? (resolveThreshold ?? threshold) : threshold
        return direction == .above ? value > limit : value < limit
    }

    /// Whether the rule watches a window of this model and version.
    public func applies(model: String, version: String) -> Bool {
        (self.model == nil || self.model == model) && (self.version == nil || self.version == version)
    }
}
