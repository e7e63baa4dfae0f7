import VigilAlerting
import VigilCore
import VigilDashboard
import VigilStats
import VigilStore

/// Gathers what each dashboard page shows from the same sources as the JSON API: ``ModelWindows`` for every
/// window's numbers, the alert service for alerts and SLOs, the store for silences and history. Only the open
/// tab's series are read.
struct DashboardData: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let live: LiveStatistics
    let windows: ModelWindows
    let cardinality: CardinalityGuard
    let alerts: AlertService

    /// Cells of the drift grid at most: each is a drift analysis of its span.
    static let driftCells = 30

    /// Every model at a glance over the view's range.
    func models(query: DashboardQuery, now: Int64) async throws -> [ModelOverview] {
        let range = query.range(now: now)
        let current = try await alerts.alerts()
        let slos = alerts.slos()
        var overviews: [ModelOverview] = []
        for (model, versions) in cardinality.models {
            let window = try await windows.window(model: model, version: nil, range: range, needs: [.observations, .report, .quality], now: now)
            let own = current.filter { $0.labels["model_name"] == model }
            overviews.append(
                ModelOverview(
                    name: model,
                    versions: versions,
                    window: window,
                    budgetLeft: slos.filter { $0.slo.model == model }.map(\.budgetRemaining).min(),
                    firing: own.filter { $0.state == .firing }.count,
                    pending: own.filter { $0.state == .pending }.count
                )
            )
        }
        return overviews
    }

    /// A model's page for the view: the chosen scope's window and the open tab's series.
    /// - Throws: ``Problem`` 404 when the model or the version has no predictions.
    func model(_ name: String, query: DashboardQuery, now: Int64) async throws -> ModelView {
        let (versions, version) = try cardinality.versions(of: name, asked: query.version)
        let range = query.range(now: now)
        let reference = try await store.reference(model: name)
        let alerts = try await alerts.alerts().filter { $0.labels["model_name"] == name && $0.state != .resolved }
        let described = reference.map {
            "\($0.source), \($0.profile.rowCount) rows, set \(Timestamp.formatRFC3339(milliseconds: $0.createdMilliseconds))"
        }
        let scope = version.map { [$0] } ?? versions
        func view(_ window: ModelWindow) -> ModelView {
            ModelView(name: name, versions: versions, window: window, reference: described, alerts: alerts)
        }
        switch query.tab {
        case .operational:
            // Each version's spans read once; the scope's window is their merge.
            let spans = DashboardQuery.spans(of: range, step: DashboardQuery.step(for: range, bucket: live.bucketMilliseconds))
            var series: [VersionSeries] = []
            var merged = LiveProfile()
            for member in scope {
                let tiled = try await windows.tiled(model: name, version: member, spans: spans, needs: [.observations], now: now)
                series.append(VersionSeries(version: member, points: tiled.parts))
                merged.merge(tiled.whole.traffic)
            }
            var result = view(ModelWindow(model: name, version: version ?? "", range: range, traffic: merged))
            result.traffic = series
            return result
        case .data:
            // The grid's spans read once; the range's report is made from their merge.
            let spans = DashboardQuery.spans(
                of: range,
                step: DashboardQuery.step(for: range, bucket: live.bucketMilliseconds, points: Self.driftCells)
            )
            let needs: ModelWindows.Needs = reference == nil ? [.observations, .features] : [.observations, .features, .report]
            let tiled = try await windows.tiled(model: name, version: version, spans: spans, needs: needs, now: now)
            var result = view(tiled.whole)
            if reference != nil { result.drift = driftTimeline(tiled.parts) }
            return result
        case .quality:
            var result = view(try await windows.window(model: name, version: version, range: range, needs: [.quality, .estimate], now: now))
            let step = DashboardQuery.step(for: range, bucket: live.bucketMilliseconds, points: 48)
            // The estimate is per version (each has its own fitted estimator): drawn for one version in view.
            let estimated = version ?? (versions.count == 1 ? versions.first : nil)
            let series = try await windows.qualitySeries(
                model: name, version: version, range: range, granularity: step, trailing: step, now: now, estimating: estimated
            )
            let points = series.map { point in
                var estimate: CBPE.Estimate?
                if case .success(let value)? = point.estimate?.result { estimate = value }
                return QualityPoint(span: max(range.lowerBound, point.end - step)..<point.end, summary: point.summary, estimate: estimate)
            }
            result.quality = points
            if version == nil, let only = estimated {
                result.window.estimate = try await windows.window(model: name, version: only, range: range, needs: [.estimate], now: now).estimate
            }
            result.perVersion = try await perVersion(name, scope, range: range, needs: [.quality], now: now)
            return result
        case .versions:
            let each = try await perVersion(name, versions, range: range, needs: [.observations, .report, .quality, .estimate], now: now)
            var merged = LiveProfile()
            for window in each where version == nil || window.version == version { merged.merge(window.traffic) }
            var result = view(ModelWindow(model: name, version: version ?? "", range: range, traffic: merged))
            result.perVersion = each
            result.comparisons = try await windows.comparisons(model: name, range: range, now: now)
            return result
        }
    }

    private func perVersion(
        _ model: String,
        _ versions: [String],
        range: Range<Int64>,
        needs: ModelWindows.Needs,
        now: Int64
    ) async throws -> [ModelWindow] {
        var result: [ModelWindow] = []
        for version in versions { result.append(try await windows.window(model: model, version: version, range: range, needs: needs, now: now)) }
        return result
    }

    /// Drift of every feature span by span, from the spans' own analyses against the reference (at most
    /// ``driftCells`` of them), with the model's drift settings, as the range's own verdict is.
    private func driftTimeline(_ parts: [ModelWindow]) -> DriftTimeline {
        let reports = parts.map(\.report)
        let features = reports.compactMap { $0 }.first?.drift.columns.map(\.column) ?? []
        let cells = features.map { feature in
            reports.map { report -> DriftTimeline.Cell in
                guard let report, let column = report.drift.columns.first(where: { $0.column == feature }) else {
                    return DriftTimeline.Cell(score: nil, threshold: 0, drifted: nil, lowerIsWorse: false, missing: nil)
                }
                let quality = report.quality.first { $0.column == feature }
                return DriftTimeline.Cell(
                    score: column.result.score.isFinite ? column.result.score : nil,
                    threshold: column.result.threshold,
                    drifted: column.result.drifted,
                    lowerIsWorse: column.result.method.yieldsPValue,
                    missing: quality?.missingRatio
                )
            }
        }
        let shareThreshold = reports.compactMap { $0 }.first?.drift.datasetDriftShareThreshold ?? configuration.drift.datasetDriftShare
        return DriftTimeline(
            spans: parts.map(\.range),
            features: features,
            cells: cells,
            share: reports.map { $0.map(\.drift.driftShare) },
            shareThreshold: shareThreshold
        )
    }

    /// The alerts page: current alerts with why they are muted, silences, the last 100 changes.
    func alertsView(now: Int64) async throws -> AlertsView {
        let current = try await alerts.alerts()
        let muted = try await alerts.notifications.muting(current, now: now).mapValues(\.rawValue)
        var tabs: [String: DashboardQuery.Tab] = [:]
        for rule in configuration.alerting.rules {
            tabs[rule.name] =
                rule.metric.needsReference || rule.metric == .psi
                ? .data : rule.metric.needsLabels || rule.metric == .businessMean ? .quality : .operational
        }
        return AlertsView(
            alerts: current,
            muted: muted,
            silences: try await store.silences(),
            history: try await store.alertHistory(limit: 100),
            tabs: tabs,
            hookRuns: try await store.hookRuns(hook: nil, fingerprint: nil, limit: 50)
        )
    }

    /// Each SLO's budget left through its period: what the SLO page draws under the budget bar. An event-counting
    /// SLO's in at most 30 spans read once each (hours of a day, days of a month); a quality SLO's from the windows
    /// its last evaluation counted, at most 60 points of the running total.
    func sloBurndown(now: Int64) async throws -> [String: [ServiceLevelObjective.BurndownPoint]] {
        var result: [String: [ServiceLevelObjective.BurndownPoint]] = [:]
        for status in alerts.slos() {
            let slo = status.slo
            if case .quality = slo.indicator {
                let points = slo.burndown(alerts.qualityWindowCounts(slo: slo.name))
                // The burndown is a running total, so every k-th point (and the last) draws the same curve.
                let stride = max(1, (points.count + 59) / 60)
                result[slo.name] = points.enumerated().filter { $0.offset % stride == stride - 1 || $0.offset == points.count - 1 }.map(\.element)
                continue
            }
            guard cardinality.versions(of: slo.model) != nil else { continue }
            let range = (now - slo.period)..<now
            let spans = DashboardQuery.spans(of: range, step: DashboardQuery.step(for: range, bucket: live.bucketMilliseconds, points: 30))
            let tiled = try await windows.tiled(model: slo.model, version: slo.version, spans: spans, needs: [.observations], now: now)
            result[slo.name] = slo.burndown(tiled.parts.map { ($0.range.upperBound, SLICounts($0.traffic, indicator: slo.indicator)) })
        }
        return result
    }
}
