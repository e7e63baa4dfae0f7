extension ServiceLevelObjective {
    /// One point of a budget burndown: the end of a span and the error budget left once it is counted.
    public struct BurndownPoint: Sendable, Equatable {
        /// The end of the span, milliseconds since 1970.
        public var end: Int64
        /// The budget left (1 untouched, 0 spent, below 0 overspent); nil when the period has no event at all.
        public var budgetLeft: Double?

        /// A point.
        public init(end: Int64, budgetLeft: Double?) {
            self.end = end
            self.budgetLeft = budgetLeft
        }
    }

    /// The error budget left through the period, span by span: the bad events counted so far against the budget
    /// of the whole period's events, so the line starts at 1 and ends at ``SLOStatus/budgetRemaining``. The
    /// spans tile the period in time order; a quality SLO (which counts windows, not events) has none.
    public func burndown(_ spans: [(end: Int64, counts: SLICounts)]) -> [BurndownPoint] {
        let total = spans.reduce(0) { $0 + $1.counts.total }
        guard total > 0 else { return spans.map { BurndownPoint(end: $0.end, budgetLeft: nil) } }
        var bad = 0.0
        return spans.map { span in
            bad += max(0, Double(span.counts.total) - span.counts.good)
            return BurndownPoint(end: span.end, budgetLeft: 1 - bad / (errorBudget * Double(total)))
        }
    }
}
