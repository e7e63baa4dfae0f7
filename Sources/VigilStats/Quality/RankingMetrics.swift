/// ROC-AUC and average precision computed exactly from scores and binary labels.
public enum RankingMetrics {
    /// Area under the ROC curve with ties counted as one half (the Mann–Whitney statistic), as
    /// `sklearn.metrics.roc_auc_score`. NaN when one class is absent.
    public static func rocAUC(scores: [Double], positives: [Bool]) -> Double {
        let groups = tieGroups(scores: scores, positives: positives)
        return ScoreHistogram.rocAUC(groups: groups).estimate
    }

    /// Average precision Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct score thresholds, as
    /// `sklearn.metrics.average_precision_score`. NaN when there are no positives.
    public static func averagePrecision(scores: [Double], positives: [Bool]) -> Double {
        let groups = tieGroups(scores: scores, positives: positives)
        return ScoreHistogram.averagePrecision(groups: groups).estimate
    }

    /// (positives, negatives) per distinct score, highest score first.
    static func tieGroups(scores: [Double], positives: [Bool]) -> [(positives: Double, negatives: Double)] {
        precondition(scores.count == positives.count, "one label per score")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var groups = [(positives: Double, negatives: Double)]()
        var previous: Double?
        for index in order {
            if scores[index] != previous {
                groups.append((0, 0))
                previous = scores[index]
            }
            if positives[index] { groups[groups.count - 1].positives += 1 } else { groups[groups.count - 1].negatives += 1 }
        }
        return groups
    }
}
