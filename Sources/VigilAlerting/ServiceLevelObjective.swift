import VigilCore

/// A service-level objective on a model's predictions, with the multi-window, multi-burn-rate alerts of the
/// SRE workbook.
///
/// The indicator counts good and bad predictions; the objective is the share that must be good over the
/// period (30 days by default). The error budget is what the objective leaves: `1 − objective` of the
/// period's predictions may be bad.
public struct ServiceLevelObjective: Sendable, Equatable {
    /// What makes a prediction good.
    public enum Indicator: Sendable, Equatable {
        /// It succeeded (status not `error`): availability = ok / all.
        case availability
        /// It succeeded within this many milliseconds: the share under a latency bound.
        case latency(thresholdMilliseconds: Double)
        /// Model quality: the share of good windows, each window good when its figure from labels meets a target.
        case quality(QualityIndicator)
    }

    /// A model-quality indicator: the period is cut into windows of ``window`` milliseconds (aligned to multiples
    /// of it since 1970, so an hourly window is a clock hour), and a window with at least ``minimumLabelled``
    /// labelled predictions is one event, good when its figure meets ``target`` (at least it, or at most it for
    /// errors such as `rmse`). Windows with fewer labels are not counted; the window still open is not either.
    public struct QualityIndicator: Sendable, Equatable {
        /// The figure, as `ml_model_quality{metric}` names it (`accuracy`, `f1_macro`, `rmse`…).
        public var metric: String
        /// The value a good window reaches.
        public var target: Double
        /// Milliseconds; an hour by default.
        public var window: Int64
        /// Labelled predictions a window needs to count.
        public var minimumLabelled: Int

        /// An indicator; hourly windows of at least 50 labelled predictions unless given.
        public init(metric: String, target: Double, window: Int64 = 3_600_000, minimumLabelled: Int = 50) {
            self.metric = metric
            self.target = target
            self.window = window
            self.minimumLabelled = minimumLabelled
        }

        /// Whether a larger value is better (`accuracy`) rather than a smaller one (`rmse`, `log_loss`, `fpr`).
        public var higherIsBetter: Bool { !WindowMetric.lowerIsBetterQualityNames.contains(metric) }

        /// Whether a window's figure meets the target.
        public func isGood(_ value: Double) -> Bool { higherIsBetter ? value >= target : value <= target }
    }

    /// One burn-rate alert: it fires when the budget burns at least `factor` times as fast as the period
    /// allows over both the long and the short window.
    public struct Tier: Sendable, Equatable {
        /// `page_fast`, `page_slow`, `ticket_fast`, `ticket_slow`, or a name of the configuration's.
        public var name: String
        /// Milliseconds.
        public var long: Int64
        /// Milliseconds; the SRE workbook uses a twelfth of the long window.
        public var short: Int64
        /// The burn rate that fires: budget percent × period / long window.
        public var factor: Double
        /// How long both windows must burn before the alert fires (the kubernetes-mixin's values), in milliseconds.
        public var holdFor: Int64
        /// The alert's severity (pages `critical`, tickets `warning`).
        public var severity: AlertRule.Severity

        /// A tier with every field given.
        public init(name: String, long: Int64, short: Int64, factor: Double, holdFor: Int64, severity: AlertRule.Severity) {
            self.name = name
            self.long = long
            self.short = short
            self.factor = factor
            self.holdFor = holdFor
            self.severity = severity
        }

        /// The tier that spends `budgetPercent` % of the budget of `period` in `long`: factor = percent × period /
        /// (100 × long), computed from whole numbers so that 2 % of 30 days in 1 hour is exactly 14.4.
        public static func spending(
            _ budgetPercent: Int, of period: Int64, in long: Int64, name: String, holdFor: Int64, severity: AlertRule.Severity
        ) -> Tier {
            Tier(name: name, long: long, short: long / 12, factor: Double(Int64(budgetPercent) * period) / Double(100 * long), holdFor: holdFor, severity: severity)
        }

        /// The tier with both windows at least one window of a quality SLO long: a five-minute window holds no
        /// complete hourly window. The factor stays: it is a rate, whatever the windows.
        public func fitted(to window: Int64) -> Tier {
            var tier = self
            tier.long = max(long, window)
            tier.short = max(short, window)
            return tier
        }
    }

    private static let minute: Int64 = 60_000
    private static let hour: Int64 = 3_600_000

    /// The SRE workbook's four tiers for a period: 2 % of the budget in 1 h (page), 5 % in 6 h (page), 10 % in
    /// 1 d (ticket), 10 % in 3 d (ticket); for 30 days the factors 14.4, 6, 3 and 1.
    public static func defaultTiers(period: Int64) -> [Tier] {
        [
            .spending(2, of: period, in: hour, name: "page_fast", holdFor: 2 * minute, severity: .critical),
            .spending(5, of: period, in: 6 * hour, name: "page_slow", holdFor: 15 * minute, severity: .critical),
            .spending(10, of: period, in: 24 * hour, name: "ticket_fast", holdFor: hour, severity: .warning),
            .spending(10, of: period, in: 72 * hour, name: "ticket_slow", holdFor: 3 * hour, severity: .warning),
        ]
    }

    /// The SLO's name (`slo` label).
    public var name: String
    /// The model it is about.
    public var model: String
    /// One version; nil counts every version of the model.
    public var version: String?
    /// What makes a prediction good.
    public var indicator: Indicator
    /// The share of good predictions aimed at, in (0, 1).
    public var objective: Double
    /// Milliseconds; 30 days by default.
    public var period: Int64
    /// Its burn-rate alerts.
    public var tiers: [Tier]
    /// A tier whose short window has fewer predictions does not fire, so a quiet model cannot page.
    public var minimumEvents: Int
    /// Labels added to its alerts.
    public var labels: [String: String]

    /// An SLO; the SRE workbook's tiers for its period unless `tiers` are given (for a quality SLO, with windows
    /// of at least one quality window). A tier needs `minimumEvents` in its short window: 10 predictions by
    /// default, or 1 quality window.
    public init(
        name: String, model: String, version: String? = nil, indicator: Indicator, objective: Double, period: Int64 = 30 * 24 * 3_600_000,
        tiers: [Tier]? = nil, minimumEvents: Int? = nil, labels: [String: String] = [:]
    ) {
        self.name = name
        self.model = model
        self.version = version
        self.indicator = indicator
        self.objective = objective
        self.period = period
        self.tiers = tiers ?? Self.defaultTiers(period: period)
        if case .quality(let quality) = indicator { self.tiers = self.tiers.map { $0.fitted(to: quality.window) } }
        self.minimumEvents = minimumEvents ?? (indicator.isQuality ? 1 : 10)
        self.labels = labels
    }

    /// The share of predictions that may be bad: `1 − objective` to twelve decimals, so that 0.999 leaves 0.001
    /// and not 0.0010000000000000009, and burn rates come out as people compute them.
    public var errorBudget: Double { ((1 - objective) * 1e12).rounded() / 1e12 }

    /// Tiers that can never fire: their threshold, factor × (1 − objective), is above 1, and no window can have
    /// more than all of its predictions bad.
    public var unreachableTiers: [Tier] { tiers.filter { $0.factor * errorBudget > 1 } }

    /// Every window length the status needs: the period and each tier's two windows.
    public var windowLengths: [Int64] { Array(Set([period] + tiers.flatMap { [$0.long, $0.short] })).sorted() }

    /// The rule of a tier's alert: its value is the smaller of the two burn rates, so it breaches exactly when
    /// both windows burn faster than the factor.
    public func rule(for tier: Tier) -> AlertRule {
        var labels = self.labels
        labels["slo"] = name
        labels["tier"] = tier.name
        labels["long"] = PrometheusDuration.format(milliseconds: tier.long)
        labels["short"] = PrometheusDuration.format(milliseconds: tier.short)
        return AlertRule(
            name: "slo:\(name):\(tier.name)", model: model, version: version, metric: .requests, window: tier.long, direction: .above, threshold: tier.factor,
            holdFor: tier.holdFor, minimumEvents: minimumEvents, noData: .ok, severity: tier.severity, labels: labels,
            annotations: [
                "summary": "SLO \(name) of \(model) is burning its error budget \(AlertRule.formatted(tier.factor))× too fast",
                "description": "The error budget of \(name) (objective \(AlertRule.formatted(objective * 100)) % over \(PrometheusDuration.format(milliseconds: period))) burned at {{ $value }}× the sustainable rate over both \(PrometheusDuration.format(milliseconds: tier.long)) and \(PrometheusDuration.format(milliseconds: tier.short)).",
            ],
            alertName: "SLOErrorBudgetBurn"
        )
    }
}

extension ServiceLevelObjective.Indicator {
    /// Whether the indicator counts quality windows rather than predictions.
    public var isQuality: Bool {
        if case .quality = self { return true }
        return false
    }
}
