import Synchronization
import VigilAlerting
import VigilCore
import VigilStats
import VigilStore

/// The one place a model window's numbers come from: the live profile of its versions, drift and data quality
/// against the model's reference, every feature's PSI, model quality from labels and the label-free estimate,
/// as one ``ModelWindow``. The alert evaluator, the monitor's gauges, the summary and the dashboard all read it,
/// so a figure means the same wherever it is shown.
///
/// Analyses are reused between readers: a trailing window whose end moved by under a sixtieth of its length
/// (at most a minute) keeps its drift, data-quality and PSI analyses (tens of milliseconds each:
/// `vigil-bench alerts --builtin`), and a window of a day or more is kept whole for a minute, since it reads
/// days of rollups and a minute moves it by under 0.1 %.
final class ModelWindows: Sendable {
    /// What a window is computed with beyond its traffic (counts, errors, business metrics, segments).
    struct Needs: OptionSet, Sendable, Hashable {
        let rawValue: Int
        /// The latency, prediction and confidence sketches.
        static let observations = Needs(rawValue: 1 << 0)
        /// The feature sketches themselves.
        static let features = Needs(rawValue: 1 << 1)
        /// Drift and data quality against the reference (reads the features).
        static let report = Needs(rawValue: 1 << 2)
        /// Every feature's PSI against the reference (reads the features).
        static let psi = Needs(rawValue: 1 << 3)
        /// Model quality, label coverage and business metrics from labels.
        static let quality = Needs(rawValue: 1 << 4)
        /// The label-free estimate (CBPE) of a version with a fitted estimator.
        static let estimate = Needs(rawValue: 1 << 5)
        /// The version against its baseline (``ComparisonSettings``), over the window.
        static let comparison = Needs(rawValue: 1 << 6)
        /// Everything a window has but the comparison, which reads a second version.
        static let everything: Needs = [.observations, .features, .report, .psi, .quality, .estimate]

        /// What an alert evaluation's window request reads.
        init(_ request: AlertEvaluator.WindowRequest) {
            var needs: Needs = []
            if request.needsObservations { needs.insert(.observations) }
            if request.needsReport { needs.insert(.report) }
            if request.needsPSI { needs.insert(.psi) }
            if request.needsQuality { needs.insert(.quality) }
            if request.needsComparison { needs.insert(.comparison) }
            self = needs
        }

        init(rawValue: Int) { self.rawValue = rawValue }
    }

    private struct Key: Hashable {
        var model: String
        var version: String?
        var length: Int64
    }

    let configuration: ServerConfiguration
    let store: any Store
    let live: LiveStatistics
    let quality: QualityProfiles
    private let clock: WallClock
    /// The versions of each model.
    let cardinality: CardinalityGuard
    /// Analyses by trailing window, with the window end they were made for.
    private let analyses = Mutex<[Key: (end: Int64, report: DatasetReport?, psi: DatasetDrift?)]>([:])
    /// Windows of a day or more, with the end and needs they were computed for.
    private let longWindows = Mutex<[Key: (end: Int64, needs: Needs, window: ModelWindow)]>([:])
    /// The drift report and PSI of chart spans that are whole blocks (``LiveStatistics/blockStamp(model:version:range:)``),
    /// with the block's stamp and the reference they were made against: the dashboard's drift grid recomputed 28
    /// reports of 50 features on every view of a week (a fifth of its time, `vigil-bench dashboard`).
    let spanAnalyses = BlockCache<SpanAnalysis>(maximumBytes: 16 << 20)
    /// Shadow traffic's pairs per hour, for paired comparisons.
    let shadowPairs: ShadowPairCache

    /// A span's analyses, as ``spanAnalyses`` keeps them.
    struct SpanAnalysis: Sendable {
        var stamp: BlockCache<LiveProfile>.Stamp
        var reference: Int64
        var report: DatasetReport?
        var psi: DatasetDrift?
    }

    init(configuration: ServerConfiguration, store: any Store, live: LiveStatistics, quality: QualityProfiles, cardinality: CardinalityGuard, clock: WallClock) {
        self.cardinality = cardinality
        self.configuration = configuration
        self.store = store
        self.live = live
        self.quality = quality
        self.clock = clock
        shadowPairs = ShadowPairCache(retentionMilliseconds: configuration.eventRetentionSeconds.map { Int64($0) * 1000 })
        live.onBucketRetention { [spanAnalyses] cutoff in spanAnalyses.deleted(before: cutoff) }
    }

    /// The window of `model` over `range` (one version, or its versions merged when `version` is nil), with what
    /// `needs` asks for; maturity is judged at `now` (the clock's time by default).
    ///
    /// With `reuse`, what was computed for nearly the same window is taken (see the type's notes): for readers
    /// that run on a schedule (alerts, the monitor). Without it (the API, the dashboard) every number is fresh.
    func window(
        model: String,
        version: String?,
        range: Range<Int64>,
        needs: Needs,
        now: Int64? = nil,
        reuse: Bool = false
    ) async throws -> ModelWindow {
        let key = Key(model: model, version: version, length: range.upperBound - range.lowerBound)
        let long = reuse && key.length >= 86_400_000
        if long, let kept = longWindows.withLock({ $0[key] }), kept.needs.isSuperset(of: needs), (0..<60_000).contains(range.upperBound - kept.end) {
            return kept.window
        }
        let window = try await compute(key, range: range, needs: needs, now: now ?? clock.milliseconds(), reuse: reuse)
        if long { longWindows.withLock { $0[key] = (range.upperBound, needs, window) } }
        return window
    }

    private func compute(_ key: Key, range: Range<Int64>, needs: Needs, now: Int64, reuse: Bool) async throws -> ModelWindow {
        let fresh =
            !reuse
            ? nil
            : analyses.withLock { $0[key] }.flatMap { (0..<max(1, min(60_000, key.length / 60))).contains(range.upperBound - $0.end) ? $0 : nil }
        var report = fresh?.report
        var psi = fresh?.psi
        let analyse = (needs.contains(.report) && report == nil) || (needs.contains(.psi) && psi == nil)
        let parts: LiveProfile.Parts = analyse || needs.contains(.features) ? .all : needs.contains(.observations) ? .observations : .traffic
        let traffic = try await live.window(model: key.model, version: key.version, range: range, parts: parts)
        if analyse, traffic.requestCount > 0, let reference = try await store.reference(model: key.model) {
            if needs.contains(.report) && report == nil {
                report = ModelMonitor.report(reference: reference.profile, current: traffic, configuration: configuration)
            }
            if needs.contains(.psi) && psi == nil {
                psi = ModelMonitor.psi(reference: reference.profile, current: traffic, configuration: configuration)
            }
            // Without a reference nothing is kept: missing ratios then come from the window's own features.
            if reuse { analyses.withLock { $0[key] = (fresh?.end ?? range.upperBound, report, psi) } }
        }
        var window = ModelWindow(model: key.model, version: key.version ?? "", range: range, traffic: traffic)
        if traffic.requestCount > 0 {
            window.report = needs.contains(.report) ? report : nil
            window.psi = needs.contains(.psi) ? psi : nil
        }
        if needs.contains(.quality) {
            let profile = try await quality.window(model: key.model, version: key.version, range: range)
            window.quality = QualitySummary(
                profile: profile,
                predictions: traffic.requestCount - traffic.errorCount,
                windowEnd: range.upperBound,
                now: now,
                predictionMetrics: traffic.metrics
            )
        }
        if needs.contains(.estimate), let version = key.version, let stored = try await store.estimators(model: key.model)[version] {
            window.estimate = ModelWindow.Estimate(
                estimator: stored.estimator,
                source: stored.source,
                result: stored.estimator.estimate(traffic.estimationScores)
            )
        }
        if needs.contains(.comparison), let version = key.version {
            window.comparison = try await comparisons(model: key.model, range: range, now: now, candidate: version).first
        }
        return window
    }

    /// The windows of `spans` (which tile a range, in order) and the window of the whole range, reading every
    /// bucket once: the whole is the spans' profiles merged, then analysed as one window. What a chart over a
    /// range draws beside the range's own figures (the dashboard's drift grid and traffic charts); quality is
    /// left to ``qualitySeries(model:version:range:granularity:trailing:now:positiveClass:estimating:)``.
    func tiled(
        model: String,
        version: String?,
        spans: [Range<Int64>],
        needs: Needs,
        now: Int64
    ) async throws -> (parts: [ModelWindow], whole: ModelWindow) {
        precondition(!spans.isEmpty && zip(spans, spans.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "spans must tile a range")
        let analyses = needs.intersection([.report, .psi])
        var parts: [ModelWindow] = []
        var merged = LiveProfile()
        // The whole's analyses need every span's features, even where the spans' own do not.
        let read = analyses.isEmpty ? needs.subtracting([.quality, .estimate]) : needs.subtracting([.quality, .estimate]).union(.features)
        let referenceCreated = analyses.isEmpty ? nil : try await store.reference(model: model)?.createdMilliseconds
        for span in spans {
            // A whole block analysed before against the same reference, with no event come since: its analyses
            // are taken, and only its profile is read (from the block cache).
            let stamp = referenceCreated == nil ? nil : live.blockStamp(model: model, version: version, range: span)
            let key = BlockCache<SpanAnalysis>.Key(model: model, version: version, start: span.lowerBound, width: span.upperBound - span.lowerBound, parts: .all)
            if let stamp, let kept = spanAnalyses.profile(key), kept.stamp == stamp, kept.reference == referenceCreated {
                var part = try await window(model: model, version: version, range: span, needs: read.subtracting([.report, .psi]).union(.features), now: now)
                if part.traffic.requestCount > 0 {
                    part.report = needs.contains(.report) ? kept.report : nil
                    part.psi = needs.contains(.psi) ? kept.psi : nil
                }
                merged.merge(part.traffic)
                parts.append(part)
                continue
            }
            let part = try await window(model: model, version: version, range: span, needs: read, now: now)
            if let stamp, let referenceCreated {
                // About 1 KB of report per feature, an estimate for the byte bound.
                let bytes = 1024 * (1 + (part.report?.drift.columns.count ?? 0) + (part.psi?.columns.count ?? 0))
                spanAnalyses.store(
                    SpanAnalysis(stamp: stamp, reference: referenceCreated, report: part.report, psi: part.psi), bytes: bytes, key: key,
                    stamp: spanAnalyses.stamp(model: model, day: key.day)
                )
            }
            merged.merge(part.traffic)
            parts.append(part)
        }
        let range = spans.first!.lowerBound..<spans.last!.upperBound
        var whole = ModelWindow(model: model, version: version ?? "", range: range, traffic: merged)
        if !analyses.isEmpty, merged.requestCount > 0, let reference = try await store.reference(model: model) {
            if needs.contains(.report) {
                whole.report = ModelMonitor.report(reference: reference.profile, current: merged, configuration: configuration)
            }
            if needs.contains(.psi) { whole.psi = ModelMonitor.psi(reference: reference.profile, current: merged, configuration: configuration) }
        }
        if !needs.isDisjoint(with: [.quality, .estimate]) {
            let extra = try await window(model: model, version: version, range: range, needs: needs.intersection([.quality, .estimate]), now: now)
            whole.quality = extra.quality
            whole.estimate = extra.estimate
        }
        // Parts keep only what they were asked for: their features, read for the whole's analyses, are dropped.
        if !needs.contains(.features) && !analyses.isEmpty {
            for index in parts.indices {
                parts[index].traffic = parts[index].traffic.keeping(needs.contains(.observations) ? .observations : .traffic)
            }
        }
        return (parts, whole)
    }

    /// One point of a quality series: its realized quality and, for a version with an estimator, its estimate.
    struct QualityPoint: Sendable {
        /// The end of the point's trailing span.
        var end: Int64
        var summary: QualitySummary
        /// The label-free estimate of the point's span; nil unless asked for a version with a fitted estimator.
        var estimate: ModelWindow.Estimate?
    }

    /// Model quality every `granularity` through `range`, each point over the `trailing` time before it, with its
    /// coverage: a point's labels are those of the predictions in the buckets starting in its span, as its
    /// quality's are; their successful predictions are counted for all points at once. With `estimating`, each
    /// point also carries that version's label-free estimate over its span (clipped to the range).
    func qualitySeries(
        model: String,
        version: String?,
        range: Range<Int64>,
        granularity: Int64,
        trailing: Int64,
        now: Int64,
        positiveClass: String? = nil,
        estimating: String? = nil
    )
        async throws -> [QualityPoint]
    {
        let profiles = try await quality.series(model: model, version: version, range: range, granularity: granularity, trailing: trailing)
        let spans = profiles.map { BucketKey.start(of: $0.end - trailing, width: live.bucketMilliseconds)..<$0.end }
        let predictions = try await live.successfulPredictions(model: model, version: version, spans: spans)
        let estimator = estimating == nil ? nil : try await store.estimators(model: model)[estimating!]
        var points: [QualityPoint] = []
        for (point, count) in zip(profiles, predictions) {
            var estimate: ModelWindow.Estimate?
            if let estimating, let estimator {
                let span = Swift.max(range.lowerBound, point.end - trailing)..<point.end
                let traffic = try await live.window(model: model, version: estimating, range: span, parts: .traffic)
                estimate = ModelWindow.Estimate(
                    estimator: estimator.estimator, source: estimator.source, result: estimator.estimator.estimate(traffic.estimationScores)
                )
            }
            points.append(
                QualityPoint(
                    end: point.end,
                    summary: QualitySummary(profile: point.profile, predictions: count, windowEnd: point.end, now: now, positiveClass: positiveClass),
                    estimate: estimate
                )
            )
        }
        return points
    }
}
