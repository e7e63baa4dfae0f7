import VigilCore

/// What one model version did during one step of a generated test: the same numbers become Prometheus series
/// (counters and histogram buckets sampled at the end of each step) and, for Vigil's evaluator, events in the
/// middle of the step.
struct TrafficStep: Sendable, Hashable {
    /// Successful predictions.
    var ok = 0
    /// Failed predictions.
    var errors = 0
    /// Latencies in milliseconds as (value, predictions); every prediction of the step has one.
    var latencies: [Latency] = []
    /// The top class score of each successful prediction.
    var confidence = 0.95
    /// The predicted classes of the successful predictions.
    var classes: [ClassCount] = []
    /// The value of the rule's gauge at the end of the step, for rules that read one.
    var gauge: Double?
    /// The events behind the gauge (labelled predictions, business-metric count), where the guard reads them.
    var gaugeEvents: Double?

    struct Latency: Sendable, Hashable {
        var milliseconds: Double
        var count: Int
    }

    struct ClassCount: Sendable, Hashable {
        var name: String
        var count: Int
    }

    var requests: Int { ok + errors }

    /// The step's predictions as Vigil receives them, at `time` (the middle of the step).
    func events(version: String, time: Int64) -> [PredictionEvent] {
        var events: [PredictionEvent] = []
        events.reserveCapacity(requests)
        var latencyValues: [Double] = []
        for latency in latencies { latencyValues += Array(repeating: latency.milliseconds, count: latency.count) }
        var classNames: [String] = []
        for predicted in classes { classNames += Array(repeating: predicted.name, count: predicted.count) }
        for index in 0..<requests {
            let failed = index >= ok
            let predicted = failed || index >= classNames.count ? nil : classNames[index]
            events.append(
                PredictionEvent(
                    id: "\(time)-\(index)", timestampMilliseconds: time, version: version,
                    prediction: predicted.map { .scores([$0: confidence]) },
                    latencyMilliseconds: index < latencyValues.count ? latencyValues[index] : nil, status: failed ? "error" : "ok",
                    errorType: failed ? "synthetic" : nil
                )
            )
        }
        return events
    }
}

/// Prometheus-side numbers of synthetic steps: the cumulative counters promtool's input series hold, and what
/// PromQL computes from them at an evaluation time, so that the generated tests can spell out the `$value` of
/// an annotation as Prometheus will print it.
struct SyntheticSeries {
    var steps: [TrafficStep]

    /// `sum(steps[from..<to].keyPath)`, for counters.
    func total(_ from: Int, _ to: Int, _ value: (TrafficStep) -> Double) -> Double {
        var sum = 0.0
        for index in max(0, from)..<max(max(0, from), to) { sum += value(steps[index]) }
        return sum
    }

    /// The cumulative values of a counter at each sample (sample `i` is the end of step `i − 1`; sample 0 is 0).
    func cumulative(_ value: (TrafficStep) -> Double) -> [Double] {
        var values = [0.0]
        var sum = 0.0
        for step in steps {
            sum += value(step)
            values.append(sum)
        }
        return values
    }

    /// A gauge's value at each sample (sample 0 repeats the first step's value).
    func gauge(_ value: (TrafficStep) -> Double?) -> [Double?] {
        guard let first = steps.first else { return [] }
        return [value(first)] + steps.map(value)
    }

    /// Predictions with a latency at or under `bound` milliseconds in a step.
    static func latencyAtMost(_ bound: Double, _ step: TrafficStep) -> Double {
        Double(step.latencies.filter { $0.milliseconds <= bound }.reduce(0) { $0 + $1.count })
    }

    /// Predictions of `name` with a confidence at or under `bound` in a step.
    static func confidenceAtMost(_ bound: Double, className: String, _ step: TrafficStep) -> Double {
        step.confidence <= bound ? Double(step.classes.first { $0.name == className }?.count ?? 0) : 0
    }

    /// Prometheus' `histogram_quantile` (2.42's bucketQuantile) over buckets as (upper bound, cumulative rate),
    /// sorted, the last one `+Inf`.
    static func histogramQuantile(_ q: Double, _ buckets: [(bound: Double, count: Double)]) -> Double {
        guard buckets.count >= 2, buckets.last!.bound == .infinity else { return .nan }
        var counts = buckets.map(\.count)
        // ensureMonotonic
        var maximum = -Double.infinity
        for index in counts.indices {
            if counts[index] > maximum { maximum = counts[index] } else { counts[index] = maximum }
        }
        let observations = counts.last!
        if observations == 0 { return .nan }
        var rank = q * observations
        var b = counts.firstIndex { $0 >= rank } ?? counts.count - 1
        if b > counts.count - 1 { b = counts.count - 1 }
        if b == counts.count - 1 { return buckets[counts.count - 2].bound }
        if b == 0, buckets[0].bound <= 0 { return buckets[0].bound }
        var start = 0.0
        let end = buckets[b].bound
        var count = counts[b]
        if b > 0 {
            start = buckets[b - 1].bound
            count -= counts[b - 1]
            rank -= counts[b - 1]
        }
        return start + (end - start) * (rank / count)
    }
}
