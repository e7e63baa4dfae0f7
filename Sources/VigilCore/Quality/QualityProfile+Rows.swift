import VigilStats

extension QualityProfile {
    /// Adds `count` rows of a dataset whose actual and predicted classes are given: a dataset's rows are
    /// counted per pair of classes while the file is read, then added here once per pair.
    mutating func addRows(actual: String, predicted: String, count: Int) {
        labelled += count
        confusion.add(actual: admitted(actual), predicted: admitted(predicted), weight: count)
    }

    /// Adds one row of a binary classifier that gives the probability of the positive class: the predicted
    /// class is the positive one from 0.5 up (Evidently's default `probas_threshold`), and the probability
    /// feeds ROC AUC, PR AUC, log loss, Brier score and calibration, as per-class scores do.
    mutating func addRow(actual: String, probability: Double, positive: String, negative: String) {
        labelled += 1
        confusion.add(actual: admitted(actual), predicted: admitted(probability >= 0.5 ? positive : negative), weight: 1)
        addScores([positive: probability, negative: 1 - probability], actual: actual, weight: 1)
    }

    /// Adds one row of a regressor.
    mutating func addRow(actual: Double, predicted: Double) {
        labelled += 1
        regression.add(actual: actual, predicted: predicted, weight: 1)
    }

    /// Counts rows with a target but no prediction that can be scored.
    mutating func addUnscorable(_ count: Int) {
        labelled += count
        unscorable += count
    }
}
