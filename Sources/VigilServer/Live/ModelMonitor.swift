import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilCore
import VigilStore
import Prometheus
import VigilStats

/// Recomputes the window gauges of `/metrics` every interval: feature statistics per model, and per model
/// version drift against the reference and data quality, with the same analysis as `vigil report`.
final class ModelMonitor: Service, Sendable {
    private let configuration: ServerConfiguration
    private let store: any Store
    private let live: LiveStatistics
    private let quality: QualityProfiles
    private let cardinality: CardinalityGuard
    private let metrics: VigilMetrics
    private let logger: Logger
    private let clock: WallClock
    /// Where the window's numbers come from (shared with the alerts, the summary and the dashboard).
    private let windows: ModelWindows
    /// When the long quality window was last computed (milliseconds of ``clock``); nil before the first time.
    private let longWindowAt = Mutex<Int64?>(nil)

    init(
        configuration: ServerConfiguration, store: any Store, live: LiveStatistics, quality: QualityProfiles, cardinality: CardinalityGuard,
        metrics: VigilMetrics, logger: Logger, clock: WallClock = .system, windows: ModelWindows
    ) {
        self.clock = clock
        self.windows = windows
        self.configuration = configuration
        self.store = store
        self.live = live
        self.quality = quality
        self.cardinality = cardinality
        self.metrics = metrics
        self.logger = logger
    }

    /// Live features against a reference: reference columns that are not features (target, prediction, id,
    /// timestamp) are left out, since live traffic carries them elsewhere.
    static func report(reference: DatasetProfile, current: LiveProfile, configuration: ServerConfiguration) -> DatasetReport {
        var options = configuration.drift
        options.ignoredColumns.formUnion(reference.schema.filter { $0.role != .feature }.map(\.name))
        return DatasetReport.build(
            referenceName: "reference", reference: reference, currentName: "live", current: current.features.datasetProfile(),
            driftOptions: options, thresholds: configuration.quality
        )
    }

    /// Every feature's PSI against the reference, whatever drift test the settings choose for it: the seeds'
    /// alert (PSI > 0.15) reads it.
    static func psi(reference: DatasetProfile, current: LiveProfile, configuration: ServerConfiguration) -> DatasetDrift {
        var options = configuration.drift
        options.numericMethod = .populationStabilityIndex
        options.categoricalMethod = .populationStabilityIndex
        options.threshold = 0.1
        options.columns = [:]
        options.ignoredColumns.formUnion(reference.schema.filter { $0.role != .feature }.map(\.name))
        return DatasetDrift.analyze(reference: reference, current: current.features.datasetProfile(), options: options)
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = ContinuousClock.now
            do { try await refresh() } catch { logger.error("monitoring failed; will retry", metadata: ["error": "\(error)"]) }
            metrics.gauge(.monitorSeconds).set(to: (ContinuousClock.now - started).seconds)
            // Sleeping is cut short by a graceful shutdown, so SIGTERM is answered at once.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.configuration.monitorIntervalSeconds)) }
        }
    }

    /// Sets every window gauge from the current window.
    func refresh() async throws {
        let now = clock.milliseconds()
        // The long quality window reads a week of rollups per version (34–52 ms each, vigil-bench quality):
        // every `quality_window_interval_seconds`, not every monitor interval.
        let longWindowDue = longWindowAt.withLock { last in
            guard last.map({ now - $0 >= Int64(configuration.qualityWindowIntervalSeconds * 1000) }) ?? true else { return false }
            last = now
            return true
        }
        let range = (now - Int64(configuration.monitorWindowSeconds) * 1000)..<(now + 1)
        for (model, versions) in cardinality.models {
            // Each version's window once (its buckets read once); the versions merged into the model's features.
            var whole = LiveProfile()
            var perVersion: [ModelWindow] = []
            for version in versions {
                let window = try await windows.window(model: model, version: version, range: range, needs: .everything, now: now, reuse: true)
                whole.merge(window.traffic)
                perVersion.append(window)
            }
            setFeatureValues(model: model, profile: whole)
            for window in perVersion {
                setQuality(window, label: Self.windowLabel(seconds: configuration.monitorWindowSeconds))
                setEstimate(window)
                if let report = window.report { setDrift(model: model, version: window.version, report: report) }
                if let psi = window.psi { setPSI(model: model, version: window.version, psi: psi) }
            }
            if longWindowDue {
                try await setLongQuality(model: model, versions: versions, now: now)
                try await setComparisons(model: model, now: now)
            }
        }
    }

    /// The label-free estimate of a version's window, beside the realized quality.
    private func setEstimate(_ window: ModelWindow) {
        guard let estimate = window.estimate, case .success(let figures) = estimate.result else { return }
        let labels = [("model_name", window.model), ("model_version", window.version), ("window", Self.windowLabel(seconds: configuration.monitorWindowSeconds))]
        for (metric, figure) in figures.values where figure.value.isFinite {
            metrics.gauge(.modelQualityEstimated, labels + [("metric", estimate.estimator.isBinary ? metric.rawValue : "\(metric.rawValue)_macro")]).set(to: figure.value)
        }
    }

    /// Each version against its baseline over the comparison window (a day by default), every
    /// `quality_window_interval_seconds` with the long quality window: it reads two versions' day of rollups.
    private func setComparisons(model: String, now: Int64) async throws {
        let range = (now - Int64(configuration.comparisons.windowSeconds) * 1000)..<(now + 1)
        for comparison in try await windows.comparisons(model: model, range: range, now: now) {
            let labels = [("model_name", model), ("model_version", comparison.candidate), ("baseline", comparison.baseline)]
            metrics.gauge(.comparisonVerdict, labels).set(to: comparison.result.verdict.value)
            for metric in comparison.result.metrics {
                guard let effect = metric.effect else { continue }
                let series = labels + [("metric", metric.metric)]
                for (bound, value) in [("estimate", effect.estimate), ("lower", effect.interval.lower), ("upper", effect.interval.upper)] where value.isFinite {
                    metrics.gauge(.comparisonDifference, series + [("bound", bound)]).set(to: value)
                }
                metrics.gauge(.comparisonPValue, series).set(to: metric.adjustedPValue ?? effect.pValue)
            }
        }
    }

    /// Model quality per version over the longer quality window (7 days by default). Its live profile (features
    /// and all) would cost ~0.25 s per version every interval just for the coverage's denominator, so the long
    /// window reports no coverage and reads the labels alone.
    private func setLongQuality(model: String, versions: [String], now: Int64) async throws {
        let range = (now - Int64(configuration.qualityWindowSeconds) * 1000)..<(now + 1)
        for version in versions {
            let profile = try await quality.window(model: model, version: version, range: range)
            var window = ModelWindow(model: model, version: version, range: range, traffic: LiveProfile())
            window.quality = QualitySummary(profile: profile, predictions: nil, windowEnd: range.upperBound, now: now)
            setQuality(window, label: Self.windowLabel(seconds: configuration.qualityWindowSeconds))
        }
    }

    /// Model quality of a window, from the same ``QualitySummary`` as `/performance`: figures averaged over
    /// classes carry the average in the metric name (`f1_macro`); per-class figures are left to the API.
    private func setQuality(_ window: ModelWindow, label: String) {
        guard let summary = window.quality else { return }
        let labels = [("model_name", window.model), ("model_version", window.version), ("window", label)]
        if let coverage = summary.coverage { metrics.gauge(.labelCoverage, labels).set(to: coverage) }
        metrics.gauge(.labelled, labels).set(to: Double(summary.labelled))
        for figure in summary.metrics where figure.className == nil && figure.value.isFinite {
            let name = figure.average.map { "\(figure.name)_\($0)" } ?? figure.name
            metrics.gauge(.modelQuality, labels + [("metric", name)]).set(to: figure.value)
        }
        for business in summary.businessMetrics.prefix(configuration.maxLabelValues) {
            for (statistic, value) in [("count", Double(business.count)), ("sum", business.sum), ("mean", business.mean)] where value.isFinite {
                metrics.gauge(.businessMetric, labels + [("metric", business.name), ("source", business.source), ("statistic", statistic)]).set(to: value)
            }
        }
    }

    /// `3600` → `1h`, `604800` → `7d`, `90` → `90s`.
    static func windowLabel(seconds: Int) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    private func setFeatureValues(model: String, profile: LiveProfile) {
        let features = profile.features.datasetProfile()
        for name in features.columnNames.prefix(configuration.maxLabelValues) {
            let column = features[column: name]!
            let rows = Double(column.rowCount)
            func set(_ statistic: String, _ value: Double) {
                guard value.isFinite else { return }
                metrics.gauge(.featureValue, [("model_name", model), ("feature_name", name), ("statistic", statistic)]).set(to: value)
            }
            set("null_rate", rows > 0 ? Double(column.missingCount) / rows : 0)
            guard case .numeric(let sketch) = column, sketch.count > 0 else { continue }
            let q = sketch.quantiles.quantiles([0.1, 0.5, 0.9])
            set("mean", sketch.moments.mean)
            set("std", sketch.moments.populationStandardDeviation)
            set("min", sketch.moments.minimum)
            set("max", sketch.moments.maximum)
            set("p10", q[0])
            set("p50", q[1])
            set("p90", q[2])
        }
    }

    private func setPSI(model: String, version: String, psi: DatasetDrift) {
        for column in psi.columns.prefix(configuration.maxLabelValues) where column.result.score.isFinite {
            metrics.gauge(.featurePSI, [("model_name", model), ("model_version", version), ("feature_name", column.column)]).set(to: column.result.score)
        }
    }

    private func setDrift(model: String, version: String, report: DatasetReport) {
        for column in report.drift.columns.prefix(configuration.maxLabelValues) {
            let labels = [("model_name", model), ("model_version", version), ("feature_name", column.column), ("method", column.result.method.rawValue)]
            if column.result.score.isFinite { metrics.gauge(.featureDrift, labels).set(to: column.result.score) }
            metrics.gauge(.featureDrifted, labels).set(to: column.result.drifted ? 1 : 0)
        }
        metrics.gauge(.datasetDriftShare, [("model_name", model), ("model_version", version)]).set(to: report.drift.driftShare)
        // Vector features share the drift gauges with scalar ones; the method label tells them apart.
        for embedding in report.embeddingDrift.prefix(configuration.maxLabelValues) {
            guard let result = embedding.result else { continue }
            let labels = [("model_name", model), ("model_version", version), ("feature_name", embedding.column), ("method", result.method.rawValue)]
            if result.score.isFinite { metrics.gauge(.featureDrift, labels).set(to: result.score) }
            metrics.gauge(.featureDrifted, labels).set(to: result.drifted ? 1 : 0)
            for (source, similarity) in [("live", result.currentSimilarityToReference), ("reference", result.referenceSimilarityToReference)] {
                guard let similarity, similarity.isFinite else { continue }
                metrics.gauge(.embeddingSimilarity, [("model_name", model), ("model_version", version), ("feature_name", embedding.column), ("source", source)]).set(to: similarity)
            }
        }
        for quality in report.quality.prefix(configuration.maxLabelValues) {
            func set(_ check: String, _ value: Double?) {
                guard let value, value.isFinite else { return }
                metrics.gauge(.dataQuality, [("model_name", model), ("model_version", version), ("feature_name", quality.column), ("check", check)]).set(to: value)
            }
            set("missing", quality.missingRatio)
            set("invalid", quality.invalidRatio)
            set("out_of_range", quality.outOfRangeRatio)
            set("new_category", quality.newCategoryRatio)
        }
    }
}
