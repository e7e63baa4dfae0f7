public import VigilCore
import VigilStats

extension SLICounts {
    /// The good and total predictions of a window's traffic for an indicator.
    ///
    /// Availability counts every prediction, good when it did not fail. A quality SLO counts windows, not
    /// predictions (``init(window:indicator:)``): here it counts nothing. Latency counts the predictions that
    /// reported a latency, good at or under the bound, as a Prometheus histogram's `le` bucket does; over a
    /// sketch's exact range (up to a few thousand values per window) the count is exact, beyond it the share
    /// is within the sketch's rank error bound.
    public init(_ traffic: LiveProfile, indicator: ServiceLevelObjective.Indicator) {
        switch indicator {
        case .availability:
            self.init(good: Double(traffic.requestCount - traffic.errorCount), total: traffic.requestCount)
        case .quality:
            self.init(good: 0, total: 0)
        case .latency(let bound):
            let latency = traffic.latency
            guard latency.count > 0 else {
                self.init(good: 0, total: 0)
                return
            }
            let sample = latency.weightedSample
            var under = 0.0
            for (value, weight) in zip(sample.values, sample.weights) where value <= bound { under += weight }
            self.init(good: under / sample.totalWeight * Double(latency.count), total: latency.count)
        }
    }
}
