public import VigilStats

/// Two versions' rows joined by request id (shadow traffic): for every metric a paired test reads (`accuracy`,
/// `mae`, `latency_mean`), the pairs' sums, and how many rows of each side found their pair.
///
/// Built from two files (``pair(_:_:regression:)``) or, on the server, one stored request at a time
/// (``init(baselineRequests:candidateRequests:)`` and ``add(baseline:candidate:label:)``).
public struct ShadowPairs: Sendable {
    /// Where the rows came from, for the guard's words.
    enum Source: Sendable {
        /// Two files of rows.
        case files
        /// The prediction log: the predictions of a window that carry a request id.
        case log
    }

    /// Paired sums by metric name.
    public private(set) var sums: [String: PairedSums] = [:]
    /// Rows of the baseline's file, or the requests the baseline scored first in the window.
    public private(set) var baselineRows: Int
    /// Rows of the candidate's file, or the requests the candidate scored first in the window.
    public private(set) var candidateRows: Int
    /// Requests both versions scored.
    public private(set) var paired = 0
    private let source: Source

    private init(baselineRows: Int, candidateRows: Int, source: Source = .files) {
        self.baselineRows = baselineRows
        self.candidateRows = candidateRows
        self.source = source
    }

    /// Pairs to be added one request at a time, as the server reads its stored shadow traffic, with how many
    /// requests each version scored first in the window (what the `pairing` guard weighs the pairs against).
    public init(baselineRequests: Int, candidateRequests: Int) {
        self.init(baselineRows: baselineRequests, candidateRows: candidateRequests, source: .log)
    }

    /// Adds one request both versions scored. Their latencies pair whenever both are known; their outcomes
    /// pair when `label` is given (the request's ground truth, from the matured part of a window): absolute
    /// errors when the label and both predictions are numbers (`mae`), else whether each predicted class is the
    /// label's (`accuracy`). A prediction that cannot be scored against the label leaves the outcomes unpaired.
    public mutating func add(baseline: PredictionEvent, candidate: PredictionEvent, label: PredictionValue?) {
        paired += 1
        if let latencyA = baseline.latencyMilliseconds, let latencyB = candidate.latencyMilliseconds {
            sums["latency_mean", default: PairedSums()].add(baseline: latencyA, candidate: latencyB)
        }
        guard let label, let predictionA = baseline.prediction, let predictionB = candidate.prediction else { return }
        switch (label, predictionA, predictionB) {
        case (.number(let t), .number(let x), .number(let y)):
            sums["mae", default: PairedSums()].add(baseline: abs(x - t), candidate: abs(y - t))
        default:
            guard let classA = predictionA.predictedClass?.name, let classB = predictionB.predictedClass?.name else { return }
            let actual = QualityProfile.className(of: label)
            sums["accuracy", default: PairedSums()].add(baseline: classA == actual ? 1 : 0, candidate: classB == actual ? 1 : 0)
        }
    }

    /// Adds another span of the same two versions' shadow traffic (its pairs, sums and request counts): a window's
    /// pairs are the merge of its spans' in time order.
    public mutating func merge(_ other: ShadowPairs) {
        paired += other.paired
        baselineRows += other.baselineRows
        candidateRows += other.candidateRows
        for (metric, pairs) in other.sums { sums[metric, default: PairedSums()].merge(pairs) }
    }

    /// These pairs' latencies alone, without the outcomes: a span not yet matured, whose labels are not counted.
    public var latenciesOnly: ShadowPairs {
        var pairs = self
        pairs.sums = sums.filter { $0.key == "latency_mean" }
        return pairs
    }

    /// Joins the two files' rows by request id. A request's target is read from either file; when both have it
    /// and they differ, that is an error naming the request and both lines. `regression` compares absolute
    /// errors (`mae`), otherwise correct predictions (`accuracy`).
    public static func pair(_ baseline: PairedRows, _ candidate: PairedRows, regression: Bool) throws(DatasetError) -> ShadowPairs {
        var pairs = ShadowPairs(baselineRows: baseline.count, candidateRows: candidate.count)
        for id in baseline.order {
            guard let b = candidate.rows[id], let a = baseline.rows[id] else { continue }
            pairs.paired += 1
            if let latencyA = a.latency, let latencyB = b.latency {
                pairs.sums["latency_mean", default: PairedSums()].add(baseline: latencyA, candidate: latencyB)
            }
            if let targetA = a.target, let targetB = b.target, !same(targetA, targetB, regression: regression) {
                throw DatasetError(
                    file: candidate.path,
                    line: b.line,
                    "request \"\(id)\" has the target \"\(targetB.className)\" here and \"\(targetA.className)\" in \(baseline.path) (line \(a.line))"
                )
            }
            guard let target = a.target ?? b.target, let predictionA = a.prediction, let predictionB = b.prediction else { continue }
            if regression {
                guard let t = target.number, let x = predictionA.number, let y = predictionB.number else {
                    let bad = target.number == nil ? "target" : predictionA.number == nil ? "baseline's prediction" : "candidate's prediction"
                    throw DatasetError(
                        file: candidate.path,
                        line: b.line,
                        "request \"\(id)\": the \(bad) is not a number, and a regression compares absolute errors"
                    )
                }
                pairs.sums["mae", default: PairedSums()].add(baseline: abs(x - t), candidate: abs(y - t))
            } else {
                let actual = target.className
                pairs.sums["accuracy", default: PairedSums()].add(
                    baseline: predictionA.className == actual ? 1 : 0,
                    candidate: predictionB.className == actual ? 1 : 0
                )
            }
        }
        return pairs
    }

    private static func same(_ a: PairedRows.Value, _ b: PairedRows.Value, regression: Bool) -> Bool {
        if regression, let x = a.number, let y = b.number { return x == y }
        return a.className == b.className
    }

    /// The guard on pairing: each side's share of rows that found their pair, tested for a difference (a version
    /// whose rows are missing more often is not compared on the same requests).
    var guardTest: ComparisonGuard {
        let test = SampleRatioMismatch.rates(
            successes: (Double(paired), Double(paired)),
            trials: (Double(Swift.max(baselineRows, paired)), Double(Swift.max(candidateRows, paired)))
        )
        let a = baselineRows > 0 ? Double(paired) / Double(baselineRows) : 0
        let b = candidateRows > 0 ? Double(paired) / Double(candidateRows) : 0
        let detail =
            switch source {
            case .files:
                "\(paired) requests in both files: \(ComparisonPlan.percent(a)) of the baseline's \(baselineRows) rows, \(ComparisonPlan.percent(b)) of the candidate's \(candidateRows)"
            case .log where paired == 0:
                "no request scored by both versions (the baseline has \(baselineRows) request ids, the candidate \(candidateRows)): send the same request_id with both versions' predictions"
            case .log:
                "\(paired) requests scored by both versions: \(ComparisonPlan.percent(a)) of the baseline's \(baselineRows) request ids, \(ComparisonPlan.percent(b)) of the candidate's \(candidateRows)"
            }
        return ComparisonGuard(name: "pairing", test: test, detail: detail, unmet: paired == 0)
    }
}
