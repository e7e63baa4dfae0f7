public import VigilStats

/// How to compare a current dataset with its reference: per-column methods and thresholds, and the
/// share of drifted columns that makes the whole dataset drifted.
public struct DriftOptions: Sendable, Equatable {
    /// A column's method and threshold, when not the default selection.
    public struct ColumnOverride: Sendable, Equatable {
        public var method: DriftMethod?
        public var threshold: Double?
        public var binning: Binning?
        public init(method: DriftMethod? = nil, threshold: Double? = nil, binning: Binning? = nil) {
            self.method = method
            self.threshold = threshold
            self.binning = binning
        }
    }

    /// The default share of drifted columns at which the dataset counts as drifted (Evidently's 0.5).
    public static let defaultDatasetDriftShare = 0.5

    public var datasetDriftShare: Double
    /// Method for numeric and for categorical columns without an override (Evidently's `num_stattest` and
    /// `cat_stattest`); nil means the automatic selection.
    public var numericMethod: DriftMethod?
    public var categoricalMethod: DriftMethod?
    /// Threshold for every column without an override; nil means the method's default.
    public var threshold: Double?
    public var columns: [String: ColumnOverride]
    /// Columns left out of the comparison (ids, timestamps).
    public var ignoredColumns: Set<String>
    /// How vector (embedding) columns are compared, and the threshold; nil means the method's default.
    public var embeddingMethod: EmbeddingDriftMethod = .ratio
    public var embeddingThreshold: Double?

    public init(
        datasetDriftShare: Double = DriftOptions.defaultDatasetDriftShare,
        numericMethod: DriftMethod? = nil,
        categoricalMethod: DriftMethod? = nil,
        threshold: Double? = nil,
        columns: [String: ColumnOverride] = [:],
        ignoredColumns: Set<String> = []
    ) {
        self.datasetDriftShare = datasetDriftShare
        self.numericMethod = numericMethod
        self.categoricalMethod = categoricalMethod
        self.threshold = threshold
        self.columns = columns
        self.ignoredColumns = ignoredColumns
    }
}
