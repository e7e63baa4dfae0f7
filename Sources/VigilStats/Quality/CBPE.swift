/// Confidence-based performance estimation as NannyML defines it: a classifier's accuracy, precision, recall,
/// F1, specificity and ROC AUC estimated from its scores alone, for the stretch of traffic whose labels have
/// not come yet.
///
/// A row whose calibrated probability of class c is q counts q of a true c and 1 − q of a "not c", so the
/// expected confusion matrix is a sum of probabilities and every metric built on it can be estimated. The
/// calibration is fitted on a reference with labels: per class, an isotonic map from score to observed
/// frequency, kept only where it lowers the expected calibration error (``needsCalibration(scores:actual:)``).
/// The estimates are right while the model's scores stay calibrated; they go wrong under concept drift (the
/// relation between inputs and labels changes), which is why realized quality is shown beside them.
///
/// A binary model has two classes, the second the positive one; its one score is the positive class's.
public struct CBPE: Sendable, Equatable {
    /// The classes, in order: a binary model's negative then positive class; a multiclass model's classes
    /// sorted (NannyML sorts them too).
    public let classes: [String]
    /// Per class, the isotonic map its scores are calibrated with, or nil where calibration would not lower
    /// the calibration error. A binary model has one, for the positive class's score.
    public let calibrators: [IsotonicRegression?]
    /// What the sampling errors are scaled from: each metric's per-row spread on the reference.
    public let spread: Spread
    /// Rows in the reference.
    public let referenceCount: Int

    /// True for a model with two classes and one score.
    public var isBinary: Bool { calibrators.count == 1 }

    /// A fitted estimator, as read back from storage.
    public init(classes: [String], calibrators: [IsotonicRegression?], spread: Spread, referenceCount: Int) {
        self.classes = classes
        self.calibrators = calibrators
        self.spread = spread
        self.referenceCount = referenceCount
    }

    /// An error in the reference an estimator is fitted on.
    public struct FitError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Fits a binary model's estimator on its reference: the positive class's score, whether the model predicted
    /// the positive class, and whether it was the positive class, per row.
    public init(
        negativeClass: String, positiveClass: String, scores: [Double], predicted: [Bool], actual: [Bool]
    ) throws(FitError) {
        guard scores.count == predicted.count, scores.count == actual.count else { throw FitError("one prediction and one label per score") }
        guard scores.count >= 2 else { throw FitError("a reference needs at least two labelled rows, not \(scores.count)") }
        if let row = scores.firstIndex(where: { !$0.isFinite || $0 < 0 || $0 > 1 }) {
            throw FitError("row \(row + 1): the score \(scores[row]) is not a probability in [0, 1]")
        }
        let targets = actual.map { $0 ? 1.0 : 0.0 }
        let calibrator = Self.needsCalibration(scores: scores, actual: actual) ? IsotonicRegression(inputs: scores, targets: targets) : nil
        self.init(
            classes: [negativeClass, positiveClass], calibrators: [calibrator],
            spread: .binary(scores: scores, predicted: predicted, actual: actual), referenceCount: scores.count
        )
    }

    /// Fits a multiclass model's estimator on its reference: per row, the score of each class (in the order of
    /// `classes`), and the indices of the predicted and the actual class.
    public init(classes: [String], scores: [[Double]], predicted: [Int], actual: [Int]) throws(FitError) {
        guard classes.count >= 2, Set(classes).count == classes.count else { throw FitError("a classifier needs two or more distinct classes") }
        guard scores.count == predicted.count, scores.count == actual.count else { throw FitError("one prediction and one label per row of scores") }
        guard scores.count >= 2 else { throw FitError("a reference needs at least two labelled rows, not \(scores.count)") }
        for (row, values) in scores.enumerated() {
            guard values.count == classes.count else { throw FitError("row \(row + 1) has \(values.count) scores for \(classes.count) classes") }
            guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else { throw FitError("row \(row + 1) has a score outside [0, 1]") }
            guard classes.indices.contains(predicted[row]), classes.indices.contains(actual[row]) else { throw FitError("row \(row + 1) names a class out of range") }
        }
        var calibrators: [IsotonicRegression?] = []
        for c in classes.indices {
            let column = scores.map { $0[c] }
            let isClass = actual.map { $0 == c }
            calibrators.append(
                Self.needsCalibration(scores: column, actual: isClass) ? IsotonicRegression(inputs: column, targets: isClass.map { $0 ? 1 : 0 }) : nil
            )
        }
        self.init(
            classes: classes, calibrators: calibrators, spread: .multiclass(classes: classes.count, scores: scores, predicted: predicted, actual: actual),
            referenceCount: scores.count
        )
    }

    /// The calibrated probability of each class for one row of raw scores (a binary model: the positive class's
    /// score alone). A multiclass row is normalized to sum to 1 after calibration, uniform when every
    /// calibrated score is 0, as NannyML does.
    public func calibrated(_ scores: [Double]) -> [Double] {
        var values = zip(scores, calibrators).map { score, calibrator in calibrator.map { $0(score) } ?? score }
        guard !isBinary else { return values }
        let total = values.reduce(0, +)
        if total != 0 {
            for i in values.indices { values[i] /= total }
        } else {
            values = Array(repeating: 1 / Double(values.count), count: values.count)
        }
        return values
    }
}

extension CBPE {
    /// Whether isotonic calibration lowers the expected calibration error of `scores` against `actual`, the
    /// rule NannyML calibrates by: never when the labels hold one class or the scores separate them almost
    /// perfectly (ROC AUC > 0.999); otherwise when, over ten stratified folds, the maps fitted on the other nine
    /// tenths give the held-out rows a lower ECE (10 bins of equal count) than their raw scores.
    ///
    /// NannyML draws its ten 90/10 splits with scikit-learn's `StratifiedShuffleSplit(random_state=42)`; these
    /// folds are Vigil's own, deterministic and disjoint, so the held-out rows are the whole reference once.
    /// The decision agrees with NannyML's on the data sets its wheel ships (`CBPETests`).
    public static func needsCalibration(scores: [Double], actual: [Bool]) -> Bool {
        let positives = actual.filter { $0 }.count
        guard positives > 0, positives < actual.count else { return false }
        var histogram = ScoreHistogram(binCount: 1 << 20)
        for (score, isPositive) in zip(scores, actual) { histogram.add(score: score, isPositive: isPositive) }
        if histogram.rocAUC.estimate > 0.999 { return false }
        let folds = 10
        var fold = [Int](repeating: 0, count: scores.count)
        for wanted in [true, false] {
            var rows = actual.indices.filter { actual[$0] == wanted }
            var generator = SplitMix64(seed: 42)
            rows.shuffle(using: &generator)
            for (rank, row) in rows.enumerated() { fold[row] = rank % folds }
        }
        var heldOutScores: [Double] = []
        var heldOutCalibrated: [Double] = []
        var heldOutActual: [Bool] = []
        for k in 0..<folds {
            let train = scores.indices.filter { fold[$0] != k }
            let test = scores.indices.filter { fold[$0] == k }
            guard !train.isEmpty, !test.isEmpty else { continue }
            let map = IsotonicRegression(inputs: train.map { scores[$0] }, targets: train.map { actual[$0] ? 1 : 0 })
            for row in test {
                heldOutScores.append(scores[row])
                heldOutCalibrated.append(map(scores[row]))
                heldOutActual.append(actual[row])
            }
        }
        guard heldOutScores.count >= 4 else { return false }
        return expectedCalibrationError(heldOutScores, heldOutActual) > expectedCalibrationError(heldOutCalibrated, heldOutActual)
    }

    /// NannyML's expected calibration error: rows sorted by probability and cut into 10 bins of equal count
    /// (fewer for under 20 rows, the remainder in the last), Σ bin share × |mean probability − observed rate|.
    static func expectedCalibrationError(_ probabilities: [Double], _ actual: [Bool]) -> Double {
        let n = probabilities.count
        let binCount = n <= 20 ? n / 2 : 10
        let width = n / binCount
        var edges = Array(stride(from: 0, through: n, by: width))
        edges[edges.count - 1] = n
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var error = 0.0
        for (left, right) in zip(edges, edges.dropFirst()) where right > left {
            var probability = 0.0
            var observed = 0.0
            for i in left..<right {
                probability += probabilities[order[i]]
                observed += actual[order[i]] ? 1 : 0
            }
            let count = Double(right - left)
            error += count / Double(n) * abs(probability / count - observed / count)
        }
        return error
    }
}
