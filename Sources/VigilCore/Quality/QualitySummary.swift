public import VigilStats

/// The model quality of a window, computed once from its merged ``QualityProfile``: what the API's
/// `/performance`, the `ml_model_quality` gauges and (later) alert rules and the dashboard all read.
///
/// Every figure carries n (the predictions it is computed over), a 95 % interval where one has a closed
/// form, and the window's label coverage and maturity: a window is `maturing` while labels may still be on
/// their way, i.e. until the p95 label delay has passed since its end.
public struct QualitySummary: Sendable, Equatable {
    /// What kind of model the labels describe.
    public enum Task: String, Sendable {
        case classification, regression, none
    }

    /// Classification, regression, or none before any scorable label.
    public var task: Task
    /// The confusion matrix of a classifier's labelled predictions (bounded classes, the rest as "other").
    public var confusion: ConfusionMatrix?
    /// Successful predictions in the window (the coverage's denominator); nil when not counted.
    public var predictions: Int?
    /// Predictions with a label.
    public var labelled: Int
    /// Labelled predictions that cannot be scored (no prediction value, or a class label for a number).
    public var unscorable: Int
    /// labelled / predictions; nil without predictions.
    public var coverage: Double?
    /// The p95 of the label delay, in seconds: an upper bound (the edge of its histogram bin); nil without labels.
    public var labelDelayP95Seconds: Double?
    /// True while the window ended less than the p95 label delay ago (or no label has come yet).
    public var maturing: Bool
    /// The class whose TPR, FPR, Brier score and calibration are reported, for a two-class model.
    public var positiveClass: String?
    /// Every figure of the window: overall, averaged over classes, and per class.
    public var metrics: [QualityFigure]
    /// Business and proxy metrics of the window: sent with predictions (`source` `prediction`) and with
    /// labels (`label`), each with count, sum, mean and the mean's interval.
    public var businessMetrics: [BusinessMetric]

    /// Computes every figure of a window from its merged quality.
    ///
    /// - Parameters:
    ///   - profile: the window's merged quality.
    ///   - predictions: successful predictions in the window, if counted.
    ///   - windowEnd: the window's end, milliseconds since 1970.
    ///   - now: the current time.
    ///   - positiveClass: the positive class of a two-class model; by default `1`, `true`, `yes` or
    ///     `positive` when one of the classes is named so, else the rarer actual class.
    ///   - predictionMetrics: the `metrics` sent with the window's predictions (the live profile's moments).
    public init(
        profile: QualityProfile, predictions: Int?, windowEnd: Int64, now: Int64, positiveClass: String? = nil, predictionMetrics: [String: Moments] = [:]
    ) {
        self.predictions = predictions
        businessMetrics = predictionMetrics.sorted { $0.key < $1.key }.map { name, moments in
            BusinessMetric(
                name: name, source: "prediction", count: moments.count, sum: moments.mean * Double(moments.count), mean: moments.mean,
                interval: ConfidenceInterval.normal(mean: moments.mean, standardDeviation: moments.sampleStandardDeviation, count: moments.count)
            )
        } + profile.outcomes.sorted { $0.key < $1.key }.map { name, moments in
            BusinessMetric(name: name, source: "label", count: moments.count, sum: moments.total, mean: moments.mean, interval: moments.interval)
        }
        labelled = profile.labelled
        unscorable = profile.unscorable
        coverage = predictions.flatMap { $0 > 0 ? Double(profile.labelled) / Double($0) : nil }
        labelDelayP95Seconds = profile.delays.quantileUpperBound(0.95)
        if let p95 = labelDelayP95Seconds, p95.isFinite {
            maturing = now < windowEnd + Int64(p95 * 1000)
        } else {
            maturing = true
        }
        if profile.confusion.total > 0 {
            task = .classification
            confusion = profile.confusion
            let classes = profile.confusion.classes
            let positive = classes.count == 2 ? (positiveClass.flatMap { classes.contains($0) ? $0 : nil } ?? Self.defaultPositiveClass(profile.confusion)) : nil
            self.positiveClass = positive
            metrics = Self.classification(profile, positive: positive)
        } else if profile.regression.count > 0 {
            task = .regression
            self.positiveClass = nil
            metrics = Self.regression(profile.regression)
        } else {
            task = .none
            self.positiveClass = nil
            metrics = []
        }
    }

    /// The figure named `name` (the overall one: no class, and the given average).
    public func figure(_ name: String, average: String? = nil) -> QualityFigure? {
        metrics.first { $0.name == name && $0.className == nil && $0.average == average }
    }

    static func defaultPositiveClass(_ confusion: ConfusionMatrix) -> String {
        let classes = confusion.classes
        if let named = classes.first(where: { ["1", "true", "yes", "positive"].contains($0.lowercased()) }) { return named }
        // The rarer actual class (fraud, churn, a click); on a tie the later name, as scikit-learn's pos_label=1 of {0, 1}.
        return classes.max { (confusion.metrics(for: $0).support, $1) > (confusion.metrics(for: $1).support, $0) } ?? classes[0]
    }

    private static func classification(_ profile: QualityProfile, positive: String?) -> [QualityFigure] {
        let confusion = profile.confusion
        let n = confusion.total
        var figures: [QualityFigure] = []
        let correct = confusion.classes.reduce(0) { $0 + confusion.count(actual: $1, predicted: $1) }
        figures.append(.proportion("accuracy", successes: correct, trials: n))
        for (average, metrics) in [("macro", confusion.macro), ("micro", confusion.micro), ("weighted", confusion.weighted)] {
            figures.append(QualityFigure(name: "precision", average: average, value: metrics.precision, n: n))
            figures.append(QualityFigure(name: "recall", average: average, value: metrics.recall, n: n))
            figures.append(QualityFigure(name: "f1", average: average, value: metrics.f1, n: n))
        }
        for label in confusion.classes {
            let metrics = confusion.metrics(for: label)
            let truePositives = confusion.count(actual: label, predicted: label)
            let predicted = confusion.classes.reduce(0) { $0 + confusion.count(actual: $1, predicted: label) }
            figures.append(.proportion("precision", className: label, successes: truePositives, trials: predicted, fallback: metrics.precision))
            figures.append(.proportion("recall", className: label, successes: truePositives, trials: metrics.support, fallback: metrics.recall))
            figures.append(QualityFigure(name: "f1", className: label, value: metrics.f1, n: metrics.support))
        }
        if let positive, let negative = confusion.classes.first(where: { $0 != positive }) {
            let tp = confusion.count(actual: positive, predicted: positive)
            let fn = confusion.count(actual: positive, predicted: negative)
            let fp = confusion.count(actual: negative, predicted: positive)
            let tn = confusion.count(actual: negative, predicted: negative)
            figures.append(.proportion("tpr", successes: tp, trials: tp + fn))
            figures.append(.proportion("tnr", successes: tn, trials: tn + fp))
            figures.append(.proportion("fpr", successes: fp, trials: tn + fp))
            figures.append(.proportion("fnr", successes: fn, trials: tp + fn))
        }
        // Ranking figures need scores: one-vs-rest per class, macro-averaged for more than two classes.
        let histograms = profile.scores.histograms
        if let positive, let histogram = histograms[positive] {
            figures.append(rocAUC(histogram))
            let precision = histogram.averagePrecision
            figures.append(QualityFigure(name: "pr_auc", value: precision.estimate, n: scoreCount(histogram), bounds: (precision.lower, precision.upper)))
        } else if histograms.count > 2 {
            let macro = profile.scores.macroRocAUC
            let count = histograms.values.map(scoreCount).max() ?? 0
            figures.append(QualityFigure(name: "roc_auc", average: "macro", value: macro.estimate, n: count, bounds: (macro.lower, macro.upper)))
            for (label, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
                var figure = rocAUC(histogram)
                figure.className = label
                figures.append(figure)
            }
        }
        if let loss = profile.logLoss {
            figures.append(QualityFigure(
                name: "log_loss", value: loss.mean, n: profile.logLossCount,
                interval: ConfidenceInterval.normal(mean: loss.mean, standardDeviation: loss.standardDeviation, count: profile.logLossCount)
            ))
        }
        if let positive, let probabilistic = profile.probabilities[positive] {
            figures.append(QualityFigure(name: "brier", value: probabilistic.brierScore, n: probabilistic.count))
            figures.append(QualityFigure(name: "ece", value: probabilistic.expectedCalibrationError, n: probabilistic.count))
        }
        return figures
    }

    private static func scoreCount(_ histogram: ScoreHistogram) -> Int { histogram.positives + histogram.negatives }

    private static func rocAUC(_ histogram: ScoreHistogram) -> QualityFigure {
        let auc = histogram.rocAUC
        let positives = histogram.positives
        let negatives = histogram.negatives
        return QualityFigure(
            name: "roc_auc", value: auc.estimate, n: positives + negatives,
            interval: ConfidenceInterval.hanleyMcNeil(auc: auc.estimate, positives: positives, negatives: negatives), bounds: (auc.lower, auc.upper)
        )
    }

    private static func regression(_ metrics: RegressionMetrics) -> [QualityFigure] {
        let n = metrics.count
        return [
            QualityFigure(
                name: "mean_error", value: metrics.meanError, n: n,
                interval: ConfidenceInterval.normal(mean: metrics.meanError, standardDeviation: metrics.errorStandardDeviation, count: n)
            ),
            QualityFigure(
                name: "mae", value: metrics.meanAbsoluteError, n: n,
                interval: ConfidenceInterval.normal(mean: metrics.meanAbsoluteError, standardDeviation: metrics.absoluteErrorStandardDeviation, count: n)
            ),
            QualityFigure(name: "rmse", value: metrics.rootMeanSquaredError, n: n),
            QualityFigure(name: "mape", value: metrics.meanAbsolutePercentageError, n: n),
            QualityFigure(name: "r2", value: metrics.rSquared, n: n),
            QualityFigure(name: "max_error", value: metrics.maximumAbsoluteError, n: n),
        ]
    }
}

/// A business or proxy metric over a window (conversion, revenue…).
public struct BusinessMetric: Sendable, Equatable {
    /// The metric's name as sent.
    public var name: String
    /// `prediction` (sent with the prediction) or `label` (an outcome sent later with the label).
    public var source: String
    /// Values in the window.
    public var count: Int
    /// Their sum.
    public var sum: Double
    /// Their mean; NaN without values.
    public var mean: Double
    /// mean ± 1.96·s/√n; nil below two values.
    public var interval: ConfidenceInterval?
}

/// One quality figure of a window: its value, the predictions it rests on, and its uncertainty.
public struct QualityFigure: Sendable, Equatable {
    /// `accuracy`, `precision`, `recall`, `f1`, `tpr`, `tnr`, `fpr`, `fnr`, `roc_auc`, `pr_auc`, `log_loss`,
    /// `brier`, `ece`; `mean_error`, `mae`, `rmse`, `mape`, `r2`, `max_error`.
    public var name: String
    /// `macro`, `micro` or `weighted` for an average over classes.
    public var average: String?
    /// The class a per-class figure is about.
    public var className: String?
    /// NaN when it cannot be computed (no positive, say).
    public var value: Double
    /// The predictions it is computed over.
    public var n: Int
    /// The 95 % interval (Wilson, normal or Hanley–McNeil); nil where none has a closed form.
    public var interval: ConfidenceInterval?
    /// For a figure computed from a histogram of scores: the range that must contain the exact value.
    public var bounds: (lower: Double, upper: Double)?

    /// A figure and what it rests on.
    public init(
        name: String, average: String? = nil, className: String? = nil, value: Double, n: Int, interval: ConfidenceInterval? = nil,
        bounds: (lower: Double, upper: Double)? = nil
    ) {
        self.name = name
        self.average = average
        self.className = className
        self.value = value
        self.n = n
        self.interval = interval
        self.bounds = bounds
    }

    /// A proportion with its Wilson interval; `fallback` is the value when there is no trial (scikit-learn's 0).
    static func proportion(_ name: String, className: String? = nil, successes: Int, trials: Int, fallback: Double = .nan) -> QualityFigure {
        QualityFigure(
            name: name, className: className, value: trials > 0 ? Double(successes) / Double(trials) : fallback, n: trials,
            interval: ConfidenceInterval.wilson(successes: Double(successes), trials: Double(trials))
        )
    }

    /// Equal when every field is, NaN values included (compared by bit pattern).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.average == rhs.average && lhs.className == rhs.className && lhs.value.bitPattern == rhs.value.bitPattern
            && lhs.n == rhs.n && lhs.interval == rhs.interval && lhs.bounds?.lower == rhs.bounds?.lower && lhs.bounds?.upper == rhs.bounds?.upper
    }
}
