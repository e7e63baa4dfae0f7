import Foundation
public import VigilStats

/// The model quality of one model version in one time bucket: what the labels received so far say about
/// the predictions made in that bucket. Mergeable into windows, serializable, and subtractable: a corrected
/// label takes the old label's contribution away exactly (``ExactSum``), so the profile is byte-identical to
/// the one built had the new label come first, whatever order predictions, labels and corrections arrived in.
///
/// A classifier (a prediction sent as a class label or as scores per class) fills the confusion matrix,
/// and, when scores are sent, the one-vs-rest score histograms (ROC AUC, PR AUC), the log loss and the
/// per-class probabilistic sums (Brier score, calibration). A regressor (a numeric prediction and a numeric
/// label) fills the regression sums.
public struct QualityProfile: Sendable, Equatable {
    /// At most this many classes per bucket; the rest are counted under ``otherClass`` (whylogs caps at 256).
    public static let maximumClasses = 256
    /// The class that stands for classes past ``maximumClasses``.
    public static let otherClass = "(other)"

    /// Predictions with a label folded in.
    public internal(set) var labelled = 0
    /// Labelled predictions that cannot be scored: no prediction value (a failed request), or a class label
    /// for a numeric prediction.
    public internal(set) var unscorable = 0
    /// Actual against predicted class of the labelled predictions of a classifier.
    public internal(set) var confusion = ConfusionMatrix()
    /// One-vs-rest histograms of each class's score, by whether it was the actual class (ROC AUC, PR AUC).
    public internal(set) var scores = ClassScoreHistograms()
    /// One-vs-rest probabilistic sums per class (Brier score and calibration of each class's score).
    public internal(set) var probabilities: [String: ProbabilisticMetrics] = [:]
    /// Multiclass log loss: Σ −log p(actual) with scores normalized to sum to 1, its square sum and count.
    var logLossSum = ExactSum()
    var logLossSquaredSum = ExactSum()
    /// Labelled predictions in the log loss sums.
    public internal(set) var logLossCount = 0
    /// Error sums of a regressor's labelled predictions.
    public internal(set) var regression = RegressionMetrics()
    /// Business outcomes sent with labels (`metrics`), by name: at most ``maximumOutcomes`` names per bucket.
    public private(set) var outcomes: [String: ExactMoments] = [:]
    /// At most this many outcome names per bucket; further names are left out.
    public static let maximumOutcomes = 64
    /// Quality per segment tag and value of the predictions (`segment: {"tier": "gold"}`), bounded as the live
    /// profiles' segments are (``SegmentBreakdown/maximumTags`` tags × ``SegmentBreakdown/maximumValuesPerTag``
    /// values, further values under ``SegmentBreakdown/otherValue``). A segment's profile keeps the confusion
    /// matrix, the regression sums, delays and outcomes, but no score histograms or probabilistic sums: up to
    /// 3200 of them per bucket must stay small.
    public private(set) var segments: [String: [String: QualityProfile]] = [:]
    /// False in a segment's profile: it keeps no scores and no segments of its own.
    private var isWhole = true
    /// Seconds from prediction to label of the labels held (a corrected label's delay is the correction's).
    public private(set) var delays = LabelDelayHistogram()

    /// A bucket with no label yet.
    public init() {}

    private init(segment: Void) { isWhole = false }

    /// A profile counted afresh from each prediction's current label: what a bucket is recounted to.
    public init(recounting folds: [LabelFold]) {
        for fold in folds { add(prediction: fold.prediction, label: fold.label, weight: 1) }
    }

    /// True when a correction took away the largest regression error (of the bucket or of one of its
    /// segments), so that only a bound is left and
    /// the owner should recount the bucket from its events (``init(recounting:)``).
    public var needsRecount: Bool {
        !regression.maximumIsExact || segments.values.contains { $0.values.contains { !$0.regression.maximumIsExact } }
    }

    /// True when nothing is held.
    public var isEmpty: Bool { labelled == 0 && delays.total == 0 && outcomes.isEmpty && segments.isEmpty }

    /// Folds a label in: the new label's contribution added and, for a correction, the replaced one's taken away.
    public mutating func fold(_ fold: LabelFold) {
        if let replaced = fold.replaced { add(prediction: fold.prediction, label: replaced, weight: -1) }
        add(prediction: fold.prediction, label: fold.label, weight: 1)
    }

    /// Adds one labelled prediction (weight 1) or takes it away (weight -1).
    public mutating func add(prediction: PredictionEvent, label: LabelEvent, weight: Int) {
        labelled += weight
        delays.add(seconds: Double(label.timestampMilliseconds - prediction.timestampMilliseconds) / 1000, weight: weight)
        for (name, value) in label.metrics where outcomes[name] != nil || outcomes.count < Self.maximumOutcomes {
            outcomes[name, default: ExactMoments()].add(value, weight: weight)
            if outcomes[name]!.isEmpty { outcomes[name] = nil }
        }
        if isWhole {
            for (tag, value) in prediction.segmentTags {
                guard let slot = segmentSlot(tag: tag, value: value) else { continue }
                segments[tag]![slot, default: QualityProfile(segment: ())].add(prediction: prediction, label: label, weight: weight)
                removeIfEmpty(tag: tag, value: slot)
            }
        }
        switch (prediction.prediction, label.value) {
        case (.number(let predicted)?, .number(let actual)):
            regression.add(actual: actual, predicted: predicted, weight: weight)
        case (.label?, _), (.scores?, _):
            guard let predicted = prediction.prediction?.predictedClass?.name else {
                unscorable += weight
                return
            }
            let actual = admitted(Self.className(of: label.value))
            confusion.add(actual: actual, predicted: admitted(predicted), weight: weight)
            if isWhole, case .scores(let classScores)? = prediction.prediction, classScores.count <= Self.maximumClasses {
                addScores(classScores, actual: actual, weight: weight)
            }
        default:
            unscorable += weight
        }
    }

    mutating func addScores(_ classScores: [String: Double], actual: String, weight: Int) {
        scores.add(scores: classScores, actual: actual, weight: weight)
        for (label, score) in classScores {
            probabilities[label, default: ProbabilisticMetrics()].add(probability: score, isPositive: label == actual, weight: weight)
            if probabilities[label]!.count == 0 { probabilities[label] = nil }
        }
        // scikit-learn's log_loss normalizes each row of probabilities to sum to 1.
        let total = classScores.values.reduce(0) { $0 + ($1.isFinite ? Swift.max(0, $1) : 0) }
        guard total > 0 else { return }
        let p = Swift.max(0, classScores[actual] ?? 0) / total
        let clipped = Swift.min(1 - ProbabilisticMetrics.clipEpsilon, Swift.max(ProbabilisticMetrics.clipEpsilon, p))
        let loss = -log(clipped)
        logLossSum.add(loss, negated: weight < 0)
        logLossSquaredSum.add(loss * loss, negated: weight < 0)
        logLossCount += weight
    }

    /// The value a segment is kept under (its own, or `(other)` when its tag is full); nil when the tag is new
    /// and the profile keeps as many tags as it may. Creates the tag's entry when needed.
    private mutating func segmentSlot(tag: String, value: String) -> String? {
        if segments[tag] == nil {
            guard segments.count < SegmentBreakdown.maximumTags else { return nil }
            segments[tag] = [:]
        }
        let values = segments[tag]!
        let room = SegmentBreakdown.maximumValuesPerTag - (values[SegmentBreakdown.otherValue] == nil ? 1 : 0)
        if values[value] != nil || values.count < room || value == SegmentBreakdown.otherValue { return value }
        return SegmentBreakdown.otherValue
    }

    /// A segment whose labels were all taken away again is dropped, and so is a tag left with none.
    private mutating func removeIfEmpty(tag: String, value: String) {
        if segments[tag]?[value]?.isEmpty == true { segments[tag]![value] = nil }
        if segments[tag]?.isEmpty == true { segments[tag] = nil }
    }

    /// A class as counted: itself while the bucket has room, else ``otherClass``.
    func admitted(_ name: String) -> String {
        // Known classes first, cheaply: computing the set of classes on every label cost a tenth of a fold.
        if confusion.counts[name] != nil || confusion.counts.values.contains(where: { $0[name] != nil }) { return name }
        return confusion.classes.count < Self.maximumClasses ? name : Self.otherClass
    }

    /// The class a label names: its text, or a whole number written without a fraction (`1`, not `1.0`).
    public static func className(of value: PredictionValue) -> String {
        switch value {
        case .label(let text): return text
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .scores(let scores): return scores.max { $0.value < $1.value }?.key ?? ""
        }
    }

    public mutating func merge(_ other: QualityProfile) {
        labelled += other.labelled
        unscorable += other.unscorable
        confusion.merge(other.confusion)
        // Histograms of one bin count always merge.
        try! scores.merge(other.scores)
        for (label, metrics) in other.probabilities {
            if probabilities[label] == nil { probabilities[label] = metrics } else { try! probabilities[label]!.merge(metrics) }
            if probabilities[label]!.count == 0 { probabilities[label] = nil }
        }
        logLossSum.merge(other.logLossSum)
        logLossSquaredSum.merge(other.logLossSquaredSum)
        logLossCount += other.logLossCount
        regression.merge(other.regression)
        delays.merge(other.delays)
        for (name, moments) in other.outcomes {
            outcomes[name, default: ExactMoments()].merge(moments)
            if outcomes[name]!.isEmpty { outcomes[name] = nil }
        }
        for (tag, values) in other.segments {
            for (value, profile) in values {
                guard let slot = segmentSlot(tag: tag, value: value) else { continue }
                segments[tag]![slot, default: QualityProfile(segment: ())].merge(profile)
                removeIfEmpty(tag: tag, value: slot)
            }
            if segments[tag]?.isEmpty == true { segments[tag] = nil }
        }
    }

    /// Mean multiclass log loss, and the standard deviation of the per-prediction losses.
    public var logLoss: (mean: Double, standardDeviation: Double)? {
        guard logLossCount > 0 else { return nil }
        let n = Double(logLossCount)
        let mean = logLossSum.value / n
        let variance = logLossCount > 1 ? Swift.max(0, (logLossSquaredSum.value - n * mean * mean) / (n - 1)) : .nan
        return (mean, variance.squareRoot())
    }
}

extension SketchKind {
    /// The envelope kind of a serialized ``QualityProfile``.
    public static let qualityProfile = SketchKind(rawValue: 34)
}

extension QualityProfile: BinarySerializable {
    /// The envelope kind of a serialized quality profile.
    public static var kind: SketchKind { .qualityProfile }

    /// Writes the profile; maps are written sorted, so equal profiles give equal bytes.
    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(labelled)
        encoder.writeVarint(unscorable)
        confusion.encode(into: &encoder)
        scores.encode(into: &encoder)
        encoder.writeVarint(probabilities.count)
        for (label, metrics) in probabilities.sorted(by: { $0.key < $1.key }) {
            encoder.write(label)
            metrics.encode(into: &encoder)
        }
        logLossSum.encode(into: &encoder)
        logLossSquaredSum.encode(into: &encoder)
        encoder.writeVarint(logLossCount)
        regression.encode(into: &encoder)
        delays.encode(into: &encoder)
        encoder.writeVarint(outcomes.count)
        for (name, moments) in outcomes.sorted(by: { $0.key < $1.key }) {
            encoder.write(name)
            moments.encode(into: &encoder)
        }
        // A segment's own profile has no segments: the count is 0 there.
        encoder.writeVarint(segments.count)
        for (tag, values) in segments.sorted(by: { $0.key < $1.key }) {
            encoder.write(tag)
            encoder.writeVarint(values.count)
            for (value, profile) in values.sorted(by: { $0.key < $1.key }) {
                encoder.write(value)
                profile.encodePayload(into: &encoder)
            }
        }
    }

    /// Reads a profile, checking that its parts agree on the number of labelled predictions.
    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        labelled = try decoder.readCount("labelled predictions", limit: Int.max)
        unscorable = try decoder.readCount("unscorable predictions", limit: labelled)
        confusion = try ConfusionMatrix(decoding: &decoder)
        scores = try ClassScoreHistograms(decoding: &decoder)
        let classes = try decoder.readCount("probability classes", limit: 1 << 16)
        for _ in 0..<classes {
            let label = try decoder.readString("probability class")
            probabilities[label] = try ProbabilisticMetrics(decoding: &decoder)
        }
        logLossSum = try ExactSum(decoding: &decoder)
        logLossSquaredSum = try ExactSum(decoding: &decoder)
        logLossCount = try decoder.readCount("log loss count", limit: labelled)
        regression = try RegressionMetrics(decoding: &decoder)
        delays = try LabelDelayHistogram(decoding: &decoder)
        let outcomeCount = try decoder.readCount("outcome names", limit: 1 << 16)
        for _ in 0..<outcomeCount {
            let name = try decoder.readString("outcome name")
            outcomes[name] = try ExactMoments(decoding: &decoder)
        }
        let tagCount = try decoder.readCount("segment tags", limit: SegmentBreakdown.maximumTags)
        for _ in 0..<tagCount {
            let tag = try decoder.readString("segment tag")
            let valueCount = try decoder.readCount("segment values", limit: SegmentBreakdown.maximumValuesPerTag)
            var values: [String: QualityProfile] = [:]
            for _ in 0..<valueCount {
                let value = try decoder.readString("segment value")
                var segment = try QualityProfile(decodingPayload: &decoder)
                guard segment.segments.isEmpty, segment.scores.histograms.isEmpty else {
                    throw DecodingError("the segment \(tag)=\(value) holds segments or scores of its own", at: decoder.offset)
                }
                segment.isWhole = false
                values[value] = segment
            }
            segments[tag] = values
        }
        guard confusion.total + regression.count + unscorable == labelled else {
            throw DecodingError("a quality profile's parts disagree on the number of labelled predictions", at: decoder.offset)
        }
    }
}
