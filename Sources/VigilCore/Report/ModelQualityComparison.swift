import VigilStats

/// The model quality of a current dataset against its reference, from their target and prediction columns:
/// what an Evidently `ClassificationPreset` or `RegressionPreset` user reads, with Evidently's default tests.
///
/// A classifier's accuracy, precision, recall and F1 (of the positive class for two classes, macro-averaged
/// for more), ROC AUC and log loss when probabilities are given, and TPR, TNR, FPR and FNR for two classes, must
/// each stay within ±20 % of the reference's value; a regressor's mean error, MAE, RMSE, MAPE, R² and maximum
/// error within ±10 % (Evidently's `eq(Reference(relative=…))`: a value that improves by more than that fails
/// too, since the data no longer look like the reference). Without a labelled reference, nothing is tested.
public struct ModelQualityComparison: Sendable, Equatable {
    /// The reference's quality, when it has target and prediction columns.
    public var reference: QualitySummary?
    /// The current dataset's quality.
    public var current: QualitySummary
    /// The relative tolerance the tests used.
    public var tolerance: Double
    /// Evidently's default tests, one per metric of its preset that both sides have; empty without a labelled reference.
    public var tests: [Test]
    /// The current dataset's confusion matrix, row by actual class (classes sorted), for a classifier.
    public var currentConfusion: [(actual: String, counts: [Int])] { confusionRows.map { ($0.actual, $0.counts) } }
    private var confusionRows: [ConfusionRow] = []

    struct ConfusionRow: Sendable, Equatable {
        var actual: String
        var counts: [Int]
    }

    /// One metric compared with the reference.
    public struct Test: Sendable, Equatable {
        /// The figure's name (`accuracy`, `f1`, `rmse`…).
        public var metric: String
        /// `macro` for a multiclass average.
        public var average: String?
        /// The class a binary model's precision, recall and F1 are about.
        public var className: String?
        /// The metric on the current dataset.
        public var current: Double
        /// The metric on the reference.
        public var reference: Double
        /// The range the current value must lie in.
        public var lower: Double
        public var upper: Double
        /// True when the current value lies in [lower, upper].
        public var passed: Bool

        /// `f1 (fraud)`, `f1 (macro)`, `rmse`.
        public var label: String {
            if let className { return "\(metric) (\(className))" }
            if let average { return "\(metric) (\(average))" }
            return metric
        }
    }

    /// Tolerances of the tests, relative to the reference's value.
    public struct Tolerances: Sendable, Equatable {
        /// Evidently's default for classification metrics: ±20 %.
        public var classification: Double
        /// Evidently's default for regression metrics: ±10 %.
        public var regression: Double

        /// Tolerances relative to the reference's value; Evidently's by default.
        public init(classification: Double = 0.2, regression: Double = 0.1) {
            self.classification = classification
            self.regression = regression
        }
    }

    /// Compares the current quality with the reference's (when there is one).
    public static func compare(
        reference: QualityProfile?, current: QualityProfile, referenceRows: Int, currentRows: Int, tolerances: Tolerances = Tolerances(),
        positiveClass: String? = nil
    ) -> ModelQualityComparison {
        let currentSummary = QualitySummary(profile: current, predictions: currentRows, windowEnd: 0, now: 0, positiveClass: positiveClass)
        // The reference's positive class is the current one's, so that the two are about the same class.
        let referenceSummary = reference.map {
            QualitySummary(profile: $0, predictions: referenceRows, windowEnd: 0, now: 0, positiveClass: currentSummary.positiveClass ?? positiveClass)
        }
        let tolerance = currentSummary.task == .regression ? tolerances.regression : tolerances.classification
        var tests: [Test] = []
        if let referenceSummary, referenceSummary.task == currentSummary.task {
            for (metric, average, className) in testedFigures(currentSummary) {
                guard let now = figure(currentSummary, metric, average, className), let then = figure(referenceSummary, metric, average, className) else { continue }
                let margin = tolerance * abs(then)
                tests.append(
                    Test(
                        metric: metric, average: average, className: className, current: now, reference: then, lower: then - margin, upper: then + margin,
                        passed: abs(now - then) <= margin + 1e-12
                    )
                )
            }
        }
        let classes = current.confusion.classes
        return ModelQualityComparison(
            reference: referenceSummary, current: currentSummary, tolerance: tolerance, tests: tests,
            confusionRows: classes.map { actual in ConfusionRow(actual: actual, counts: classes.map { current.confusion.count(actual: actual, predicted: $0) }) }
        )
    }

    /// The figures Evidently's presets test, for this summary's task.
    private static func testedFigures(_ summary: QualitySummary) -> [(String, String?, String?)] {
        switch summary.task {
        case .regression:
            return ["mean_error", "mae", "rmse", "mape", "r2", "max_error"].map { ($0, nil, nil) }
        case .classification:
            if let positive = summary.positiveClass {
                return [("accuracy", nil, nil), ("precision", nil, positive), ("recall", nil, positive), ("f1", nil, positive), ("roc_auc", nil, nil), ("log_loss", nil, nil)]
                    + ["tpr", "tnr", "fpr", "fnr"].map { ($0, nil, nil) }
            }
            return [("accuracy", nil, nil), ("precision", "macro", nil), ("recall", "macro", nil), ("f1", "macro", nil), ("roc_auc", "macro", nil), ("log_loss", nil, nil)]
        case .none:
            return []
        }
    }

    private static func figure(_ summary: QualitySummary, _ name: String, _ average: String?, _ className: String?) -> Double? {
        summary.metrics.first { $0.name == name && $0.average == average && $0.className == className && $0.value.isFinite }?.value
    }

    /// Tests that failed, as sentences.
    public var failureReasons: [String] {
        tests.filter { !$0.passed }.map { test in
            "model quality \(test.label): \(fourDecimals(test.current)) is outside the reference's \(fourDecimals(test.reference)) ± \(Int((tolerance * 100).rounded())) % [\(fourDecimals(test.lower)), \(fourDecimals(test.upper))]"
        }
    }
}
