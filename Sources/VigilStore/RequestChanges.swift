/// What changed in two versions' shadow traffic since a pair of log positions: the requests whose pair or
/// counts may have changed (by the times of each version's first prediction for them), and the positions to ask
/// from next time. What ``PredictionLog/requestPairs(model:baseline:candidate:range:after:limit:)`` and
/// ``PredictionLog/requestCounts(model:versions:range:)`` read can change only by a prediction or a label-log
/// entry logged after those positions, so a reader that keeps them per span of time recomputes only the spans
/// named here.
public struct RequestChanges: Sendable, Equatable {
    /// The last positions of the prediction log and of the label log that the changes are complete up to.
    public struct Positions: Sendable, Equatable {
        /// The last position of the prediction log.
        public var prediction: Int64
        /// The last position of the label log.
        public var label: Int64

        /// Positions of the two logs.
        public init(prediction: Int64, label: Int64) {
            self.prediction = prediction
            self.label = label
        }
    }

    /// For each changed request, the times of the baseline's and the candidate's first predictions for it (the
    /// spans its pair and its counts are kept in), in milliseconds.
    public var times: Set<Int64>
    /// Where the next call starts.
    public var through: Positions

    /// Changes, complete up to `through`.
    public init(times: Set<Int64>, through: Positions) {
        self.times = times
        self.through = through
    }
}
