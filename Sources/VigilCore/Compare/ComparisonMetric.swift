public import VigilStats

/// A metric two versions can be compared on, and how to read it from an arm.
///
/// - `accuracy`: the share of labelled predictions that were right (classifiers); points.
/// - `mae`: the mean absolute error of labelled predictions (regressors); per cent, lower is better.
/// - `error_rate`: the share of failed requests; points, lower is better.
/// - `latency_mean`, `latency_p50`, `latency_p90`, `latency_p95`, `latency_p99`: per cent, lower is better;
///   quantiles by Deng et al.'s test on the latency sketch.
/// - `metric:NAME`: a business metric's mean per prediction (or per label when only labels carry it); per cent,
///   higher is better.
public struct ComparisonMetric: Sendable, Equatable {
    /// The name as written in a request.
    public var name: String
    /// Which way is better.
    public var direction: MetricComparison.Direction
    /// Points (shares) or per cent (means, quantiles).
    public var difference: DifferenceType
    /// The guardrail tolerance when none is given: 1 point for shares, 10 % otherwise.
    public var defaultTolerance: Double
    /// True when it is computed from labels, so only matured windows count and label coverage is checked.
    public var usesLabels: Bool
    /// True when `arm` holds what the metric is computed from (a file may have no latency or status column).
    public func isAvailable(in arm: ComparisonArm) -> Bool {
        switch reader {
        case .errorRate: arm.errors != nil
        case .latencyMean, .latencyQuantile: arm.latency != nil
        default: true
        }
    }
    private var reader: Reader

    private enum Reader: Sendable, Equatable {
        case accuracy, meanAbsoluteError, errorRate, latencyMean
        case latencyQuantile(Double)
        case business(String)
    }

    /// Every built-in name (business metrics are `metric:` followed by their name).
    public static let builtInNames = ["accuracy", "mae", "error_rate", "latency_mean", "latency_p50", "latency_p90", "latency_p95", "latency_p99"]

    /// The metric a name stands for; nil for an unknown name.
    public static func named(_ name: String) -> ComparisonMetric? {
        switch name {
        case "accuracy":
            return ComparisonMetric(
                name: name,
                direction: .higher,
                difference: .absolute,
                defaultTolerance: 0.01,
                usesLabels: true,
                reader: .accuracy
            )
        case "mae":
            return ComparisonMetric(
                name: name,
                direction: .lower,
                difference: .relative,
                defaultTolerance: 0.1,
                usesLabels: true,
                reader: .meanAbsoluteError
            )
        case "error_rate":
            return ComparisonMetric(
                name: name,
                direction: .lower,
                difference: .absolute,
                defaultTolerance: 0.01,
                usesLabels: false,
                reader: .errorRate
            )
        case "latency_mean":
            return ComparisonMetric(
                name: name,
                direction: .lower,
                difference: .relative,
                defaultTolerance: 0.1,
                usesLabels: false,
                reader: .latencyMean
            )
        case "latency_p50", "latency_p90", "latency_p95", "latency_p99":
            let level = Double(name.dropFirst("latency_p".count))! / 100
            return ComparisonMetric(
                name: name,
                direction: .lower,
                difference: .relative,
                defaultTolerance: 0.1,
                usesLabels: false,
                reader: .latencyQuantile(level)
            )
        default:
            guard name.hasPrefix("metric:"), name.count > "metric:".count else { return nil }
            let metric = String(name.dropFirst("metric:".count))
            return ComparisonMetric(
                name: name,
                direction: .higher,
                difference: .relative,
                defaultTolerance: 0.1,
                usesLabels: false,
                reader: .business(metric)
            )
        }
    }

    /// The arm's statistic for this metric, with n = 0 when the arm has no data for it.
    public func statistic(_ arm: ComparisonArm) -> ArmStatistic {
        switch reader {
        case .accuracy:
            let confusion = arm.quality.confusion
            let correct = confusion.classes.reduce(0) { $0 + confusion.count(actual: $1, predicted: $1) }
            return .proportion(successes: Double(correct), trials: confusion.total)
        case .meanAbsoluteError:
            let regression = arm.quality.regression
            let sd = regression.absoluteErrorStandardDeviation
            return .mean(count: regression.count, mean: regression.meanAbsoluteError, sampleVariance: sd * sd)
        case .errorRate:
            guard let errors = arm.errors else { return .proportion(successes: 0, trials: 0) }
            return .proportion(successes: Double(errors), trials: arm.requests)
        case .latencyMean:
            let moments = arm.latency?.moments ?? Moments()
            return .mean(count: moments.count, mean: moments.mean, sampleVariance: moments.sampleVariance)
        case .latencyQuantile(let level):
            let sketch = arm.latency ?? NumericColumnSketch()
            let n = sketch.count
            guard n > 1 else { return .quantile(level: level, count: n, estimate: .nan, lower: .nan, upper: .nan) }
            // The sketch answers a rank within ε of the one asked (0 while it holds every value): the bracket is
            // widened by ε on each side, so the interval keeps its coverage over a sketched p99.
            let bracket = ArmStatistic.quantileBracket(level: level, count: n)
            let epsilon = sketch.quantiles.rankErrorBound
            let values = sketch.quantiles.quantiles([level, max(0, bracket.lower - epsilon), min(1, bracket.upper + epsilon)])
            return .quantile(level: level, count: n, estimate: values[0], lower: values[1], upper: values[2])
        case .business(let metric):
            if let moments = arm.metrics[metric], moments.count > 0 {
                return .mean(count: moments.count, mean: moments.mean, sampleVariance: moments.sampleVariance)
            }
            let outcome = arm.quality.outcomes[metric] ?? ExactMoments()
            let sd = outcome.standardDeviation
            return .mean(count: outcome.count, mean: outcome.count > 0 ? outcome.mean : 0, sampleVariance: sd * sd)
        }
    }
}
