import Foundation

/// The baseline a classifier must beat when there is no labelled reference to compare it with: a model that
/// guesses each prediction at random with the target's class shares, as Evidently's presets define it.
///
/// Evidently draws such guesses once (`numpy` seed 0) and scores the draw, so its baseline moves with the seed
/// by about √(p(1−p)/n). These are the figures of the guesser's *expected* confusion matrix instead (n·pₐ·pₚ
/// in the cell of actual class a and predicted class p): the same for every run and every order of the rows.
/// On 1,000 rows they lie within three standard errors of Evidently's draw
/// (`ModelQualityReportTests`). Each class's precision, recall and F1 are then its share; accuracy is Σ p²;
/// a macro average over k classes is the mean of the shares; ROC AUC is 0.5 and log loss that of the uniform
/// distribution, log k.
public struct DummyClassifier: Sendable, Equatable {
    /// Each class's share of the labelled rows, by class name; classes that only the model predicted have 0.
    public let shares: [String: Double]

    /// The guesser for these per-class counts of the target; `classes` lists every class the averages run over
    /// (the target's and the model's predictions', as scikit-learn's macro average does). Nil without rows.
    public init?(targetCounts: [String: Int], classes: [String]) {
        let total = targetCounts.values.reduce(0, +)
        guard total > 0 else { return nil }
        var shares: [String: Double] = [:]
        for name in Set(classes).union(targetCounts.keys) { shares[name] = Double(targetCounts[name] ?? 0) / Double(total) }
        self.shares = shares
    }

    /// Σ p²: the chance that a guess drawn by the shares names a row's class.
    public var accuracy: Double { shares.values.reduce(0) { $0 + $1 * $1 } }

    /// A class's precision, recall or F1 (all equal its share); for a two-class model the positive class's
    /// share is also its TPR and FPR, and the negative class's share its TNR and FNR.
    public func share(of className: String) -> Double { shares[className] ?? 0 }

    /// The macro average of precision, recall or F1: the mean share over the classes.
    public var macroAverage: Double { shares.isEmpty ? .nan : shares.values.reduce(0, +) / Double(shares.count) }

    /// ROC AUC of a guess that ignores the row.
    public static let rocAUC = 0.5

    /// Log loss of the uniform distribution over `classes` classes (Evidently's dummy scores: 1/k each).
    public static func logLoss(classes: Int) -> Double { log(Double(classes)) }
}
