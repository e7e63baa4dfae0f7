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
        /// What the tests compare with: `reference` (a labelled reference, within the tolerance) or `dummy`
        /// (no labelled reference: the current value must beat a dummy model's).
        public var baseline: String
        /// The reference's figures; null when it has no target and prediction columns.
        public var reference: Figures?
        public var current: Figures
        /// Evidently's default tests.
        public var tests: [TestEntry]
        /// The current dataset's confusion matrix (rows: actual class, columns: predicted), for a classifier.
        public var confusionMatrix: ConfusionMatrixEntry?
        /// The current's quality estimated from its scores (CBPE fitted on the reference); null without scores.
        public var estimated: EstimatedEntry?
    }

    /// Quality estimated without labels (CBPE), beside the realized figures.
    public struct EstimatedEntry: Codable, Sendable, Equatable {
        /// Labelled reference rows the estimator was fitted on.
        public var fittedOn: Int
        /// Current rows with scores the estimate covers.
        public var rows: Int
        /// The classes (a binary model's negative then positive class).
        public var classes: [String]
        /// Per class (a binary model: the positive class), whether its scores were calibrated.
        public var calibrated: [Bool]
        /// Why there is no estimate; then `metrics` is empty.
        public var unavailable: String?
        /// Each estimated figure, in NannyML's order.
        public var metrics: [EstimatedMetric]
    }

    /// One estimated figure: `accuracy`, `precision`, `recall`, `f1`, `specificity`, `roc_auc` (the positive
    /// class's for two classes, the macro average for more), NannyML's sampling error, the band of ±3 of them,
    /// and the realized figure of the same rows when the current is labelled.
    public struct EstimatedMetric: Codable, Sendable, Equatable {
        /// `accuracy`, `precision`, `recall`, `f1`, `specificity` or `roc_auc`.
        public var name: String
        /// The estimate.
        public var value: Double
        /// NannyML's standard error of the estimate over the current rows.
        public var samplingError: Double
        /// The band drawn: the estimate ± 3 sampling errors.
        public var lower: Double
        public var upper: Double
        /// The same rows' realized figure; null when the current has no target.
        public var realized: Double?
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

    /// One test: the current value, what it is compared with, the range allowed and the verdict.
    public struct TestEntry: Codable, Sendable, Equatable {
        public var metric: String
        public var average: String?
        public var `class`: String?
        public var current: Double
        /// `reference` or `dummy`.
        public var baseline: String
        /// The reference's value (reference tests).
        public var reference: Double?
        /// The dummy model's value (dummy tests).
        public var dummy: Double?
        /// The range the current value must lie in; null at an open end (a dummy test's range is open, and
        /// excludes the dummy's value).
        public var lower: Double?
        public var upper: Double?
        public var passed: Bool
    }

    public struct ConfusionMatrixEntry: Codable, Sendable, Equatable {
        public var classes: [String]
        public var counts: [[Int]]
    }

    static func modelQuality(_ comparison: ModelQualityComparison) -> ModelQualitySection {
        func figures(_ summary: QualitySummary) -> Figures {
            Figures(
                labelled: summary.labelled,
                unscorable: summary.unscorable,
                metrics: summary.metrics.map { figure in
                    MetricEntry(
                        name: figure.name,
                        average: figure.average,
                        class: figure.className,
                        value: figure.value.isFinite ? figure.value : nil,
                        n: figure.n,
                        intervalLower: figure.interval.map(\.lower),
                        intervalUpper: figure.interval.map(\.upper),
                        boundLower: figure.bounds.map(\.lower),
                        boundUpper: figure.bounds.map(\.upper)
                    )
                }
            )
        }
        let confusion = comparison.currentConfusion
        return ModelQualitySection(
            task: comparison.current.task.rawValue,
            positiveClass: comparison.current.positiveClass,
            tolerance: comparison.tolerance,
            baseline: comparison.baseline.rawValue,
            reference: comparison.reference.map(figures),
            current: figures(comparison.current),
            tests: comparison.tests.map {
                TestEntry(
                    metric: $0.metric,
                    average: $0.average,
                    class: $0.className,
                    current: $0.current,
                    baseline: $0.baseline.rawValue,
                    reference: $0.baseline == .reference ? $0.baselineValue : nil,
                    dummy: $0.baseline == .dummy ? $0.baselineValue : nil,
                    lower: $0.lower,
                    upper: $0.upper,
                    passed: $0.passed
                )
            },
            confusionMatrix: confusion.isEmpty ? nil : ConfusionMatrixEntry(classes: confusion.map(\.actual), counts: confusion.map(\.counts)),
            estimated: comparison.estimated.map { estimated in
                EstimatedEntry(
                    fittedOn: estimated.fittedOn,
                    rows: estimated.estimate?.rows ?? 0,
                    classes: estimated.classes,
                    calibrated: estimated.calibrated,
                    unavailable: estimated.unavailable,
                    metrics: CBPE.Metric.allCases.compactMap { metric in
                        estimated.estimate?.values[metric].flatMap { figure in
                            guard figure.value.isFinite, figure.samplingError.isFinite else { return nil }
                            return EstimatedMetric(
                                name: metric.rawValue,
                                value: figure.value,
                                samplingError: figure.samplingError,
                                lower: figure.value - 3 * figure.samplingError,
                                upper: figure.value + 3 * figure.samplingError,
                                realized: ModelQualityComparison.Estimated.realized(metric, in: comparison.current)
                            )
                        }
                    }
                )
            }
        )
    }
}

// As the rest of the document, optional fields are written as `null` rather than left out.

extension ReportDocument.ModelQualitySection {
    private enum CodingKeys: String, CodingKey {
        case task, positiveClass, tolerance, baseline, reference, current, tests, confusionMatrix, estimated
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(task, forKey: .task)
        try container.encode(positiveClass, forKey: .positiveClass)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(reference, forKey: .reference)
        try container.encode(current, forKey: .current)
        try container.encode(tests, forKey: .tests)
        try container.encode(confusionMatrix, forKey: .confusionMatrix)
        try container.encode(estimated, forKey: .estimated)
    }
}

extension ReportDocument.MetricEntry {
    private enum CodingKeys: String, CodingKey { case name, average, `class`, value, n, intervalLower, intervalUpper, boundLower, boundUpper }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(average, forKey: .average)
        try container.encode(`class`, forKey: .class)
        try container.encode(value, forKey: .value)
        try container.encode(n, forKey: .n)
        try container.encode(intervalLower, forKey: .intervalLower)
        try container.encode(intervalUpper, forKey: .intervalUpper)
        try container.encode(boundLower, forKey: .boundLower)
        try container.encode(boundUpper, forKey: .boundUpper)
    }
}

extension ReportDocument.TestEntry {
    private enum CodingKeys: String, CodingKey { case metric, average, `class`, current, baseline, reference, dummy, lower, upper, passed }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric, forKey: .metric)
        try container.encode(average, forKey: .average)
        try container.encode(`class`, forKey: .class)
        try container.encode(current, forKey: .current)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(reference, forKey: .reference)
        try container.encode(dummy, forKey: .dummy)
        try container.encode(lower, forKey: .lower)
        try container.encode(upper, forKey: .upper)
        try container.encode(passed, forKey: .passed)
    }
}

extension ReportDocument.EstimatedEntry {
    private enum CodingKeys: String, CodingKey { case fittedOn, rows, classes, calibrated, unavailable, metrics }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fittedOn, forKey: .fittedOn)
        try container.encode(rows, forKey: .rows)
        try container.encode(classes, forKey: .classes)
        try container.encode(calibrated, forKey: .calibrated)
        try container.encode(unavailable, forKey: .unavailable)
        try container.encode(metrics, forKey: .metrics)
    }
}

extension ReportDocument.EstimatedMetric {
    private enum CodingKeys: String, CodingKey { case name, value, samplingError, lower, upper, realized }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encode(samplingError, forKey: .samplingError)
        try container.encode(lower, forKey: .lower)
        try container.encode(upper, forKey: .upper)
        try container.encode(realized, forKey: .realized)
    }
}
