import VigilCore
import VigilStats

extension ReportDocument {
    /// Model quality of the current dataset against the reference's, from the target and prediction columns
    /// (absent from the document when the datasets were read without both).
    public struct ModelQualitySection: Codable, Sendable, Equatable {
        /// `classification` or `regression`.
        public var task: String
        /// The positive class of a two-class model.
        public var positiveClass: String?
        /// How far a tested metric may move from the reference's value, relative.
        public var tolerance: Double
        /// The reference's figures; null when it has no target and prediction columns.
        public var reference: Figures?
        public var current: Figures
        /// Evidently's default tests; empty without a labelled reference.
        public var tests: [TestEntry]
        /// The current dataset's confusion matrix (rows: actual class, columns: predicted), for a classifier.
        public var confusionMatrix: ConfusionMatrixEntry?
    }

    /// Every figure of one dataset's quality.
    public struct Figures: Codable, Sendable, Equatable {
        /// Rows with a target.
        public var labelled: Int
        /// Rows with a target and no usable prediction.
        public var unscorable: Int
        public var metrics: [MetricEntry]
    }

    /// One figure with n and its 95 % interval where one has a closed form.
    public struct MetricEntry: Codable, Sendable, Equatable {
        public var name: String
        public var average: String?
        public var `class`: String?
        public var value: Double?
        public var n: Int
        public var intervalLower: Double?
        public var intervalUpper: Double?
        /// For a figure computed from a histogram of scores (ROC AUC, PR AUC): the range the exact value lies in.
        public var boundLower: Double?
        public var boundUpper: Double?
    }

    /// One test: the current value, the reference's, the range allowed and the verdict.
    public struct TestEntry: Codable, Sendable, Equatable {
        public var metric: String
        public var average: String?
        public var `class`: String?
        public var current: Double
        public var reference: Double
        public var lower: Double
        public var upper: Double
        public var passed: Bool
    }

    public struct ConfusionMatrixEntry: Codable, Sendable, Equatable {
        public var classes: [String]
        public var counts: [[Int]]
    }

    static func modelQuality(_ comparison: ModelQualityComparison) -> ModelQualitySection {
        func figures(_ summary: QualitySummary) -> Figures {
            Figures(
                labelled: summary.labelled, unscorable: summary.unscorable,
                metrics: summary.metrics.map { figure in
                    MetricEntry(
                        name: figure.name, average: figure.average, class: figure.className, value: figure.value.isFinite ? figure.value : nil, n: figure.n,
                        intervalLower: figure.interval.map(\.lower), intervalUpper: figure.interval.map(\.upper),
                        boundLower: figure.bounds.map(\.lower), boundUpper: figure.bounds.map(\.upper)
                    )
                }
            )
        }
        let confusion = comparison.currentConfusion
        return ModelQualitySection(
            task: comparison.current.task.rawValue, positiveClass: comparison.current.positiveClass, tolerance: comparison.tolerance,
            reference: comparison.reference.map(figures), current: figures(comparison.current),
            tests: comparison.tests.map {
                TestEntry(
                    metric: $0.metric, average: $0.average, class: $0.className, current: $0.current, reference: $0.reference, lower: $0.lower, upper: $0.upper,
                    passed: $0.passed
                )
            },
            confusionMatrix: confusion.isEmpty ? nil : ConfusionMatrixEntry(classes: confusion.map(\.actual), counts: confusion.map(\.counts))
        )
    }
}
