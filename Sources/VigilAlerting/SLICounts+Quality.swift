public import VigilCore

extension SLICounts {
    /// One window of a quality SLO: counted when it has enough labelled predictions, good when its figure meets
    /// the target. A window whose figure cannot be computed (one class only, for a ROC AUC) is not counted.
    public init(window summary: QualitySummary, indicator: ServiceLevelObjective.QualityIndicator) {
        let figure = summary.metrics.first { figure in
            figure.className == nil && (figure.average.map { "\(figure.name)_\($0)" } ?? figure.name) == indicator.metric
        }
        guard summary.labelled >= indicator.minimumLabelled, let figure, figure.value.isFinite else {
            self.init(good: 0, total: 0)
            return
        }
        self.init(good: indicator.isGood(figure.value) ? 1 : 0, total: 1)
    }
}
