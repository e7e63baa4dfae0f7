extension CBPE {
    /// The estimated performance of one stretch of predictions.
    public struct Estimate: Sendable, Equatable {
        /// Predictions the estimate rests on.
        public var rows: Int
        /// Each metric's estimate (a multiclass metric macro-averaged over the classes, as NannyML does) and its
        /// sampling error; a metric whose denominator is empty is left out.
        public var values: [Metric: Figure]
        /// How far the estimated accuracy could move were each binned score calibrated at its bin's other end: 0
        /// for an estimate from rows, a bound for one from ``EstimationScores``.
        public var calibrationSpread: Double
    }

    /// One estimated metric.
    public struct Figure: Sendable, Equatable {
        public var value: Double
        /// NannyML's standard error of the metric over this many rows; NannyML draws ±3 of them.
        public var samplingError: Double
        /// For ROC AUC from binned scores: the range that the value with every score ordered would lie in.
        public var lower: Double
        public var upper: Double
    }

    /// Rows of one class whose raw scores cannot be told apart, ordered with the others by descending score.
    public struct Group: Sendable, Equatable {
        /// Rows predicted as the class, and the sum of their calibrated probability of it.
        public var predicted: Double
        public var predictedProbability: Double
        /// Rows predicted as another class, and the sum of their calibrated probability of this one.
        public var other: Double
        public var otherProbability: Double
    }

    /// The estimate for a binary model's rows: the positive class's raw score and whether the model predicted it.
    public func estimate(binaryScores scores: [Double], predicted: [Bool]) -> Estimate {
        precondition(isBinary && scores.count == predicted.count, "a binary model's scores, one prediction each")
        let rows = zip(scores, predicted).filter { $0.0.isFinite }
        let groups = Self.groups(rows.map { ($0.0, calibrated([$0.0])[0], $0.1) })
        return estimate(classGroups: [groups], rows: rows.count, calibrationSpread: 0)
    }

    /// The estimate for a multiclass model's rows: each row's raw scores in the order of ``classes`` and the
    /// index of the class it predicted.
    public func estimate(scores: [[Double]], predicted: [Int]) -> Estimate {
        precondition(!isBinary && scores.count == predicted.count, "a multiclass model's scores, one prediction each")
        let probabilities = scores.map(calibrated)
        let groups = classes.indices.map { c in Self.groups(scores.indices.map { (scores[$0][c], probabilities[$0][c], predicted[$0] == c) }) }
        return estimate(classGroups: groups, rows: scores.count, calibrationSpread: 0)
    }

    /// Rows (raw score, calibrated probability, predicted as the class) gathered into groups of equal raw score,
    /// highest first.
    static func groups(_ rows: [(raw: Double, probability: Double, isPredicted: Bool)]) -> [Group] {
        var groups: [Group] = []
        var last = Double.nan
        for row in rows.sorted(by: { $0.raw > $1.raw }) {
            if row.raw != last { groups.append(Group(predicted: 0, predictedProbability: 0, other: 0, otherProbability: 0)) }
            last = row.raw
            if row.isPredicted {
                groups[groups.count - 1].predicted += 1
                groups[groups.count - 1].predictedProbability += row.probability
            } else {
                groups[groups.count - 1].other += 1
                groups[groups.count - 1].otherProbability += row.probability
            }
        }
        return groups
    }

    /// Estimates from each class's groups (one list for a binary model: the positive class's).
    func estimate(classGroups: [[Group]], rows: Int, calibrationSpread: Double) -> Estimate {
        var sums: [Metric: (value: Double, count: Int)] = [:]
        var lower = 0.0
        var upper = 0.0
        var correct = 0.0
        func add(_ metric: Metric, _ numerator: Double, _ denominator: Double) {
            guard denominator > 0 else { return }
            sums[metric, default: (0, 0)].value += numerator / denominator
            sums[metric, default: (0, 0)].count += 1
        }
        for groups in classGroups {
            let truePositive = groups.reduce(0) { $0 + $1.predictedProbability }
            let falsePositive = groups.reduce(0) { $0 + $1.predicted } - truePositive
            let falseNegative = groups.reduce(0) { $0 + $1.otherProbability }
            let trueNegative = groups.reduce(0) { $0 + $1.other } - falseNegative
            correct += isBinary ? truePositive + trueNegative : truePositive
            add(.precision, truePositive, truePositive + falsePositive)
            add(.recall, truePositive, truePositive + falseNegative)
            add(.specificity, trueNegative, trueNegative + falsePositive)
            add(.f1, truePositive, truePositive + (falsePositive + falseNegative) / 2)
            // Expected positives and negatives of each group, the groups as tie groups: NannyML walks the rows in
            // score order, and rows of equal raw score have equal probability, so their ties count one half.
            let auc = ScoreHistogram.rocAUC(
                groups: groups.map { ($0.predictedProbability + $0.otherProbability, $0.predicted + $0.other - $0.predictedProbability - $0.otherProbability) }
            )
            if auc.estimate.isFinite {
                add(.rocAUC, auc.estimate, 1)
                lower += auc.lower
                upper += auc.upper
            }
        }
        var values: [Metric: Figure] = [:]
        for (metric, sum) in sums where sum.count == classGroups.count {
            let value = sum.value / Double(sum.count)
            let bounds = metric == .rocAUC ? (lower / Double(sum.count), upper / Double(sum.count)) : (value, value)
            values[metric] = Figure(
                value: value, samplingError: spread.samplingError(metric, rows: rows, binary: isBinary), lower: bounds.0, upper: bounds.1
            )
        }
        if rows > 0 {
            values[.accuracy] = Figure(
                value: correct / Double(rows), samplingError: spread.samplingError(.accuracy, rows: rows, binary: isBinary),
                lower: correct / Double(rows), upper: correct / Double(rows)
            )
        }
        return Estimate(rows: rows, values: values, calibrationSpread: calibrationSpread)
    }
}
