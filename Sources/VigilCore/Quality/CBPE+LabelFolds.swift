public import VigilStats

extension CBPE {
    /// Fewest labelled predictions with scores an estimator is fitted on: NannyML warns below six reference
    /// chunks, and a calibration map from fewer rows than this follows noise.
    public static let minimumReferenceRows = 100

    /// Fits a model version's estimator on labelled production traffic: the predictions sent with per-class
    /// scores, each with its current label. A model whose scores name two classes is binary, its positive class
    /// `positiveClass` or, by default, the one the realized quality takes (`1`, `true`, `yes`, `positive`, else
    /// the rarer actual class); with more classes it is multiclass. Predictions without scores, and labels naming
    /// a class the scores do not, are left out; their numbers are in the answer.
    public static func fit(labelled folds: [LabelFold], positiveClass: String? = nil) throws(FitError) -> (estimator: CBPE, used: Int, skipped: Int) {
        var rows: [(scores: [String: Double], predicted: String, actual: String)] = []
        var names = Set<String>()
        var skipped = 0
        for fold in folds {
            guard case .scores(let scores)? = fold.prediction.prediction, let predicted = fold.prediction.prediction?.predictedClass?.name,
                scores.count <= EstimationScores.maximumClasses
            else {
                skipped += 1
                continue
            }
            names.formUnion(scores.keys)
            rows.append((scores, predicted, QualityProfile.className(of: fold.label.value)))
        }
        let classes = names.sorted()
        let usable = rows.filter { names.contains($0.actual) }
        skipped += rows.count - usable.count
        guard usable.count >= minimumReferenceRows else {
            throw FitError("\(usable.count) labelled predictions with scores; an estimator needs at least \(minimumReferenceRows)")
        }
        guard classes.count >= 2 else { throw FitError("the labelled predictions name \(classes.count) class\(classes.count == 1 ? "" : "es") in their scores; an estimate needs two or more") }
        func normalized(_ scores: [String: Double]) -> [Double] {
            let values = classes.map { scores[$0].map { $0.isFinite ? Swift.max(0, $0) : 0 } ?? 0 }
            let total = values.reduce(0, +)
            return total > 0 ? values.map { $0 / total } : values
        }
        if classes.count == 2 {
            var confusion = ConfusionMatrix()
            for row in usable { confusion.add(actual: row.actual, predicted: row.predicted) }
            let positive = positiveClass.flatMap { classes.contains($0) ? $0 : nil } ?? QualitySummary.defaultPositiveClass(confusion)
            let negative = classes.first { $0 != positive }!
            let index = classes.firstIndex(of: positive)!
            let estimator = try CBPE(
                negativeClass: negative, positiveClass: positive, scores: usable.map { normalized($0.scores)[index] },
                predicted: usable.map { $0.predicted == positive }, actual: usable.map { $0.actual == positive }
            )
            return (estimator, usable.count, skipped)
        }
        let estimator = try CBPE(
            classes: classes, scores: usable.map { normalized($0.scores) },
            predicted: usable.map { classes.firstIndex(of: $0.predicted)! }, actual: usable.map { classes.firstIndex(of: $0.actual)! }
        )
        return (estimator, usable.count, skipped)
    }
}
