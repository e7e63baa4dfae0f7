import Foundation
import Hummingbird
import VigilCore
import VigilRender
import VigilStore
import VigilStats

/// `GET /v1/models/{model}/performance?window=…&version=…&positive_class=…`: model quality from labels over
/// a window of prediction time, for the versions together and each version, with n, coverage, intervals and
/// maturity (``PerformanceDocument``).
struct PerformanceRoutes {
    let configuration: ServerConfiguration
    let store: any Store
    let live: LiveStatistics
    let quality: QualityProfiles
    let cardinality: CardinalityGuard
    /// The quality series, as the dashboard reads it.
    let windows: ModelWindows
    /// "Now": the end of a window given as a duration, and what maturity is measured against.
    let clock: WallClock

    init(configuration: ServerConfiguration, store: any Store, live: LiveStatistics, quality: QualityProfiles, cardinality: CardinalityGuard, windows: ModelWindows, clock: WallClock) {
        self.clock = clock
        self.windows = windows
        self.configuration = configuration
        self.store = store
        self.live = live
        self.quality = quality
        self.cardinality = cardinality
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/models/:model/performance") { request, context in try await performance(request, context) }
    }

    /// `granularity` (and `trailing`, default the granularity): a point every granularity through the
    /// window, each over the trailing time before it (Phoenix keeps these two apart; so does Vigil).
    private func series(_ request: Request, model: String, version: String?, range: Range<Int64>, now: Int64, positive: String?) async throws
        -> (granularity: Int64, trailing: Int64, points: [ModelWindows.QualityPoint])?
    {
        guard let text = request.query("granularity") else {
            if request.query("trailing") != nil { throw Problem.badParameter("trailing", "goes with granularity") }
            return nil
        }
        guard let granularity = WindowParameter.seconds(text).map({ $0 * 1000 }) else {
            throw Problem.badParameter("granularity", "\"\(text)\" is not a duration such as 5m, 1h or 1d")
        }
        let trailing = try request.query("trailing").map { text throws(Problem) -> Int64 in
            guard let seconds = WindowParameter.seconds(text) else { throw Problem.badParameter("trailing", "\"\(text)\" is not a duration such as 1h, 1d or 7d") }
            return seconds * 1000
        } ?? granularity
        let count = (range.upperBound - range.lowerBound) / granularity
        guard count <= Int64(QualityProfiles.maximumPoints) else {
            throw Problem.badParameter("granularity", "\(text) makes \(count) points over the window; at most \(QualityProfiles.maximumPoints)")
        }
        // Estimators are fitted per version: a series carries estimates when it is of one version (asked for, or
        // the model's only one).
        let estimating = version ?? cardinality.versions(of: model).flatMap { $0.count == 1 ? $0.first : nil }
        let points = try await windows.qualitySeries(
            model: model, version: version, range: range, granularity: granularity, trailing: trailing, now: now, positiveClass: positive,
            estimating: estimating
        )
        return (granularity, trailing, points)
    }

    private func performance(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = try request.modelName(context, limits: configuration.limits)
        let (versions, version) = try cardinality.versions(of: model, asked: request.query("version"))
        let now = clock.milliseconds()
        let range = try WindowParameter.range(window: request.query("window"), from: request.query("from"), to: request.query("to"), now: now)
        let positive = request.query("positive_class")
        let segment = try Self.segment(request.query("segment"))
        let breakdown = request.query("by")
        var perVersion: [(String, QualitySummary)] = []
        var merged = QualityProfile()
        var predictions = 0
        var predictionMetrics: [String: Moments] = [:]
        var segmentPredictions: [String: Int] = [:]
        let estimators = try await store.estimators(model: model)
        var estimates: [String: PerformanceDocument.Estimated] = [:]
        for name in versions where version == nil || name == version {
            var profile = try await quality.window(model: model, version: name, range: range)
            // The window's traffic without its features: coverage, business metrics and the estimate need no feature.
            let traffic = try await live.window(model: model, version: name, range: range, parts: .traffic)
            var successful = traffic.requestCount - traffic.errorCount
            var metrics = traffic.metrics
            if let (tag, value) = segment {
                // One segment: its labels, its predictions; business metrics come only from its labels.
                profile = profile.segments[tag]?[value] ?? QualityProfile()
                successful = traffic.segments.tags[tag]?[value].map { $0.requestCount - $0.errorCount } ?? 0
                metrics = [:]
            }
            if let breakdown {
                for (value, counts) in traffic.segments.tags[breakdown] ?? [:] { segmentPredictions[value, default: 0] += counts.requestCount - counts.errorCount }
            }
            if segment == nil, let stored = estimators[name] {
                estimates[name] = PerformanceDocument.estimated(
                    stored.estimator.estimate(traffic.estimationScores), estimator: stored.estimator, source: stored.source
                )
            }
            merged.merge(profile)
            predictions += successful
            for (metric, moments) in metrics { predictionMetrics[metric, default: Moments()].merge(moments) }
            perVersion.append((name, QualitySummary(
                profile: profile, predictions: successful, windowEnd: range.upperBound, now: now, positiveClass: positive, predictionMetrics: metrics
            )))
        }
        let overall = QualitySummary(
            profile: merged, predictions: predictions, windowEnd: range.upperBound, now: now, positiveClass: positive, predictionMetrics: predictionMetrics
        )
        let counts = try await store.labelCounts(model: model)
        let series = try await series(request, model: model, version: version, range: range, now: now, positive: positive)
        var document = PerformanceDocument(
            model: model, window: range, labels: .init(received: counts.labels, matched: counts.matched, late: counts.late),
            overall: (version, overall), versions: version == nil ? perVersion : [],
            series: series.map { ($0.granularity, $0.trailing, $0.points.map { ($0.end, $0.summary) }) }
        )
        for (index, point) in (series?.points ?? []).enumerated() {
            guard let estimate = point.estimate else { continue }
            document.series?.points[index].estimated = PerformanceDocument.estimated(estimate.result, estimator: estimate.estimator, source: estimate.source)
        }
        // Estimators are fitted per version: the estimate sits on each version's quality (on the overall one when
        // a single version is asked for).
        for index in document.versions.indices { document.versions[index].estimated = document.versions[index].version.flatMap { estimates[$0] } }
        if let version { document.overall.estimated = estimates[version] }
        document.segment = segment.map { PerformanceDocument.Segment(tag: $0.tag, value: $0.value) }
        if let breakdown {
            document.segments = (merged.segments[breakdown] ?? [:]).sorted { $0.key < $1.key }.map { value, profile in
                PerformanceDocument.SegmentQuality(
                    tag: breakdown, value: value,
                    quality: PerformanceDocument.quality(version, QualitySummary(
                        profile: profile, predictions: segmentPredictions[value], windowEnd: range.upperBound, now: now, positiveClass: positive
                    ))
                )
            }
        }
        return JSONResponse.make(data: try document.encoded())
    }

    /// `segment=tag:value`.
    static func segment(_ text: String?) throws(Problem) -> (tag: String, value: String)? {
        guard let text else { return nil }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
            throw Problem.badParameter("segment", "\"\(text)\" is not tag:value (say channel:partner_api)")
        }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
