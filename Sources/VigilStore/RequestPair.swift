public import VigilCore

/// Two versions' predictions for one request (shadow traffic: both versions scored it and reported the same
/// request id), each read without its features and with the label that folds for it, if any.
public struct RequestPair: Sendable, Equatable {
    /// The request id both predictions carry.
    public var requestId: String
    /// The baseline version's first prediction for the request.
    public var baseline: StoredPrediction
    /// The candidate version's first prediction for the request.
    public var candidate: StoredPrediction

    /// The request's label: either version's prediction may carry it; when both do, the later one (the newer
    /// knowledge), the baseline's on a tie.
    public var label: LabelEvent? {
        switch (baseline.label, candidate.label) {
        case (let a?, let b?): b.timestampMilliseconds > a.timestampMilliseconds ? b : a
        case (let a, let b): a ?? b
        }
    }

    /// A request's two predictions.
    public init(requestId: String, baseline: StoredPrediction, candidate: StoredPrediction) {
        self.requestId = requestId
        self.baseline = baseline
        self.candidate = candidate
    }
}
