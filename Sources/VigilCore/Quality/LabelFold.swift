/// One entry of the label log that changes model quality, joined with its prediction: a label for a stored
/// prediction (with the label it replaces, for a correction), or a waiting label whose prediction has just
/// arrived. Folding every entry once, in log order, gives the quality of every bucket.
public struct LabelFold: Sendable, Equatable {
    /// The entry's position in the label log.
    public var position: Int64
    /// The model of the prediction and the label.
    public var model: String
    /// The prediction, without its features (quality does not read them, and they are most of a row).
    public var prediction: PredictionEvent
    /// The label that folds now.
    public var label: LabelEvent
    /// The label whose contribution this one replaces (a correction), if any.
    public var replaced: LabelEvent?

    /// An entry read from the label log (`position`), with what it folds.
    public init(position: Int64, model: String, prediction: PredictionEvent, label: LabelEvent, replaced: LabelEvent?) {
        self.position = position
        self.model = model
        self.prediction = prediction
        self.label = label
        self.replaced = replaced
    }

    /// The bucket of width `width` milliseconds that the prediction falls into: quality is kept in the
    /// prediction's bucket, not the label's, so a window's quality is that of the predictions made in it.
    public func key(width: Int64) -> BucketKey {
        BucketKey(model: model, version: prediction.version, start: BucketKey.start(of: prediction.timestampMilliseconds, width: width))
    }
}

/// What the label log holds after a position: the entries that fold, and how far the read went (entries
/// that do not fold — early and late labels, labels of deleted predictions — advance it too).
public struct LabelFoldPage: Sendable, Equatable {
    /// The entries that fold, in log order.
    public var folds: [LabelFold]
    /// The last position read; the caller's watermark moves here once the folds are saved.
    public var through: Int64

    /// A page of folds and the last position read.
    public init(folds: [LabelFold], through: Int64) {
        self.folds = folds
        self.through = through
    }
}
