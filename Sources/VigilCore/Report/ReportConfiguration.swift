/// The settings of `vigil report` / `vigil check` as a file (YAML), so a pipeline keeps them in one place.
/// Every field is optional; command-line flags override the file.
///
/// ```yaml
/// delimiter: ";"
/// columns:
///   categorical: [zip_code]
///   numeric: [rating]
///   ignore: [comment]
///   id: [user_id]
///   timestamp: [event_time]
///   target: label
///   prediction: score
///   positive_class: fraud   # when the prediction is a probability
///   scores: [cat=p_cat, dog=p_dog, bird=p_bird]   # per-class score columns (or one column: the positive class's)
/// drift:
///   numeric_method: psi
///   categorical_method: chisquare
///   threshold: 0.2
///   dataset_drift_share: 0.3
///   embedding_method: distance   # ratio (default), distance or cosine
///   embedding_threshold: 0.3
///   columns:
///     age: { method: ks, threshold: 0.01 }
/// quality:
///   missing: 0.1
///   out_of_range: 0.05
///   duplicates: 0.01      # off unless set
///   classification_tolerance: 0.2   # model quality vs the reference (Evidently's defaults)
///   regression_tolerance: 0.1
/// ```
public struct ReportConfiguration: Decodable, Sendable, Equatable {
    public struct Columns: Decodable, Sendable, Equatable {
        public var categorical: [String]?
        public var numeric: [String]?
        public var ignore: [String]?
        public var id: [String]?
        public var timestamp: [String]?
        public var target: String?
        public var prediction: String?
        /// With a probability for the prediction: the class it is the probability of (`positive_class`).
        public var positiveClass: String?
        /// Score columns, as `--scores` takes them: `class=column`, or a column named after its class.
        public var scores: [String]?
        enum CodingKeys: String, CodingKey {
            case categorical, numeric, ignore, id, timestamp, target, prediction, scores
            case positiveClass = "positive_class"
        }
    }

    public struct ColumnDrift: Decodable, Sendable, Equatable {
        public var method: String?
        public var threshold: Double?
    }

    public struct Drift: Decodable, Sendable, Equatable {
        public var numericMethod: String?
        public var categoricalMethod: String?
        public var threshold: Double?
        public var datasetDriftShare: Double?
        public var embeddingMethod: String?
        public var embeddingThreshold: Double?
        public var columns: [String: ColumnDrift]?

        enum CodingKeys: String, CodingKey {
            case numericMethod = "numeric_method", categoricalMethod = "categorical_method", threshold
            case datasetDriftShare = "dataset_drift_share", embeddingMethod = "embedding_method", embeddingThreshold = "embedding_threshold", columns
        }
    }

    public struct Quality: Decodable, Sendable, Equatable {
        public var missing: Double?
        public var outOfRange: Double?
        public var duplicates: Double?
        /// How far a classification metric may move from the reference's, relative (`classification_tolerance`, default 0.2).
        public var classificationTolerance: Double?
        /// How far a regression metric may move from the reference's, relative (`regression_tolerance`, default 0.1).
        public var regressionTolerance: Double?
        enum CodingKeys: String, CodingKey {
            case missing, outOfRange = "out_of_range", duplicates
            case classificationTolerance = "classification_tolerance", regressionTolerance = "regression_tolerance"
        }
    }

    public var delimiter: String?
    public var columns: Columns?
    public var drift: Drift?
    public var quality: Quality?
}
