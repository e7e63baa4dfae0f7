import Foundation

extension CBPE {
    /// The per-row spread of each metric on the reference, from which NannyML scales a window's sampling error:
    /// SE = σ / √(n · fraction), σ the standard deviation of the metric's row-level contributions and fraction
    /// the share of rows that contribute (predicted positives for precision, actual positives for recall…).
    /// A multiclass metric keeps one (variance, fraction) per class and combines them as √(Σ var / (n · fraction)) / C
    /// (× 1.2 for ROC AUC, NannyML's allowance); its accuracy keeps one σ.
    public struct Spread: Sendable, Equatable {
        /// Per metric, one (spread, fraction) per class (a binary model: one, and the spread is σ, not σ²).
        public var components: [Metric: [Component]]

        /// The spread of one metric (σ for a binary model, σ² per class for a multiclass one) and the share of rows it rests on.
        public struct Component: Sendable, Equatable {
            public var spread: Double
            public var fraction: Double
            public init(spread: Double, fraction: Double) {
                self.spread = spread
                self.fraction = fraction
            }
        }

        public init(components: [Metric: [Component]]) { self.components = components }

        /// The sampling error of `metric` over `n` rows (NaN when the reference could not say).
        public func samplingError(_ metric: Metric, rows n: Int, binary: Bool) -> Double {
            guard let parts = components[metric], !parts.isEmpty, n > 0 else { return .nan }
            let rows = Double(n)
            if binary || metric == .accuracy { return parts[0].spread / (rows * parts[0].fraction).squareRoot() }
            let variance = parts.reduce(0.0) { $0 + $1.spread / (rows * $1.fraction) }
            return variance.squareRoot() / Double(parts.count) * (metric == .rocAUC ? 1.2 : 1)
        }

        static func binary(scores: [Double], predicted: [Bool], actual: [Bool]) -> Spread {
            let n = Double(scores.count)
            let tp = zip(predicted, actual).filter { $0 && $1 }.count
            let fp = zip(predicted, actual).filter { $0 && !$1 }.count
            let fn = zip(predicted, actual).filter { !$0 && $1 }.count
            let tn = scores.count - tp - fp - fn
            var components: [Metric: [Component]] = [:]
            components[.accuracy] = [Component(spread: populationStandardDeviation(ones: tp + tn, zeros: fp + fn), fraction: 1)]
            components[.precision] = [Component(spread: populationStandardDeviation(ones: tp, zeros: fp), fraction: Double(tp + fp) / n)]
            components[.recall] = [Component(spread: populationStandardDeviation(ones: tp, zeros: fn), fraction: Double(tp + fn) / n)]
            components[.specificity] = [Component(spread: populationStandardDeviation(ones: tn, zeros: fp), fraction: Double(tn + fp) / n)]
            // F1: the row-level values (1 for a true positive, 0 for a false one) scaled by the correcting factor
            // that makes their mean the F1 score.
            let relevant = tp + fn + fp
            if relevant > 0 {
                let factor = Double(relevant) / (Double(fn + fp) * 0.5 + Double(tp))
                components[.f1] = [Component(spread: populationStandardDeviation(ones: tp, zeros: fn + fp) * factor, fraction: Double(relevant) / n)]
            }
            components[.rocAUC] = [aucComponent(scores: scores, actual: actual, variance: false)]
            return Spread(components: components)
        }

        static func multiclass(classes: Int, scores: [[Double]], predicted: [Int], actual: [Int]) -> Spread {
            let n = Double(scores.count)
            var components: [Metric: [Component]] = [:]
            let correct = zip(predicted, actual).filter { $0 == $1 }.count
            components[.accuracy] = [Component(spread: populationStandardDeviation(ones: correct, zeros: scores.count - correct), fraction: 1)]
            for c in 0..<classes {
                let tp = zip(predicted, actual).filter { $0 == c && $1 == c }.count
                let fp = zip(predicted, actual).filter { $0 == c && $1 != c }.count
                let fn = zip(predicted, actual).filter { $0 != c && $1 == c }.count
                let tn = scores.count - tp - fp - fn
                func variance(_ ones: Int, _ zeros: Int) -> Double { pow(populationStandardDeviation(ones: ones, zeros: zeros), 2) }
                components[.precision, default: []].append(Component(spread: variance(tp, fp), fraction: Double(tp + fp) / n))
                components[.recall, default: []].append(Component(spread: variance(tp, fn), fraction: Double(tp + fn) / n))
                components[.specificity, default: []].append(Component(spread: variance(tn, fp), fraction: Double(tn + fp) / n))
                components[.f1, default: []].append(Component(spread: variance(tp, fn + fp), fraction: Double(tp + fn + fp) / n))
                components[.rocAUC, default: []].append(aucComponent(scores: scores.map { $0[c] }, actual: actual.map { $0 == c }, variance: true))
            }
            return Spread(components: components)
        }

        /// The standard deviation of `ones` ones and `zeros` zeros (numpy's `std`, ddof 0); NaN with no value.
        static func populationStandardDeviation(ones: Int, zeros: Int) -> Double {
            let n = Double(ones + zeros)
            guard n > 0 else { return .nan }
            let mean = Double(ones) / n
            return (mean * (1 - mean)).squareRoot()
        }

        /// ROC AUC's row-level contributions as NannyML takes them: the minority class is made the positive one,
        /// rows are sorted by score, and each positive contributes the share of negatives ranked below it. The
        /// positive at rank 0, when there is one, is left out, as NannyML leaves it out.
        static func aucComponent(scores: [Double], actual: [Bool], variance: Bool) -> Component {
            var positives = actual
            var values = scores
            if Double(actual.filter { $0 }.count) / Double(actual.count) > 0.5 {
                positives = actual.map { !$0 }
                values = scores.map { 1 - $0 }
            }
            let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
            let positiveCount = positives.filter { $0 }.count
            let negativeCount = positives.count - positiveCount
            guard positiveCount > 0, negativeCount > 0 else { return Component(spread: .nan, fraction: 0) }
            var contributions: [Double] = []
            for (rank, row) in order.enumerated() where positives[row] && rank > 0 {
                contributions.append(Double(rank - contributions.count) / Double(negativeCount))
            }
            let mean = contributions.reduce(0, +) / Double(contributions.count)
            let squares = contributions.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(contributions.count)
            return Component(spread: variance ? squares : squares.squareRoot(), fraction: Double(positiveCount) / Double(actual.count))
        }
    }

    /// The metrics CBPE estimates.
    public enum Metric: String, Sendable, CaseIterable, Hashable {
        case accuracy
        case precision
        case recall
        case f1
        case specificity
        case rocAUC = "roc_auc"
    }
}
