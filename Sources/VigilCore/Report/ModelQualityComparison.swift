public import VigilStats

/// The model quality of a current dataset against its reference, from their target and prediction columns:
/// what an Evidently `ClassificationPreset` or `RegressionPreset` user reads, with Evidently's default tests.
///
/// With a labelled reference, a classifier's accuracy, precision, recall and F1 (of the positive class for two
/// classes, macro-averaged for more), ROC AUC and log loss when probabilities are given, and TPR, TNR, FPR and
/// FNR for two classes, must each stay within ±20 % of the reference's value; a regressor's mean error, MAE,
/// RMSE, MAPE, R² and maximum error within ±10 % (Evidently's `eq(Reference(relative=…))`: a value that
/// improves by more than that fails too, since the data no longer look like the reference).
///
/// Without one, the model must beat a dummy model (Evidently's `gt`/`lt` of its dummy metrics): a classifier
/// one that guesses by the target's class shares (``DummyClassifier``), ROC AUC 0.5 and the uniform log loss;
/// a regressor the best constant predictions (``DummyRegressor``) on MAE, RMSE and MAPE, and R² above 0.
/// Evidently 0.7.23 compares the regressor's MAE, RMSE and MAPE with themselves (its `DummyMAE` returns the
/// model's MAE), so those three always fail there, and its dummy log loss is 0; Vigil uses the dummy values
/// Evidently computes (`mean_abs_error_default`…) and log k.
public struct ModelQualityComparison: Sendable, Equatable {
    /// The reference's quality, when it has target and prediction columns.
    public var reference: QualitySummary?
    /// The current dataset's quality.
    public var current: QualitySummary
    /// The relative tolerance the reference tests used.
    public var tolerance: Double
    /// Evidently's default tests, one per metric of its preset that both sides have: against the reference
    /// when it is labelled, else against the dummy model.
    public var tests: [Test]
    /// What the tests compared with.
    public var baseline: Baseline { reference == nil ? .dummy : .reference }
    /// The current dataset's quality estimated from its scores alone (CBPE, fitted on the labelled reference);
    /// nil for a model without scores.
    public var estimated: Estimated?
    /// The current dataset's confusion matrix, row by actual class (classes sorted), for a classifier.
    public var currentConfusion: [(actual: String, counts: [Int])] { confusionRows.map { ($0.actual, $0.counts) } }
    private var confusionRows: [ConfusionRow] = []

    struct ConfusionRow: Sendable, Equatable {
        var actual: String
        var counts: [Int]
    }

    /// Quality estimated without labels, NannyML's CBPE: an estimator fitted on the reference's labelled rows with
    /// scores (calibrated per class where that lowers the calibration error), applied to every current row with
    /// scores, labelled or not. Each figure has NannyML's sampling error; the realized figure of the same rows
    /// stands beside it when the current is labelled.
    public struct Estimated: Sendable, Equatable {
        /// The estimate; nil when no estimator could be fitted (``unavailable`` says why).
        public var estimate: CBPE.Estimate?
        /// The classes, a binary model's negative then positive one.
        public var classes: [String]
        /// Per class (a binary model: the positive class alone), whether its scores were calibrated.
        public var calibrated: [Bool]
        /// Labelled rows of the reference the estimator was fitted on.
        public var fittedOn: Int
        /// Why there is no estimate.
        public var unavailable: String?

        /// The realized figure of a CBPE metric in a summary: the positive class's for two classes, the macro
        /// average for more.
        public static func realized(_ metric: CBPE.Metric, in summary: QualitySummary) -> Double? {
            let binary = summary.positiveClass != nil
            if metric == .specificity, !binary, let confusion = summary.confusion {
                // NannyML's multiclass specificity: per class TN / (TN + FP), averaged over the classes.
                let classes = confusion.classes
                guard classes.count > 1, confusion.total > 0 else { return nil }
                let perClass = classes.map { c -> Double in
                    let predictedC = classes.reduce(0) { $0 + confusion.count(actual: $1, predicted: c) }
                    let actualC = classes.reduce(0) { $0 + confusion.count(actual: c, predicted: $1) }
                    let falsePositives = predictedC - confusion.count(actual: c, predicted: c)
                    let negatives = confusion.total - actualC
                    return negatives > 0 ? Double(negatives - falsePositives) / Double(negatives) : .nan
                }
                return perClass.contains { $0.isNaN } ? nil : perClass.reduce(0, +) / Double(classes.count)
            }
            let (name, average, className): (String, String?, String?) =
                switch metric {
                case .accuracy: ("accuracy", nil, nil)
                case .precision, .recall, .f1: (metric.rawValue, binary ? nil : "macro", binary ? summary.positiveClass : nil)
                case .specificity: binary ? ("tnr", nil, nil) : ("specificity", "macro", nil)
                case .rocAUC: ("roc_auc", binary ? nil : "macro", nil)
                }
            return summary.metrics.first { $0.name == name && $0.average == average && $0.className == className && $0.value.isFinite }?.value
        }
    }

    /// What a test compares the current value with.
    public enum Baseline: String, Sendable, Equatable {
        /// The labelled reference's value, within a relative tolerance.
        case reference
        /// A dummy model's value, which the current one must beat.
        case dummy
    }

    /// One metric compared with the reference or with the dummy model.
    public struct Test: Sendable, Equatable {
        /// The figure's name (`accuracy`, `f1`, `rmse`…).
        public var metric: String
        /// `macro` for a multiclass average.
        public var average: String?
        /// The class a binary model's precision, recall and F1 are about.
        public var className: String?
        /// The metric on the current dataset.
        public var current: Double
        /// What it is compared with.
        public var baseline: Baseline
        /// The reference's value, or the dummy model's.
        public var baselineValue: Double
        /// The range the current value must lie in; an open end is nil. Against the dummy model the range is
        /// open at the dummy's value (the current value must be strictly better).
        public var lower: Double?
        /// The range's upper end; nil when open (a dummy test on a metric where higher is better).
        public var upper: Double?
        /// True when the current value lies in the range.
        public var passed: Bool

        /// `f1 (fraud)`, `f1 (macro)`, `rmse`.
        public var label: String {
            if let className { return "\(metric) (\(className))" }
            if let average { return "\(metric) (\(average))" }
            return metric
        }

        /// The range in words: `[0.6, 0.9]`, `> 0.5`, `< 0.69`.
        public func allowed(_ format: (Double) -> String) -> String {
            switch (lower, upper) {
            case (let lower?, let upper?): "[\(format(lower)), \(format(upper))]"
            case (let lower?, nil): "> \(format(lower))"
            case (nil, let upper?): "< \(format(upper))"
            case (nil, nil): "any"
            }
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

    /// Compares the current quality with the reference's when it is labelled, else with the dummy model's;
    /// `dummyRegressor` holds a regressor's baselines (from the current targets) for the latter.
    public static func compare(
        reference: QualityProfile?,
        current: QualityProfile,
        referenceRows: Int,
        currentRows: Int,
        tolerances: Tolerances = Tolerances(),
        positiveClass: String? = nil,
        dummyRegressor: DummyRegressor? = nil,
        referenceScores: ScoredRows? = nil,
        currentScores: ScoredRows? = nil
    ) -> ModelQualityComparison {
        let currentSummary = QualitySummary(profile: current, predictions: currentRows, windowEnd: 0, now: 0, positiveClass: positiveClass)
        // The reference's positive class is the current one's, so that the two are about the same class.
        let referenceSummary = reference.map {
            QualitySummary(
                profile: $0,
                predictions: referenceRows,
                windowEnd: 0,
                now: 0,
                positiveClass: currentSummary.positiveClass ?? positiveClass
            )
        }
        let tolerance = currentSummary.task == .regression ? tolerances.regression : tolerances.classification
        var tests: [Test] = []
        if let referenceSummary {
            if referenceSummary.task == currentSummary.task {
                for (metric, average, className) in testedFigures(currentSummary) {
                    guard let now = figure(currentSummary, metric, average, className),
                        let then = figure(referenceSummary, metric, average, className)
                    else { continue }
                    let margin = tolerance * abs(then)
                    tests.append(
                        Test(
                            metric: metric,
                            average: average,
                            className: className,
                            current: now,
                            baseline: .reference,
                            baselineValue: then,
                            lower: then - margin,
                            upper: then + margin,
                            passed: abs(now - then) <= margin + 1e-12
                        )
                    )
                }
            }
        } else {
            tests = dummyTests(currentSummary, profile: current, dummyRegressor: dummyRegressor)
        }
        let classes = current.confusion.classes
        var comparison = ModelQualityComparison(
            reference: referenceSummary,
            current: currentSummary,
            tolerance: tolerance,
            tests: tests,
            confusionRows: classes.map { actual in
                ConfusionRow(actual: actual, counts: classes.map { current.confusion.count(actual: actual, predicted: $0) })
            }
        )
        if let currentScores {
            let positive = positiveClass ?? currentSummary.positiveClass ?? referenceSummary?.positiveClass
            comparison.estimated = estimate(currentScores, reference: referenceScores, positiveClass: positive)
        }
        return comparison
    }

    /// Fits CBPE on the reference's scored rows and estimates the current's.
    private static func estimate(_ current: ScoredRows, reference: ScoredRows?, positiveClass: String?) -> Estimated {
        guard let reference else {
            return Estimated(
                estimate: nil,
                classes: [],
                calibrated: [],
                fittedOn: 0,
                unavailable: "the reference has no scores with labels to fit the estimator on"
            )
        }
        let estimator: CBPE
        do { estimator = try reference.estimator(positiveClass: positiveClass) } catch {
            return Estimated(estimate: nil, classes: [], calibrated: [], fittedOn: 0, unavailable: error.description)
        }
        let estimate = current.estimate(with: estimator)
        return Estimated(
            estimate: estimate,
            classes: estimator.classes,
            calibrated: estimator.calibrators.map { $0 != nil },
            fittedOn: estimator.referenceCount,
            unavailable: estimate == nil ? "the current file's score columns name other classes than the reference's" : nil
        )
    }

    /// Evidently's tests without a reference: each figure must beat the dummy model's (strictly).
    private static func dummyTests(_ summary: QualitySummary, profile: QualityProfile, dummyRegressor: DummyRegressor?) -> [Test] {
        var baselines: [(metric: String, average: String?, className: String?, value: Double, higherIsBetter: Bool)] = []
        switch summary.task {
        case .regression:
            if let dummy = dummyRegressor {
                baselines = [
                    ("mae", nil, nil, dummy.meanAbsoluteError, false), ("rmse", nil, nil, dummy.rootMeanSquaredError, false),
                    ("mape", nil, nil, dummy.meanAbsolutePercentageError, false),
                ]
            }
            baselines.append(("r2", nil, nil, 0, true))
        case .classification:
            let classes = profile.confusion.classes
            var counts: [String: Int] = [:]
            for actual in classes { counts[actual] = classes.reduce(0) { $0 + profile.confusion.count(actual: actual, predicted: $1) } }
            guard let dummy = DummyClassifier(targetCounts: counts, classes: classes) else { return [] }
            let scored = max(2, profile.scores.histograms.count)
            if let positive = summary.positiveClass {
                let negative = classes.first { $0 != positive } ?? ""
                baselines = [
                    ("accuracy", nil, nil, dummy.accuracy, true), ("precision", nil, positive, dummy.share(of: positive), true),
                    ("recall", nil, positive, dummy.share(of: positive), true), ("f1", nil, positive, dummy.share(of: positive), true),
                    ("roc_auc", nil, nil, DummyClassifier.rocAUC, true), ("log_loss", nil, nil, DummyClassifier.logLoss(classes: scored), false),
                    ("tpr", nil, nil, dummy.share(of: positive), true), ("tnr", nil, nil, dummy.share(of: negative), true),
                    ("fpr", nil, nil, dummy.share(of: positive), false), ("fnr", nil, nil, dummy.share(of: negative), false),
                ]
            } else {
                baselines = [
                    ("accuracy", nil, nil, dummy.accuracy, true), ("precision", "macro", nil, dummy.macroAverage, true),
                    ("recall", "macro", nil, dummy.macroAverage, true), ("f1", "macro", nil, dummy.macroAverage, true),
                    ("roc_auc", "macro", nil, DummyClassifier.rocAUC, true), ("log_loss", nil, nil, DummyClassifier.logLoss(classes: scored), false),
                ]
            }
        case .none:
            return []
        }
        return baselines.compactMap { baseline in
            guard baseline.value.isFinite, let now = figure(summary, baseline.metric, baseline.average, baseline.className) else { return nil }
            return Test(
                metric: baseline.metric,
                average: baseline.average,
                className: baseline.className,
                current: now,
                baseline: .dummy,
                baselineValue: baseline.value,
                lower: baseline.higherIsBetter ? baseline.value : nil,
                upper: baseline.higherIsBetter ? nil : baseline.value,
                passed: baseline.higherIsBetter ? now > baseline.value : now < baseline.value
            )
        }
    }

    /// The figures Evidently's presets test, for this summary's task.
    private static func testedFigures(_ summary: QualitySummary) -> [(String, String?, String?)] {
        switch summary.task {
        case .regression:
            return ["mean_error", "mae", "rmse", "mape", "r2", "max_error"].map { ($0, nil, nil) }
        case .classification:
            if let positive = summary.positiveClass {
                return [
                    ("accuracy", nil, nil), ("precision", nil, positive), ("recall", nil, positive), ("f1", nil, positive), ("roc_auc", nil, nil),
                    ("log_loss", nil, nil),
                ]
                    + ["tpr", "tnr", "fpr", "fnr"].map { ($0, nil, nil) }
            }
            return [
                ("accuracy", nil, nil), ("precision", "macro", nil), ("recall", "macro", nil), ("f1", "macro", nil), ("roc_auc", "macro", nil),
                ("log_loss", nil, nil),
            ]
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
            switch test.baseline {
            case .reference:
                let range = test.allowed(fourDecimals)
                return
                    "model quality \(test.label): \(fourDecimals(test.current)) is outside the reference's \(fourDecimals(test.baselineValue)) ± \(Int((tolerance * 100).rounded())) % \(range)"
            case .dummy:
                let side = test.lower != nil ? "above" : "below"
                return
                    "model quality \(test.label): \(fourDecimals(test.current)) is not \(side) the dummy model's \(fourDecimals(test.baselineValue)) (no labelled reference; \(Self.dummyDescription(test.metric)))"
            }
        }
    }

    /// What the dummy model of a metric is, in words.
    public static func dummyDescription(_ metric: String) -> String {
        switch metric {
        case "mae": "the dummy predicts the target's median"
        case "rmse": "the dummy predicts the target's mean"
        case "mape": "the dummy predicts the 1/y-weighted median of the target"
        case "r2": "a model no better than the target's mean has R² 0"
        case "roc_auc": "a guess that ignores the row has ROC AUC 0.5"
        case "log_loss": "the dummy scores every class alike"
        default: "the dummy guesses by the target's class shares"
        }
    }
}
