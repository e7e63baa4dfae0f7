/// Where an SLO stands at one time: the indicator over the period, the budget left, the burn rate of every
/// window, when the budget runs out at the current pace, and the state of each tier.
public struct SLOStatus: Sendable, Equatable {
    /// The SLO.
    public var slo: ServiceLevelObjective
    /// Good / total over the period; nil without predictions.
    public var indicator: Double?
    /// Predictions over the period.
    public var events: Int
    /// 1 − bad / (error budget × events) over the period: 1 for a fresh period, 0 when spent, below 0 when overspent.
    public var budgetRemaining: Double
    /// Error ratio / error budget, by window length (milliseconds); a burn rate of 1 spends the budget exactly over the period.
    public var burnRates: [Int64: Double]
    /// Predictions by window length.
    public var windowEvents: [Int64: Int]
    /// Milliseconds until the budget is spent at the burn rate of the fastest page tier's long window (1 h by
    /// default); nil when it is not burning or already spent.
    public var timeToExhaustion: Int64?

    /// The status from the counts of each of ``ServiceLevelObjective/windowLengths``.
    public init(slo: ServiceLevelObjective, counts: [Int64: SLICounts]) {
        self.slo = slo
        let period = counts[slo.period] ?? SLICounts(good: 0, total: 0)
        events = period.total
        indicator = period.total > 0 ? period.good / Double(period.total) : nil
        let bad = max(0, Double(period.total) - period.good)
        budgetRemaining = period.total > 0 ? 1 - bad / (slo.errorBudget * Double(period.total)) : 1
        var burnRates: [Int64: Double] = [:]
        var windowEvents: [Int64: Int] = [:]
        for (length, count) in counts {
            windowEvents[length] = count.total
            if let ratio = count.errorRatio { burnRates[length] = ratio / slo.errorBudget }
        }
        self.burnRates = burnRates
        self.windowEvents = windowEvents
        let pace = slo.tiers.first.flatMap { burnRates[$0.long] } ?? 0
        timeToExhaustion = pace > 0 && budgetRemaining > 0 ? Int64((budgetRemaining * Double(slo.period) / pace).rounded()) : nil
    }

    /// A tier's observation: the smaller of its windows' burn rates, over the short window's predictions.
    public func observation(_ tier: ServiceLevelObjective.Tier) -> AlertObservation {
        guard let long = burnRates[tier.long], let short = burnRates[tier.short] else { return .noData }
        return .value(min(long, short), events: windowEvents[tier.short] ?? 0)
    }
}
