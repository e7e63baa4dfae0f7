/// Observation counts per category: the categorical counterpart of ``WeightedSample``.
public struct CategoryCounts: Sendable, Equatable {
    public var counts: [String: Double]

    public init(_ counts: [String: Double]) { self.counts = counts.filter { $0.value > 0 } }

    /// Counts the given values exactly.
    public init<Values: Sequence<String>>(values: Values) {
        var counts = [String: Double]()
        for value in values { counts[value, default: 0] += 1 }
        self.init(counts)
    }

    /// The categories of a frequent-items summary; mass it could not attribute is pooled in ``otherCategory``.
    public init(_ items: FrequentItems) {
        var counts = items.counts.mapValues(Double.init)
        if items.unattributedCount > 0 { counts[Self.otherCategory, default: 0] += Double(items.unattributedCount) }
        self.init(counts)
    }

    /// Treats each distinct value of a low-cardinality numeric column as a category.
    public init(values: [(value: Double, count: Int)]) {
        var counts = [String: Double]()
        for entry in values { counts[Self.key(for: entry.value), default: 0] += Double(entry.count) }
        self.init(counts)
    }

    /// The category key of a numeric value (shortest round-trip decimal form).
    public static func key(for value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)" }

    /// The pseudo-category holding observations a bounded summary could not name.
    public static let otherCategory = "\u{1F}other"

    public var total: Double { counts.values.reduce(0, +) }

    /// Aligned proportions of two count sets over the union of their categories, in sorted category order.
    static func alignedProportions(_ reference: CategoryCounts, _ current: CategoryCounts)
        -> (categories: [String], reference: [Double], current: [Double])
    {
        let categories = Set(reference.counts.keys).union(current.counts.keys).sorted()
        let referenceTotal = reference.total
        let currentTotal = current.total
        return (
            categories,
            categories.map { (reference.counts[$0] ?? 0) / referenceTotal },
            categories.map { (current.counts[$0] ?? 0) / currentTotal }
        )
    }
}
