/// Good and total predictions of one window.
public struct SLICounts: Sendable, Equatable {
    /// Good predictions (a fraction of one where a sketch estimated the latency share).
    public var good: Double
    /// All predictions counted.
    public var total: Int

    /// Counts as given.
    public init(good: Double, total: Int) {
        self.good = good
        self.total = total
    }

    /// Counts of two disjoint spans together.
    public static func + (lhs: SLICounts, rhs: SLICounts) -> SLICounts { SLICounts(good: lhs.good + rhs.good, total: lhs.total + rhs.total) }
    /// Counts of a span without a part of it (an incremental window drops what left it).
    public static func - (lhs: SLICounts, rhs: SLICounts) -> SLICounts { SLICounts(good: lhs.good - rhs.good, total: lhs.total - rhs.total) }

    /// Bad over total; nil without predictions.
    public var errorRatio: Double? { total > 0 ? max(0, Double(total) - good) / Double(total) : nil }
}
