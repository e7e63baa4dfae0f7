import VigilStats

/// Data-quality figures for one column of the current data, judged against the reference.
public struct ColumnQuality: Sendable, Equatable {
    public var column: String
    public var kind: ColumnKind
    public var rowCount: Int
    public var missingRatio: Double
    public var referenceMissingRatio: Double
    /// NaN, ±inf, or text where a number was expected; numeric columns only.
    public var invalidRatio: Double
    /// Share of current values below the reference minimum or above its maximum (numeric columns).
    public var outOfRangeRatio: Double?
    /// Bound on the error of `outOfRangeRatio` when it is estimated from a sketch (0 when exact).
    public var outOfRangeErrorBound: Double
    /// Categories in the current data that the reference never had, most frequent first, and their share.
    public var newCategories: [String]
    public var newCategoryRatio: Double?
    /// Reference categories absent from the current data.
    public var missingCategories: [String]
    /// Distinct values in the current data, and whether that count is exact.
    public var distinctCount: Double
    /// Share of the most common value (when known), for constant and near-constant detection.
    public var topValueShare: Double?
    public var isConstant: Bool
    /// Failed checks, each a short phrase ("missing 12.0 % > 10.0 %").
    public var failures: [String]
    /// Notable but not failing observations.
    public var warnings: [String]

    public var passed: Bool { failures.isEmpty }

    /// Computes the figures and applies `thresholds`.
    static func assess(name: String, reference: ColumnProfile, current: ColumnProfile, thresholds: DataQualityThresholds) -> ColumnQuality {
        var quality = ColumnQuality(
            column: name, kind: current.kind, rowCount: current.rowCount,
            missingRatio: ratio(current.missingCount, current.rowCount),
            referenceMissingRatio: ratio(reference.missingCount, reference.rowCount),
            invalidRatio: 0, outOfRangeRatio: nil, outOfRangeErrorBound: 0, newCategories: [], newCategoryRatio: nil,
            missingCategories: [], distinctCount: 0, topValueShare: nil, isConstant: false, failures: [], warnings: []
        )
        switch (reference, current) {
        case (.numeric(let r), .numeric(let c)):
            quality.invalidRatio = ratio(c.invalidCount, c.rowCount)
            quality.distinctCount = c.distinctCount
            if c.count > 0 && r.count > 0 {
                let sample = c.weightedSample
                let below = sample.cdf(r.moments.minimum.nextDown)
                let above = 1 - sample.cdf(r.moments.maximum)
                quality.outOfRangeRatio = max(0, below) + max(0, above)
                quality.outOfRangeErrorBound = 2 * c.rankErrorBound
            }
            if let counts = c.exactValueCounts, c.count > 0 {
                quality.topValueShare = Double(counts.map(\.count).max() ?? 0) / Double(c.count)
            }
            quality.isConstant = c.count > 0 && c.moments.minimum == c.moments.maximum
        case (.categorical(let r), .categorical(let c)):
            let referenceCategories = Set(r.items.counts.keys)
            let sorted = c.items.sortedByCount
            let fresh = sorted.filter { !referenceCategories.contains($0.value) }
            quality.newCategories = fresh.prefix(20).map(\.value)
            quality.newCategoryRatio = c.count > 0 ? Double(fresh.reduce(0) { $0 + $1.count }) / Double(c.count) : 0
            if r.items.isExact && c.items.isExact {
                quality.missingCategories = r.items.sortedByCount.filter { c.items.counts[$0.value] == nil }.prefix(20).map(\.value)
            }
            quality.distinctCount = c.distinctCount
            quality.topValueShare = c.count > 0 ? Double(sorted.first?.count ?? 0) / Double(c.count) : nil
            quality.isConstant = c.count > 0 && c.distinctCount == 1
        default:
            break
        }
        quality.judge(reference: reference, thresholds: thresholds)
        return quality
    }

    private mutating func judge(reference: ColumnProfile, thresholds: DataQualityThresholds) {
        if missingRatio > thresholds.missingRatio {
            failures.append("missing \(percent(missingRatio)) > \(percent(thresholds.missingRatio))")
        }
        if invalidRatio > thresholds.invalidRatio {
            failures.append("invalid \(percent(invalidRatio)) > \(percent(thresholds.invalidRatio))")
        } else if invalidRatio > 0 {
            warnings.append("invalid values \(percent(invalidRatio))")
        }
        if let outOfRangeRatio, outOfRangeRatio > thresholds.outOfRangeRatio {
            failures.append("out of reference range \(percent(outOfRangeRatio)) > \(percent(thresholds.outOfRangeRatio))")
        }
        if let newCategoryRatio, newCategoryRatio > thresholds.newCategoryRatio {
            failures.append("new categories \(percent(newCategoryRatio)) > \(percent(thresholds.newCategoryRatio))")
        } else if !newCategories.isEmpty {
            warnings.append("\(newCategories.count) new categor\(newCategories.count == 1 ? "y" : "ies")")
        }
        if !missingCategories.isEmpty { warnings.append("\(missingCategories.count) reference categor\(missingCategories.count == 1 ? "y" : "ies") absent") }
        let referenceWasConstant: Bool
        switch reference {
        case .numeric(let r): referenceWasConstant = r.count > 0 && r.moments.minimum == r.moments.maximum
        case .categorical(let r): referenceWasConstant = r.distinctCount <= 1
        }
        if isConstant && !referenceWasConstant {
            failures.append("became constant")
        } else if !isConstant, let topValueShare, topValueShare >= thresholds.nearConstantShare {
            warnings.append("near-constant (top value \(percent(topValueShare)))")
        }
    }
}

func ratio(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }

func percent(_ value: Double) -> String {
    let scaled = (value * 1000).rounded() / 10
    return "\(scaled) %"
}

/// A score to four decimals, for messages.
func fourDecimals(_ value: Double) -> String { "\((value * 10_000).rounded() / 10_000)" }
