public import VigilStats

/// A classifier's scores row by row, as a file is read, with the predicted and (where known) the actual class:
/// what an offline CBPE estimator is fitted on (a labelled reference) and what it estimates (a current file,
/// labelled or not).
///
/// A binary model's row holds one score, the probability of the positive class, which is only known once the
/// classes are (the reference's); a multiclass model's holds one score per class, in ``scoreClasses`` order.
/// Classes are kept as indices into ``names``: a file names few classes, and a row costs 8 bytes per score and 8
/// more, not a string.
public struct ScoredRows: Sendable, Equatable {
    /// The class each score is of, in order; empty for a binary model's single probability.
    public let scoreClasses: [String]
    /// Scores per row: 1 for a binary model, else `scoreClasses.count`.
    public var width: Int { max(1, scoreClasses.count) }
    private var scores: [Double] = []
    /// Per row, the index in ``names`` of the predicted class (-1: none given, so the scores decide) and of the
    /// actual class (-1: not labelled).
    private var predicted: [Int32] = []
    private var actual: [Int32] = []
    private(set) var names: [String] = []

    /// Rows kept.
    public var count: Int { predicted.count }
    /// Rows with an actual class.
    public var labelledCount: Int { actual.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    init(scoreClasses: [String]) {
        self.scoreClasses = scoreClasses
    }

    /// Adds a row: its scores (``width`` of them), the class the model predicted when a column says it, and the
    /// actual class when known.
    mutating func append(_ rowScores: [Double], predicted predictedName: String?, actual actualName: String?) {
        scores += rowScores
        predicted.append(predictedName.map { index(of: $0) } ?? -1)
        actual.append(actualName.map { index(of: $0) } ?? -1)
    }

    /// Adds a binary model's row (its one score) without building an array for it.
    mutating func append(score: Double, predicted predictedName: String?, actual actualName: String?) {
        scores.append(score)
        predicted.append(predictedName.map { index(of: $0) } ?? -1)
        actual.append(actualName.map { index(of: $0) } ?? -1)
    }

    private mutating func index(of name: String) -> Int32 {
        if let found = names.firstIndex(of: name) { return Int32(found) }
        names.append(name)
        return Int32(names.count - 1)
    }

    /// Appends another part's rows, after these.
    mutating func merge(_ other: ScoredRows) {
        let mapping = other.names.map { index(of: $0) }
        scores += other.scores
        predicted += other.predicted.map { $0 >= 0 ? mapping[Int($0)] : -1 }
        actual += other.actual.map { $0 >= 0 ? mapping[Int($0)] : -1 }
    }

    /// Fits an estimator on the labelled rows, NannyML's way (``CBPE``). A binary model's classes are the two
    /// actual classes, the positive one `positiveClass` when it is one of them, else the one the realized quality
    /// takes; a row predicts the positive class when its prediction column says so, else from a score of 0.5 up.
    public func estimator(positiveClass: String?) throws(CBPE.FitError) -> CBPE {
        let labelled = actual.indices.filter { actual[$0] >= 0 }
        guard labelled.count >= CBPE.minimumReferenceRows else {
            throw CBPE.FitError(
                "the reference has \(labelled.count) labelled rows with scores; an estimator needs at least \(CBPE.minimumReferenceRows)"
            )
        }
        if scoreClasses.isEmpty {
            var confusion = ConfusionMatrix()
            for row in labelled { confusion.add(actual: names[Int(actual[row])], predicted: names[Int(actual[row])]) }
            let classes = confusion.classes
            guard classes.count == 2 else {
                throw CBPE.FitError(
                    "a probability needs a target with two classes; the reference's has \(classes.count) (\(classes.joined(separator: ", ")))"
                )
            }
            let positive = positiveClass.flatMap { classes.contains($0) ? $0 : nil } ?? QualitySummary.defaultPositiveClass(confusion)
            let negative = classes.first { $0 != positive }!
            return try CBPE(
                negativeClass: negative,
                positiveClass: positive,
                scores: labelled.map { scores[$0] },
                predicted: labelled.map { isPredictedPositive($0, positive: positive) },
                actual: labelled.map { names[Int(actual[$0])] == positive }
            )
        }
        let (classes, order) = sortedClasses()
        let usable = labelled.filter { classes.contains(names[Int(actual[$0])]) }
        guard usable.count >= CBPE.minimumReferenceRows else {
            throw CBPE.FitError(
                "the reference has \(usable.count) labelled rows whose class has a score column; an estimator needs at least \(CBPE.minimumReferenceRows)"
            )
        }
        return try CBPE(
            classes: classes,
            scores: usable.map { row in order.map { scores[row * width + $0] } },
            predicted: usable.map { predictedIndex($0, classes: classes, order: order) },
            actual: usable.map { classes.firstIndex(of: names[Int(actual[$0])])! }
        )
    }

    /// The estimate of every row's quality (labelled or not) by an estimator fitted on a reference; nil without rows.
    public func estimate(with estimator: CBPE) -> CBPE.Estimate? {
        guard count > 0 else { return nil }
        if estimator.isBinary {
            let positive = estimator.classes[1]
            return estimator.estimate(binaryScores: scores, predicted: predicted.indices.map { isPredictedPositive($0, positive: positive) })
        }
        let (classes, order) = sortedClasses()
        guard classes == estimator.classes else { return nil }
        return estimator.estimate(
            scores: predicted.indices.map { row in order.map { scores[row * width + $0] } },
            predicted: predicted.indices.map { predictedIndex($0, classes: classes, order: order) }
        )
    }

    private func isPredictedPositive(_ row: Int, positive: String) -> Bool {
        predicted[row] >= 0 ? names[Int(predicted[row])] == positive : scores[row] >= 0.5
    }

    /// The score classes sorted (NannyML's order), and for each the column of its score in a row.
    private func sortedClasses() -> (classes: [String], order: [Int]) {
        let order = scoreClasses.indices.sorted { scoreClasses[$0] < scoreClasses[$1] }
        return (order.map { scoreClasses[$0] }, order)
    }

    /// The index in `classes` of a row's predicted class: its prediction column's, else the highest score's.
    private func predictedIndex(_ row: Int, classes: [String], order: [Int]) -> Int {
        if predicted[row] >= 0, let found = classes.firstIndex(of: names[Int(predicted[row])]) { return found }
        var best = 0
        for (index, column) in order.enumerated() where scores[row * width + column] > scores[row * width + order[best]] { best = index }
        return best
    }
}
