import VigilAlerting
import VigilCore
import VigilDashboard
import VigilStats
import VigilStore

/// Gathers what each dashboard page shows from the same sources as the JSON API: ``ModelWindows`` for every
/// window's numbers, the alert service for alerts and SLOs, the store for silences and history. Only the open
/// tab's series are read.
struct DashboardData {
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
            overviews.append(ModelOverview(
                name: model, versions: versions, window: window, budgetLeft: slos.filter { $0.slo.model == model }.map(\.budgetRemaining).min(),
                firing: own.filter { $0.state == .firing }.count, pending: own.filter { $0.state == .pending }.count
            ))
        }
        return overviews
    }

    /// A model's page for the view: the chosen scope's window and the open tab's series.
    /// - Throws: ``Problem`` 404 when the model or the version has no predictions.
    func model(_ name: String, query: DashboardQuery, now: Int64) async throws -> ModelView {
        let (versions, version) = try cardinality.versions(of: name, asked: query.version)
        let range = query.range(now: now)
        let reference = try await store.reference(model: name)
        var needs: ModelWindows.Needs = [.observations]
        switch query.tab {
        case .operational: break
        case .data: needs.formUnion([.features, .report])
        case .quality: needs.formUnion([.quality, .estimate])
        case .versions: needs.insert(.quality)
        }
        let window = try await windows.window(model: name, version: version, range: range, needs: needs, now: now)
        let scope = version.map { [$0] } ?? versions
        var view = ModelView(
            name: name, versions: versions, window: window,
            reference: reference.map { "\($0.source), \($0.profile.rowCount) rows, set \(Timestamp.formatRFC3339(milliseconds: $0.createdMilliseconds))" },
            alerts: try await alerts.alerts().filter { $0.labels["model_name"] == name && $0.state != .resolved }
        )
        switch query.tab {
        case .operational:
            let spans = DashboardQuery.spans(of: range, step: DashboardQuery.step(for: range, bucket: live.bucketMilliseconds))
            for member in scope {
                var points: [ModelWindow] = []
                for span in spans { points.append(try await windows.window(model: name, version: member, range: span, needs: [.observations], now: now)) }
                view.traffic.append(VersionSeries(version: member, points: points))
            }
        case .data:
            guard let reference else { break }
            view.drift = try await driftTimeline(name, version: version, reference: reference.profile, range: range, now: now)
        case .quality:
            let step = DashboardQuery.step(for: range, bucket: live.bucketMilliseconds, points: 48)
            let series = try await windows.qualitySeries(model: name, version: version, range: range, granularity: step, trailing: step, now: now)
            // The estimate is per version (each has its own fitted estimator): drawn for one version in view.
            let estimated = version ?? (versions.count == 1 ? versions.first : nil)
            var points: [QualityPoint] = []
            for point in series {
                let span = max(range.lowerBound, point.end - step)..<point.end
                var estimate: CBPE.Estimate?
                if let estimated, window.estimate != nil || version == nil {
                    let spanWindow = try await windows.window(model: name, version: estimated, range: span, needs: [.estimate], now: now)
                    if case .success(let value)? = spanWindow.estimate?.result { estimate = value }
                }
                points.append(QualityPoint(span: span, summary: point.summary, estimate: estimate))
            }
            view.quality = points
            if version == nil, let only = estimated { view.window.estimate = try await windows.window(model: name, version: only, range: range, needs: [.estimate], now: now).estimate }
            view.perVersion = try await perVersion(name, scope, range: range, needs: [.quality], now: now)
        case .versions:
            view.perVersion = try await perVersion(name, versions, range: range, needs: [.observations, .report, .quality, .estimate], now: now)
        }
        return view
    }

    private func perVersion(_ model: String, _ versions: [String], range: Range<Int64>, needs: ModelWindows.Needs, now: Int64) async throws -> [ModelWindow] {
        var result: [ModelWindow] = []
        for version in versions { result.append(try await windows.window(model: model, version: version, range: range, needs: needs, now: now)) }
        return result
    }

    /// Drift of every feature span by span: at most ``driftCells`` spans, each analysed against the reference with
    /// the model's drift settings, as the window's own verdict is.
    private func driftTimeline(_ model: String, version: String?, reference: DatasetProfile, range: Range<Int64>, now: Int64) async throws -> DriftTimeline {
        let spans = DashboardQuery.spans(of: range, step: DashboardQuery.step(for: range, bucket: live.bucketMilliseconds, points: Self.driftCells))
        var reports: [DatasetReport?] = []
        for span in spans { reports.append(try await windows.window(model: model, version: version, range: span, needs: [.report], now: now).report) }
        let features = reports.compactMap { $0 }.first?.drift.columns.map(\.column) ?? []
        var shareThreshold = configuration.drift.datasetDriftShare
        let cells = features.map { feature in
            reports.map { report -> DriftTimeline.Cell in
                guard let report, let column = report.drift.columns.first(where: { $0.column == feature }) else {
                    return DriftTimeline.Cell(score: nil, threshold: 0, drifted: nil, lowerIsWorse: false, missing: nil)
                }
                let quality = report.quality.first { $0.column == feature }
                return DriftTimeline.Cell(
                    score: column.result.score.isFinite ? column.result.score : nil, threshold: column.result.threshold, drifted: column.result.drifted,
                    lowerIsWorse: column.result.method.yieldsPValue, missing: quality?.missingRatio
                )
            }
        }
        if let first = reports.compactMap({ $0 }).first { shareThreshold = first.drift.datasetDriftShareThreshold }
        return DriftTimeline(spans: spans, features: features, cells: cells, share: reports.map { $0.map(\.drift.driftShare) }, shareThreshold: shareThreshold)
    }

    /// The alerts page: current alerts with why they are muted, silences, the last 100 changes.
    func alertsView(now: Int64) async throws -> AlertsView {
        let current = try await alerts.alerts()
        let muted = try await alerts.notifications.muting(current, now: now).mapValues(\.rawValue)
        var tabs: [String: DashboardQuery.Tab] = [:]
        for rule in configuration.alerting.rules {
            tabs[rule.name] = rule.metric.needsReference || rule.metric == .psi ? .data : rule.metric.needsLabels || rule.metric == .businessMean ? .quality : .operational
        }
        return AlertsView(alerts: current, muted: muted, silences: try await store.silences(), history: try await store.alertHistory(limit: 100), tabs: tabs)
    }
}
