/// Limits beyond which a data-quality figure fails a check (defaults from practice: missing 10 %,
/// out-of-range 5 %, as in the practitioners' monitors Vigil replaces).
public struct DataQualityThresholds: Sendable, Equatable {
    /// Largest acceptable share of missing values in a current column.
    public var missingRatio: Double
    /// Largest acceptable share of current values outside the reference's [min, max].
    public var outOfRangeRatio: Double
    /// Largest acceptable share of current values in categories the reference never had.
    public var newCategoryRatio: Double
    /// Largest acceptable share of invalid values (NaN, ±inf, text in a numeric column).
    public var invalidRatio: Double
    /// A column whose most common value has at least this share is near-constant.
    public var nearConstantShare: Double
    /// Largest acceptable share of current rows that repeat an earlier row; nil reports duplicates without
    /// judging them (the default: repeated rows are legitimate in many datasets).
    public var duplicateRowRatio: Double?

    public init(missingRatio: Double = 0.1, outOfRangeRatio: Double = 0.05, newCategoryRatio: Double = 0.05, invalidRatio: Double = 0.1, nearConstantShare: Double = 0.99, duplicateRowRatio: Double? = nil) {
        self.missingRatio = missingRatio
        self.outOfRangeRatio = outOfRangeRatio
        self.newCategoryRatio = newCategoryRatio
        self.invalidRatio = invalidRatio
        self.nearConstantShare = nearConstantShare
        self.duplicateRowRatio = duplicateRowRatio
    }
}
