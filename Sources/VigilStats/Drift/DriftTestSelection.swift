/// A column's data as the drift tests see it.
public enum DriftInput: Sendable {
    /// Numeric observations, with their exact value counts when the column has few distinct values
    /// (needed to test it as categorical).
    case numeric(any UnivariateDistribution, valueCounts: [(value: Double, count: Int)]?)
    case categorical(CategoryCounts)

    /// Non-missing, valid observations.
    public var count: Int {
        switch self {
        case .numeric(let distribution, _): distribution.count
        case .categorical(let counts): Int(counts.total)
        }
    }

    /// The data as categories: categorical data as is, numeric data only when its values are known exactly.
    var asCategories: CategoryCounts? {
        switch self {
        case .numeric(_, let valueCounts): valueCounts.map { CategoryCounts(values: $0) }
        case .categorical(let counts): counts
        }
    }
}

extension NumericColumnSketch {
    /// The column as the drift tests take it: its distribution, and exact value counts when it has few values.
    public var driftInput: DriftInput { .numeric(self, valueCounts: exactValueCounts) }
}

extension CategoricalColumnSketch {
    /// The column as the drift tests take it: its category counts.
    public var driftInput: DriftInput { .categorical(CategoryCounts(items)) }
}

/// Chooses and runs drift tests the way Evidently does by default.
///
/// | reference rows | numeric (> 5 distinct values) | categorical, ≥ 3 values | binary |
/// |---|---|---|---|
/// | ≤ 1000 | KS (p < 0.05) | chi-square (p < 0.05) | Z-test (p < 0.05) |
/// | > 1000 | Wasserstein normed by reference std (≥ 0.1) | Jensen–Shannon (≥ 0.1) | Jensen–Shannon (≥ 0.1) |
///
/// A numeric column with at most 5 distinct values across both samples is treated as categorical.
public enum DriftTestSelection {
    public static let smallReferenceLimit = 1000
    public static let categoricalDistinctLimit = 5

    /// The number of distinct values over both samples, when it is small enough to know exactly.
    static func pooledDistinctCount(_ reference: DriftInput, _ current: DriftInput) -> Int? {
        // Two numeric columns with exact value counts: their values compared as numbers, as their category keys
        // compare (an integer and its -0 alike, every NaN one key), without building the keys' strings, which
        // cost 12 % of the dashboard's drift grid (`perf`, `vigil-bench dashboard`).
        if case .numeric(_, let r?) = reference, case .numeric(_, let c?) = current {
            var values = Set<Double>()
            var hasNaN = false
            for entry in r + c {
                if entry.value.isNaN { hasNaN = true } else { values.insert(entry.value) }
            }
            return values.count + (hasNaN ? 1 : 0)
        }
        guard let r = reference.asCategories, let c = current.asCategories else { return nil }
        return Set(r.counts.keys).union(c.counts.keys).count
    }

    /// Evidently's default method for a column.
    public static func defaultMethod(reference: DriftInput, current: DriftInput) -> DriftMethod {
        let distinct = pooledDistinctCount(reference, current)
        var isNumeric = false
        if case .numeric = reference { isNumeric = distinct.map { $0 > categoricalDistinctLimit } ?? true }
        if reference.count <= smallReferenceLimit {
            if isNumeric { return .kolmogorovSmirnov }
            return (distinct ?? 0) > 2 ? .chiSquare : .zTest
        }
        return isNumeric ? .wasserstein : .jensenShannon
    }

    /// Runs `method` (or the default) on a column.
    public static func run(
        _ method: DriftMethod? = nil,
        reference: DriftInput,
        current: DriftInput,
        threshold: Double? = nil,
        binning: Binning? = nil
    ) throws(DriftTestError) -> DriftResult {
        let method = method ?? defaultMethod(reference: reference, current: current)
        let threshold = threshold ?? method.defaultThreshold
        if case .numeric(let r, _) = reference, case .numeric(let c, _) = current, method.acceptsNumeric {
            switch method {
            case .kolmogorovSmirnov: return try KolmogorovSmirnov.test(r, c, threshold: threshold)
            case .wasserstein: return try Wasserstein.test(r, c, threshold: threshold)
            case .cramerVonMises: return try CramerVonMises.test(r, c, threshold: threshold)
            default:
                // Evidently bins a reference with at most 20 distinct values per value.
                let binning = binning ?? .default(for: method)
                let perValue = binning == .evidently
                    && (reference.asCategories.map { $0.counts.count <= Binning.evidentlyPerValueLimit } ?? false)
                if !perValue { return try BinnedDistances.test(method, r, c, binning: binning, threshold: threshold) }
            }
        }
        guard method.acceptsCategorical else {
            throw DriftTestError("\(method.rawValue) needs numeric data on both sides")
        }
        guard let r = reference.asCategories, let c = current.asCategories else {
            throw DriftTestError("\(method.rawValue) needs categories, and this numeric column has too many distinct values")
        }
        switch method {
        case .chiSquare: return try ChiSquareTest.test(r, c, threshold: threshold)
        case .zTest: return try ProportionZTest.test(r, c, threshold: threshold)
        default: return try BinnedDistances.test(method, r, c, threshold: threshold)
        }
    }
}
